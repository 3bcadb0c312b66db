/** CEL ordering and equality of plain values, for the library functions that compare list items. */
import { celError } from "./errors.js";

/** CEL's cross-type numeric ordering (the API server enables it), strings by code point, bools false < true. */
export function compareValues(a: unknown, b: unknown): number {
  const numeric = (x: unknown): x is number | bigint => typeof x === "number" || typeof x === "bigint";
  if (numeric(a) && numeric(b)) {
    if (typeof a === "bigint" && typeof b === "bigint") return a < b ? -1 : a > b ? 1 : 0;
    const x = Number(a);
    const y = Number(b);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if (typeof a === "string" && typeof b === "string") return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === "boolean" && typeof b === "boolean") return Number(a) - Number(b);
  if (a instanceof Date && b instanceof Date) return a.getTime() - b.getTime();
  return celError(`cannot compare ${typeName(a)} with ${typeName(b)}`);
}

export function valuesEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if ((typeof a === "number" || typeof a === "bigint") && (typeof b === "number" || typeof b === "bigint")) return Number(a) === Number(b);
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((item, i) => valuesEqual(item, b[i]));
  const entries = (x: unknown): [unknown, unknown][] | undefined =>
    x instanceof Map
      ? [...x.entries()]
      : x && typeof x === "object" && !Array.isArray(x) && Object.getPrototypeOf(x) === Object.prototype
        ? Object.entries(x)
        : undefined;
  const left = entries(a);
  const right = entries(b);
  if (left && right) {
    if (left.length !== right.length) return false;
    const lookup = new Map(right);
    return left.every(([key, value]) => lookup.has(key) && valuesEqual(value, lookup.get(key)));
  }
  return false;
}

function typeName(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "list";
  if (value instanceof Map) return "map";
  return typeof value === "bigint" ? "int" : typeof value === "number" ? "double" : typeof value;
}
