/**
 * K8sPSPSeccompV2 — upstream template `library/pod-security-policy/seccompv2` (v1.0.1).
 * Every container's `securityContext.seccompProfile.type` (its own, else the Pod's, else
 * "not configured") must be one of `allowedProfiles` (`*` allows all; "not configured" may be listed
 * to allow leaving it out). A `Localhost` profile must also name a file from `allowedLocalhostFiles`
 * (`*` allows any). The legacy annotations are ignored, as Kubernetes no longer reads them.
 * Containers matching `exemptImages` are skipped.
 */
import type { FieldPath, JsonObject, JsonValue } from "../../manifests/types.js";
import { containerViolation, podContainers, type PodContainer } from "./lib/containers.js";
import { defineKind } from "./lib/define.js";
import { isExemptImage } from "./lib/exempt-images.js";
import { get, isSet } from "./lib/json.js";
import { RegoSet, msg } from "./lib/rego-format.js";
import { arrayOf, exemptImages, obj, str } from "./lib/schema.js";

interface Parameters {
  exemptImages?: string[];
  allowedProfiles: string[];
  allowedLocalhostFiles?: string[];
}

interface Found {
  profile: JsonValue;
  file: JsonValue;
  location: string;
  path: FieldPath;
}

export const seccompV2 = defineKind<Parameters>({
  kind: "K8sPSPSeccompV2",
  template: "library/pod-security-policy/seccompv2",
  description: "Controls the seccomp profile used by containers (securityContext.seccompProfile).",
  fix: "Set `securityContext.seccompProfile` on the pod or every container to one of the constraint's allowed profiles, e.g. `type: RuntimeDefault`.",
  target: "pod",
  // Required here, as its documentation says: with an empty list every workload is blocked.
  parameters: obj({ exemptImages, allowedProfiles: arrayOf(str()), allowedLocalhostFiles: arrayOf(str()) }, ["allowedProfiles"]),
  build: ({ allowedProfiles, allowedLocalhostFiles, exemptImages }) => {
    if (allowedProfiles.includes("*")) return () => [];
    const anyLocalhostFile = (allowedLocalhostFiles ?? []).includes("*");
    // What the messages list: one entry per allowed type, a Localhost entry per allowed file.
    const allowed = new RegoSet(
      allowedProfiles.flatMap((type): JsonObject[] =>
        type === "Localhost" ? (allowedLocalhostFiles ?? [""]).map((file) => ({ type: "Localhost", localHostProfile: file })) : [{ type }],
      ),
    );
    const isAllowed = ({ profile, file }: Found): boolean =>
      profile === "Localhost"
        ? anyLocalhostFile ||
          allowed.values.some(
            (entry) => get(entry as JsonObject, "type") === "Localhost" && get(entry as JsonObject, "localHostProfile") === file,
          )
        : allowed.values.some((entry) => get(entry as JsonObject, "type") === profile);
    return (pod) =>
      podContainers(pod).flatMap((c) => {
        if (isExemptImage(c.image, exemptImages)) return [];
        const found = profileOf(pod, c);
        if (!found || isAllowed(found)) return [];
        const message =
          found.profile === "Localhost"
            ? msg`Seccomp profile '${found.profile}' with file '${found.file}' is not allowed for container '${c.name}'. Found at: ${found.location}. Allowed profiles: ${allowed}`
            : msg`Seccomp profile '${found.profile}' is not allowed for container '${c.name}'. Found at: ${found.location}. Allowed profiles: ${allowed}`;
        return [{ ...containerViolation(c, message), path: found.path }];
      });
  },
});

function profileOf(pod: JsonObject, c: PodContainer): Found | undefined {
  const own = get(c.spec, "securityContext", "seccompProfile");
  if (isSet(own)) return typed(own, "container securityContext", [...c.path, "securityContext", "seccompProfile"]);
  const podProfile = get(pod, "spec", "securityContext", "seccompProfile");
  if (podProfile !== undefined) {
    const found = typed(podProfile, "pod securityContext", ["spec", "securityContext", "seccompProfile"]);
    if (found || isSet(podProfile)) return found;
  }
  return {
    profile: "not configured",
    file: "",
    location: "no explicit profile found",
    path: [...c.path, "securityContext", "seccompProfile"],
  };
}

/** A profile without a `type` is judged by nothing upstream (its rules are undefined). */
function typed(profile: JsonValue | undefined, location: string, path: FieldPath): Found | undefined {
  const type = get(profile, "type");
  if (type === undefined) return undefined;
  return { profile: type, file: get(profile, "localhostProfile") ?? "", location, path: [...path, "type"] };
}
