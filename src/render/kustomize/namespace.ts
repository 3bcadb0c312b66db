/**
 * The `namespace:` transformer: sets the namespace of every namespaced resource, the fields its field
 * specs name (a Namespace's own name, an APIService's service), and the namespace of (Cluster)RoleBinding
 * subjects named `default` — kustomize v5's default subject mode.
 */
import type { JsonObject } from "../../manifests/types.js";
import { visitFieldSpec, type FieldSpec } from "./field-spec.js";
import { isCollection, setField, type Place } from "./provenance.js";
import type { Resource } from "./resource.js";
import { idKey, isClusterScopedGvk } from "./resource-id.js";

export class NamespaceConflictError extends Error {}

/**
 * `checkConflicts: false` is for kustomize's value-add filter, which sets namespaces without the
 * namespace transformer's check that no two resources end up with the same id.
 */
export function applyNamespace(
  resources: readonly Resource[],
  namespace: string,
  specs: readonly FieldSpec[],
  place: Place,
  options: { checkConflicts: boolean } = { checkConflicts: true },
): void {
  for (const resource of resources) {
    resource.storePreviousId();
    const gvk = resource.gvk();
    const object = resource.object;
    const setter = (parent: JsonObject | unknown[], key: string | number): void => {
      if (Array.isArray(parent)) return;
      setField(parent as JsonObject, String(key), namespace, place);
    };
    if (!isClusterScopedGvk(gvk)) {
      let metadata = object.metadata;
      if (!isCollection(metadata) || Array.isArray(metadata)) {
        metadata = {};
        setField(object, "metadata", metadata, place);
      }
      setField(metadata as JsonObject, "namespace", namespace, place);
    }
    let applicable = specs.filter(
      (spec) => spec.path !== "metadata/namespace" && (resource.apiVersion === "v1" || spec.path !== "metadata/name"),
    );
    if (gvk.kind === "RoleBinding" || gvk.kind === "ClusterRoleBinding") {
      applicable = applicable.filter(
        (spec) => !(spec.path === "subjects/namespace" && (spec.kind === "RoleBinding" || spec.kind === "ClusterRoleBinding")),
      );
      const subjects = object.subjects;
      if (Array.isArray(subjects)) {
        for (const subject of subjects) {
          if (isCollection(subject) && !Array.isArray(subject) && subject.name === "default")
            setField(subject, "namespace", namespace, place);
        }
      }
    }
    for (const spec of applicable) visitFieldSpec(object, gvk, spec, setter, "scalar", place);
  }
  if (!options.checkConflicts) return;
  const seen = new Set<string>();
  for (const resource of resources) {
    const id = resource.currentId();
    const key = idKey(id);
    if (seen.has(key)) throw new NamespaceConflictError(`namespace transformation produces ID conflict for ${id.kind} ${id.name}`);
    seen.add(key);
  }
}
