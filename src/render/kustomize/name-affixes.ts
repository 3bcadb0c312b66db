/**
 * `namePrefix:` and `nameSuffix:`: renames every resource except CRDs, APIServices and Namespaces, and
 * remembers the old name so that references to it are updated at the end of the render.
 */
import type { JsonObject } from "../../manifests/types.js";
import { specSelects, visitFieldSpec, type FieldSpec } from "./field-spec.js";
import { setField, type Place } from "./provenance.js";
import type { Resource } from "./resource.js";
import { gvkSelected } from "./resource-id.js";

const NEVER_RENAMED = [
  { kind: "CustomResourceDefinition" },
  { group: "apiregistration.k8s.io", kind: "APIService" },
  { kind: "Namespace" },
];

export function applyNameAffix(
  resources: readonly Resource[],
  affix: string,
  position: "prefix" | "suffix",
  specs: readonly FieldSpec[],
  place: Place,
): void {
  for (const resource of resources) {
    const original = resource.originalId();
    if (NEVER_RENAMED.some((selector) => gvkSelected(original, selector))) continue;
    for (const spec of specs) {
      if (!specSelects(spec, original)) continue;
      if (spec.path === "metadata/name") {
        if (affix !== "") {
          (position === "prefix" ? resource.prefixes : resource.suffixes).push(affix);
          resource.storePreviousId();
        }
      }
      visitFieldSpec(
        resource.object,
        resource.gvk(),
        { ...spec, group: undefined, version: undefined, kind: undefined },
        (parent, key, value) => {
          if (Array.isArray(parent) || typeof value !== "string") return;
          setField(parent as JsonObject, String(key), position === "prefix" ? affix + value : value + affix, place);
        },
        undefined,
        place,
      );
    }
  }
}
