/**
 * K8sPSPReadOnlyRootFilesystem — upstream template `library/pod-security-policy/read-only-root-filesystem` (v1.1.1).
 * Every container must set `securityContext.readOnlyRootFilesystem: true`, except those matching
 * `exemptImages`. (Upstream skips UPDATE requests, so an AdmissionReview of an UPDATE is
 * not judged (`exemptsUpdates`); a manifest is judged as a CREATE.)
 */
import { containerViolation, podContainers } from "./lib/containers.js";
import { defineKind } from "./lib/define.js";
import { isExemptImage } from "./lib/exempt-images.js";
import { get } from "./lib/json.js";
import { msg } from "./lib/rego-format.js";
import { exemptImages, obj } from "./lib/schema.js";

interface Parameters {
  exemptImages?: string[];
}

export const readOnlyRootFilesystem = defineKind<Parameters>({
  kind: "K8sPSPReadOnlyRootFilesystem",
  template: "library/pod-security-policy/read-only-root-filesystem",
  description: "Requires the use of a read-only root file system by pod containers.",
  fix: "Set `securityContext.readOnlyRootFilesystem: true` on every container and mount writable volumes where the application writes.",
  target: "pod",
  exemptsUpdates: true,
  parameters: obj({ exemptImages }),
  build: (parameters) => (pod) =>
    podContainers(pod)
      .filter((c) => !isExemptImage(c.image, parameters.exemptImages) && get(c.spec, "securityContext", "readOnlyRootFilesystem") !== true)
      .map((c) =>
        containerViolation(
          c,
          msg`only read-only root filesystem container is allowed: ${c.name}`,
          "securityContext",
          "readOnlyRootFilesystem",
        ),
      ),
});
