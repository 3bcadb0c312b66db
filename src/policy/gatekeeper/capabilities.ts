/**
 * K8sPSPCapabilities — upstream template `library/pod-security-policy/capabilities` (v1.1.3).
 * Containers may only add capabilities listed in `allowedCapabilities` (`*` allows any), and must
 * drop every capability in `requiredDropCapabilities` (dropping `ALL` satisfies it). Names compare
 * case-insensitively. Containers matching `exemptImages` are skipped. (Upstream skips UPDATE
 * requests because the field is immutable, so an AdmissionReview of an UPDATE is
 * not judged (`exemptsUpdates`); a manifest is judged as a CREATE.)
 */
import type { Violation } from "../types.js";
import { containerViolation, podContainers, type ContainerList } from "./lib/containers.js";
import { defineKind } from "./lib/define.js";
import { isExemptImage } from "./lib/exempt-images.js";
import { getArray } from "./lib/json.js";
import { formatArg, msg } from "./lib/rego-format.js";
import { arrayOf, exemptImages, obj, str } from "./lib/schema.js";

interface Parameters {
  exemptImages?: string[];
  allowedCapabilities?: string[];
  requiredDropCapabilities?: string[];
}

const LABEL: Readonly<Record<ContainerList, string>> = {
  containers: "container",
  initContainers: "init container",
  ephemeralContainers: "ephemeral container",
};

export const capabilities = defineKind<Parameters>({
  kind: "K8sPSPCapabilities",
  template: "library/pod-security-policy/capabilities",
  description: "Controls Linux capabilities on containers.",
  fix: "Drop the capabilities the constraint requires dropped (`securityContext.capabilities.drop`) and add only those in its `allowedCapabilities`.",
  target: "pod",
  exemptsUpdates: true,
  parameters: obj({ exemptImages, allowedCapabilities: arrayOf(str()), requiredDropCapabilities: arrayOf(str()) }),
  build: (parameters) => {
    const allowed = new Set((parameters.allowedCapabilities ?? []).map((c) => c.toLowerCase()));
    const mustDrop = (parameters.requiredDropCapabilities ?? []).map((c) => c.toLowerCase());
    // Upstream prints the parameter as given, or "NONE" when it is absent.
    const allowedText = parameters.allowedCapabilities === undefined ? "NONE" : formatArg(parameters.allowedCapabilities);
    const lowered = (values: unknown[]): string[] => values.filter((v): v is string => typeof v === "string").map((v) => v.toLowerCase());
    return (pod) =>
      podContainers(pod).flatMap((c) => {
        if (isExemptImage(c.image, parameters.exemptImages)) return [];
        const found: Violation[] = [];
        const added = lowered(getArray(c.spec, "securityContext", "capabilities", "add"));
        if (!allowed.has("*") && added.some((cap) => !allowed.has(cap))) {
          found.push(
            containerViolation(
              c,
              msg`${LABEL[c.list]} <${c.name}> has a disallowed capability. Allowed capabilities are ${allowedText}`,
              "securityContext",
              "capabilities",
              "add",
            ),
          );
        }
        const dropped = new Set(lowered(getArray(c.spec, "securityContext", "capabilities", "drop")));
        if (mustDrop.some((cap) => !dropped.has(cap)) && !dropped.has("all")) {
          found.push(
            containerViolation(
              c,
              msg`${LABEL[c.list]} <${c.name}> is not dropping all required capabilities. Container must drop all of ${parameters.requiredDropCapabilities} or "ALL"`,
              "securityContext",
              "capabilities",
              "drop",
            ),
          );
        }
        return found;
      });
  },
});
