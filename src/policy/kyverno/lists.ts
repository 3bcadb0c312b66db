/** Reading lists of strings out of policy YAML, and joining condition messages, as every rule part needs. */
import type { JsonValue } from "../../manifests/types.js";

/** The string items of a YAML list; anything else (absent, not a list) is no items. */
export function stringsOf(value: JsonValue | undefined): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === "string") : [];
}

export function joinNonEmpty(parts: readonly string[], separator: string): string {
  return parts.filter((part) => part !== "").join(separator);
}
