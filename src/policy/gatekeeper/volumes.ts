/**
 * K8sPSPVolumeTypes — upstream template `library/pod-security-policy/volumes` (v1.0.3).
 * Pod volumes may only be of the types listed in `volumes` (`*` allows all). (Upstream skips UPDATE
 * requests because volumes are immutable, so an AdmissionReview of an UPDATE is
 * not judged (`exemptsUpdates`); a manifest is judged as a CREATE.)
 */
import type { FieldPath } from "../../manifests/types.js";
import { defineKind } from "./lib/define.js";
import { get, getArray, isObject, isSet } from "./lib/json.js";
import { msg } from "./lib/rego-format.js";
import { arrayOf, obj, str } from "./lib/schema.js";

interface Parameters {
  volumes: string[];
}

export const volumeTypes = defineKind<Parameters>({
  kind: "K8sPSPVolumeTypes",
  template: "library/pod-security-policy/volumes",
  description: "Restricts mountable volume types to those specified by the user.",
  fix: "Use only the volume types listed in the constraint's `volumes`.",
  target: "pod",
  exemptsUpdates: true,
  // Required here: without it the upstream message is undefined and the rule never fires.
  parameters: obj({ volumes: arrayOf(str()) }, ["volumes"]),
  build:
    ({ volumes }) =>
    (pod) => {
      if (volumes.includes("*")) return [];
      // One violation per volume type, at its first use (upstream collects the types as a set).
      const firstUse = new Map<string, FieldPath>();
      getArray(pod, "spec", "volumes").forEach((volume, index) => {
        if (!isObject(volume)) return;
        for (const [type, value] of Object.entries(volume)) {
          if (type === "name" || !isSet(value) || volumes.includes(type) || firstUse.has(type)) continue;
          firstUse.set(type, ["spec", "volumes", index, type]);
        }
      });
      const podName = get(pod, "metadata", "name");
      return [...firstUse].map(([type, path]) => ({
        message: msg`The volume type ${type} is not allowed, pod: ${podName}. Allowed volume types: ${volumes}`,
        path,
      }));
    },
});
