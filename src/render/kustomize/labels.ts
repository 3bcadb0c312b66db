/**
 * `labels:`, `commonLabels:` and `commonAnnotations:`: adds key/value pairs to every map their field
 * specs reach (metadata, selectors, pod templates), creating the map where the spec says so.
 */
import type { JsonObject } from "../../manifests/types.js";
import { visitFieldSpec, type FieldSpec } from "./field-spec.js";
import { isCollection, setField, tagNew, type Place } from "./provenance.js";
import type { Resource } from "./resource.js";

export function applyPairs(
  resources: readonly Resource[],
  pairs: Record<string, string>,
  specs: readonly FieldSpec[],
  place: Place,
  pairPlace: (key: string) => Place,
): void {
  if (Object.keys(pairs).length === 0) return;
  for (const resource of resources) {
    const gvk = resource.gvk();
    for (const spec of specs) {
      visitFieldSpec(
        resource.object,
        gvk,
        spec,
        (parent, key, value) => {
          let map = value;
          if (map === null || map === "") {
            map = tagNew({}, place);
            (parent as JsonObject)[key as string] = map;
          }
          if (!isCollection(map) || Array.isArray(map))
            throw new Error(`labels/annotations field '${spec.path}' of ${gvk.kind} is not a mapping`);
          for (const [name, text] of Object.entries(pairs)) setField(map, name, text, pairPlace(name));
        },
        "map",
        place,
      );
    }
  }
}

export function pairsOf(value: unknown): Record<string, string> {
  const result: Record<string, string> = {};
  if (!isCollection(value as never) || Array.isArray(value)) return result;
  for (const [key, item] of Object.entries(value as JsonObject)) result[key] = item === null ? "" : String(item);
  return result;
}
