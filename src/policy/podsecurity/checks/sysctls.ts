/**
 * Sysctls can disable security mechanisms or affect all containers on a host; only a "safe" subset
 * (namespaced, isolated from other pods) is allowed.
 * Upstream `check_sysctls.go`: `spec.securityContext.sysctls[*].name` must be in the safe set of the
 * policy version; the set grows at v1.27, v1.29, v1.32 and v1.37.
 */
import { podFinding } from "../finding.js";
import type { DecodedPod } from "../pod.js";
import type { CheckFinding, CheckPodFn, PodSecurityCheck } from "../types.js";

const SAFE_SYSCTLS_V1_0 = [
  "kernel.shm_rmid_forced",
  "net.ipv4.ip_local_port_range",
  "net.ipv4.tcp_syncookies",
  "net.ipv4.ping_group_range",
  "net.ipv4.ip_unprivileged_port_start",
];
const SAFE_SYSCTLS_V1_27 = [...SAFE_SYSCTLS_V1_0, "net.ipv4.ip_local_reserved_ports"];
const SAFE_SYSCTLS_V1_29 = [
  ...SAFE_SYSCTLS_V1_27,
  "net.ipv4.tcp_keepalive_time",
  "net.ipv4.tcp_fin_timeout",
  "net.ipv4.tcp_keepalive_intvl",
  "net.ipv4.tcp_keepalive_probes",
];
const SAFE_SYSCTLS_V1_32 = [...SAFE_SYSCTLS_V1_29, "net.ipv4.tcp_rmem", "net.ipv4.tcp_wmem"];
const SAFE_SYSCTLS_V1_37 = [...SAFE_SYSCTLS_V1_32, "net.ipv4.tcp_slow_start_after_idle", "net.ipv4.tcp_notsent_lowat"];

export const sysctls: PodSecurityCheck = {
  id: "sysctls",
  level: "baseline",
  reason: "forbidden sysctls",
  doc: {
    title: "Sysctls",
    checks:
      "Sysctls can disable security mechanisms or affect every container on the node; only a namespaced, safe subset is allowed at the baseline level.",
    fix: "Remove the sysctl from `securityContext.sysctls`; only the safe set is allowed.",
  },
  versions: [
    { minimumVersion: "v1.0", checkPod: sysctlsAllowing(SAFE_SYSCTLS_V1_0) },
    { minimumVersion: "v1.27", checkPod: sysctlsAllowing(SAFE_SYSCTLS_V1_27) },
    { minimumVersion: "v1.29", checkPod: sysctlsAllowing(SAFE_SYSCTLS_V1_29) },
    { minimumVersion: "v1.32", checkPod: sysctlsAllowing(SAFE_SYSCTLS_V1_32) },
    { minimumVersion: "v1.37", checkPod: sysctlsAllowing(SAFE_SYSCTLS_V1_37) },
  ],
};

function sysctlsAllowing(safe: readonly string[]): CheckPodFn {
  const allowed = new Set(safe);
  const fix = `Remove this sysctl; at this policy version only ${safe.join(", ")} are allowed.`;
  return (pod: DecodedPod): CheckFinding[] =>
    (pod.spec.securityContext?.sysctls ?? [])
      .filter((sysctl) => !allowed.has(sysctl.value))
      .map((sysctl) => podFinding(["securityContext", "sysctls", sysctl.index, "name"], sysctl.value, fix));
}
