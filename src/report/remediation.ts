/**
 * How to fix each kind of finding, in one sentence. Upstream messages (Pod Security Admission,
 * Gatekeeper library) say what is wrong; a reviewer also needs to know what to change.
 * Keyed by rule: the Pod Security check id, or the constraint kind for Gatekeeper kinds.
 */

const FIXES: Readonly<Record<string, string>> = {
  // Pod Security Standards, baseline
  hostNamespaces: "remove `hostNetwork`, `hostPID` and `hostIPC` from the pod spec (or set them to `false`).",
  privileged: "remove `securityContext.privileged` from the container or set it to `false`.",
  capabilities_baseline: "only add capabilities from the baseline list (e.g. NET_BIND_SERVICE); remove the others from `securityContext.capabilities.add`.",
  hostPathVolumes: "replace the `hostPath` volume with a `persistentVolumeClaim`, `emptyDir`, `configMap` or `secret` volume.",
  hostPorts: "remove `hostPort` from the container ports and expose the port with a Service instead.",
  appArmorProfile: "use the `RuntimeDefault` or a `Localhost` AppArmor profile, or leave it unset.",
  seLinuxOptions: "remove `seLinuxOptions.user` and `.role`, and use type `container_t`, `container_init_t` or `container_kvm_t` (or none).",
  procMount: "remove `securityContext.procMount` or set it to `Default`.",
  procMount_restricted: "remove `securityContext.procMount` or set it to `Default`.",
  seccompProfile_baseline: "set `securityContext.seccompProfile.type` to `RuntimeDefault` (or `Localhost`), or leave it unset.",
  sysctls: "remove the sysctl from `securityContext.sysctls`; only the safe set is allowed.",
  windowsHostProcess: "remove `windowsOptions.hostProcess` or set it to `false`.",
  hostProbesAndHostLifecycle: "remove the `host` field from the probe or lifecycle handler; it must target the pod itself.",
  // Pod Security Standards, restricted
  restrictedVolumes: "use only configMap, csi, downwardAPI, emptyDir, ephemeral, image, persistentVolumeClaim, projected or secret volumes.",
  runAsNonRoot: "set `securityContext.runAsNonRoot: true` on the pod (or on every container) and run the image as a non-root user.",
  runAsUser: "set `securityContext.runAsUser` to a non-zero UID, or remove it and use an image that runs as non-root.",
  allowPrivilegeEscalation: "set `securityContext.allowPrivilegeEscalation: false` on every container.",
  seccompProfile_restricted: "set `securityContext.seccompProfile.type: RuntimeDefault` on the pod (or on every container).",
  capabilities_restricted: "set `securityContext.capabilities.drop: [\"ALL\"]` on every container and add back only NET_BIND_SERVICE if needed.",
  // Gatekeeper library constraint kinds
  K8sAllowedRepos: "use an image from one of the allowed repositories listed in the constraint.",
  K8sAllowedReposv2: "use an image that matches one of the allowed image patterns listed in the constraint.",
  K8sDisallowedRepos: "use an image from a repository that is not on the constraint's disallowed list.",
  K8sDisallowedTags: "pin the image to an explicit, allowed tag (not `latest` or another disallowed tag).",
  K8sImageDigests: "pin the image by digest, e.g. `registry/image@sha256:…`.",
};

/** The fix for a rule, or a generic pointer to the offending field. */
export function howToFix(rule: string, policyKind: string, path: string): string {
  // Own properties only: a rule named "constructor" must not find Object.prototype's.
  const fix = (key: string): string | undefined => (Object.hasOwn(FIXES, key) ? FIXES[key] : undefined);
  return fix(rule) ?? fix(policyKind) ?? `change \`${path}\` so that it satisfies the policy.`;
}
