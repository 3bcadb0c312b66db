/**
 * The default AppArmor profile must not be overridden or disabled, except with a localhost profile.
 * Upstream `check_appArmorProfile.go` (one implementation from v1.0, so it applies at every version):
 * - `appArmorProfile.type` of the pod and of every container must be RuntimeDefault or Localhost when set;
 * - the deprecated annotations `container.apparmor.security.beta.kubernetes.io/*` must be empty,
 *   `runtime/default` or `localhost/*` (the API server still honours them).
 */
import { annotationFinding, containerFinding, podFinding } from "../finding.js";
import { containerLabel, quote } from "../format.js";
import type { DecodedPod, TypedProfile } from "../pod.js";
import type { CheckFinding, PodSecurityCheck } from "../types.js";

const ANNOTATION_KEY_PREFIX = "container.apparmor.security.beta.kubernetes.io/";
const ALLOWED_PROFILE_TYPES: ReadonlySet<string> = new Set(["RuntimeDefault", "Localhost"]);
const FIELD_FIX = "Set appArmorProfile.type to RuntimeDefault or Localhost, or remove appArmorProfile.";
const ANNOTATION_FIX =
  "Set the annotation to runtime/default or localhost/<profile>, or remove it (securityContext.appArmorProfile replaces it).";

export const appArmorProfile: PodSecurityCheck = {
  id: "appArmorProfile",
  level: "baseline",
  reason: "forbidden AppArmor profile",
  doc: {
    title: "AppArmor",
    checks:
      "Overriding or disabling the default AppArmor profile removes a mandatory access control layer. Only `RuntimeDefault` and `Localhost` profiles are allowed at the baseline level.",
    fix: "Use the `RuntimeDefault` or a `Localhost` AppArmor profile, or leave it unset.",
  },
  versions: [{ minimumVersion: "v1.0", checkPod: appArmorProfileV1Dot0 }],
};

function forbiddenType(profile: TypedProfile | undefined): profile is TypedProfile {
  return profile !== undefined && !ALLOWED_PROFILE_TYPES.has(profile.type);
}

function allowedAnnotationValue(value: string): boolean {
  return value === "" || value === "runtime/default" || value.startsWith("localhost/");
}

function appArmorProfileV1Dot0(pod: DecodedPod): CheckFinding[] {
  const findings: CheckFinding[] = [];
  const podProfile = pod.spec.securityContext?.appArmorProfile;
  if (forbiddenType(podProfile)) {
    findings.push(
      podFinding(
        ["securityContext", "appArmorProfile", "type"],
        `pod must not set AppArmor profile type to ${quote(podProfile.type)}`,
        FIELD_FIX,
      ),
    );
  }
  for (const container of pod.spec.containers) {
    const profile = container.securityContext?.appArmorProfile;
    if (!forbiddenType(profile)) continue;
    findings.push(
      containerFinding(
        container,
        ["securityContext", "appArmorProfile", "type"],
        `${containerLabel(container.name)} must not set AppArmor profile type to ${quote(profile.type)}`,
        FIELD_FIX,
      ),
    );
  }
  const annotations = [...pod.annotations].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  for (const [key, value] of annotations) {
    if (!key.startsWith(ANNOTATION_KEY_PREFIX) || allowedAnnotationValue(value)) continue;
    const containerName = key.slice(ANNOTATION_KEY_PREFIX.length);
    const container = pod.spec.containers.find((candidate) => candidate.name === containerName);
    // Upstream's pre-field-era detail for annotations (`key="value"`), which reads better than
    // quoting the pair again inside "must not set AppArmor profile type to ...".
    findings.push(annotationFinding(key, `${key}=${quote(value)}`, ANNOTATION_FIX, container));
  }
  return findings;
}
