/**
 * K8sPSPHostProcess — upstream template `library/pod-security-policy/host-process` (v1.0.1).
 * Windows HostProcess containers (`securityContext.windowsOptions.hostProcess: true`, on the Pod or a
 * container) are not allowed; containers matching `exemptImages` are skipped, the Pod-level setting
 * is not. (Upstream skips UPDATE requests, so an AdmissionReview of an UPDATE is
 * not judged (`exemptsUpdates`); a manifest is judged as a CREATE.)
 */
import type { Violation } from "../types.js";
import { containerViolation, podContainers } from "./lib/containers.js";
import { defineKind } from "./lib/define.js";
import { isExemptImage } from "./lib/exempt-images.js";
import { get } from "./lib/json.js";
import { msg } from "./lib/rego-format.js";
import { exemptImages, obj } from "./lib/schema.js";

interface Parameters {
  exemptImages?: string[];
}

const HOST_PROCESS = ["securityContext", "windowsOptions", "hostProcess"];

export const hostProcess = defineKind<Parameters>({
  kind: "K8sPSPHostProcess",
  template: "library/pod-security-policy/host-process",
  description: "Disallows HostProcess containers for Windows pods.",
  fix: "Remove `securityContext.windowsOptions.hostProcess` or set it to `false`.",
  target: "pod",
  exemptsUpdates: true,
  parameters: obj({ exemptImages }),
  build: (parameters) => (pod) => {
    const found: Violation[] = [];
    if (get(pod, "spec", ...HOST_PROCESS) === true) {
      found.push({
        message: msg`HostProcess is not allowed at pod level: ${get(pod, "metadata", "name")}`,
        path: ["spec", ...HOST_PROCESS],
      });
    }
    for (const c of podContainers(pod)) {
      if (isExemptImage(c.image, parameters.exemptImages) || get(c.spec, ...HOST_PROCESS) !== true) continue;
      found.push(
        containerViolation(
          c,
          msg`HostProcess container is not allowed: ${c.name}, securityContext.windowsOptions.hostProcess: true`,
          ...HOST_PROCESS,
        ),
      );
    }
    return found;
  },
});
