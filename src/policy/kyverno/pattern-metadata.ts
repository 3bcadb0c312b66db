/**
 * Wildcard keys under `metadata.labels` / `metadata.annotations` of a pattern (e.g. `app.kubernetes.io/*` as a label key) stand
 * for a matching key of the resource (kyverno pkg/engine/wildcards ExpandInMetadata): before the walk,
 * such a key is replaced by the first resource key it matches, so the value pattern is checked there.
 * Like upstream, only string values survive the rewrite.
 */
import type { JsonObject } from "../../manifests/types.js";
import { anchorText, parseAnchor } from "./anchor.js";
import { containsWildcard, wildcardMatch } from "./wildcard.js";
import { isObject } from "../../manifests/json.js";

/** Whether a pattern's metadata labels/annotations hold a wildcard key or a non-string value: found once per pattern. */
const rewritable = new WeakMap<JsonObject, boolean>();

export function expandMetadataWildcards(pattern: JsonObject, resource: JsonObject): JsonObject {
  let rewrites = rewritable.get(pattern);
  if (rewrites === undefined) {
    rewrites = mayRewrite(pattern);
    rewritable.set(pattern, rewrites);
  }
  // Without wildcard keys or values to drop, the rewrite copies the pattern as it is.
  if (!rewrites) return pattern;
  const metadataKey = keyFor(pattern, "metadata");
  const patternMetadata = metadataKey === undefined ? undefined : pattern[metadataKey];
  const resourceMetadata = resource["metadata"];
  if (!isObject(patternMetadata) || !isObject(resourceMetadata)) return pattern;
  let expanded: JsonObject | undefined;
  for (const tag of ["labels", "annotations"]) {
    const tagKey = keyFor(patternMetadata, tag);
    const patternValues = tagKey === undefined ? undefined : patternMetadata[tagKey];
    const resourceValues = resourceMetadata[keyFor(resourceMetadata, tag) ?? tag];
    if (tagKey === undefined || !isObject(patternValues) || !isObject(resourceValues)) continue;
    const replaced: JsonObject = {};
    for (const [key, value] of Object.entries(patternValues)) {
      if (typeof value !== "string") continue; // upstream keeps only string values here
      if (!containsWildcard(key)) {
        replaced[key] = value;
        continue;
      }
      const anchor = parseAnchor(key);
      const bare = anchor?.key ?? key;
      const match = Object.keys(resourceValues).find((candidate) => wildcardMatch(bare, candidate));
      const resolved = match ?? bare;
      replaced[anchor ? anchorText(anchor.type, resolved) : resolved] = value;
    }
    expanded ??= { ...patternMetadata };
    expanded[tagKey] = replaced;
  }
  return expanded ? { ...pattern, [metadataKey as string]: expanded } : pattern;
}

function mayRewrite(pattern: JsonObject): boolean {
  const metadataKey = keyFor(pattern, "metadata");
  const metadata = metadataKey === undefined ? undefined : pattern[metadataKey];
  if (!isObject(metadata)) return false;
  return ["labels", "annotations"].some((tag) => {
    const tagKey = keyFor(metadata, tag);
    const values = tagKey === undefined ? undefined : metadata[tagKey];
    return isObject(values) && Object.entries(values).some(([key, value]) => typeof value !== "string" || containsWildcard(key));
  });
}

function keyFor(map: JsonObject, tag: string): string | undefined {
  return Object.keys(map).find((key) => key === tag || parseAnchor(key)?.key === tag);
}
