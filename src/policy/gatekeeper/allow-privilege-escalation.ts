/**
 * K8sPSPAllowPrivilegeEscalationContainer — upstream template
 * `library/pod-security-policy/allow-privilege-escalation` (v1.1.1).
 * Every container must set `securityContext.allowPrivilegeEscalation: false`, except those matching
 * `exemptImages`. (Upstream skips UPDATE requests because the field is immutable, so an AdmissionReview of an UPDATE is
 * not judged (`exemptsUpdates`); a manifest is judged as a CREATE.)
 */
import { containerViolation, podContainers } from "./lib/containers.js";
import { defineKind } from "./lib/define.js";
import { isExemptImage } from "./lib/exempt-images.js";
import { get } from "./lib/json.js";
import { msg } from "./lib/rego-format.js";
import { exemptImages, obj } from "./lib/schema.js";
import { disallowPrivilegeEscalation } from "../fixes.js";

interface Parameters {
  exemptImages?: string[];
}

export const allowPrivilegeEscalation = defineKind<Parameters>({
  kind: "K8sPSPAllowPrivilegeEscalationContainer",
  template: "library/pod-security-policy/allow-privilege-escalation",
  description: "Controls restricting escalation to root privileges.",
  fix: "Set `securityContext.allowPrivilegeEscalation: false` on every container.",
  target: "pod",
  exemptsUpdates: true,
  mechanicalFix: disallowPrivilegeEscalation,
  parameters: obj({ exemptImages }),
  build: (parameters) => (pod) =>
    podContainers(pod)
      .filter(
        (c) => !isExemptImage(c.image, parameters.exemptImages) && get(c.spec, "securityContext", "allowPrivilegeEscalation") !== false,
      )
      .map((c) =>
        containerViolation(c, msg`Privilege escalation container is not allowed: ${c.name}`, "securityContext", "allowPrivilegeEscalation"),
      ),
});
