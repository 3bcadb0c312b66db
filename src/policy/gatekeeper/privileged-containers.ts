/**
 * K8sPSPPrivilegedContainer — upstream template `library/pod-security-policy/privileged-containers` (v1.1.3).
 * No container may run privileged (`securityContext.privileged`), except those matching
 * `exemptImages`. (Upstream skips UPDATE requests, so an AdmissionReview of an UPDATE is
 * not judged (`exemptsUpdates`); a manifest is judged as a CREATE.)
 */
import { containerViolation, podContainers } from "./lib/containers.js";
import { defineKind } from "./lib/define.js";
import { isExemptImage } from "./lib/exempt-images.js";
import { get, isSet } from "./lib/json.js";
import { msg } from "./lib/rego-format.js";
import { exemptImages, obj } from "./lib/schema.js";
import { setTo } from "../fixes.js";

interface Parameters {
  exemptImages?: string[];
}

export const privilegedContainers = defineKind<Parameters>({
  kind: "K8sPSPPrivilegedContainer",
  template: "library/pod-security-policy/privileged-containers",
  description: "Controls the ability of any container to enable privileged mode.",
  fix: "Remove `securityContext.privileged` from the container or set it to `false`.",
  target: "pod",
  exemptsUpdates: true,
  mechanicalFix: setTo(false, "Set privileged to false."),
  parameters: obj({ exemptImages }),
  build: (parameters) => (pod) =>
    podContainers(pod)
      .filter((c) => !isExemptImage(c.image, parameters.exemptImages) && isSet(get(c.spec, "securityContext", "privileged")))
      .map((c) =>
        containerViolation(
          c,
          msg`Privileged container is not allowed: ${c.name}, securityContext: ${get(c.spec, "securityContext")}`,
          "securityContext",
          "privileged",
        ),
      ),
});
