/**
 * A seccomp profile must be set, to the runtime default or a localhost profile.
 * Upstream `check_seccompProfile_restricted.go`: from v1.19 `seccompProfile.type` must be RuntimeDefault
 * or Localhost at pod level, or else on every container; a container may leave it unset only when
 * the pod sets a valid one. From v1.25 Windows pods (`spec.os.name: windows`) are exempt: seccomp is
 * Linux-only and the API server rejects it there. Replaces `seccompProfile_baseline` at `restricted`.
 */
import { containerFinding } from "../finding.js";
import { containerLabel } from "../format.js";
import { isWindowsPod, type DecodedPod } from "../pod.js";
import type { CheckFinding, PodSecurityCheck } from "../types.js";
import { forbiddenSeccompProfiles, validSeccompType } from "./seccompProfile_baseline.js";
import { runtimeDefaultSeccomp } from "../../fixes.js";

export const seccompProfileRestricted: PodSecurityCheck = {
  id: "seccompProfile_restricted",
  level: "restricted",
  reason: "seccompProfile",
  doc: {
    title: "Seccomp",
    checks:
      "The restricted level requires a seccomp profile on every container, so that system calls are filtered; both `Unconfined` and no profile at all are forbidden.",
    fix: "Set `securityContext.seccompProfile.type: RuntimeDefault` on the pod (or on every container).",
  },
  versions: [
    { minimumVersion: "v1.19", checkPod: seccompProfileRestrictedV1Dot19, overrides: ["seccompProfile_baseline"] },
    { minimumVersion: "v1.25", checkPod: seccompProfileRestrictedV1Dot25, overrides: ["seccompProfile_baseline"] },
  ],
  mechanicalFix: runtimeDefaultSeccomp,
};

function seccompProfileRestrictedV1Dot19(pod: DecodedPod): CheckFinding[] {
  const podProfile = pod.spec.securityContext?.seccompProfile;
  const podSeccompSet = podProfile !== undefined && validSeccompType(podProfile);
  const unsetContainers = podSeccompSet
    ? []
    : pod.spec.containers.filter((container) => container.securityContext?.seccompProfile === undefined);
  return [
    ...forbiddenSeccompProfiles(pod),
    ...unsetContainers.map((container) =>
      containerFinding(
        container,
        ["securityContext", "seccompProfile"],
        `pod or ${containerLabel(container.name)} must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"`,
        "Set spec.securityContext.seccompProfile.type (or this container's) to RuntimeDefault or Localhost.",
      ),
    ),
  ];
}

function seccompProfileRestrictedV1Dot25(pod: DecodedPod): CheckFinding[] {
  return isWindowsPod(pod.spec) ? [] : seccompProfileRestrictedV1Dot19(pod);
}
