/**
 * Defaults the API server fills in before admission webhooks run. Gatekeeper never sees a
 * Deployment without `spec.replicas`: defaulting sets it to 1 first. A manifest in a repository is
 * judged as the object the API server would hand to Gatekeeper.
 */
import type { JsonObject, JsonValue } from "../../../manifests/types.js";
import { get } from "./json.js";

const KINDS_WITH_DEFAULT_REPLICAS = new Set(["Deployment", "ReplicaSet", "StatefulSet", "ReplicationController"]);

/** `spec.replicas`, or 1 where the API server defaults it; undefined for kinds without replicas. */
export function replicasOf(object: JsonObject): JsonValue | undefined {
  const replicas = get(object, "spec", "replicas");
  if (replicas !== undefined) return replicas;
  const kind = get(object, "kind");
  return typeof kind === "string" && KINDS_WITH_DEFAULT_REPLICAS.has(kind) && get(object, "spec") !== undefined ? 1 : undefined;
}
