/**
 * `images:`: rewrites the name, tag or digest of matching container images, both in the fields the
 * image field specs name and in any `containers`/`initContainers` list anywhere in the object (the
 * walk kustomize keeps for custom kinds). CRDs are left alone.
 */
import type { JsonObject, JsonValue } from "../../manifests/types.js";
import { visitFieldSpec, type FieldSpec } from "./field-spec.js";
import { isCollection, markField, type Place } from "./provenance.js";
import type { Resource } from "./resource.js";

export interface ImageRule {
  name: string;
  newName?: string;
  newTag?: string;
  digest?: string;
  tagSuffix?: string;
}

function escapeNothing(pattern: string): RegExp | undefined {
  try {
    return new RegExp(`^${pattern}(:[a-zA-Z0-9_.{}-]*)?(@[a-zA-Z0-9]+([.+_-][a-zA-Z0-9]+)*:[a-zA-Z0-9_.{}-]*)?$`);
  } catch {
    return undefined;
  }
}

/** Splits an image reference into name, tag and digest, as kustomize does. */
export function splitImage(image: string): { name: string; tag: string; digest: string } {
  const slash = image.indexOf("/");
  const offset = slash > 0 ? slash : 0;
  const search = image.slice(offset);
  let at = search.indexOf("@");
  let colon = search.indexOf(":");
  if (colon < 0 && at < 0) return { name: image, tag: "", digest: "" };
  if (at >= 0 && (at < colon || colon < 0)) {
    at += offset;
    return { name: image.slice(0, at), tag: "", digest: image.slice(at + 1) };
  }
  if (at >= 0 && colon >= 0) {
    at += offset;
    colon += offset;
    return { name: image.slice(0, colon), tag: image.slice(colon + 1, at), digest: image.slice(at + 1) };
  }
  colon += offset;
  return { name: image.slice(0, colon), tag: image.slice(colon + 1), digest: "" };
}

export function rewriteImage(image: string, rule: ImageRule): string | undefined {
  const pattern = escapeNothing(rule.name);
  if (!pattern || !pattern.test(image)) return undefined;
  let { name, tag, digest } = splitImage(image);
  if (rule.newName) name = rule.newName;
  if (rule.newTag && rule.digest) {
    tag = rule.newTag;
    digest = rule.digest;
  } else if (rule.newTag) {
    tag = rule.newTag;
    digest = "";
  } else if (rule.digest) {
    tag = "";
    digest = rule.digest;
  } else if (rule.tagSuffix) {
    tag += rule.tagSuffix;
    digest = "";
  }
  if (tag !== "") name += `:${tag}`;
  if (digest !== "") name += `@${digest}`;
  return name;
}

function updateField(container: JsonObject | JsonValue[], key: string | number, value: JsonValue, rule: ImageRule, place: Place): void {
  if (typeof value !== "string") return;
  const updated = rewriteImage(value, rule);
  if (updated === undefined) return;
  (container as Record<string | number, JsonValue>)[key] = updated;
  markField(container, key, place);
}

/** Every `containers`/`initContainers` list anywhere in the object (kustomize's legacy image walk). */
function walkContainers(node: JsonValue, rule: ImageRule, place: Place): void {
  if (Array.isArray(node)) {
    for (const item of node) walkContainers(item, rule, place);
    return;
  }
  if (!isCollection(node)) return;
  for (const key of Object.keys(node)) {
    const value = node[key] as JsonValue;
    walkContainers(value, rule, place);
    if ((key === "containers" || key === "initContainers") && Array.isArray(value)) {
      for (const container of value) {
        if (isCollection(container) && !Array.isArray(container) && container.image !== undefined)
          updateField(container, "image", container.image, rule, place);
      }
    }
  }
}

export function applyImage(resources: readonly Resource[], rule: ImageRule, specs: readonly FieldSpec[], place: Place): void {
  for (const resource of resources) {
    if (resource.kind === "CustomResourceDefinition") continue;
    walkContainers(resource.object, rule, place);
  }
  for (const resource of resources) {
    if (resource.kind === "CustomResourceDefinition") continue;
    for (const spec of specs) {
      visitFieldSpec(
        resource.object,
        resource.gvk(),
        { ...spec, create: false },
        (parent, key, value) => updateField(parent, key, value, rule, place),
        undefined,
        place,
      );
    }
  }
}
