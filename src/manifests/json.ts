/** The one guard for "a JSON object" (a YAML mapping): not null, not an array. */
import type { JsonObject, JsonValue } from "./types.js";

export function isObject(value: JsonValue | undefined): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
