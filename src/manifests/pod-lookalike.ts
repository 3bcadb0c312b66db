/**
 * A custom resource we do not know that nevertheless looks like it makes pods: somewhere under its
 * `spec` sits a `containers` list whose items have an `image`. Its pods cannot be judged without
 * knowing how the controller builds them, so it is pointed out (a notice), never silently passed.
 */
import { apiGroupOf, resourceRef } from "./resource.js";
import type { FieldPath, InputError, JsonValue, Manifest, PathSegment } from "./types.js";

/** How deep under `spec` to look: real pod templates sit at most a few levels down. */
const MAX_DEPTH = 8;

export function unjudgedPodTemplate(manifest: Manifest): InputError | undefined {
  const apiVersion = manifest.object["apiVersion"];
  // Built-in kinds (core, `apps`, `*.k8s.io`: a CRD's schema mentions containers too) are known.
  if (typeof apiVersion !== "string" || !isCustomGroup(apiGroupOf(apiVersion))) return undefined;
  const spec = manifest.object["spec"];
  const found = findContainers(spec, ["spec"], 0);
  if (!found) return undefined;
  const { kind } = resourceRef(manifest.object);
  const at = manifest.locate(found);
  return {
    file: manifest.file,
    line: at.line,
    column: at.column,
    message: `${found.join(".")} looks like a pod template (containers with images), but kube-policy-bot does not know how ${kind} (${apiVersion}) creates pods, so they were not judged; add the kind to the organisation's config (podTemplates: apiVersion, kind, podTemplatePaths) to judge it`,
  };
}

function isCustomGroup(group: string): boolean {
  return group.includes(".") && !group.endsWith(".k8s.io") && group !== "k8s.io";
}

/** The path of the first `containers` list with images, depth first; `path` is where `value` sits (extended in place). */
function findContainers(value: JsonValue | undefined, path: PathSegment[], depth: number): FieldPath | undefined {
  if (depth > MAX_DEPTH || typeof value !== "object" || value === null) return undefined;
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index++) {
      path.push(index);
      const found = findContainers(value[index], path, depth + 1);
      if (found) return found;
      path.pop();
    }
    return undefined;
  }
  for (const key in value) {
    if (!Object.hasOwn(value, key)) continue;
    const child = value[key] as JsonValue;
    path.push(key);
    if (key === "containers" && Array.isArray(child) && child.some(hasImage)) return path;
    const found = findContainers(child, path, depth + 1);
    if (found) return found;
    path.pop();
  }
  return undefined;
}

function hasImage(item: JsonValue): boolean {
  return typeof item === "object" && item !== null && !Array.isArray(item) && typeof item["image"] === "string";
}
