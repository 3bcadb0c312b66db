/**
 * The evaluation core: every manifest against every policy, findings placed on their source lines.
 * Pure: plain data in, plain data out.
 */
import { resourceRef } from "../manifests/resource.js";
import type { FieldPath, InputError, JsonObject, LoadedFile, Manifest } from "../manifests/types.js";
import { isObject } from "../manifests/json.js";
import { podTypeErrors } from "../manifests/pod-schema.js";
import { WELL_KNOWN_KINDS, type PodTemplateKinds } from "../manifests/pod-templates.js";
import { unjudgedPodTemplate } from "../manifests/pod-lookalike.js";
import { podViewsOf, type PodView } from "../manifests/workloads.js";
import { matches } from "./match.js";
import { labelsOf } from "./object-labels.js";
import { buildNamespaceCatalog, namespaceName, type NamespaceCatalog } from "./namespace-catalog.js";
import { byPosition, sourceOf, strongestPerField, toFinding, type KeyedFinding } from "./findings.js";
import { formatPath } from "./path.js";
import { invalidLabelProblems } from "./podsecurity/labels.js";
import type { EvaluationContext, Finding, MatchSpec, NamespaceJudgement, Policy } from "./types.js";

export interface EvaluationSummary {
  files: number;
  resources: number;
  deny: number;
  warn: number;
  dryrun: number;
  errors: number;
}

/** How the namespace-driven policies judge one namespace touched by the check, for the summary. */
export interface NamespaceSummary {
  /** Undefined: workloads that declare no namespace. */
  namespace: string | undefined;
  policy: string;
  judgements: NamespaceJudgement[];
}

export interface EvaluationResult {
  /** Sorted by file, line, column. */
  findings: Finding[];
  /** Input that could not be read: blocking, like a deny. */
  errors: InputError[];
  /** What was read but not judged, said where it is; not blocking (e.g. an unknown kind that looks like it makes pods). */
  notices?: InputError[];
  summary: EvaluationSummary;
  /**
   * Per namespace touched and per namespace-driven policy: the level that applies and where it came
   * from. Empty when no policy depends on the namespace; absent in results not made by `evaluate`.
   */
  namespaces?: NamespaceSummary[];
}

/** Namespace manifests beyond the files being judged (read elsewhere in the repository). */
export interface NamespaceSources {
  /** As they are now (a pull request's head): the namespaces the judged workloads land in. */
  current?: readonly Manifest[];
  /** As they were before the change (a pull request's base): what a change does to a Namespace. */
  base?: readonly Manifest[];
}

export interface EvaluationOptions {
  /** Custom resources that create pods: the well-known ones, plus the organisation's own. */
  podTemplateKinds?: PodTemplateKinds;
  /** Namespace manifests beyond the files being judged. */
  namespaces?: NamespaceSources;
}

export function evaluate(files: readonly LoadedFile[], policies: readonly Policy[], options: EvaluationOptions = {}): EvaluationResult {
  const podTemplateKinds = options.podTemplateKinds ?? WELL_KNOWN_KINDS;
  const sources = options.namespaces ?? {};
  const inventory = files.flatMap((file) => file.manifests);
  const catalog = buildNamespaceCatalog(inventory, sources.current);
  const context: EvaluationContext = { inventory, namespaces: objectsOf(catalog), catalog };
  if (sources.base) context.baseCatalog = buildNamespaceCatalog(sources.base);
  const podPolicies = policies.filter((policy) => policy.target === "pod");
  const objectPolicies = policies.filter((policy) => policy.target === "object");

  const findings: KeyedFinding[] = [];
  const typeErrors: InputError[] = [];
  const touched = new Set<string | undefined>();
  const notices: InputError[] = [];
  for (const manifest of inventory) {
    const views = podViewsOf(manifest, podTemplateKinds);
    const namespace = namespaceName(manifest.object);
    if (namespace !== undefined) {
      touched.add(namespace);
      typeErrors.push(...namespaceLabelErrors(manifest));
    }
    // An object read from an AdmissionReview is judged under its request; a manifest is a CREATE.
    const reviewed: EvaluationContext = manifest.review ? { ...context, review: manifest.review } : context;
    for (const policy of objectPolicies) {
      if (!matchesRequest(policy.match, manifest, context)) continue;
      for (const violation of policy.evaluate(manifest.object, reviewed)) {
        findings.push(toFinding(policy, manifest, violation, SAME_PATH, views[0]));
      }
    }
    if (views.length === 0) {
      const lookalike = unjudgedPodTemplate(manifest);
      if (lookalike) notices.push(lookalike);
    }
    for (const view of views) {
      touched.add(targetNamespaceOf(view.pod, manifest));
      for (const error of podTypeErrors(view.pod)) typeErrors.push(toTypeError(manifest, view.toSourcePath(error.path), error.problem));
      for (const policy of podPolicies) {
        const podContext = podJudgement(policy, manifest, view, context, reviewed);
        if (!podContext) continue;
        for (const violation of policy.evaluate(view.pod, podContext)) {
          findings.push(toFinding(policy, manifest, violation, view.toSourcePath, view));
        }
      }
    }
  }

  const unique = strongestPerField(findings);
  unique.sort(byPosition);
  const errors = [...files.flatMap((file) => file.errors), ...typeErrors, ...conflictErrors(catalog, touched, policies)];
  return {
    findings: unique,
    errors,
    notices,
    summary: summarise(files.length, inventory.length, unique, errors.length),
    namespaces: namespaceSummaries(touched, policies, context),
  };
}

/** An object policy judges the manifest's own object: its paths are the manifest's. */
const SAME_PATH = (path: FieldPath): FieldPath => path;

function targetNamespaceOf(pod: JsonObject, manifest: Manifest): string | undefined {
  const metadata = pod["metadata"];
  const declared = isObject(metadata) ? metadata["namespace"] : undefined;
  const namespace = manifest.review?.namespace || declared;
  return typeof namespace === "string" && namespace !== "" ? namespace : undefined;
}

/**
 * Pod Security admission validates its labels on every Namespace it admits: an invalid level or
 * version is refused by the API server, so it blocks like a field of the wrong type.
 */
function namespaceLabelErrors(manifest: Manifest): InputError[] {
  const metadata = manifest.object["metadata"];
  const labels = isObject(metadata) ? metadata["labels"] : undefined;
  if (!isObject(labels)) return [];
  return invalidLabelProblems(labelsOf(metadata as JsonObject)).map(({ label, message }) => {
    const at = manifest.locate(["metadata", "labels", label]);
    return {
      file: manifest.file,
      line: at.line,
      column: at.column,
      message: `label ${label} ${message}: the API server (Pod Security admission) rejects this Namespace`,
    };
  });
}

/** Disagreeing definitions matter when a namespace-driven policy reads the namespace's labels. */
function conflictErrors(catalog: NamespaceCatalog, touched: ReadonlySet<string | undefined>, policies: readonly Policy[]): InputError[] {
  if (!policies.some((policy) => policy.describeNamespace)) return [];
  return [...touched].flatMap((namespace) => (namespace === undefined ? [] : (catalog.conflicts.get(namespace) ?? [])));
}

function namespaceSummaries(
  touched: ReadonlySet<string | undefined>,
  policies: readonly Policy[],
  context: EvaluationContext,
): NamespaceSummary[] {
  const describing = policies.filter((policy) => policy.describeNamespace);
  const namespaces = [...touched].sort((a, b) => (a === b ? 0 : a === undefined ? 1 : b === undefined ? -1 : a < b ? -1 : 1));
  return namespaces.flatMap((namespace) =>
    describing.map((policy) => ({ namespace, policy: policy.name, judgements: policy.describeNamespace?.(namespace, context) ?? [] })),
  );
}

/**
 * Gatekeeper matches a request when its object or its oldObject matches (an UPDATE that removes the
 * selected label is still judged), in the request's namespace when it names one.
 */
function matchesRequest(match: MatchSpec, manifest: Manifest, context: EvaluationContext): boolean {
  const { review } = manifest;
  if (!review) return matches(match, { object: manifest.object, namespaces: context.namespaces });
  const matchesObject = (object: JsonObject): boolean =>
    matches(match, { object, namespaces: context.namespaces, requestNamespace: review.namespace });
  if (matchesObject(manifest.object)) return true;
  return review.oldObject !== undefined && review.oldObject !== manifest.object && matchesObject(review.oldObject);
}

/**
 * Whether a pod-shaped policy judges a Pod or a workload's pod template, and under which request.
 * It does when its match selects the object itself (e.g. `kinds: [Deployment]`), under the object's
 * own request; or when it selects the Pod a workload will create: Gatekeeper's expansion of workloads
 * into Pods, so a constraint on `Pod` also stops the Deployment that would make one. Gatekeeper
 * reviews those expanded Pods as new objects, without the workload's operation: updating a
 * Deployment's template creates Pods, which a template's UPDATE exemption must not wave through.
 * Deleting a workload creates none.
 */
function podJudgement(
  policy: Policy,
  manifest: Manifest,
  view: PodView,
  context: EvaluationContext,
  reviewed: EvaluationContext,
): EvaluationContext | undefined {
  const review = manifest.review;
  if (view.pod !== manifest.object && review?.operation !== "DELETE") {
    if (matches(policy.match, { object: view.pod, namespaces: context.namespaces, requestNamespace: review?.namespace })) return context;
  }
  return matchesRequest(policy.match, manifest, context) ? reviewed : undefined;
}

/** A pod field of the wrong type: the API server would reject the object, so it blocks like a parse error. */
function toTypeError(manifest: Manifest, sourcePath: FieldPath, problem: string): InputError {
  const { file, range: at } = sourceOf(manifest, sourcePath);
  const { kind, namespace, name } = resourceRef(manifest.object);
  const resource = `${kind} ${namespace ? `${namespace}/` : ""}${name}${manifest.renderedIn ? ` in ${manifest.renderedIn}` : ""}`;
  return {
    file,
    line: at.line,
    column: at.column,
    message: `${formatPath(sourcePath)} ${problem}: the API server rejects this ${resource}`,
  };
}

function objectsOf(catalog: NamespaceCatalog): Map<string, JsonObject> {
  return new Map([...catalog.byName].map(([name, record]) => [name, record.object]));
}

function summarise(files: number, resources: number, findings: readonly Finding[], errors: number): EvaluationSummary {
  const summary: EvaluationSummary = { files, resources, deny: 0, warn: 0, dryrun: 0, errors };
  for (const finding of findings) summary[finding.action]++;
  return summary;
}
