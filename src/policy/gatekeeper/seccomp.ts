/**
 * K8sPSPSeccomp — upstream template `library/pod-security-policy/seccomp` (v1.1.0).
 * Every container's seccomp profile must be allowed by `allowedProfiles`, written in the annotation
 * scheme (`runtime/default`, `docker/default`, `unconfined`, `localhost/<file>`, `localhost/*`) or
 * the securityContext scheme (`RuntimeDefault`, `Unconfined`, `Localhost` with
 * `allowedLocalhostFiles`); `*` allows all. A container's profile is, in order: its
 * `securityContext.seccompProfile`; the Pod's; the legacy container annotation; the legacy Pod
 * annotation; else "not configured". Containers matching `exemptImages` are skipped.
 */
import type { FieldPath, JsonObject, JsonValue } from "../../manifests/types.js";
import { containerViolation, podContainers, type PodContainer } from "./lib/containers.js";
import { defineKind } from "./lib/define.js";
import { isExemptImage } from "./lib/exempt-images.js";
import { get, getObject, isSet } from "./lib/json.js";
import { RegoSet, msg } from "./lib/rego-format.js";
import { arrayOf, exemptImages, obj, str } from "./lib/schema.js";

interface Parameters {
  exemptImages?: string[];
  allowedProfiles: string[];
  allowedLocalhostFiles?: string[];
}

const POD_ANNOTATION = "seccomp.security.alpha.kubernetes.io/pod";
const CONTAINER_ANNOTATION_PREFIX = "container.seccomp.security.alpha.kubernetes.io/";

interface Found {
  profile: string;
  location: string;
  path: FieldPath;
}

export const seccomp = defineKind<Parameters>({
  kind: "K8sPSPSeccomp",
  template: "library/pod-security-policy/seccomp",
  description: "Controls the seccomp profile used by containers.",
  fix: "Set the seccomp profile (`securityContext.seccompProfile` or the seccomp annotations) to one of the constraint's `allowedProfiles`, e.g. `RuntimeDefault`.",
  target: "pod",
  // Required here, as its documentation says: with an empty list every workload is blocked.
  parameters: obj({ exemptImages, allowedProfiles: arrayOf(str()), allowedLocalhostFiles: arrayOf(str()) }, ["allowedProfiles"]),
  build: ({ allowedProfiles, allowedLocalhostFiles = [], exemptImages }) => {
    if (allowedProfiles.includes("*")) return () => [];
    // The securityContext names translate to annotation names, but only paired with a localhost
    // file: upstream's translation iterates `allowedLocalhostFiles`, so with none listed
    // `RuntimeDefault` alone adds nothing. Kept as upstream.
    const translated = allowedProfiles
      .filter((p) => !p.includes("/"))
      .flatMap((type) => allowedLocalhostFiles.flatMap((file) => canonical({ type, localhostProfile: file }, "") ?? []));
    const allowed = new RegoSet([...allowedProfiles, ...translated]);
    const runtimeDefault = allowedProfiles.includes("runtime/default")
      ? "runtime/default"
      : allowedProfiles.includes("docker/default")
        ? "docker/default"
        : "runtime/default";
    const wildcardLocalhost = allowed.has("localhost/*");
    const isAllowed = (profile: string): boolean => allowed.has(profile) || (profile.startsWith("localhost/") && wildcardLocalhost);
    return (pod) =>
      podContainers(pod).flatMap((c) => {
        if (isExemptImage(c.image, exemptImages)) return [];
        const found = profileOf(pod, c, runtimeDefault);
        if (!found || isAllowed(found.profile)) return [];
        return [
          {
            ...containerViolation(
              c,
              msg`Seccomp profile '${found.profile}' is not allowed for container '${c.name}'. Found at: ${found.location}. Allowed profiles: ${allowed}`,
            ),
            path: found.path,
          },
        ];
      });
  },
});

function profileOf(pod: JsonObject, c: PodContainer, runtimeDefault: string): Found | undefined {
  const own = get(c.spec, "securityContext", "seccompProfile");
  if (isSet(own)) {
    const profile = canonical(own, runtimeDefault)?.[0];
    return profile === undefined
      ? undefined
      : { profile, location: "container securityContext", path: [...c.path, "securityContext", "seccompProfile"] };
  }
  const podProfile = get(pod, "spec", "securityContext", "seccompProfile");
  if (isSet(podProfile)) {
    const profile = canonical(podProfile, runtimeDefault)?.[0];
    return profile === undefined
      ? undefined
      : { profile, location: "pod securityContext", path: ["spec", "securityContext", "seccompProfile"] };
  }
  const annotations = getObject(pod, "metadata", "annotations") ?? {};
  const containerKey = `${CONTAINER_ANNOTATION_PREFIX}${typeof c.name === "string" ? c.name : ""}`;
  for (const key of [containerKey, POD_ANNOTATION]) {
    const value = annotations[key];
    if (isSet(value)) {
      return typeof value === "string"
        ? { profile: value, location: `annotation ${key}`, path: ["metadata", "annotations", key] }
        : undefined;
    }
  }
  return { profile: "not configured", location: "no explicit profile found", path: [...c.path, "securityContext", "seccompProfile"] };
}

/**
 * A `seccompProfile` in the annotation scheme. `RuntimeDefault` is spelled as the constraint allows
 * it (`runtimeDefault`); with none given, both spellings.
 */
function canonical(profile: JsonValue | undefined, runtimeDefault: string): string[] | undefined {
  switch (get(profile, "type")) {
    case "RuntimeDefault":
      return runtimeDefault === "" ? ["runtime/default", "docker/default"] : [runtimeDefault];
    case "Localhost": {
      const file = get(profile, "localhostProfile");
      return typeof file === "string" ? [`localhost/${file}`] : undefined;
    }
    case "Unconfined":
      return ["unconfined"];
    default:
      return undefined;
  }
}
