/**
 * Containers must drop ALL capabilities and may add back only NET_BIND_SERVICE.
 * Upstream `check_capabilities_restricted.go`: v1.22 introduces the rule (replacing
 * `capabilities_baseline` at `restricted`); from v1.25 Windows pods (`spec.os.name: windows`) are
 * exempt, because Linux capabilities do not exist there and the API server rejects them.
 */
import { containerFinding } from "../finding.js";
import { containerLabel, quote } from "../format.js";
import { isWindowsPod, type DecodedPod } from "../pod.js";
import type { CheckFinding, PodSecurityCheck } from "../types.js";
import { dropAllAndRemoveAdded } from "../../fixes.js";

const CAPABILITY_ALL = "ALL";
const CAPABILITY_NET_BIND_SERVICE = "NET_BIND_SERVICE";

export const capabilitiesRestricted: PodSecurityCheck = {
  id: "capabilities_restricted",
  level: "restricted",
  reason: "unrestricted capabilities",
  doc: {
    title: "Capabilities",
    checks: "At the restricted level containers must drop ALL Linux capabilities and may add back only NET_BIND_SERVICE.",
    fix: 'Set `securityContext.capabilities.drop: ["ALL"]` on every container and add back only NET_BIND_SERVICE if needed.',
  },
  versions: [
    { minimumVersion: "v1.22", checkPod: capabilitiesRestrictedV1Dot22, overrides: ["capabilities_baseline"] },
    { minimumVersion: "v1.25", checkPod: capabilitiesRestrictedV1Dot25, overrides: ["capabilities_baseline"] },
  ],
  // A finding is either the missing `drop: ["ALL"]` or one capability in `add`.
  mechanicalFix: dropAllAndRemoveAdded,
};

function capabilitiesRestrictedV1Dot22(pod: DecodedPod): CheckFinding[] {
  const findings: CheckFinding[] = [];
  for (const container of pod.spec.containers) {
    const capabilities = container.securityContext?.capabilities;
    if (!capabilities?.drop.some((capability) => capability.value === CAPABILITY_ALL)) {
      findings.push(
        containerFinding(
          container,
          ["securityContext", "capabilities", "drop"],
          `${containerLabel(container.name)} must set securityContext.capabilities.drop=["ALL"]`,
          'Add "ALL" to securityContext.capabilities.drop.',
        ),
      );
    }
    for (const capability of capabilities?.add ?? []) {
      if (capability.value === CAPABILITY_NET_BIND_SERVICE) continue;
      findings.push(
        containerFinding(
          container,
          ["securityContext", "capabilities", "add", capability.index],
          `${containerLabel(container.name)} must not include ${quote(capability.value)} in securityContext.capabilities.add`,
          `Remove ${capability.value} from capabilities.add; only NET_BIND_SERVICE may be added.`,
        ),
      );
    }
  }
  return findings;
}

function capabilitiesRestrictedV1Dot25(pod: DecodedPod): CheckFinding[] {
  return isWindowsPod(pod.spec) ? [] : capabilitiesRestrictedV1Dot22(pod);
}
