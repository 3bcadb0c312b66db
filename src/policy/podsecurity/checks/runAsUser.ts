/**
 * Containers must not set runAsUser to 0 (root).
 * Upstream `check_runAsUser.go`: from v1.23 `runAsUser` of the pod and of every container must not be 0
 * (unset is allowed: runAsNonRoot covers it). From v1.35 the check is waived for a pod in its own user
 * namespace (`hostUsers: false`, KEP-127).
 */
import { containerFinding, podFinding } from "../finding.js";
import { containerLabel } from "../format.js";
import { inUserNamespace, type DecodedPod } from "../pod.js";
import type { CheckFinding, PodSecurityCheck } from "../types.js";

const FIX = "Set runAsUser to a non-zero UID, or remove it.";

export const runAsUser: PodSecurityCheck = {
  id: "runAsUser",
  level: "restricted",
  reason: "runAsUser=0",
  doc: {
    title: "Running as non-root user",
    checks: "Containers must not run with user ID 0 (root).",
    fix: "Set `securityContext.runAsUser` to a non-zero UID, or remove it and use an image that runs as non-root.",
  },
  versions: [
    { minimumVersion: "v1.23", checkPod: runAsUserV1Dot23 },
    { minimumVersion: "v1.35", checkPod: runAsUserV1Dot35 },
  ],
};

function runAsUserV1Dot23(pod: DecodedPod): CheckFinding[] {
  const findings: CheckFinding[] = [];
  if (pod.spec.securityContext?.runAsUser === 0) {
    findings.push(podFinding(["securityContext", "runAsUser"], "pod must not set runAsUser=0", FIX));
  }
  for (const container of pod.spec.containers) {
    if (container.securityContext?.runAsUser !== 0) continue;
    findings.push(
      containerFinding(container, ["securityContext", "runAsUser"], `${containerLabel(container.name)} must not set runAsUser=0`, FIX),
    );
  }
  return findings;
}

function runAsUserV1Dot35(pod: DecodedPod): CheckFinding[] {
  return inUserNamespace(pod.spec) ? [] : runAsUserV1Dot23(pod);
}
