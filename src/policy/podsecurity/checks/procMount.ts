/**
 * The default /proc masks reduce the attack surface and must be kept.
 * Upstream `check_procMount_baseline.go` (check id `procMount`): `securityContext.procMount` must be
 * unset or `Default`; from v1.35 any value is allowed for a pod in its own user namespace
 * (`hostUsers: false`), where an unmasked /proc exposes nothing of the node. At `restricted`,
 * `procMount_restricted` replaces this check from v1.35 and keeps the strict rule.
 */
import { containerFinding } from "../finding.js";
import { containerLabel, quote } from "../format.js";
import { inUserNamespace, type DecodedPod } from "../pod.js";
import type { CheckFinding, PodSecurityCheck } from "../types.js";
import { setTo } from "../../fixes.js";

const DEFAULT_PROC_MOUNT = "Default";

export const procMount: PodSecurityCheck = {
  id: "procMount",
  level: "baseline",
  reason: "procMount",
  doc: {
    title: "/proc mount type",
    checks:
      "The default /proc masks reduce the kernel attack surface; `procMount: Unmasked` removes them. Forbidden at the baseline level unless the pod runs in a user namespace (`hostUsers: false`).",
    fix: "Remove `securityContext.procMount` or set it to `Default`.",
  },
  versions: [
    { minimumVersion: "v1.0", checkPod: (pod) => unmaskedProcMounts(pod, "Remove securityContext.procMount or set it to Default.") },
    { minimumVersion: "v1.35", checkPod: procMountBaselineV1Dot35 },
  ],
  mechanicalFix: setTo("Default", "Set procMount to Default."),
};

/** Upstream `procMount_1_0`: any container whose procMount is set to something other than Default. */
export function unmaskedProcMounts(pod: DecodedPod, fix: string): CheckFinding[] {
  return pod.spec.containers
    .filter((container) => {
      const value = container.securityContext?.procMount;
      return value !== undefined && value !== DEFAULT_PROC_MOUNT;
    })
    .map((container) =>
      containerFinding(
        container,
        ["securityContext", "procMount"],
        `${containerLabel(container.name)} must not set securityContext.procMount to ${quote(container.securityContext?.procMount ?? "")}`,
        fix,
      ),
    );
}

function procMountBaselineV1Dot35(pod: DecodedPod): CheckFinding[] {
  if (inUserNamespace(pod.spec)) return [];
  return unmaskedProcMounts(
    pod,
    "Remove securityContext.procMount or set it to Default (other values are allowed only with spec.hostUsers: false).",
  );
}
