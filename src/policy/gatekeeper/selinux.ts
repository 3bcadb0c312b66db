/**
 * K8sPSPSELinuxV2 — upstream template `library/pod-security-policy/selinux` (v1.0.4).
 * `seLinuxOptions` on the Pod or a container must match one entry of `allowedSELinuxOptions`: every
 * field it sets (level, role, type, user) must equal that entry's. Containers matching
 * `exemptImages` are skipped. (Upstream skips UPDATE requests, so an AdmissionReview of an UPDATE is
 * not judged (`exemptsUpdates`); a manifest is judged as a CREATE.)
 */
import type { JsonValue } from "../../manifests/types.js";
import type { Violation } from "../types.js";
import { containerViolation, podContainers } from "./lib/containers.js";
import { defineKind } from "./lib/define.js";
import { isExemptImage } from "./lib/exempt-images.js";
import { get, hasField } from "./lib/json.js";
import { msg } from "./lib/rego-format.js";
import { arrayOf, exemptImages, obj, str } from "./lib/schema.js";

type SELinuxOptions = Partial<Record<"level" | "role" | "type" | "user", string>>;

interface Parameters {
  exemptImages?: string[];
  allowedSELinuxOptions: SELinuxOptions[];
}

const FIELDS = ["level", "role", "type", "user"] as const;

export const seLinux = defineKind<Parameters>({
  kind: "K8sPSPSELinuxV2",
  template: "library/pod-security-policy/selinux",
  description: "Defines an allow-list of seLinuxOptions configurations for pod containers.",
  fix: "Remove `seLinuxOptions`, or use only level, role, type and user values the constraint allows.",
  target: "pod",
  exemptsUpdates: true,
  // Required here: without it the upstream message is undefined and the rule never fires.
  parameters: obj({ exemptImages, allowedSELinuxOptions: arrayOf(obj({ level: str(), role: str(), type: str(), user: str() })) }, [
    "allowedSELinuxOptions",
  ]),
  build: ({ allowedSELinuxOptions, exemptImages }) => {
    const allowed = (options: JsonValue | undefined): boolean =>
      allowedSELinuxOptions.some((entry) =>
        FIELDS.every((field) => !hasField(options, field) || (entry[field] !== undefined && entry[field] === get(options, field))),
      );
    const allowedText = allowedSELinuxOptions as unknown as JsonValue;
    return (pod) => {
      const podName = get(pod, "metadata", "name");
      const found: Violation[] = [];
      const podOptions = get(pod, "spec", "securityContext", "seLinuxOptions");
      if (hasField(get(pod, "spec", "securityContext"), "seLinuxOptions") && !allowed(podOptions)) {
        found.push({
          message: msg`SELinux options is not allowed, pod: ${podName}. Allowed options: ${allowedText}`,
          path: ["spec", "securityContext", "seLinuxOptions"],
        });
      }
      for (const c of podContainers(pod)) {
        const options = get(c.spec, "securityContext", "seLinuxOptions");
        if (!hasField(get(c.spec, "securityContext"), "seLinuxOptions") || isExemptImage(c.image, exemptImages) || allowed(options))
          continue;
        found.push(
          containerViolation(
            c,
            msg`SELinux options is not allowed, pod: ${podName}, container: ${c.name}. Allowed options: ${allowedText}`,
            "securityContext",
            "seLinuxOptions",
          ),
        );
      }
      return found;
    };
  },
});
