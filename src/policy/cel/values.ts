/**
 * JSON values in and out of CEL. The API server hands CEL an unstructured object whose JSON integers
 * are `int` and whose other numbers are `double`; cel-js represents `int` as bigint, so integers are
 * converted on the way in (a JS number would compare as a double and `size(x) == 1` would still hold,
 * but `x / 2` would not truncate the way the API server's does).
 */
import type { JsonValue } from "../../manifests/types.js";

const converted = new WeakMap<object, unknown>();

/** A JSON value as CEL sees it. Objects are memoised: one manifest is judged by many expressions. */
export function toCel(value: JsonValue | undefined): unknown {
  if (value === undefined || value === null) return null;
  if (typeof value === "number") return Number.isInteger(value) && Number.isSafeInteger(value) ? BigInt(value) : value;
  if (typeof value !== "object") return value;
  const cached = converted.get(value);
  if (cached !== undefined) return cached;
  let result: unknown;
  if (Array.isArray(value)) {
    result = value.map((item) => toCel(item));
  } else {
    // A Map, not a plain object: keys such as `constructor` or `__proto__` must be data, never JS members.
    const map = new Map<string, unknown>();
    for (const [key, item] of Object.entries(value)) map.set(key, toCel(item));
    result = map;
  }
  converted.set(value, result);
  return result;
}

/** A CEL value back to JSON (for `variables` shown in messages and for params written by CEL). */
export function fromCel(value: unknown): JsonValue {
  if (value === null || value === undefined) return null;
  if (typeof value === "bigint") return Number(value);
  if (typeof value === "number" || typeof value === "string" || typeof value === "boolean") return value;
  if (Array.isArray(value)) return value.map(fromCel);
  if (value instanceof Map) {
    const out: Record<string, JsonValue> = {};
    for (const [key, item] of value) out[String(key)] = fromCel(item);
    return out;
  }
  if (value instanceof Uint8Array) return Buffer.from(value).toString("base64");
  if (value instanceof Date) return value.toISOString();
  if (typeof value === "object") {
    const out: Record<string, JsonValue> = {};
    for (const [key, item] of Object.entries(value as Record<string, unknown>)) out[key] = fromCel(item);
    return out;
  }
  return String(value);
}

/** A short human rendering of a CEL value, as error messages quote it. */
export function describeCel(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  const json = JSON.stringify(fromCel(value));
  return json.length > 120 ? `${json.slice(0, 117)}...` : json;
}
