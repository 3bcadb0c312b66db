/**
 * The library's shared `exemptImages` parameter (`lib.exempt_container.is_exempt`): an entry matches
 * an image exactly, or, when it ends in `*`, as a prefix — `*` is only special at the end.
 */
import type { JsonValue } from "../../../manifests/types.js";

export function matchesImagePattern(image: string, pattern: string): boolean {
  return pattern.endsWith("*") ? image.startsWith(pattern.slice(0, -1)) : image === pattern;
}

/** Whether a container's image is exempt; a container without an image is never exempt. */
export function isExemptImage(image: JsonValue | undefined, exemptImages: readonly string[] | undefined): boolean {
  if (typeof image !== "string" || !exemptImages) return false;
  return exemptImages.some((pattern) => matchesImagePattern(image, pattern));
}
