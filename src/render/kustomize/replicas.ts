/**
 * `replicas:`: sets the replica count of the workloads with the given (current or earlier) name.
 * A name that matches no workload is an error, as in kustomize.
 */
import type { JsonObject } from "../../manifests/types.js";
import { specSelects, visitFieldSpec, type FieldSpec } from "./field-spec.js";
import { setField, type Place } from "./provenance.js";
import type { Resource } from "./resource.js";

export class ReplicasError extends Error {}

export function applyReplicas(
  resources: readonly Resource[],
  name: string,
  count: number,
  specs: readonly FieldSpec[],
  place: Place,
): void {
  let found = false;
  for (const spec of specs) {
    const matching = resources.filter((resource) => resource.allIds().some((id) => id.name === name && specSelects(spec, id)));
    for (const resource of matching) {
      found = true;
      visitFieldSpec(
        resource.object,
        resource.gvk(),
        spec,
        (parent, key) => {
          if (!Array.isArray(parent)) setField(parent as JsonObject, String(key), count, place);
        },
        "scalar",
        place,
      );
    }
  }
  if (!found)
    throw new ReplicasError(
      `resource with name ${name} does not match a config with the following GVK ${specs.map((spec) => spec.kind).join(",")}`,
    );
}
