/**
 * The `params` a binding hands its policy: objects of the policy's `paramKind` found among the policy
 * files (ConfigMaps, or custom resources whose CRD the cluster would have), chosen by the binding's
 * `paramRef` by name or label selector. A param object that names no namespace matches any: we cannot
 * know where it will be applied, and an unmatched param would silently turn a policy off.
 */
import type { JsonObject } from "../../manifests/types.js";
import { selectorMatches } from "../match.js";
import { labelsOf } from "../object-labels.js";
import type { ParamKind, ParamRef } from "./read.js";
import { isObject } from "../../manifests/json.js";

export interface ParamObject {
  object: JsonObject;
  file: string;
  line: number;
}

export function isParamOf(object: JsonObject, kind: ParamKind): boolean {
  return object["apiVersion"] === kind.apiVersion && object["kind"] === kind.kind;
}

/** The params for one request: the ref's name or selector, in the ref's namespace or else the request's. */
export function selectParams(candidates: readonly ParamObject[], ref: ParamRef, requestNamespace: string): JsonObject[] {
  return candidates
    .map((candidate) => candidate.object)
    .filter((object) => {
      const metadata = isObject(object["metadata"]) ? object["metadata"] : {};
      const namespace = typeof metadata["namespace"] === "string" ? metadata["namespace"] : "";
      const wanted = ref.namespace ?? requestNamespace;
      if (namespace !== "" && wanted !== "" && namespace !== wanted) return false;
      if (ref.name !== undefined) return metadata["name"] === ref.name;
      return ref.selector !== undefined && selectorMatches(ref.selector, labelsOf(metadata));
    });
}
