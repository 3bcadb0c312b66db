/**
 * K8sReplicaLimits — upstream template `library/general/replicalimits` (v1.0.2).
 * An object's `spec.replicas` must fall inside one of `ranges` (inclusive). Workloads that leave
 * `replicas` out are judged with the API server's default of 1 (see lib/defaults.ts).
 */
import type { JsonObject } from "../../manifests/types.js";
import { defineKind } from "./lib/define.js";
import { replicasOf } from "./lib/defaults.js";
import { get } from "./lib/json.js";
import { compareRego, msg } from "./lib/rego-format.js";
import { reviewKind } from "./lib/review.js";
import { arrayOf, int, obj } from "./lib/schema.js";

interface Range {
  min_replicas?: number;
  max_replicas?: number;
}

interface Parameters {
  ranges: Range[];
}

export const replicaLimits = defineKind<Parameters>({
  kind: "K8sReplicaLimits",
  template: "library/general/replicalimits",
  description:
    "Requires that objects with the field `spec.replicas` (Deployments, ReplicaSets, etc.) specify a number of replicas within defined ranges.",
  fix: "Set `spec.replicas` within one of the constraint's ranges.",
  target: "object",
  // `ranges` is required here: upstream flags every object when it is missing or empty.
  parameters: obj({ ranges: arrayOf(obj({ min_replicas: int, max_replicas: int })) }, ["ranges"]),
  build: (parameters) => (object) => {
    if (get(object, "spec") === undefined) return [];
    const replicas = replicasOf(object);
    const allowed =
      replicas !== undefined &&
      parameters.ranges.some(
        (range) =>
          range.min_replicas !== undefined &&
          range.max_replicas !== undefined &&
          compareRego(range.min_replicas, replicas) <= 0 &&
          compareRego(range.max_replicas, replicas) >= 0,
      );
    if (allowed) return [];
    return [
      {
        message: msg`The provided number of replicas is not allowed for ${reviewKind(object).kind}: ${get(object, "metadata", "name")}. Allowed ranges: ${parameters as unknown as JsonObject}`,
        path: ["spec", "replicas"],
      },
    ];
  },
});
