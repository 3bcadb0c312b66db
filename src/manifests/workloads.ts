/**
 * The Pod a workload will create. Pod-level policies (Pod Security Standards, most Gatekeeper
 * library constraints) judge that Pod, and their findings are mapped back onto the workload's
 * template, so they land on the line a reviewer has to change.
 */
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
 */
const WORKLOAD_GROUPS: Readonly<Record<string, readonly string[]>> = {
  Pod: [""],
  ReplicationController: [""],
  PodTemplate: [""],
  Deployment: ["apps", "extensions"],
  ReplicaSet: ["apps", "extensions"],
  DaemonSet: ["apps", "extensions"],
  StatefulSet: ["apps"],
  Job: ["batch"],
  CronJob: ["batch"],
};

const IDENTITY = (path: FieldPath): FieldPath => path;

export function podViewOf(manifest: Manifest): PodView | undefined {
  const { object } = manifest;
  const kind = object["kind"];
  const apiVersion = object["apiVersion"];
  if (typeof kind !== "string" || typeof apiVersion !== "string") return undefined;
  if (!WORKLOAD_GROUPS[kind]?.includes(apiGroupOf(apiVersion))) return undefined;
  if (kind === "Pod") return { pod: object, templatePath: [], toSourcePath: IDENTITY };

  const templatePath = WORKLOAD_TEMPLATE_PATHS[kind];
  if (!templatePath) return undefined;
  const template = valueAt(object, templatePath);
  if (!isObject(template)) return undefined;

  const metadata: JsonObject = isObject(template["metadata"]) ? { ...template["metadata"] } : {};
  // Pods are created in the workload's namespace; a namespace in the template is ignored by Kubernetes.
  const workloadMetadata = object["metadata"];
  const namespace = isObject(workloadMetadata) ? workloadMetadata["namespace"] : undefined;
  if (typeof namespace === "string" && namespace !== "") metadata["namespace"] = namespace;
  else delete metadata["namespace"];
  // The pods get generated names; messages that name "the Pod" should name the workload that makes it.
  const workloadName = isObject(workloadMetadata) ? workloadMetadata["name"] : undefined;
  if (typeof metadata["name"] !== "string" && typeof workloadName === "string") metadata["name"] = workloadName;

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

function valueAt(object: JsonObject, path: FieldPath): JsonValue | undefined {
  let value: JsonValue | undefined = object;
  for (const segment of path) {
    if (!isObject(value)) return undefined;
    value = value[segment as string];
  }
  return value;
}
