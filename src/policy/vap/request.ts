/**
 * The `request` a policy's CEL sees (admission.k8s.io/v1 AdmissionRequest), built from the manifest
 * and, when it came in an AdmissionReview, the review: a plain manifest is a CREATE by nobody in
 * particular, as it will be when applied.
 */
import { apiGroupOf, isClusterScoped } from "../../manifests/resource.js";
import type { JsonObject, JsonValue } from "../../manifests/types.js";
import type { EvaluationContext } from "../types.js";
import { resourceOfKind } from "./resources.js";
import { isObject } from "../../manifests/json.js";

export interface AdmissionAttributes {
  group: string;
  version: string;
  kind: string;
  resource: string;
  name: string;
  /** "" for cluster-scoped objects. */
  namespace: string;
  operation: "CREATE" | "UPDATE" | "DELETE" | "CONNECT";
  object: JsonObject;
  oldObject: JsonObject | undefined;
  clusterScoped: boolean;
}

export function admissionAttributes(object: JsonObject, context: EvaluationContext): AdmissionAttributes {
  const apiVersion = text(object["apiVersion"]);
  const kind = text(object["kind"]);
  const metadata = isObject(object["metadata"]) ? object["metadata"] : {};
  const clusterScoped = isClusterScoped(apiVersion, kind);
  const review = context.review;
  const namespace = clusterScoped ? "" : review?.namespace || text(metadata["namespace"]) || "default";
  const slash = apiVersion.indexOf("/");
  return {
    group: apiGroupOf(apiVersion),
    version: slash < 0 ? apiVersion : apiVersion.slice(slash + 1),
    kind,
    resource: resourceOfKind(kind),
    name: review?.name || text(metadata["name"]) || text(metadata["generateName"]),
    namespace,
    operation: review?.operation ?? "CREATE",
    object,
    oldObject: review?.oldObject,
    clusterScoped,
  };
}

/** The `request` binding as JSON (converted to CEL by the caller). */
export function requestBinding(attributes: AdmissionAttributes, context: EvaluationContext): JsonObject {
  const userInfo = context.review?.userInfo;
  const kind = { group: attributes.group, version: attributes.version, kind: attributes.kind };
  const resource = { group: attributes.group, version: attributes.version, resource: attributes.resource };
  const request: JsonObject = {
    uid: "",
    kind,
    resource,
    requestKind: kind,
    requestResource: resource,
    name: attributes.name,
    namespace: attributes.namespace,
    operation: attributes.operation,
    // `request` is typed in the API server: unset fields read as empty values, never as missing keys.
    userInfo: { username: "", uid: "", groups: [], extra: {}, ...(userInfo ?? {}) } as JsonValue,
    subResource: "",
    dryRun: false,
  };
  return request;
}

/** The Namespace object of a namespaced request, from the objects under review; a stub with its name when absent. */
export function namespaceObject(attributes: AdmissionAttributes, context: EvaluationContext): JsonObject | null {
  if (attributes.clusterScoped) return null;
  return context.namespaces.get(attributes.namespace) ?? { apiVersion: "v1", kind: "Namespace", metadata: { name: attributes.namespace } };
}

function text(value: JsonValue | undefined): string {
  return typeof value === "string" ? value : "";
}
