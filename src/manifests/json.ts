/** The one guard for "a JSON object" (a YAML mapping): not null, not an array. */
import type { JsonObject, JsonValue } from "./types.js";

export function isObject(value: JsonValue | undefined): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The value if it is a JSON object (a YAML mapping), else undefined: for reading optional fields. */
export function asObject(value: JsonValue | undefined): JsonObject | undefined {
  return isObject(value) ? value : undefined;
}
