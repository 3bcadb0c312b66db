/**
 * Which admission requests Pod Security admission evaluates at all, for an object read from an
 * AdmissionReview (a plain manifest is a CREATE, always evaluated). Upstream
 * (k8s.io/pod-security-admission `admission.go`, and the in-tree plugin registered with
 * `admission.NewHandler(admission.Create, admission.Update)`):
 * - only CREATE and UPDATE are evaluated; DELETE and CONNECT are always allowed;
 * - an UPDATE of a Pod is evaluated only when it changes what its checks can see change on a running
 *   Pod (`isSignificantPodUpdate`): the number of containers or init containers, an image, a
 *   container's seccomp annotation, or an ephemeral container. Everything else in a Pod spec is
 *   immutable, so it was judged when the Pod was created.
 * Pod controllers (a Deployment's template) have no such exemption: every UPDATE is evaluated.
 */
import type { AdmissionRequest, JsonObject, JsonValue } from "../../manifests/types.js";

const SECCOMP_CONTAINER_ANNOTATION_PREFIX = "container.seccomp.security.alpha.kubernetes.io/";

export function evaluatesRequest(pod: JsonObject, review: AdmissionRequest | undefined): boolean {
  if (!review) return true;
  if (review.operation !== "CREATE" && review.operation !== "UPDATE") return false;
  if (review.operation === "CREATE") return true;
  const old = review.oldObject;
  // Without the old Pod nothing says the update is harmless: evaluate (the API server always sends it).
  if (!old || !isCorePod(old) || !isCorePod(pod)) return true;
  return isSignificantPodUpdate(pod, old);
}

function isCorePod(object: JsonObject): boolean {
  return object["kind"] === "Pod" && object["apiVersion"] === "v1";
}

function isSignificantPodUpdate(pod: JsonObject, oldPod: JsonObject): boolean {
  const annotations = annotationsOf(pod);
  const oldAnnotations = annotationsOf(oldPod);
  for (const list of ["containers", "initContainers"]) {
    const containers = listOf(pod, list);
    const oldContainers = listOf(oldPod, list);
    if (containers.length !== oldContainers.length) return true;
    if (containers.some((container, i) => isSignificantContainerUpdate(container, oldContainers[i], annotations, oldAnnotations)))
      return true;
  }
  const oldEphemeral = listOf(oldPod, "ephemeralContainers");
  for (const container of listOf(pod, "ephemeralContainers")) {
    const name = field(container, "name");
    const old = oldEphemeral.find((candidate) => same(field(candidate, "name"), name));
    if (old === undefined) return true; // an ephemeral container was added
    if (isSignificantContainerUpdate(container, old, annotations, oldAnnotations)) return true;
  }
  return false;
}

function isSignificantContainerUpdate(
  container: JsonValue,
  old: JsonValue | undefined,
  annotations: JsonValue | undefined,
  oldAnnotations: JsonValue | undefined,
): boolean {
  if (!same(field(container, "image"), field(old, "image"))) return true;
  const name = field(container, "name");
  const key = `${SECCOMP_CONTAINER_ANNOTATION_PREFIX}${typeof name === "string" ? name : ""}`;
  return !same(field(annotations, key), field(oldAnnotations, key));
}

function annotationsOf(pod: JsonObject): JsonValue | undefined {
  return field(pod["metadata"], "annotations");
}

function listOf(pod: JsonObject, list: string): JsonValue[] {
  const value = field(pod["spec"], list);
  return Array.isArray(value) ? value : [];
}

function field(value: JsonValue | undefined, key: string): JsonValue | undefined {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return undefined;
  return value[key];
}

/**
 * Go compares the decoded strings, where absent and `null` are both "". Anything that is not a
 * string would not decode at all, so it counts as a change (evaluated: fail closed).
 */
function same(a: JsonValue | undefined, b: JsonValue | undefined): boolean {
  const plain = (value: JsonValue | undefined): string | undefined =>
    value === undefined || value === null ? "" : typeof value === "string" ? value : undefined;
  const pa = plain(a);
  const pb = plain(b);
  return pa !== undefined && pb !== undefined && pa === pb;
}
