/**
 * K8sHorizontalPodAutoscaler — upstream template `library/general/horizontalpodautoscaler` (v1.0.1).
 * For HorizontalPodAutoscalers: `minReplicas`..`maxReplicas` must lie inside one of `ranges`; their
 * spread must be at least `minimumReplicaSpread`; with `enforceScaleTargetRef`, the scale target must
 * exist — in the inventory (every manifest under review), where Gatekeeper reads its synced cluster.
 * Each check is active only when its parameter is given, as upstream. `minReplicas` left out is
 * judged as the API server's default of 1.
 *
 * Message wording: upstream's range message has six `%v` for five values and so ends in Go's
 * `%!v(MISSING)`; here it ends with the allowed ranges, as evidently intended.
 */
import type { JsonObject, JsonValue } from "../../manifests/types.js";
import type { Violation } from "../types.js";
import { defineKind } from "./lib/define.js";
import { perInventory } from "./lib/inventory.js";
import { get, isSet } from "./lib/json.js";
import { compareRego, msg } from "./lib/rego-format.js";
import { nameOf, namespaceOf, reviewKind } from "./lib/review.js";
import { arrayOf, bool, int, obj } from "./lib/schema.js";

interface Range {
  min_replicas?: number;
  max_replicas?: number;
}

interface Parameters {
  enforceScaleTargetRef?: boolean;
  minimumReplicaSpread?: number;
  ranges?: Range[];
}

export const horizontalPodAutoscaler = defineKind<Parameters>({
  kind: "K8sHorizontalPodAutoscaler",
  template: "library/general/horizontalpodautoscaler",
  description:
    "Disallows HorizontalPodAutoscalers with replica counts outside the allowed ranges, too small a spread, or a scaleTargetRef that does not exist.",
  fix: "Set `minReplicas` and `maxReplicas` within the constraint's ranges, with at least its minimum spread, and point `scaleTargetRef` at an object being deployed.",
  target: "object",
  parameters: obj({
    enforceScaleTargetRef: bool,
    minimumReplicaSpread: int,
    ranges: arrayOf(obj({ min_replicas: int, max_replicas: int })),
  }),
  build: (parameters) => {
    const existing = perInventory((objects) => new Set(objects.map((o) => objectKey(o, get(o, "apiVersion"), get(o, "kind"), nameOf(o)))));
    return (hpa, context) => {
      if (reviewKind(hpa).kind !== "HorizontalPodAutoscaler") return [];
      const found: Violation[] = [];
      const kind = get(hpa, "kind");
      const name = get(hpa, "metadata", "name");
      const min = get(hpa, "spec", "minReplicas") ?? 1;
      const max = get(hpa, "spec", "maxReplicas");
      const { ranges, minimumReplicaSpread } = parameters;

      if (ranges !== undefined && max !== undefined && !ranges.some((range) => withinRange(range, min, max))) {
        found.push({
          message: msg`The ${kind} <${name}> minReplicas ${min} or maxReplicas ${max} is not allowed. Allowed ranges: ${ranges as unknown as JsonValue}`,
          path: ["spec", "minReplicas"],
        });
      }

      if (minimumReplicaSpread !== undefined && typeof min === "number" && typeof max === "number" && max - min < minimumReplicaSpread) {
        found.push({
          message: msg`The ${kind} <${name}> is configured with minReplicas ${min} and maxReplicas ${max} which is a spread of ${max - min} replica(s). The spread must be at least ${minimumReplicaSpread} replica(s)`,
          path: ["spec", "maxReplicas"],
        });
      }

      const target = get(hpa, "spec", "scaleTargetRef");
      if (parameters.enforceScaleTargetRef && isSet(target)) {
        if (!existing(context.inventory).has(objectKey(hpa, get(target, "apiVersion"), get(target, "kind"), get(target, "name")))) {
          found.push({
            message: msg`The HorizontalPodAutoscaler <${name}> has a scaleTargetRef of <${get(target, "kind")}/${get(target, "name")}> but it does not exist. The scaleTargetRef for the HorizontalPodAutoscaler must exist`,
            path: ["spec", "scaleTargetRef"],
          });
        }
      }
      return found;
    };
  },
});

/** Identifies `apiVersion` / `kind` / `name` in the namespace of `inNamespaceOf`. */
function objectKey(
  inNamespaceOf: JsonObject,
  apiVersion: JsonValue | undefined,
  kind: JsonValue | undefined,
  name: JsonValue | undefined,
): string {
  return JSON.stringify([namespaceOf(inNamespaceOf), apiVersion, kind, name]);
}

function withinRange(range: Range, min: JsonValue, max: JsonValue): boolean {
  return (
    range.min_replicas !== undefined &&
    range.max_replicas !== undefined &&
    compareRego(range.min_replicas, min) <= 0 &&
    compareRego(range.max_replicas, max) >= 0
  );
}
