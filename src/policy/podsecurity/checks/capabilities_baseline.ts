/**
 * Adding capabilities beyond the container runtime's default set must be disallowed.
 * Upstream `check_capabilities_baseline.go`: every entry of `securityContext.capabilities.add` must be
 * in the default set below. At `restricted`, `capabilities_restricted` replaces this check from v1.22.
 */
import { containerFinding } from "../finding.js";
import { containerLabel, quote } from "../format.js";
import type { DecodedPod } from "../pod.js";
import type { CheckFinding, PodSecurityCheck } from "../types.js";
import { removeAddedCapabilities } from "../../fixes.js";

const ADDABLE_CAPABILITIES_V1_0: ReadonlySet<string> = new Set([
  "AUDIT_WRITE",
  "CHOWN",
  "DAC_OVERRIDE",
  "FOWNER",
  "FSETID",
  "KILL",
  "MKNOD",
  "NET_BIND_SERVICE",
  "SETFCAP",
  "SETGID",
  "SETPCAP",
  "SETUID",
  "SYS_CHROOT",
]);

export const capabilitiesBaseline: PodSecurityCheck = {
  id: "capabilities_baseline",
  level: "baseline",
  reason: "non-default capabilities",
  doc: {
    title: "Capabilities",
    checks:
      "Adding Linux capabilities beyond the container runtime's default set (AUDIT_WRITE, CHOWN, DAC_OVERRIDE, FOWNER, FSETID, KILL, MKNOD, NET_BIND_SERVICE, SETFCAP, SETGID, SETPCAP, SETUID, SYS_CHROOT) is forbidden at the baseline level.",
    fix: "Only add capabilities from the baseline list (e.g. NET_BIND_SERVICE); remove the others from `securityContext.capabilities.add`.",
  },
  versions: [{ minimumVersion: "v1.0", checkPod: capabilitiesBaselineV1Dot0 }],
  mechanicalFix: removeAddedCapabilities,
};

function capabilitiesBaselineV1Dot0(pod: DecodedPod): CheckFinding[] {
  const findings: CheckFinding[] = [];
  for (const container of pod.spec.containers) {
    for (const capability of container.securityContext?.capabilities?.add ?? []) {
      if (ADDABLE_CAPABILITIES_V1_0.has(capability.value)) continue;
      findings.push(
        containerFinding(
          container,
          ["securityContext", "capabilities", "add", capability.index],
          `${containerLabel(container.name)} must not include ${quote(capability.value)} in securityContext.capabilities.add`,
          `Remove ${capability.value} from capabilities.add; only ${[...ADDABLE_CAPABILITIES_V1_0].join(", ")} may be added.`,
        ),
      );
    }
  }
  return findings;
}
