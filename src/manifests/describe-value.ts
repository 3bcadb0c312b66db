import type { JsonValue } from "./types.js";

/** A value as error messages name it: `the string "true"`, `the boolean true`, `a mapping`. */
export function describeValue(value: JsonValue): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a sequence";
  if (typeof value === "object") return "a mapping";
  if (typeof value === "string") return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value)}`;
  return `the ${typeof value} ${String(value)}`;
}
