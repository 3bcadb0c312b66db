/**
 * HostPath volumes must be forbidden.
 * Upstream `check_hostPathVolumes.go`: no `spec.volumes[*].hostPath`. At `restricted`,
 * `restrictedVolumes` replaces this check (it forbids hostPath among others).
 */
import { podFinding } from "../finding.js";
import { quote } from "../format.js";
import type { DecodedPod } from "../pod.js";
import type { CheckFinding, PodSecurityCheck } from "../types.js";

export const hostPathVolumes: PodSecurityCheck = {
  id: "hostPathVolumes",
  level: "baseline",
  reason: "hostPath volumes",
  doc: {
    title: "HostPath volumes",
    checks:
      "A hostPath volume mounts a directory of the node into the pod, which can expose credentials, the container runtime socket or the whole host file system. Forbidden at the baseline level.",
    fix: "Replace the `hostPath` volume with a `persistentVolumeClaim`, `emptyDir`, `configMap` or `secret` volume.",
  },
  versions: [{ minimumVersion: "v1.0", checkPod: hostPathVolumesV1Dot0 }],
};

function hostPathVolumesV1Dot0(pod: DecodedPod): CheckFinding[] {
  return pod.spec.volumes
    .filter((volume) => volume.sources.has("hostPath"))
    .map((volume) =>
      podFinding(
        ["volumes", volume.index, "hostPath"],
        `volume ${quote(volume.name)}`,
        "Use a persistentVolumeClaim, configMap, secret or emptyDir volume instead of hostPath.",
      ),
    );
}
