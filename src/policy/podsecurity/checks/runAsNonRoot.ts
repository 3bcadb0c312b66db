/**
 * Containers must run as non-root users.
 * Upstream `check_runAsNonRoot.go`: `runAsNonRoot` must be true at pod level or on every container,
 * and never explicitly false anywhere. From v1.35 the check is waived for a pod in its own user
 * namespace (`hostUsers: false`, KEP-127), where UID 0 in the container is unprivileged on the node.
 */
import { containerFinding, podFinding } from "../finding.js";
import { containerLabel } from "../format.js";
import { inUserNamespace, type DecodedPod } from "../pod.js";
import type { CheckFinding, PodSecurityCheck } from "../types.js";
import { setTo } from "../../fixes.js";

export const runAsNonRoot: PodSecurityCheck = {
  id: "runAsNonRoot",
  level: "restricted",
  reason: "runAsNonRoot != true",
  doc: {
    title: "Running as non-root",
    checks: "Containers must be required to run as non-root users, so that a process escaping the container is not root on the node.",
    fix: "Set `securityContext.runAsNonRoot: true` on the pod (or on every container) and run the image as a non-root user.",
  },
  versions: [
    { minimumVersion: "v1.0", checkPod: runAsNonRootV1Dot0 },
    { minimumVersion: "v1.35", checkPod: runAsNonRootV1Dot35 },
  ],
  fix: setTo(true),
};

function runAsNonRootV1Dot0(pod: DecodedPod): CheckFinding[] {
  const findings: CheckFinding[] = [];
  const podValue = pod.spec.securityContext?.runAsNonRoot;
  if (podValue === false) {
    findings.push(
      podFinding(
        ["securityContext", "runAsNonRoot"],
        "pod must not set securityContext.runAsNonRoot=false",
        "Set spec.securityContext.runAsNonRoot to true.",
      ),
    );
  }
  for (const container of pod.spec.containers) {
    const value = container.securityContext?.runAsNonRoot;
    if (value === false) {
      findings.push(
        containerFinding(
          container,
          ["securityContext", "runAsNonRoot"],
          `${containerLabel(container.name)} must not set securityContext.runAsNonRoot=false`,
          "Set securityContext.runAsNonRoot to true, or remove it and set it on the pod.",
        ),
      );
    } else if (value === undefined && podValue !== true) {
      findings.push(
        containerFinding(
          container,
          ["securityContext", "runAsNonRoot"],
          `pod or ${containerLabel(container.name)} must set securityContext.runAsNonRoot=true`,
          "Set spec.securityContext.runAsNonRoot (or this container's) to true.",
        ),
      );
    }
  }
  return findings;
}

function runAsNonRootV1Dot35(pod: DecodedPod): CheckFinding[] {
  return inUserNamespace(pod.spec) ? [] : runAsNonRootV1Dot0(pod);
}
