/**
 * The CEL bindings of an admission policy for one object: `object`, `oldObject`, `request`,
 * `namespaceObject`, `params` (the API server's names), converted to CEL values once per object.
 */
import type { FieldPath, JsonObject } from "../../manifests/types.js";
import { nodePaths } from "../cel/blame.js";
import { toCel } from "../cel/index.js";
import type { EvaluationContext } from "../types.js";
import { admissionAttributes, namespaceObject, requestBinding, type AdmissionAttributes } from "./request.js";

export interface AdmissionBindings {
  attributes: AdmissionAttributes;
  bindings: Record<string, unknown>;
  paths: ReadonlyMap<unknown, FieldPath>;
}

const pathsCache = new WeakMap<JsonObject, Map<unknown, FieldPath>>();

export function admissionBindings(object: JsonObject, context: EvaluationContext): AdmissionBindings {
  const attributes = admissionAttributes(object, context);
  // On DELETE the API server gives CEL no `object`, only the `oldObject` being deleted.
  const deleting = attributes.operation === "DELETE";
  const bindings: Record<string, unknown> = {
    object: deleting ? null : toCel(object),
    oldObject: deleting ? toCel(attributes.oldObject ?? object) : toCel(attributes.oldObject ?? null),
    request: toCel(requestBinding(attributes, context)),
    namespaceObject: toCel(namespaceObject(attributes, context)),
    params: null,
  };
  let paths = pathsCache.get(object);
  if (!paths) {
    paths = nodePaths(toCel(object));
    pathsCache.set(object, paths);
  }
  return { attributes, bindings, paths };
}
