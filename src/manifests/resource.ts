/**
 * Naming a Kubernetes object the way the API server would: API group, scope, namespace and name.
 */
import type { JsonObject, JsonValue, ResourceRef } from "./types.js";

/** `apps/v1` -> `apps`; `v1` (the core group) -> "". */
export function apiGroupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf("/");
  return slash === -1 ? "" : apiVersion.slice(0, slash);
}

/**
 * The built-in kinds that live outside namespaces, by API group. Custom resources declare their
 * scope in a CRD we usually cannot see, so they count as namespaced (their usual scope); the group
 * is part of the key so that a CRD that reuses a built-in name (a `Node` of some operator) is not
 * mistaken for the built-in.
 */
const CLUSTER_SCOPED_KINDS: ReadonlyMap<string, ReadonlySet<string>> = new Map(
  Object.entries({
    "": ["Namespace", "Node", "PersistentVolume", "ComponentStatus"],
    "rbac.authorization.k8s.io": ["ClusterRole", "ClusterRoleBinding"],
    "apiextensions.k8s.io": ["CustomResourceDefinition"],
    "apiregistration.k8s.io": ["APIService"],
    "storage.k8s.io": ["StorageClass", "CSIDriver", "CSINode", "VolumeAttachment", "VolumeAttributesClass"],
    "scheduling.k8s.io": ["PriorityClass"],
    "networking.k8s.io": ["IngressClass", "IPAddress", "ServiceCIDR"],
    "node.k8s.io": ["RuntimeClass"],
    "admissionregistration.k8s.io": [
      "ValidatingWebhookConfiguration",
      "MutatingWebhookConfiguration",
      "ValidatingAdmissionPolicy",
      "ValidatingAdmissionPolicyBinding",
      "MutatingAdmissionPolicy",
      "MutatingAdmissionPolicyBinding",
    ],
    policy: ["PodSecurityPolicy"],
    extensions: ["PodSecurityPolicy"],
    "certificates.k8s.io": ["CertificateSigningRequest", "ClusterTrustBundle"],
    "flowcontrol.apiserver.k8s.io": ["FlowSchema", "PriorityLevelConfiguration"],
    "authentication.k8s.io": ["TokenReview", "SelfSubjectReview"],
    "authorization.k8s.io": ["SubjectAccessReview", "SelfSubjectAccessReview", "SelfSubjectRulesReview"],
    "resource.k8s.io": ["DeviceClass", "ResourceSlice"],
    "storagemigration.k8s.io": ["StorageVersionMigration"],
    "internal.apiserver.k8s.io": ["StorageVersion"],
  }).map(([group, kinds]) => [group, new Set(kinds)]),
);

export function isClusterScoped(apiVersion: string, kind: string): boolean {
  return CLUSTER_SCOPED_KINDS.get(apiGroupOf(apiVersion))?.has(kind) ?? false;
}

export function resourceRef(object: JsonObject): ResourceRef {
  const apiVersion = stringOr(object["apiVersion"], "");
  const kind = stringOr(object["kind"], "");
  const metadata = object["metadata"];
  const meta = typeof metadata === "object" && metadata !== null && !Array.isArray(metadata) ? metadata : {};
  const name = stringOr(meta["name"], "");
  const generateName = stringOr(meta["generateName"], "");
  const ref: ResourceRef = { apiVersion, kind, name: name !== "" ? name : generateName !== "" ? `${generateName}*` : "" };
  if (!isClusterScoped(apiVersion, kind)) ref.namespace = stringOr(meta["namespace"], "") || "default";
  return ref;
}

function stringOr(value: JsonValue | undefined, fallback: string): string {
  return typeof value === "string" ? value : fallback;
}
