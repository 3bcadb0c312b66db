/**
 * Sharing the host namespaces must be disallowed.
 * Upstream `check_hostNamespaces.go`: `spec.hostNetwork`, `spec.hostPID` and `spec.hostIPC` must be unset or false.
 */
import { podFinding } from "../finding.js";
import type { DecodedPod } from "../pod.js";
import type { CheckFinding, PodSecurityCheck } from "../types.js";
import { setTo } from "../../fixes.js";

const HOST_NAMESPACE_FIELDS = ["hostNetwork", "hostPID", "hostIPC"] as const;

export const hostNamespaces: PodSecurityCheck = {
  id: "hostNamespaces",
  level: "baseline",
  reason: "host namespaces",
  doc: {
    title: "Host namespaces",
    checks:
      "Sharing the host's network, PID or IPC namespace lets a pod see and signal host processes, sniff host traffic or reach host-local services; the Pod Security Standards forbid it at the baseline level.",
    fix: "Remove `hostNetwork`, `hostPID` and `hostIPC` from the pod spec (or set them to `false`).",
  },
  versions: [{ minimumVersion: "v1.0", checkPod: hostNamespacesV1Dot0 }],
  mechanicalFix: setTo(false, "Set hostNetwork, hostPID and hostIPC to false."),
};

function hostNamespacesV1Dot0(pod: DecodedPod): CheckFinding[] {
  return HOST_NAMESPACE_FIELDS.filter((field) => pod.spec[field]).map((field) =>
    podFinding([field], `${field}=true`, `Remove spec.${field} or set it to false.`),
  );
}
