/**
 * Rego's `sprintf("%v", [x])`, so messages read exactly as Gatekeeper prints them (the library's
 * suites assert messages by regex). A string argument prints bare; anything else prints as OPA's
 * term syntax: `["a", "b"]`, `{"k": 1}` with sorted keys, and sets as `{"a", "b"}` (sorted) or `set()`.
 */
import type { JsonValue } from "../../../manifests/types.js";

/** A Rego set: unique values in OPA's sort order. Built by set comprehensions in the templates. */
export class RegoSet {
  readonly values: readonly RegoValue[];
  constructor(values: Iterable<RegoValue>) {
    const sorted = [...values].sort(compareRego);
    this.values = sorted.filter((v, i) => i === 0 || compareRego(sorted[i - 1] as RegoValue, v) !== 0);
  }
  get size(): number {
    return this.values.length;
  }
  has(value: RegoValue): boolean {
    return this.values.some((v) => compareRego(v, value) === 0);
  }
  /** `a - b` */
  minus(other: RegoSet): RegoSet {
    return new RegoSet(this.values.filter((v) => !other.has(v)));
  }
}

export type RegoValue = JsonValue | RegoSet;

/** One `%v` argument. */
export function formatArg(value: RegoValue | undefined): string {
  if (typeof value === "string") return value;
  return formatTerm(value);
}

/** A value printed as a Rego term (strings quoted), as inside composites. */
export function formatTerm(value: RegoValue | undefined): string {
  if (value === undefined) return "undefined";
  if (value === null) return "null";
  if (value instanceof RegoSet) {
    return value.size === 0 ? "set()" : `{${value.values.map(formatTerm).join(", ")}}`;
  }
  if (Array.isArray(value)) return `[${value.map(formatTerm).join(", ")}]`;
  if (typeof value === "object") {
    const keys = Object.keys(value).sort(compareStrings);
    return `{${keys.map((k) => `${JSON.stringify(k)}: ${formatTerm(value[k])}`).join(", ")}}`;
  }
  if (typeof value === "string") return JSON.stringify(value);
  return String(value);
}

/** OPA's total order on values: null < boolean < number < string < array < object < set. */
export function compareRego(a: RegoValue, b: RegoValue): number {
  const rank = typeRank(a) - typeRank(b);
  if (rank !== 0) return rank;
  if (a === null || b === null) return 0;
  if (typeof a === "boolean" && typeof b === "boolean") return Number(a) - Number(b);
  if (typeof a === "number" && typeof b === "number") return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === "string" && typeof b === "string") return compareStrings(a, b);
  if (a instanceof RegoSet && b instanceof RegoSet) return compareSequences(a.values, b.values);
  if (Array.isArray(a) && Array.isArray(b)) return compareSequences(a, b);
  if (typeof a === "object" && typeof b === "object" && !Array.isArray(a) && !Array.isArray(b)) {
    const ak = Object.keys(a).sort(compareStrings);
    const bk = Object.keys(b as object).sort(compareStrings);
    for (let i = 0; i < Math.min(ak.length, bk.length); i++) {
      const keyOrder = compareStrings(ak[i] as string, bk[i] as string);
      if (keyOrder !== 0) return keyOrder;
      const valueOrder = compareRego(
        (a as Record<string, JsonValue>)[ak[i] as string] as JsonValue,
        (b as Record<string, JsonValue>)[bk[i] as string] as JsonValue,
      );
      if (valueOrder !== 0) return valueOrder;
    }
    return ak.length - bk.length;
  }
  return 0;
}

function typeRank(v: RegoValue): number {
  if (v === null) return 0;
  if (typeof v === "boolean") return 1;
  if (typeof v === "number") return 2;
  if (typeof v === "string") return 3;
  if (Array.isArray(v)) return 6;
  if (v instanceof RegoSet) return 8;
  return 7;
}

function compareSequences(a: readonly RegoValue[], b: readonly RegoValue[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const order = compareRego(a[i] as RegoValue, b[i] as RegoValue);
    if (order !== 0) return order;
  }
  return a.length - b.length;
}

const SURROGATE = /[\uD800-\uDFFF]/;

/**
 * Byte order of UTF-8, as Go compares strings. JavaScript's UTF-16 order is the same except when a
 * character beyond the BMP (a surrogate pair) meets one in U+E000..U+FFFF.
 */
function compareStrings(a: string, b: string): number {
  if (a === b) return 0;
  if (!SURROGATE.test(a) && !SURROGATE.test(b)) return a < b ? -1 : 1;
  return Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"));
}

/**
 * A message as the template's `sprintf` builds it: each interpolated value is printed like `%v`.
 *   msg`container <${name}> has an invalid image repo <${image}>, allowed repos are ${repos}`
 */
export function msg(parts: TemplateStringsArray, ...values: (RegoValue | undefined)[]): string {
  let out = parts[0] ?? "";
  values.forEach((value, i) => {
    out += formatArg(value) + (parts[i + 1] ?? "");
  });
  return out;
}
