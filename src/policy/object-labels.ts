/**
 * An object's labels as the API server keeps them (`map[string]string`): a value that is not a
 * string is no label. Shared by match semantics and by what reads Namespace labels.
 */
import { isObject } from "../manifests/json.js";
import type { JsonObject } from "../manifests/types.js";

export function labelsOf(metadata: JsonObject | undefined): Record<string, string> {
  const labels = metadata?.["labels"];
  const result: Record<string, string> = {};
  if (isObject(labels)) {
    for (const [key, value] of Object.entries(labels)) if (typeof value === "string") result[key] = value;
  }
  return result;
}
