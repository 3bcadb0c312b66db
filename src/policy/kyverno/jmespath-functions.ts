/**
 * Kyverno's custom JMESPath functions (kyverno pkg/engine/jmespath) that need no cluster, registered
 * on the JMESPath runtime once. Where a function would read the clock or randomness (`time_now`,
 * `random`), the verdict of a pull request would depend on when it runs: such a call makes the rule
 * "not evaluated" instead of guessing.
 */
import { createHash } from "node:crypto";
import { TYPE_ANY, registerFunction } from "@jmespath-community/jmespath";
import { load as loadYaml } from "js-yaml";
import type { JsonObject, JsonValue } from "../../manifests/types.js";
import { parseQuantity } from "../gatekeeper/lib/quantity.js";
import { parseGoDuration } from "./duration.js";
import { goCleanPath, goTrim } from "./go-text.js";
import { semverSatisfies } from "./semver.js";
import { normalizeImage } from "./image.js";
import { wildcardMatch } from "./wildcard.js";

type Fn = (args: JsonValue[]) => JsonValue;

let registered = false;

export function registerKyvernoFunctions(notEvaluable: (needs: string) => Error): void {
  if (registered) return;
  registered = true;
  const define = (name: string, arity: number, fn: Fn, optional = 0): void => {
    const signature = Array.from({ length: arity + optional }, (_, index) => ({ types: [TYPE_ANY], optional: index >= arity }));
    registerFunction(name, (args) => fn(args as JsonValue[]), signature, { override: true });
  };
  const never =
    (needs: string): Fn =>
    () => {
      throw notEvaluable(needs);
    };

  define("compare", 2, ([a, b]) => Math.sign(compareStrings(str(a, "compare"), str(b, "compare"))));
  define("equal_fold", 2, ([a, b]) => str(a, "equal_fold").toLowerCase() === str(b, "equal_fold").toLowerCase());
  define("replace", 4, ([s, from, to, n]) => replaceN(str(s, "replace"), str(from, "replace"), str(to, "replace"), num(n, "replace")));
  define("replace_all", 3, ([s, from, to]) => str(s, "replace_all").split(str(from, "replace_all")).join(str(to, "replace_all")));
  define("to_upper", 1, ([s]) => str(s, "to_upper").toUpperCase());
  define("to_lower", 1, ([s]) => str(s, "to_lower").toLowerCase());
  define("trim", 2, ([s, cutset]) => goTrim(str(s, "trim"), str(cutset, "trim")));
  define("trim_prefix", 2, ([s, prefix]) => {
    const text = str(s, "trim_prefix");
    const start = str(prefix, "trim_prefix");
    return text.startsWith(start) ? text.slice(start.length) : text;
  });
  define("split", 2, ([s, sep]) => goSplit(str(s, "split"), str(sep, "split")));
  define("regex_replace_all", 3, ([re, src, repl]) =>
    goRegex(str(re, "regex_replace_all"), "g")[Symbol.replace](text(src), goTemplate(str(repl, "regex_replace_all"))),
  );
  define("regex_replace_all_literal", 3, ([re, src, repl]) =>
    text(src).replace(goRegex(str(re, "regex_replace_all_literal"), "g"), () => str(repl, "regex_replace_all_literal")),
  );
  define("regex_match", 2, ([re, src]) => goRegex(str(re, "regex_match"), "").test(text(src)));
  define("pattern_match", 2, ([pattern, src]) => wildcardMatch(str(pattern, "pattern_match"), text(src)));
  define("label_match", 2, ([selector, labels]) => {
    const wanted = obj(selector, "label_match");
    const have = obj(labels, "label_match");
    return Object.entries(wanted).every(([key, value]) => Object.hasOwn(have, key) && have[key] === value);
  });
  define("to_boolean", 1, ([s]) => {
    const value = str(s, "to_boolean").toLowerCase();
    if (value === "true" || value === "false") return value === "true";
    throw new Error(`to_boolean: cannot convert "${value}" to a boolean`);
  });
  define("add", 2, ([a, b]) => arithmetic("add", a, b));
  define("subtract", 2, ([a, b]) => arithmetic("subtract", a, b));
  define("multiply", 2, ([a, b]) => arithmetic("multiply", a, b));
  define("divide", 2, ([a, b]) => arithmetic("divide", a, b));
  define("modulo", 2, ([a, b]) => arithmetic("modulo", a, b));
  define("sum", 1, ([list]) => {
    const items = arr(list, "sum");
    if (items.length === 0) throw new Error("sum: at least one element is required");
    return items.slice(1).reduce<JsonValue>((total, item) => arithmetic("add", total, item), items[0] as JsonValue);
  });
  define("round", 2, ([value, digits]) => {
    const factor = 10 ** num(digits, "round");
    return Math.round(num(value, "round") * factor) / factor;
  });
  define("base64_decode", 1, ([s]) => Buffer.from(str(s, "base64_decode"), "base64").toString("utf8"));
  define("base64_encode", 1, ([s]) => Buffer.from(str(s, "base64_encode"), "utf8").toString("base64"));
  define("path_canonicalize", 1, ([s]) => goCleanPath(str(s, "path_canonicalize")));
  define("truncate", 2, ([s, length]) => [...str(s, "truncate")].slice(0, Math.max(0, num(length, "truncate"))).join(""));
  define("semver_compare", 2, ([version, range]) => semverSatisfies(str(version, "semver_compare"), str(range, "semver_compare")));
  define("parse_json", 1, ([s]) => JSON.parse(str(s, "parse_json")) as JsonValue);
  define("parse_yaml", 1, ([s]) => (loadYaml(str(s, "parse_yaml")) ?? null) as JsonValue);
  define("lookup", 2, ([collection, key]) => {
    if (Array.isArray(collection)) return collection[num(key, "lookup")] ?? null;
    return obj(collection, "lookup")[str(key, "lookup")] ?? null;
  });
  define("items", 3, ([collection, keyName, valueName]) => {
    const k = str(keyName, "items");
    const v = str(valueName, "items");
    if (Array.isArray(collection)) return collection.map((value, index) => ({ [k]: index, [v]: value }));
    const map = obj(collection, "items");
    return Object.keys(map)
      .sort()
      .map((key) => ({ [k]: key, [v]: map[key] as JsonValue }));
  });
  define("object_from_lists", 2, ([keys, values]) => {
    const result: JsonObject = {};
    const valueList = arr(values, "object_from_lists");
    arr(keys, "object_from_lists").forEach((key, index) => (result[str(key, "object_from_lists")] = valueList[index] ?? null));
    return result;
  });
  define("image_normalize", 1, ([s]) => normalizeImage(str(s, "image_normalize")));
  define("is_external_url", 1, ([s]) => isExternalUrl(str(s, "is_external_url")));
  define("sha256", 1, ([s]) => createHash("sha256").update(str(s, "sha256")).digest("hex"));
  define("sha1", 1, ([s]) => createHash("sha1").update(str(s, "sha1")).digest("hex"));
  define("md5", 1, ([s]) => createHash("md5").update(str(s, "md5")).digest("hex"));
  define("time_utc", 1, ([t]) => rfc3339(time(t, "time_utc")));
  define("time_add", 2, ([t, d]) => rfc3339(time(t, "time_add") + duration(d, "time_add") / 1e6));
  define("time_diff", 2, ([a, b]) => goDuration((time(b, "time_diff") - time(a, "time_diff")) * 1e6));
  define("time_before", 2, ([a, b]) => time(a, "time_before") < time(b, "time_before"));
  define("time_after", 2, ([a, b]) => time(a, "time_after") > time(b, "time_after"));
  define("time_to_cron", 1, ([t]) => {
    const date = new Date(time(t, "time_to_cron"));
    return `${date.getUTCMinutes()} ${date.getUTCHours()} ${date.getUTCDate()} ${date.getUTCMonth() + 1} ${date.getUTCDay()}`;
  });
  define("time_since", 3, ([layout, start, end]) => {
    if (end === "" || end === null) throw notEvaluable("the time of admission (time_since without an end time)");
    if (layout !== "" && layout !== null) throw notEvaluable("Go time layouts (time_since with a layout)");
    return goDuration((time(end, "time_since") - time(start, "time_since")) * 1e6);
  });
  define("time_parse", 2, never("Go time layouts (time_parse)"));
  define("time_now", 0, never("the time of admission (time_now)"));
  define("time_now_utc", 0, never("the time of admission (time_now_utc)"));
  define("random", 1, never("randomness (random)"));
  define("x509_decode", 1, never("certificate decoding (x509_decode is not implemented)"));
}

function str(value: JsonValue | undefined, fn: string): string {
  if (typeof value !== "string") throw new Error(`${fn}: expected a string, got ${JSON.stringify(value ?? null)}`);
  return value;
}

function num(value: JsonValue | undefined, fn: string): number {
  if (typeof value !== "number") throw new Error(`${fn}: expected a number, got ${JSON.stringify(value ?? null)}`);
  return value;
}

function obj(value: JsonValue | undefined, fn: string): JsonObject {
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new Error(`${fn}: expected an object`);
  return value;
}

function arr(value: JsonValue | undefined, fn: string): JsonValue[] {
  if (!Array.isArray(value)) throw new Error(`${fn}: expected an array`);
  return value;
}

/** Regex functions accept a number as the source and match its decimal text, as upstream does. */
function text(value: JsonValue | undefined): string {
  if (typeof value === "number") return String(value);
  if (typeof value !== "string") throw new Error(`expected a string or number, got ${JSON.stringify(value ?? null)}`);
  return value;
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function replaceN(s: string, from: string, to: string, n: number): string {
  if (n < 0) return s.split(from).join(to);
  let result = s;
  let start = 0;
  for (let done = 0; done < n; done++) {
    const at = result.indexOf(from, start);
    if (at < 0) break;
    result = result.slice(0, at) + to + result.slice(at + from.length);
    start = at + to.length + (from === "" ? 1 : 0);
  }
  return result;
}

/** Go's strings.Split: an empty separator splits into characters; an empty string gives [""]. */
function goSplit(s: string, sep: string): string[] {
  return sep === "" ? [...s] : s.split(sep);
}

/** Go RE2 syntax that JavaScript reads differently: `(?P<name>` groups and `(?i)` flags at the start. */
function goRegex(source: string, flags: string): RegExp {
  let pattern = source.replace(/\(\?P</g, "(?<");
  let extra = "";
  const inline = /^\(\?([imsU]+)\)/.exec(pattern);
  if (inline) {
    pattern = pattern.slice(inline[0].length);
    extra = [...(inline[1] as string)].filter((flag) => flag === "i" || flag === "m" || flag === "s").join("");
  }
  return new RegExp(pattern, `${flags}${extra}u`);
}

/** Go's Regexp.Expand template: `${1}` / `$1` / `${name}`; `$$` is a dollar. */
function goTemplate(template: string): string {
  return template.replace(/\$\{(\w+)\}/g, (_, name: string) => (/^\d+$/.test(name) ? `$${name}` : `$<${name}>`));
}

function arithmetic(
  op: "add" | "subtract" | "multiply" | "divide" | "modulo",
  a: JsonValue | undefined,
  b: JsonValue | undefined,
): JsonValue {
  if (typeof a === "number" && typeof b === "number") {
    if ((op === "divide" || op === "modulo") && b === 0) throw new Error(`${op}: division by zero`);
    switch (op) {
      case "add":
        return a + b;
      case "subtract":
        return a - b;
      case "multiply":
        return a * b;
      case "divide":
        return a / b;
      case "modulo":
        if (!Number.isInteger(a) || !Number.isInteger(b)) throw new Error("modulo: non-integer argument");
        return a % b;
    }
  }
  if (typeof a === "string" && typeof b === "string" && (op === "add" || op === "subtract")) {
    const left = parseGoDuration(a);
    const right = parseGoDuration(b);
    if (left !== undefined && right !== undefined) return goDuration(op === "add" ? left + right : left - right);
  }
  const left = parseQuantity(a);
  const right = parseQuantity(b);
  if (left && right && (typeof a === "string" || typeof b === "string")) {
    // Quantities (`1Gi`, `500m`) are computed in their base unit; the result is its decimal text.
    const base = (q: { num: bigint; den: bigint }): number => Number(q.num) / Number(q.den);
    const numeric = arithmetic(op, base(left), base(right)) as number;
    return op === "divide" && typeof a === "string" && typeof b === "string" ? numeric : String(numeric);
  }
  throw new Error(`${op}: unsupported operands ${JSON.stringify(a ?? null)} and ${JSON.stringify(b ?? null)}`);
}

function duration(value: JsonValue | undefined, fn: string): number {
  const parsed = parseGoDuration(str(value, fn));
  if (parsed === undefined) throw new Error(`${fn}: invalid duration ${JSON.stringify(value)}`);
  return parsed;
}

function time(value: JsonValue | undefined, fn: string): number {
  const parsed = Date.parse(str(value, fn));
  if (Number.isNaN(parsed)) throw new Error(`${fn}: invalid RFC 3339 time ${JSON.stringify(value)}`);
  return parsed;
}

function rfc3339(ms: number): string {
  return new Date(ms).toISOString().replace(/\.000Z$/, "Z");
}

/** Go's Duration.String(): `1h2m3s`, `1.5s`, `0s`. */
function goDuration(nanoseconds: number): string {
  if (nanoseconds === 0) return "0s";
  const sign = nanoseconds < 0 ? "-" : "";
  let rest = Math.abs(nanoseconds);
  if (rest < 1e9) {
    if (rest < 1e3) return `${sign}${rest}ns`;
    if (rest < 1e6) return `${sign}${rest / 1e3}µs`;
    return `${sign}${rest / 1e6}ms`;
  }
  const hours = Math.floor(rest / 3600e9);
  rest -= hours * 3600e9;
  const minutes = Math.floor(rest / 60e9);
  rest -= minutes * 60e9;
  const seconds = `${Number((rest / 1e9).toFixed(9))}s`;
  if (hours > 0) return `${sign}${hours}h${minutes}m${seconds}`;
  if (minutes > 0) return `${sign}${minutes}m${seconds}`;
  return `${sign}${seconds}`;
}

function isExternalUrl(value: string): boolean {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  const host = url.hostname.replace(/^\[|\]$/g, "");
  if (host === "localhost") return false;
  if (/^(127\.|10\.|192\.168\.|169\.254\.|0\.)/.test(host) || /^172\.(1[6-9]|2\d|3[01])\./.test(host)) return false;
  if (host === "::1" || /^f[cd]/i.test(host) || /^fe80:/i.test(host)) return false;
  return true;
}
