/**
 * Privileged containers disable most security mechanisms and must be disallowed.
 * Upstream `check_privileged.go`: `securityContext.privileged` of every container must be unset or false.
 */
import { containerFinding } from "../finding.js";
import { containerLabel } from "../format.js";
import type { DecodedPod } from "../pod.js";
import type { CheckFinding, PodSecurityCheck } from "../types.js";
import { setTo } from "../../fixes.js";

export const privileged: PodSecurityCheck = {
  id: "privileged",
  level: "baseline",
  reason: "privileged",
  doc: {
    title: "Privileged containers",
    checks:
      "Privileged containers disable most security mechanisms: they can access all host devices and, for example, enter the host's namespaces with nsenter (OWASP Kubernetes Top 10 K04). Forbidden at the baseline level.",
    fix: "Remove `securityContext.privileged` from the container or set it to `false`.",
  },
  versions: [{ minimumVersion: "v1.0", checkPod: privilegedV1Dot0 }],
  mechanicalFix: setTo(false, "Set privileged to false."),
};

function privilegedV1Dot0(pod: DecodedPod): CheckFinding[] {
  return pod.spec.containers
    .filter((container) => container.securityContext?.privileged === true)
    .map((container) =>
      containerFinding(
        container,
        ["securityContext", "privileged"],
        `${containerLabel(container.name)} must not set securityContext.privileged=true`,
        "Remove securityContext.privileged or set it to false.",
      ),
    );
}
