/**
 * Setting the SELinux type is restricted, and setting a custom SELinux user or role is forbidden.
 * Upstream `check_seLinuxOptions.go`: `seLinuxOptions.type` of the pod and of every container must be
 * in the allowed set (which gains `container_engine_t` in v1.31); `user` and `role` must be empty.
 */
import { containerFinding, podFinding } from "../finding.js";
import { containerLabel, quote } from "../format.js";
import type { DecodedPod, SELinuxOptions } from "../pod.js";
import type { CheckFinding, CheckPodFn, PodSecurityCheck } from "../types.js";

const ALLOWED_TYPES_V1_0 = ["", "container_t", "container_init_t", "container_kvm_t"];
const ALLOWED_TYPES_V1_31 = [...ALLOWED_TYPES_V1_0, "container_engine_t"];

export const seLinuxOptions: PodSecurityCheck = {
  id: "seLinuxOptions",
  level: "baseline",
  reason: "seLinuxOptions",
  doc: {
    title: "SELinux",
    checks:
      "Setting a custom SELinux user or role, or an SELinux type other than the container types, can escape SELinux confinement. Forbidden at the baseline level.",
    fix: "Remove `seLinuxOptions.user` and `.role`, and use type `container_t`, `container_init_t` or `container_kvm_t` (or none).",
  },
  versions: [
    { minimumVersion: "v1.0", checkPod: seLinuxOptionsAllowing(ALLOWED_TYPES_V1_0) },
    { minimumVersion: "v1.31", checkPod: seLinuxOptionsAllowing(ALLOWED_TYPES_V1_31) },
  ],
};

function seLinuxOptionsAllowing(allowedTypes: readonly string[]): CheckPodFn {
  const allowed = new Set(allowedTypes);
  const typeFix = `Leave seLinuxOptions.type empty or use one of ${allowedTypes.filter(Boolean).join(", ")}.`;

  /** One finding per forbidden field of one `seLinuxOptions`. */
  function check(
    options: SELinuxOptions | undefined,
    setter: string,
    find: (field: string, detail: string, fix: string) => CheckFinding,
  ): CheckFinding[] {
    if (!options) return [];
    const prefix = `${setter} set forbidden securityContext.seLinuxOptions:`;
    const findings: CheckFinding[] = [];
    if (!allowed.has(options.type)) findings.push(find("type", `${prefix} type ${quote(options.type)}`, typeFix));
    if (options.user !== "") findings.push(find("user", `${prefix} user may not be set`, "Remove seLinuxOptions.user."));
    if (options.role !== "") findings.push(find("role", `${prefix} role may not be set`, "Remove seLinuxOptions.role."));
    return findings;
  }

  return (pod: DecodedPod) => [
    ...check(pod.spec.securityContext?.seLinuxOptions, "pod", (field, detail, fix) =>
      podFinding(["securityContext", "seLinuxOptions", field], detail, fix),
    ),
    ...pod.spec.containers.flatMap((container) =>
      check(container.securityContext?.seLinuxOptions, containerLabel(container.name), (field, detail, fix) =>
        containerFinding(container, ["securityContext", "seLinuxOptions", field], detail, fix),
      ),
    ),
  ];
}
