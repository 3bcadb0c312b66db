/**
 * Privilege escalation (such as via set-user-ID or set-group-ID file mode) must not be allowed.
 * Upstream `check_allowPrivilegeEscalation.go`: from v1.8 (when the field appeared) every container
 * must set `securityContext.allowPrivilegeEscalation: false` explicitly, since unset means allowed.
 * From v1.25 Windows pods (`spec.os.name: windows`) are exempt: the field is Linux-only and the API
 * server rejects it there.
 */
import { containerFinding } from "../finding.js";
import { containerLabel } from "../format.js";
import { isWindowsPod, type DecodedPod } from "../pod.js";
import type { CheckFinding, PodSecurityCheck } from "../types.js";
import { disallowPrivilegeEscalation } from "../../fixes.js";

export const allowPrivilegeEscalation: PodSecurityCheck = {
  id: "allowPrivilegeEscalation",
  level: "restricted",
  reason: "allowPrivilegeEscalation != false",
  doc: {
    title: "Privilege escalation",
    checks: "Privilege escalation, for example through set-user-ID or set-group-ID binaries, must not be allowed at the restricted level.",
    fix: "Set `securityContext.allowPrivilegeEscalation: false` on every container.",
  },
  versions: [
    { minimumVersion: "v1.8", checkPod: allowPrivilegeEscalationV1Dot8 },
    { minimumVersion: "v1.25", checkPod: allowPrivilegeEscalationV1Dot25 },
  ],
  fix: disallowPrivilegeEscalation,
};

function allowPrivilegeEscalationV1Dot8(pod: DecodedPod): CheckFinding[] {
  return pod.spec.containers
    .filter((container) => container.securityContext?.allowPrivilegeEscalation !== false)
    .map((container) =>
      containerFinding(
        container,
        ["securityContext", "allowPrivilegeEscalation"],
        `${containerLabel(container.name)} must set securityContext.allowPrivilegeEscalation=false`,
        "Set securityContext.allowPrivilegeEscalation to false.",
      ),
    );
}

function allowPrivilegeEscalationV1Dot25(pod: DecodedPod): CheckFinding[] {
  return isWindowsPod(pod.spec) ? [] : allowPrivilegeEscalationV1Dot8(pod);
}
