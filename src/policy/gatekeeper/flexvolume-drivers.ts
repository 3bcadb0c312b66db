/**
 * K8sPSPFlexVolumes — upstream template `library/pod-security-policy/flexvolume-drivers` (v1.0.1).
 * FlexVolume volumes may only use a driver listed in `allowedFlexVolumes`. (Upstream skips UPDATE
 * requests because volumes are immutable, so an AdmissionReview of an UPDATE is
 * not judged (`exemptsUpdates`); a manifest is judged as a CREATE.)
 */
import type { JsonValue } from "../../manifests/types.js";
import { defineKind } from "./lib/define.js";
import { get, getArray, hasField } from "./lib/json.js";
import { msg } from "./lib/rego-format.js";
import { arrayOf, obj, str } from "./lib/schema.js";

interface Parameters {
  allowedFlexVolumes: { driver?: string }[];
}

export const flexVolumeDrivers = defineKind<Parameters>({
  kind: "K8sPSPFlexVolumes",
  template: "library/pod-security-policy/flexvolume-drivers",
  description: "Controls the allowlist of FlexVolume drivers.",
  fix: "Use only the FlexVolume drivers the constraint allows, or a CSI volume instead.",
  target: "pod",
  exemptsUpdates: true,
  // Required here: without it the upstream message is undefined and the rule never fires.
  parameters: obj({ allowedFlexVolumes: arrayOf(obj({ driver: str() })) }, ["allowedFlexVolumes"]),
  build:
    ({ allowedFlexVolumes }) =>
    (pod) =>
      getArray(pod, "spec", "volumes").flatMap((volume, index) => {
        if (!hasField(volume, "flexVolume")) return [];
        const driver = get(volume, "flexVolume", "driver");
        if (allowedFlexVolumes.some((allowed) => allowed.driver !== undefined && allowed.driver === driver)) return [];
        return [
          {
            message: msg`FlexVolume ${volume} is not allowed, pod: ${get(pod, "metadata", "name")}. Allowed drivers: ${allowedFlexVolumes as unknown as JsonValue}`,
            path: ["spec", "volumes", index, "flexVolume", "driver"],
          },
        ];
      }),
});
