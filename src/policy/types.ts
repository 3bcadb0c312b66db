/**
 * Policies, what they find, and the contract between the engine and each policy kind.
 * A policy kind (PodSecurity, K8sAllowedRepos, ...) is a pure function from an object to violations;
 * the engine does matching, enforcement actions and source positions for all of them.
 */
import type { DocumentFix, Fix } from "../fix/types.js";
import type { AdmissionRequest, FieldPath, JsonObject, JsonValue, Manifest, ResourceRef, SourceRange } from "../manifests/types.js";

export type EnforcementAction = "deny" | "warn" | "dryrun";

/** What a policy kind reports about one object. Paths are relative to the judged object. */
export interface Violation {
  message: string;
  /** The offending field; when it is a missing required field, the path it should have. */
  path: FieldPath;
  /** The upstream id of the check (PSS check id); defaults to the policy kind. */
  rule?: string;
  /** Name of the container concerned, when there is one. */
  container?: string;
  /** The rule's mechanical fix, when it has a safe one; edit paths are relative to the judged object, like `path`. */
  fix?: Fix;
}

/** A violation placed in its file and attributed to a policy: what users see. */
export interface Finding {
  policy: string;
  policyKind: string;
  rule: string;
  action: EnforcementAction;
  message: string;
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  resource: ResourceRef;
  container?: string;
  /** The offending field in the source resource, e.g. `spec.template.spec.containers[0].image`. */
  path: string;
  /**
   * Hash of rule, field and the offending content (the image, the hostPath, or "absent" for a missing
   * field): an exception is bound to it, so changing the content voids the exception.
   */
  fingerprint: string;
  /**
   * The rule's fix as edits of the document the resource is written in (paths from the document's
   * root), when the rule has a safe mechanical fix and the resource is written in a manifest.
   */
  fix?: DocumentFix;
  /** Set when an exception excuses the finding: it stays visible (as a notice) but no longer blocks. */
  exception?: FindingException;
}

/** The exception that excuses a finding, as annotations and summaries show it. */
export interface FindingException {
  id: string;
  approver: string;
  reason: string;
  /** ISO 8601 instant. */
  expires: string;
  /** `comment <url>` or `<file>:<line>`. */
  source: string;
}

/** Gatekeeper `spec.match`. All present criteria must hold. */
export interface MatchSpec {
  kinds?: { apiGroups: string[]; kinds: string[] }[];
  namespaces?: string[];
  excludedNamespaces?: string[];
  labelSelector?: LabelSelector;
  namespaceSelector?: LabelSelector;
  name?: string;
  scope?: "*" | "Cluster" | "Namespaced";
}

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: "In" | "NotIn" | "Exists" | "DoesNotExist"; values?: string[] }[];
}

/** The other objects under review: what inventory-based kinds and namespaceSelector look at. */
export interface EvaluationContext {
  /** Every manifest being checked (all files), for kinds that compare objects with each other. */
  inventory: readonly Manifest[];
  /** `Namespace` objects among them, by name, for `namespaceSelector`. */
  namespaces: ReadonlyMap<string, JsonObject>;
  /**
   * The admission request the judged object comes in (`input.review` besides the object), when it was
   * read from an `AdmissionReview`. Absent for a plain manifest: a CREATE, with no oldObject or userInfo.
   */
  review?: AdmissionRequest;
}

/** A policy kind's evaluator, compiled from validated parameters. */
export type Evaluator = (object: JsonObject, context: EvaluationContext) => Violation[];

export interface ParameterError {
  /** Path inside `spec.parameters`. */
  path: FieldPath;
  message: string;
}

export interface PolicyKind {
  /** e.g. `PodSecurity`, `K8sAllowedRepos`. */
  kind: string;
  /** Accepted `apiVersion`s. */
  apiVersions: readonly string[];
  /**
   * `pod`: judges Pods, and (like Gatekeeper's expansion of workloads) the pod template of every
   * workload kind, reported on the workload. `object`: judges each matching object as it is.
   */
  target: "pod" | "object";
  /** One-line description, shown in rule help (SARIF) and error messages. */
  description: string;
  /** Validates `spec.parameters` and builds the evaluator. */
  compile(parameters: JsonValue | undefined): { evaluator: Evaluator } | { errors: ParameterError[] };
}

/** A policy document, validated and ready to evaluate. */
export interface Policy {
  apiVersion: string;
  kind: string;
  name: string;
  file: string;
  /** Where the document starts, for error messages about it. */
  range: SourceRange;
  enforcementAction: EnforcementAction;
  match: MatchSpec;
  parameters: JsonValue | undefined;
  target: "pod" | "object";
  evaluate: Evaluator;
}

