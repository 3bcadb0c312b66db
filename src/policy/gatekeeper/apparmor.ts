/**
 * K8sPSPAppArmor — upstream template `library/pod-security-policy/apparmor` (v1.1.1).
 * Every container's AppArmor profile must be one of `allowedProfiles` (compared literally:
 * `runtime/default`, `unconfined`, `localhost/<name>`). A container's profile is, in order: its
 * `securityContext.appArmorProfile`; the legacy `container.apparmor.security.beta.kubernetes.io/<name>`
 * annotation; the Pod's `securityContext.appArmorProfile`; else `runtime/default`.
 */
import type { FieldPath, JsonObject, JsonValue } from "../../manifests/types.js";
import { containerViolation, podContainers, type PodContainer } from "./lib/containers.js";
import { defineKind } from "./lib/define.js";
import { isExemptImage } from "./lib/exempt-images.js";
import { get, getObject } from "./lib/json.js";
import { msg } from "./lib/rego-format.js";
import { arrayOf, exemptImages, obj, str } from "./lib/schema.js";

interface Parameters {
  exemptImages?: string[];
  allowedProfiles: string[];
}

export const appArmor = defineKind<Parameters>({
  kind: "K8sPSPAppArmor",
  template: "library/pod-security-policy/apparmor",
  description: "Configures an allow-list of AppArmor profiles for use by containers.",
  fix: "Set the container's AppArmor profile (`securityContext.appArmorProfile`, or the `container.apparmor.security.beta.kubernetes.io/<container>` annotation) to one of the constraint's `allowedProfiles`.",
  target: "pod",
  // Required here: without it the upstream message is undefined and the rule never fires.
  parameters: obj({ exemptImages, allowedProfiles: arrayOf(str()) }, ["allowedProfiles"]),
  build:
    ({ allowedProfiles, exemptImages }) =>
    (pod) =>
      podContainers(pod).flatMap((c) => {
        if (isExemptImage(c.image, exemptImages)) return [];
        const { profile, path } = appArmorProfile(pod, c);
        if (profile !== undefined && allowedProfiles.includes(profile as string)) return [];
        return [
          {
            ...containerViolation(
              c,
              msg`AppArmor profile is not allowed, pod: ${get(pod, "metadata", "name")}, container: ${c.name}. Allowed profiles: ${allowedProfiles}`,
            ),
            path,
          },
        ];
      }),
});

function appArmorProfile(pod: JsonObject, c: PodContainer): { profile: JsonValue | undefined; path: FieldPath } {
  const own = get(c.spec, "securityContext", "appArmorProfile");
  if (own !== undefined && own !== null) return { profile: canonical(own), path: [...c.path, "securityContext", "appArmorProfile"] };
  const annotation = `container.apparmor.security.beta.kubernetes.io/${typeof c.name === "string" ? c.name : ""}`;
  const annotations = getObject(pod, "metadata", "annotations") ?? {};
  if (Object.hasOwn(annotations, annotation) && annotations[annotation] !== false) {
    return { profile: annotations[annotation], path: ["metadata", "annotations", annotation] };
  }
  const podProfile = get(pod, "spec", "securityContext", "appArmorProfile");
  return {
    profile: podProfile === undefined || podProfile === null ? "runtime/default" : canonical(podProfile),
    path: ["spec", "securityContext", "appArmorProfile"],
  };
}

/** An `appArmorProfile` object in the annotation's spelling; undefined for an unknown type. */
function canonical(profile: JsonValue): string | undefined {
  switch (get(profile, "type")) {
    case "RuntimeDefault":
      return "runtime/default";
    case "Unconfined":
      return "unconfined";
    case "Localhost": {
      const file = get(profile, "localhostProfile");
      return file === undefined ? undefined : `localhost/${typeof file === "string" ? file : JSON.stringify(file)}`;
    }
    default:
      return undefined;
  }
}
