/**
 * An object's labels as the API server keeps them (`map[string]string`): a value that is not a
 * string is no label. Shared by match semantics and by what reads Namespace labels.
 */
import { isObject } from "../manifests/json.js";
import type { JsonObject } from "../manifests/types.js";

export function labelsOf(metadata: JsonObject | undefined): Record<string, string> {
  const labels = metadata?.["labels"];
  if (!isObject(labels)) return {};
  // fromEntries defines own properties, so a `__proto__` label stays a label (an assignment would set the prototype).
  return Object.fromEntries(Object.entries(labels).filter((entry): entry is [string, string] => typeof entry[1] === "string"));
}
