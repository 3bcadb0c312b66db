/**
 * Custom resources that create Pods, and where their pods come from. Pod Security admission judges
 * those Pods only when the controller creates them, after the merge; judging their templates here
 * catches them in the pull request. Each pod is judged on its own, and findings land on the lines of
 * the template (or step, or container) they come from.
 *
 * A kind is known by API group and kind. Two shapes of pod source exist:
 * - a pod template (`metadata` + `spec`, a PodTemplateSpec) at a path;
 * - parts assembled into a pod, for kinds that keep containers elsewhere (Argo Workflows' templates,
 *   Tekton's steps): container lists, pod-level fields and volumes, each from a path of its own.
 * Paths may hold `*` for every item of a list. Organisations add kinds of the first shape in their
 * config (`podTemplates`).
 */
import { isObject } from "./json.js";
import { apiGroupOf } from "./resource.js";
import type { FieldPath, JsonValue, PathSegment } from "./types.js";

/** A path in an object; `*` stands for every item of a list. */
export type PathPattern = readonly (string | number)[];

/** Where a part of an assembled pod comes from: the unit (one template, one task) or the whole object. */
interface PartSource {
  from: "unit" | "object";
  path: PathPattern;
}

export type PodSource =
  | { shape: "template"; at: PathPattern }
  | {
      shape: "parts";
      /** One pod per match. */
      at: PathPattern;
      /** Lists of containers, or single containers, in order. */
      containers: readonly PartSource[];
      initContainers: readonly PartSource[];
      /** Volume lists, concatenated. */
      volumes: readonly PartSource[];
      /** Pod spec fields: the first source present wins. */
      fields: Readonly<Record<string, readonly PartSource[]>>;
      metadata?: PartSource;
    };

export interface PodTemplateKind {
  group: string;
  kind: string;
  /** Who makes the kind, for the documentation. */
  project: string;
  pods: readonly PodSource[];
}

const unit = (...path: PathPattern): PartSource => ({ from: "unit", path });
const object = (...path: PathPattern): PartSource => ({ from: "object", path });
const template = (...at: PathPattern): PodSource => ({ shape: "template", at });

/** An Argo Workflows template: its container (or script, or container set) plus sidecars, in the workflow's pod settings. */
function argoTemplates(...workflowSpec: PathPattern): PodSource {
  const spec = (...path: PathPattern): PartSource => object(...workflowSpec, ...path);
  return {
    shape: "parts",
    at: [...workflowSpec, "templates", "*"],
    containers: [unit("container"), unit("script"), unit("containerSet", "containers"), unit("sidecars")],
    initContainers: [unit("initContainers")],
    volumes: [spec("volumes"), unit("volumes")],
    fields: {
      securityContext: [unit("securityContext"), spec("securityContext")],
      hostNetwork: [spec("hostNetwork")],
      automountServiceAccountToken: [unit("automountServiceAccountToken"), spec("automountServiceAccountToken")],
      serviceAccountName: [unit("serviceAccountName"), spec("serviceAccountName")],
      hostAliases: [unit("hostAliases"), spec("hostAliases")],
    },
    metadata: unit("metadata"),
  };
}

/** A Tekton task: its steps and sidecars are the pod's containers, the run's pod template its settings. */
function tektonTask(at: PathPattern, podTemplate: PathPattern): PodSource {
  const settings = (field: string): PartSource => object(...podTemplate, field);
  return {
    shape: "parts",
    at,
    containers: [unit("steps"), unit("sidecars")],
    initContainers: [],
    volumes: [unit("volumes"), settings("volumes")],
    fields: {
      securityContext: [settings("securityContext")],
      hostNetwork: [settings("hostNetwork")],
      automountServiceAccountToken: [settings("automountServiceAccountToken")],
      hostAliases: [settings("hostAliases")],
    },
  };
}

/** The built-in table (README: "Pod-creating custom resources"). */
export const WELL_KNOWN_POD_TEMPLATE_KINDS: readonly PodTemplateKind[] = [
  { group: "argoproj.io", kind: "Rollout", project: "Argo Rollouts", pods: [template("spec", "template")] },
  { group: "argoproj.io", kind: "Workflow", project: "Argo Workflows", pods: [argoTemplates("spec")] },
  { group: "argoproj.io", kind: "WorkflowTemplate", project: "Argo Workflows", pods: [argoTemplates("spec")] },
  { group: "argoproj.io", kind: "ClusterWorkflowTemplate", project: "Argo Workflows", pods: [argoTemplates("spec")] },
  { group: "argoproj.io", kind: "CronWorkflow", project: "Argo Workflows", pods: [argoTemplates("spec", "workflowSpec")] },
  { group: "apps.kruise.io", kind: "CloneSet", project: "OpenKruise", pods: [template("spec", "template")] },
  { group: "apps.kruise.io", kind: "StatefulSet", project: "OpenKruise (Advanced StatefulSet)", pods: [template("spec", "template")] },
  { group: "apps.kruise.io", kind: "DaemonSet", project: "OpenKruise (Advanced DaemonSet)", pods: [template("spec", "template")] },
  { group: "keda.sh", kind: "ScaledJob", project: "KEDA", pods: [template("spec", "jobTargetRef", "template")] },
  { group: "serving.knative.dev", kind: "Service", project: "Knative Serving", pods: [template("spec", "template")] },
  { group: "serving.knative.dev", kind: "Configuration", project: "Knative Serving", pods: [template("spec", "template")] },
  {
    group: "jobset.x-k8s.io",
    kind: "JobSet",
    project: "JobSet",
    pods: [template("spec", "replicatedJobs", "*", "template", "spec", "template")],
  },
  { group: "batch.volcano.sh", kind: "Job", project: "Volcano", pods: [template("spec", "tasks", "*", "template")] },
  {
    group: "tekton.dev",
    kind: "TaskRun",
    project: "Tekton Pipelines",
    pods: [tektonTask(["spec", "taskSpec"], ["spec", "podTemplate"])],
  },
  {
    group: "tekton.dev",
    kind: "PipelineRun",
    project: "Tekton Pipelines",
    pods: [
      tektonTask(["spec", "pipelineSpec", "tasks", "*", "taskSpec"], ["spec", "taskRunTemplate", "podTemplate"]),
      tektonTask(["spec", "pipelineSpec", "finally", "*", "taskSpec"], ["spec", "taskRunTemplate", "podTemplate"]),
      tektonTask(["spec", "pipelineSpec", "tasks", "*", "taskSpec"], ["spec", "podTemplate"]),
      tektonTask(["spec", "pipelineSpec", "finally", "*", "taskSpec"], ["spec", "podTemplate"]),
    ],
  },
];

/** Looks kinds up by group and kind (a Map: kinds are user input, `constructor` included). */
export class PodTemplateKinds {
  private readonly byKey = new Map<string, PodTemplateKind>();

  constructor(kinds: readonly PodTemplateKind[]) {
    for (const kind of kinds) {
      const key = keyOf(kind.group, kind.kind);
      const known = this.byKey.get(key);
      // An organisation's entry adds paths to a well-known kind rather than replacing them.
      this.byKey.set(key, known ? { ...known, pods: [...known.pods, ...kind.pods] } : kind);
    }
  }

  get(group: string, kind: string): PodTemplateKind | undefined {
    return this.byKey.get(keyOf(group, kind));
  }
}

function keyOf(group: string, kind: string): string {
  return `${group}\u0000${kind}`;
}

export const WELL_KNOWN_KINDS = new PodTemplateKinds(WELL_KNOWN_POD_TEMPLATE_KINDS);

/** The well-known kinds plus an organisation's own (`apiVersion`'s group; paths already validated). */
export function withConfiguredKinds(
  settings: readonly { apiVersion: string; kind: string; podTemplatePaths: readonly string[] }[],
): PodTemplateKinds {
  if (settings.length === 0) return WELL_KNOWN_KINDS;
  const configured = settings.map((setting): PodTemplateKind => ({
    group: apiGroupOf(setting.apiVersion),
    kind: setting.kind,
    project: "organisation config",
    pods: setting.podTemplatePaths.flatMap((text) => {
      const at = parsePathPattern(text);
      return at ? [{ shape: "template" as const, at }] : [];
    }),
  }));
  return new PodTemplateKinds([...WELL_KNOWN_POD_TEMPLATE_KINDS, ...configured]);
}

/**
 * `spec.template`, `spec.tasks[*].template`: the path syntax of the config's `podTemplatePaths`.
 * Undefined when the text is not such a path.
 */
export function parsePathPattern(text: string): PathPattern | undefined {
  if (!/^[A-Za-z0-9_-]+(\[\*\]|\[[0-9]+\])?(\.[A-Za-z0-9_-]+(\[\*\]|\[[0-9]+\])?)*$/.test(text)) return undefined;
  const path: (string | number)[] = [];
  for (const part of text.split(".")) {
    const match = /^([^[]+)(?:\[(\*|[0-9]+)\])?$/.exec(part);
    if (!match) return undefined;
    path.push(match[1] as string);
    if (match[2] === "*") path.push("*");
    else if (match[2] !== undefined) path.push(Number(match[2]));
  }
  return path;
}

/** Every concrete path the pattern matches in `value`, with the value there. */
export function expandPattern(value: JsonValue, pattern: PathPattern): { path: FieldPath; value: JsonValue }[] {
  let matches: { path: PathSegment[]; value: JsonValue }[] = [{ path: [], value }];
  for (const segment of pattern) {
    const next: { path: PathSegment[]; value: JsonValue }[] = [];
    for (const match of matches) {
      const current = match.value;
      if (segment === "*") {
        if (Array.isArray(current)) current.forEach((item, index) => next.push({ path: [...match.path, index], value: item }));
      } else if (typeof segment === "number") {
        if (Array.isArray(current) && segment < current.length)
          next.push({ path: [...match.path, segment], value: current[segment] as JsonValue });
      } else if (isObject(current) && Object.hasOwn(current, segment)) {
        next.push({ path: [...match.path, segment], value: current[segment] as JsonValue });
      }
    }
    matches = next;
  }
  return matches;
}
