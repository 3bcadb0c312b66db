/**
 * The Pod a workload will create. Pod-level policies (Pod Security Standards, most Gatekeeper
 * library constraints) judge that Pod, and their findings are mapped back onto the workload's
 * template, so they land on the line a reviewer has to change.
 */
import { WELL_KNOWN_KINDS, expandPattern, type PodSource, type PodTemplateKinds } from "./pod-templates.js";
import { apiGroupOf } from "./resource.js";
import type { FieldPath, JsonObject, JsonValue, Manifest } from "./types.js";
import { isObject } from "./json.js";

export interface PodView {
  /** The Pod itself, or one synthesized from a workload's template. */
  pod: JsonObject;
  /** Where the pod template sits in the manifest (`[]` for a Pod). */
  templatePath: FieldPath;
  /** A path in `pod` as a path in the manifest's object. */
  toSourcePath(podPath: FieldPath): FieldPath;
}

/** Where each built-in workload keeps its pod template. */
export const WORKLOAD_TEMPLATE_PATHS: Readonly<Record<string, FieldPath>> = Object.freeze({
  Deployment: ["spec", "template"],
  ReplicaSet: ["spec", "template"],
  StatefulSet: ["spec", "template"],
  DaemonSet: ["spec", "template"],
  Job: ["spec", "template"],
  ReplicationController: ["spec", "template"],
  CronJob: ["spec", "jobTemplate", "spec", "template"],
  PodTemplate: ["template"],
});

/**
 * The API groups each workload kind is served from, old beta groups included: they still appear in
 * repositories, and their templates mean the same. A custom resource that reuses one of these kind
 * names in its own API group is not a built-in workload, and its template may mean something else.
 * A Map: kinds come from the manifests, and `kind: constructor` must not find Object's.
 */
const WORKLOAD_GROUPS: ReadonlyMap<string, readonly string[]> = new Map(
  Object.entries({
    Pod: [""],
    ReplicationController: [""],
    PodTemplate: [""],
    Deployment: ["apps", "extensions"],
    ReplicaSet: ["apps", "extensions"],
    DaemonSet: ["apps", "extensions"],
    StatefulSet: ["apps"],
    Job: ["batch"],
    CronJob: ["batch"],
  }),
);

const IDENTITY = (path: FieldPath): FieldPath => path;

/** The pod of a built-in workload (or the Pod itself); undefined for anything else. */
export function podViewOf(manifest: Manifest): PodView | undefined {
  const { object } = manifest;
  const kind = object["kind"];
  const apiVersion = object["apiVersion"];
  if (typeof kind !== "string" || typeof apiVersion !== "string") return undefined;
  if (!WORKLOAD_GROUPS.get(kind)?.includes(apiGroupOf(apiVersion))) return undefined;
  if (kind === "Pod") return { pod: object, templatePath: [], toSourcePath: IDENTITY };

  const templatePath = Object.hasOwn(WORKLOAD_TEMPLATE_PATHS, kind) ? WORKLOAD_TEMPLATE_PATHS[kind] : undefined;
  if (!templatePath) return undefined;
  return templateView(object, templatePath);
}

/**
 * Every pod a manifest will make: the built-in workload's, or one per pod template of a known
 * custom resource (pod-templates.ts; `kinds` adds the organisation's own).
 */
export function podViewsOf(manifest: Manifest, kinds: PodTemplateKinds = WELL_KNOWN_KINDS): PodView[] {
  const builtIn = podViewOf(manifest);
  if (builtIn) return [builtIn];
  const { object } = manifest;
  const kind = object["kind"];
  const apiVersion = object["apiVersion"];
  if (typeof kind !== "string" || typeof apiVersion !== "string") return [];
  const known = kinds.get(apiGroupOf(apiVersion), kind);
  if (!known) return [];
  const views: PodView[] = [];
  for (const source of known.pods) {
    for (const match of expandPattern(object, source.at)) {
      const view = source.shape === "template" ? templateView(object, match.path) : assembledView(object, match.path, match.value, source);
      if (view) views.push(view);
    }
  }
  return views;
}

/** The pod of a PodTemplateSpec at `templatePath`. */
function templateView(object: JsonObject, templatePath: FieldPath): PodView | undefined {
  const template = valueAt(object, templatePath);
  if (!isObject(template)) return undefined;

  const metadata = podMetadata(object, template["metadata"]);
  const pod: JsonObject = { apiVersion: "v1", kind: "Pod", metadata };
  const spec = template["spec"];
  if (spec !== undefined) pod["spec"] = spec;

  const toSourcePath = (podPath: FieldPath): FieldPath => {
    const [first, second] = podPath;
    if (first === "metadata" && (second === "namespace" || second === "name")) return podPath;
    if (first === "spec" || first === "metadata") return [...templatePath, ...podPath];
    return templatePath; // apiVersion, kind or the pod as a whole: the template stands for it
  };
  return { pod, templatePath, toSourcePath };
}

/** Pods are created in the workload's namespace (one in the template is ignored) and named after it. */
function podMetadata(object: JsonObject, templateMetadata: JsonValue | undefined): JsonObject {
  const metadata: JsonObject = isObject(templateMetadata) ? { ...templateMetadata } : {};
  const workloadMetadata = object["metadata"];
  const namespace = isObject(workloadMetadata) ? workloadMetadata["namespace"] : undefined;
  if (typeof namespace === "string" && namespace !== "") metadata["namespace"] = namespace;
  else delete metadata["namespace"];
  const workloadName = isObject(workloadMetadata) ? workloadMetadata["name"] : undefined;
  if (typeof metadata["name"] !== "string" && typeof workloadName === "string") metadata["name"] = workloadName;
  return metadata;
}

/**
 * A pod put together from parts (Argo's and Tekton's shapes): each container, volume and field
 * remembers where it came from, so a finding on the pod lands on the part's own line.
 */
function assembledView(
  object: JsonObject,
  unitPath: FieldPath,
  unit: JsonValue,
  source: Extract<PodSource, { shape: "parts" }>,
): PodView | undefined {
  if (!isObject(unit)) return undefined;
  const resolve = (part: {
    from: "unit" | "object";
    path: readonly (string | number)[];
  }): { path: FieldPath; value: JsonValue } | undefined => {
    const base = part.from === "unit" ? unitPath : [];
    const value = valueAt(object, [...base, ...part.path]);
    return value === undefined || value === null ? undefined : { path: [...base, ...part.path], value };
  };
  /** Items of lists (or single objects), each with its source path. */
  const collect = (
    parts: readonly { from: "unit" | "object"; path: readonly (string | number)[] }[],
  ): { items: JsonValue[]; paths: FieldPath[] } => {
    const items: JsonValue[] = [];
    const paths: FieldPath[] = [];
    for (const part of parts) {
      const found = resolve(part);
      if (!found) continue;
      if (Array.isArray(found.value)) {
        found.value.forEach((item, index) => {
          items.push(item);
          paths.push([...found.path, index]);
        });
      } else {
        items.push(found.value);
        paths.push(found.path);
      }
    }
    return { items, paths };
  };

  const containers = collect(source.containers);
  if (containers.items.length === 0) return undefined;
  const initContainers = collect(source.initContainers);
  const volumes = collect(source.volumes);
  const spec: JsonObject = { containers: containers.items };
  const fieldPaths = new Map<string, FieldPath>();
  if (initContainers.items.length > 0) spec["initContainers"] = initContainers.items;
  if (volumes.items.length > 0) spec["volumes"] = volumes.items;
  for (const [field, candidates] of Object.entries(source.fields)) {
    const found = candidates.map(resolve).find((candidate) => candidate !== undefined);
    if (!found) continue;
    spec[field] = found.value;
    fieldPaths.set(field, found.path);
  }
  const metadataSource = source.metadata ? resolve(source.metadata) : undefined;
  const pod: JsonObject = { apiVersion: "v1", kind: "Pod", metadata: podMetadata(object, metadataSource?.value), spec };

  const lists = new Map<string, FieldPath[]>([
    ["containers", containers.paths],
    ["initContainers", initContainers.paths],
    ["volumes", volumes.paths],
  ]);
  const toSourcePath = (podPath: FieldPath): FieldPath => {
    const [first, second, third, ...rest] = podPath;
    if (first === "metadata") {
      if (second === "namespace" || second === "name") return podPath;
      return metadataSource ? [...metadataSource.path, ...podPath.slice(1)] : unitPath;
    }
    if (first !== "spec" || typeof second !== "string") return unitPath;
    const list = lists.get(second);
    if (list) {
      const item = typeof third === "number" ? list[third] : undefined;
      return item ? [...item, ...rest] : unitPath;
    }
    const field = fieldPaths.get(second);
    return field ? [...field, ...podPath.slice(2)] : unitPath;
  };
  return { pod, templatePath: unitPath, toSourcePath };
}

function valueAt(object: JsonObject, path: FieldPath): JsonValue | undefined {
  let value: JsonValue | undefined = object;
  for (const segment of path) {
    if (Array.isArray(value) && typeof segment === "number") value = value[segment];
    else if (isObject(value) && typeof segment === "string" && Object.hasOwn(value, segment)) value = value[segment];
    else return undefined;
  }
  return value;
}
