/**
 * Policies, what they find, and the contract between the engine and each policy kind.
 * A policy kind (PodSecurity, K8sAllowedRepos, ...) is a pure function from an object to violations;
 * the engine does matching, enforcement actions and source positions for all of them.
 */
import type { DocumentFix, Fix } from "../fix/types.js";
import type { AdmissionRequest, FieldPath, JsonObject, JsonValue, Manifest, ResourceRef, SourceRange } from "../manifests/types.js";
import type { ProblemCode } from "../documents/codes.js";
import type { RuleDoc } from "./rules.js";
import type { NamespaceCatalog } from "./namespace-catalog.js";
import type { PodSecurityAdmission } from "./podsecurity/admission-configuration.js";

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
  /**
   * The action of this violation when the policy decides it per violation: a namespace-driven
   * PodSecurity policy maps Pod Security admission's modes onto actions, a Kyverno rule has its own
   * failureAction. Never stronger than the policy's enforcementAction, its default.
   */
  action?: EnforcementAction;
  /** What decided the rule applies, e.g. `namespace prod: enforce=restricted:v1.30`. */
  basis?: string;
  /** Documentation the policy itself carries (Kyverno's `policies.kyverno.io/*` annotations). */
  docs?: PolicyDocs;
  /** Set when the rule was not judged (see `NotEvaluated`): an organisation's `policies.notEvaluated` then sets its action. */
  notEvaluated?: NotEvaluated;
}

/**
 * A rule that was not judged, reported instead of a silent pass (fail closed): it needs what the files
 * do not give (a cluster, the network, params not among the policy files), it does not validate
 * (mutate, generate), or its evaluation failed ("could not be evaluated").
 */
export interface NotEvaluated {
  /**
   * The policy itself chose the action of such findings (Kyverno's `kube-policy-bot.dev/not-evaluated`
   * annotation): more specific than the organisation's setting, so it wins.
   */
  byPolicy: boolean;
}

/** What a policy document says about itself, for rule documentation in reports. */
export interface PolicyDocs {
  title?: string;
  description?: string;
  category?: string;
  severity?: string;
  subject?: string;
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
  /** What decided the rule applies here, e.g. `namespace prod: enforce=restricted:v1.30`; shown with the message. */
  basis?: string;
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
  /**
   * Why the rule's fix is not offered for this finding although the rule has one: for an object
   * rendered by Kustomize, the value comes from a place a fix cannot safely edit (a JSON 6902 patch,
   * a base other roots render too, ...). The finding is flagged only.
   */
  fixUnavailable?: string;
  /** Documentation the policy carries about itself, when it does (Kyverno annotations). */
  docs?: PolicyDocs;
  /**
   * The images of what the finding is about, for a finding on a Pod or a workload's pod template: the
   * container's image for a finding on one container, every image of the pod (containers, init and
   * ephemeral containers, sorted) for a finding on the pod as a whole. A comment exception is bound to
   * them, so the excepted container or pod cannot be swapped for another image. Absent otherwise.
   */
  images?: string[];
  /** Set when an exception excuses the finding: it stays visible (as a notice) but no longer blocks. */
  exception?: FindingException;
  /**
   * Set by the verdict: `pre-existing` when the same finding (see verdict/baseline.ts) was already at
   * the base of the change; it is then shown but does not block. `new` otherwise.
   */
  state?: FindingState;
}

/** Whether a finding is introduced by the change being judged or was there before it. */
export type FindingState = "new" | "pre-existing";

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
  /** `Namespace` objects known to the check (see `catalog`), by name, for `namespaceSelector`. */
  namespaces: ReadonlyMap<string, JsonObject>;
  /**
   * The Namespaces known to the check with where they were read: those being judged, then those found
   * elsewhere in the repository. Absent in contexts built by hand (tests): then `namespaces` is all.
   */
  catalog?: NamespaceCatalog;
  /**
   * The Namespaces as they were before the change (a pull request's base), for rules about what a
   * change does to a Namespace. Absent when nothing is known about the base (the CLI).
   */
  baseCatalog?: NamespaceCatalog;
  /**
   * The admission request the judged object comes in (`input.review` besides the object), when it was
   * read from an `AdmissionReview`. Absent for a plain manifest: a CREATE, with no oldObject or userInfo.
   */
  review?: AdmissionRequest;
}

/** A policy kind's evaluator, compiled from validated parameters. */
export type Evaluator = (object: JsonObject, context: EvaluationContext) => Violation[];

/** What a policy document is compiled with besides its own parameters. */
export interface CompileEnvironment {
  /** The cluster's Pod Security admission configuration, when one is among the policies. */
  podSecurityAdmission?: PodSecurityAdmission;
}

/** How a policy judges the workloads of one namespace, for the summary. */
export interface NamespaceJudgement {
  /** e.g. `enforce`, or the policy's kind for a policy without modes. */
  mode: string;
  /** e.g. `restricted:v1.30`, or `exempt`. */
  level: string;
  /** Where it came from, e.g. `label pod-security.kubernetes.io/enforce (ns/prod.yaml:6)`. */
  source: string;
}

/** Says how a policy judges a namespace's workloads (undefined: the namespace is not declared). */
export type NamespaceDescriber = (namespace: string | undefined, context: EvaluationContext) => NamespaceJudgement[];

export interface ParameterError {
  /** Path inside `spec.parameters`. */
  path: FieldPath;
  message: string;
  /** The stable problem code (src/documents/codes.ts); `invalid-value` when absent. */
  code?: ProblemCode;
  /** The closest valid key or value, for a likely typo. */
  suggestion?: string;
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
  /** Every rule this kind reports, with its documentation and fix. */
  rules: readonly RuleDoc[];
  /** Validates `spec.parameters` and builds the evaluator. */
  compile(
    parameters: JsonValue | undefined,
    environment?: CompileEnvironment,
  ): { evaluator: Evaluator; describeNamespace?: NamespaceDescriber } | { errors: ParameterError[] };
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
  /** Set by policies whose rules depend on the namespace (namespace-driven Pod Security). */
  describeNamespace?: NamespaceDescriber;
}
