/**
 * K8sPSPHostFilesystem — upstream template `library/pod-security-policy/host-filesystem` (v1.1.2).
 * hostPath volumes must lie under one of `allowedHostPaths` (by whole path segments: `/foo` covers
 * `/foo/bar`, not `/fool`); an entry with `readOnly: true` also requires every mount of the volume to
 * be read-only. No `allowedHostPaths` means no hostPath volume is allowed. (Upstream skips UPDATE
 * requests because volumes are immutable, so an AdmissionReview of an UPDATE is
 * not judged (`exemptsUpdates`); a manifest is judged as a CREATE.)
 */
import type { JsonObject, JsonValue } from "../../manifests/types.js";
import { podContainers } from "./lib/containers.js";
import { defineKind } from "./lib/define.js";
import { get, getArray, hasField, isSet } from "./lib/json.js";
import { msg } from "./lib/rego-format.js";
import { arrayOf, bool, obj, str } from "./lib/schema.js";

interface AllowedHostPath {
  pathPrefix?: string;
  readOnly?: boolean;
}

interface Parameters {
  allowedHostPaths?: AllowedHostPath[];
}

export const hostFilesystem = defineKind<Parameters>({
  kind: "K8sPSPHostFilesystem",
  template: "library/pod-security-policy/host-filesystem",
  description: "Controls usage of the host filesystem.",
  fix: "Replace the `hostPath` volume with another volume type, or use a path prefix the constraint allows (read-only where it requires).",
  target: "pod",
  exemptsUpdates: true,
  parameters: obj({ allowedHostPaths: arrayOf(obj({ pathPrefix: str(), readOnly: bool })) }),
  build:
    ({ allowedHostPaths = [] }) =>
    (pod) =>
      getArray(pod, "spec", "volumes").flatMap((volume, index) => {
        if (!hasField(volume, "hostPath")) return [];
        if (allowedHostPaths.length > 0 && allowedHostPaths.some((allowed) => permits(allowed, volume, pod))) return [];
        return [
          {
            message: msg`HostPath volume ${volume} is not allowed, pod: ${get(pod, "metadata", "name")}. Allowed path: ${allowedHostPaths as unknown as JsonValue}`,
            path: ["spec", "volumes", index, "hostPath", "path"],
          },
        ];
      }),
});

function permits(allowed: AllowedHostPath, volume: JsonValue, pod: JsonObject): boolean {
  const path = get(volume, "hostPath", "path");
  if (allowed.pathPrefix === undefined || typeof path !== "string" || !pathUnder(allowed.pathPrefix, path)) return false;
  if (allowed.readOnly !== true) return true;
  return !hasWritableMount(pod, get(volume, "name"));
}

function hasWritableMount(pod: JsonObject, volumeName: JsonValue | undefined): boolean {
  return podContainers(pod).some((c) =>
    getArray(c.spec, "volumeMounts").some((mount) => get(mount, "name") === volumeName && !isSet(get(mount, "readOnly"))),
  );
}

/** Upstream's `path_matches`: the prefix's segments start the path's segments. */
function pathUnder(prefix: string, path: string): boolean {
  const a = segments(prefix);
  const b = segments(path);
  return a.length <= b.length && a.every((segment, i) => segment === b[i]);
}

function segments(path: string): string[] {
  return path === "/" ? [] : path.replace(/^\/+|\/+$/g, "").split("/");
}
