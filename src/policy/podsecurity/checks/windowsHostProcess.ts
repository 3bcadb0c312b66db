/**
 * Windows HostProcess containers have privileged access to the Windows node and must be disallowed.
 * Upstream `check_windowsHostProcess.go`: `windowsOptions.hostProcess` of the pod and of every
 * container must be unset or false.
 */
import { containerFinding, podFinding } from "../finding.js";
import { containerLabel } from "../format.js";
import type { DecodedPod } from "../pod.js";
import type { CheckFinding, PodSecurityCheck } from "../types.js";

const FIX = "Remove windowsOptions.hostProcess or set it to false.";

export const windowsHostProcess: PodSecurityCheck = {
  id: "windowsHostProcess",
  level: "baseline",
  reason: "hostProcess",
  doc: {
    title: "Windows HostProcess",
    checks: "Windows HostProcess containers run directly on the host with privileged access to it. Forbidden at the baseline level.",
    fix: "Remove `windowsOptions.hostProcess` or set it to `false`.",
  },
  versions: [{ minimumVersion: "v1.0", checkPod: windowsHostProcessV1Dot0 }],
};

function windowsHostProcessV1Dot0(pod: DecodedPod): CheckFinding[] {
  const findings: CheckFinding[] = [];
  const path = ["securityContext", "windowsOptions", "hostProcess"];
  if (pod.spec.securityContext?.windowsOptions?.hostProcess === true) {
    findings.push(podFinding(path, "pod must not set securityContext.windowsOptions.hostProcess=true", FIX));
  }
  for (const container of pod.spec.containers) {
    if (container.securityContext?.windowsOptions?.hostProcess !== true) continue;
    findings.push(
      containerFinding(
        container,
        path,
        `${containerLabel(container.name)} must not set securityContext.windowsOptions.hostProcess=true`,
        FIX,
      ),
    );
  }
  return findings;
}
