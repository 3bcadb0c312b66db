/**
 * The evaluation core: every manifest against every policy, findings placed on their source lines.
 * Pure: plain data in, plain data out.
 */
import { hash } from "node:crypto";
import { resourceRef } from "../manifests/resource.js";
import type { FieldPath, InputError, JsonObject, JsonValue, LoadedFile, Manifest, PathSegment } from "../manifests/types.js";
import { podTypeErrors } from "../manifests/pod-schema.js";
import { podViewOf, type PodView } from "../manifests/workloads.js";
import { matches } from "./match.js";
import { formatPath } from "./path.js";
import type { EvaluationContext, Finding, MatchSpec, Policy, Violation } from "./types.js";

export interface EvaluationSummary {
  files: number;
  resources: number;
  deny: number;
  warn: number;
  dryrun: number;
  errors: number;
}

export interface EvaluationResult {
  /** Sorted by file, line, column. */
  findings: Finding[];
  /** Input that could not be read: blocking, like a deny. */
  errors: InputError[];
  summary: EvaluationSummary;
}

export function evaluate(files: readonly LoadedFile[], policies: readonly Policy[]): EvaluationResult {
  const inventory = files.flatMap((file) => file.manifests);
  const context: EvaluationContext = { inventory, namespaces: namespacesOf(inventory) };
  const podPolicies = policies.filter((policy) => policy.target === "pod");
  const objectPolicies = policies.filter((policy) => policy.target === "object");

  const findings: Finding[] = [];
  const typeErrors: InputError[] = [];
  for (const manifest of inventory) {
    // An object read from an AdmissionReview is judged under its request; a manifest is a CREATE.
    const reviewed: EvaluationContext = manifest.review ? { ...context, review: manifest.review } : context;
    for (const policy of objectPolicies) {
      if (!matchesRequest(policy.match, manifest, context)) continue;
      for (const violation of policy.evaluate(manifest.object, reviewed)) {
        findings.push(toFinding(policy, manifest, violation, (path) => path));
      }
    }
    const view = podViewOf(manifest);
    if (!view) continue;
    for (const error of podTypeErrors(view.pod)) typeErrors.push(toTypeError(manifest, view.toSourcePath(error.path), error.problem));
    for (const policy of podPolicies) {
      const podContext = podJudgement(policy, manifest, view, context, reviewed);
      if (!podContext) continue;
      for (const violation of policy.evaluate(view.pod, podContext)) {
        findings.push(toFinding(policy, manifest, violation, view.toSourcePath));
      }
    }
  }

  const unique = strongestPerField(findings);
  unique.sort(byPosition);
  const errors = [...files.flatMap((file) => file.errors), ...typeErrors];
  return { findings: unique, errors, summary: summarise(files.length, inventory.length, unique, errors.length) };
}

/**
 * Gatekeeper matches a request when its object or its oldObject matches (an UPDATE that removes the
 * selected label is still judged), in the request's namespace when it names one.
 */
function matchesRequest(match: MatchSpec, manifest: Manifest, context: EvaluationContext): boolean {
  const { review } = manifest;
  if (!review) return matches(match, { object: manifest.object, namespaces: context.namespaces });
  const matchesObject = (object: JsonObject): boolean => matches(match, { object, namespaces: context.namespaces, requestNamespace: review.namespace });
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
function podJudgement(policy: Policy, manifest: Manifest, view: PodView, context: EvaluationContext, reviewed: EvaluationContext): EvaluationContext | undefined {
  const review = manifest.review;
  if (view.pod !== manifest.object && review?.operation !== "DELETE") {
    if (matches(policy.match, { object: view.pod, namespaces: context.namespaces, requestNamespace: review?.namespace })) return context;
  }
  return matchesRequest(policy.match, manifest, context) ? reviewed : undefined;
}

/** A pod field of the wrong type: the API server would reject the object, so it blocks like a parse error. */
function toTypeError(manifest: Manifest, sourcePath: FieldPath, problem: string): InputError {
  const at = manifest.locate(sourcePath);
  const { kind, namespace, name } = resourceRef(manifest.object);
  const resource = `${kind} ${namespace ? `${namespace}/` : ""}${name}`;
  return { file: manifest.file, line: at.line, column: at.column, message: `${formatPath(sourcePath)} ${problem}: the API server rejects this ${resource}` };
}

/** `toSourcePath` maps a path in the judged object (a Pod made from a template) to the manifest's object. */
function toFinding(policy: Policy, manifest: Manifest, violation: Violation, toSourcePath: (path: FieldPath) => FieldPath): Finding {
  const sourcePath = toSourcePath(violation.path);
  const range = manifest.locate(sourcePath);
  const finding: Finding = {
    policy: policy.name,
    policyKind: policy.kind,
    rule: violation.rule ?? policy.kind,
    action: policy.enforcementAction,
    message: violation.message,
    file: manifest.file,
    line: range.line,
    column: range.column,
    endLine: range.endLine,
    endColumn: range.endColumn,
    resource: resourceRef(manifest.object),
    path: formatPath(sourcePath),
    fingerprint: fingerprintOf(violation.rule ?? policy.kind, manifest.object, sourcePath),
  };
  if (violation.container !== undefined) finding.container = violation.container;
  if (violation.fix && manifest.written) {
    const prefix = manifest.written.path;
    const edits = violation.fix.edits.map((edit) => ({ ...edit, path: [...prefix, ...toSourcePath(edit.path)] }));
    finding.fix = { document: manifest.written.document, fix: { description: violation.fix.description, edits } };
  }
  return finding;
}

const ACTION_STRENGTH = { deny: 2, warn: 1, dryrun: 0 } as const;

/**
 * The same check reporting the same thing on the same field for two policies of one kind (PSS baseline at deny and
 * restricted at warn both run `privileged`) is one problem: keep the strictest, so a reviewer sees
 * one annotation per problem.
 */
function strongestPerField(findings: readonly Finding[]): Finding[] {
  const kept = new Map<string, Finding>();
  for (const finding of findings) {
    const { resource } = finding;
    const key = [finding.policyKind, finding.rule, finding.file, resource.kind, resource.namespace, resource.name, finding.path, finding.container, finding.message].join("\u0000");
    const previous = kept.get(key);
    if (!previous || ACTION_STRENGTH[finding.action] > ACTION_STRENGTH[previous.action]) kept.set(key, finding);
  }
  return [...kept.values()];
}

/**
 * List items are identified by their `name` where they have one (containers, volumes), so inserting
 * a container before the excused one does not void an exception; the value itself is the content.
 */
function fingerprintOf(rule: string, object: JsonObject, path: FieldPath): string {
  const stablePath: PathSegment[] = [];
  let value: JsonValue | undefined = object;
  for (const segment of path) {
    if (Array.isArray(value) && typeof segment === "number") {
      const item: JsonValue | undefined = value[segment];
      const name = item && typeof item === "object" && !Array.isArray(item) ? item["name"] : undefined;
      stablePath.push(typeof name === "string" ? `name=${name}` : segment);
      value = item;
    } else {
      stablePath.push(segment);
      value = value && typeof value === "object" && !Array.isArray(value) ? value[String(segment)] : undefined;
    }
  }
  const content = JSON.stringify([rule, stablePath, value === undefined ? "absent" : value]);
  return hash("sha256", content, "hex").slice(0, 16);
}

function namespacesOf(inventory: readonly Manifest[]): Map<string, JsonObject> {
  const namespaces = new Map<string, JsonObject>();
  for (const { object } of inventory) {
    if (object["kind"] !== "Namespace" || object["apiVersion"] !== "v1") continue;
    const metadata = object["metadata"];
    const name = metadata && typeof metadata === "object" && !Array.isArray(metadata) ? metadata["name"] : undefined;
    if (typeof name === "string") namespaces.set(name, object);
  }
  return namespaces;
}

function byPosition(a: Finding, b: Finding): number {
  if (a.file !== b.file) return a.file < b.file ? -1 : 1;
  return a.line - b.line || a.column - b.column || compare(a.policy, b.policy) || compare(a.rule, b.rule) || compare(a.message, b.message);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function summarise(files: number, resources: number, findings: readonly Finding[], errors: number): EvaluationSummary {
  const summary: EvaluationSummary = { files, resources, deny: 0, warn: 0, dryrun: 0, errors };
  for (const finding of findings) summary[finding.action]++;
  return summary;
}
