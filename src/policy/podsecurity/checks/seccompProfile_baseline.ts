/**
 * If a seccomp profile is specified, only the runtime default and localhost profiles are allowed.
 * Upstream `check_seccompProfile_baseline.go`:
 * - v1.0–v1.18 read the alpha annotations (`seccomp.security.alpha.kubernetes.io/pod`, and
 *   `container.seccomp.security.alpha.kubernetes.io/<name>` for each container of the pod), allowing
 *   `runtime/default`, `docker/default` and `localhost/*`;
 * - from v1.19 the `seccompProfile.type` fields of the pod and of every container must be
 *   RuntimeDefault or Localhost when set.
 * At `restricted`, `seccompProfile_restricted` replaces this check from v1.19.
 */
import { annotationFinding, containerFinding, podFinding } from "../finding.js";
import { containerLabel, quote } from "../format.js";
import type { DecodedPod, TypedProfile } from "../pod.js";
import type { CheckFinding, PodSecurityCheck } from "../types.js";
import { runtimeDefaultSeccomp } from "../../fixes.js";

const ANNOTATION_KEY_POD = "seccomp.security.alpha.kubernetes.io/pod";
const ANNOTATION_KEY_CONTAINER_PREFIX = "container.seccomp.security.alpha.kubernetes.io/";
const ANNOTATION_FIX = "Set the annotation to runtime/default, docker/default or localhost/<profile>, or remove it.";
export const SECCOMP_FIELD_FIX = "Set seccompProfile.type to RuntimeDefault or Localhost.";

export const seccompProfileBaseline: PodSecurityCheck = {
  id: "seccompProfile_baseline",
  level: "baseline",
  reason: "seccompProfile",
  doc: {
    title: "Seccomp",
    checks: "A seccomp profile explicitly set to `Unconfined` lets the container make any system call. Forbidden at the baseline level.",
    fix: "Set `securityContext.seccompProfile.type` to `RuntimeDefault` (or `Localhost`), or leave it unset.",
  },
  versions: [
    { minimumVersion: "v1.0", checkPod: seccompProfileBaselineV1Dot0 },
    { minimumVersion: "v1.19", checkPod: seccompProfileBaselineV1Dot19 },
  ],
  fix: runtimeDefaultSeccomp,
};

export function validSeccompType(profile: TypedProfile): boolean {
  return profile.type === "RuntimeDefault" || profile.type === "Localhost";
}

function validAnnotationValue(value: string): boolean {
  return value === "runtime/default" || value === "docker/default" || value.startsWith("localhost/");
}

function seccompProfileBaselineV1Dot0(pod: DecodedPod): CheckFinding[] {
  const findings: CheckFinding[] = [];
  const seen = new Set<string>();
  const check = (key: string, container?: DecodedPod["spec"]["containers"][number]) => {
    const value = pod.annotations.get(key);
    if (value === undefined || validAnnotationValue(value) || seen.has(key)) return;
    seen.add(key);
    findings.push(annotationFinding(key, `forbidden annotation ${key}=${quote(value)}`, ANNOTATION_FIX, container));
  };
  check(ANNOTATION_KEY_POD);
  for (const container of pod.spec.containers) check(ANNOTATION_KEY_CONTAINER_PREFIX + container.name, container);
  return findings;
}

/** Upstream `seccompProfileBaseline_1_19`: explicitly set profiles of a forbidden type. */
export function forbiddenSeccompProfiles(pod: DecodedPod): CheckFinding[] {
  const findings: CheckFinding[] = [];
  const podProfile = pod.spec.securityContext?.seccompProfile;
  if (podProfile && !validSeccompType(podProfile)) {
    findings.push(
      podFinding(
        ["securityContext", "seccompProfile", "type"],
        `pod must not set securityContext.seccompProfile.type to ${quote(podProfile.type)}`,
        SECCOMP_FIELD_FIX,
      ),
    );
  }
  for (const container of pod.spec.containers) {
    const profile = container.securityContext?.seccompProfile;
    if (!profile || validSeccompType(profile)) continue;
    findings.push(
      containerFinding(
        container,
        ["securityContext", "seccompProfile", "type"],
        `${containerLabel(container.name)} must not set securityContext.seccompProfile.type to ${quote(profile.type)}`,
        SECCOMP_FIELD_FIX,
      ),
    );
  }
  return findings;
}

function seccompProfileBaselineV1Dot19(pod: DecodedPod): CheckFinding[] {
  return forbiddenSeccompProfiles(pod);
}
