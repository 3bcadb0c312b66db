/**
 * The verdict: one pure function from what is judged to what it means, shared by the CLI and the
 * app. Objects (with their source positions), policies, exception documents and, in the app, the
 * pull request's comments with the facts that authorise approvers go in; every finding classified,
 * the counts, the conclusion and what became of each exception come out. Front ends only gather the
 * inputs and format the verdict; neither corrects a count after the fact.
 */
import { notRenderedHelm } from "../render/helm-sources.js";
import { applyExceptions } from "../exceptions/apply.js";
import type { AuthorizationFacts } from "../exceptions/authorize.js";
import { deriveExceptions, type DerivedExceptions, type PullRequestComment } from "../exceptions/derive.js";
import type { PullHistory } from "../exceptions/seen-head.js";
import type { PolicyException } from "../exceptions/model.js";
import { inScope } from "../exceptions/scope.js";
import type { ExceptionSettings } from "../exceptions/settings.js";
import type { PodTemplateKinds } from "../manifests/pod-templates.js";
import type { InputError, LoadedFile } from "../manifests/types.js";
import {
  evaluate,
  type EvaluationOptions,
  type EvaluationResult,
  type EvaluationSummary,
  type NamespaceSources,
  type NamespaceSummary,
} from "../policy/engine.js";
import { withNotEvaluatedSetting, type NotEvaluatedSetting } from "../policy/not-evaluated.js";
import type { Finding, Policy } from "../policy/types.js";
import { compareWithBaseline } from "./baseline.js";

/**
 * What a finding means for the merge: `blocking` (a deny no exception excuses), `warning` (warn),
 * `notice` (dryrun), `excepted` (excused by an exception: shown, never blocking), `pre-existing`
 * (already at the base of the change: shown as a notice, never blocking).
 */
export type FindingClass = "blocking" | "warning" | "notice" | "excepted" | "pre-existing";

/** `/policy-exception` commands in a pull request's comments, and what is needed to judge them. */
export interface CommentExceptionsInput {
  /** Every comment of the pull request, oldest first. */
  comments: readonly PullRequestComment[];
  facts: AuthorizationFacts;
  settings: ExceptionSettings;
  /** The app's own login: only its comments carry the records of grants. */
  botLogin: string;
  /**
   * Whether this evaluation records new grants (the pull request's own check does, by replying). A
   * merge group records none, so it applies only grants already recorded, bound to the content the
   * approver saw.
   */
  recordsGrants: boolean;
  /** What binds a grant not recorded yet: the head its approver could have seen (see exceptions/seen-head.ts). */
  history?: PullHistory;
  /** The app's own reactions on command comments read for that (see exceptions/processed.ts). */
  botReactions?: ReadonlyMap<number, readonly string[]>;
}

export interface VerdictInput {
  /** The objects to judge, read with their positions (unreadable files carry their errors). */
  files: readonly LoadedFile[];
  policies: readonly Policy[];
  /** `PolicyException` documents of the policy files. */
  exceptionDocuments: readonly PolicyException[];
  comments?: CommentExceptionsInput;
  /** Inputs that could not even be listed (a directory the CLI cannot read): they block like unreadable files. */
  inputErrors?: readonly InputError[];
  /** Namespace manifests beyond `files` (the app reads the repository's, at the head and the base). */
  namespaces?: NamespaceSources;
  /** Custom resources that create pods: the well-known ones unless the organisation adds its own. */
  podTemplateKinds?: PodTemplateKinds;
  /**
   * The same objects at the base of the change (`gate: new`): a finding found there too is
   * pre-existing and does not block. Absent (`gate: all`, or nothing to compare with): every finding
   * is new. Unreadable base files are not the change's fault: their errors are ignored here.
   */
  baseline?: readonly LoadedFile[];
  /**
   * The action of every finding about a rule that was not judged (needs a cluster, mutate/generate, an
   * evaluation error), from the organisation's `policies.notEvaluated` or `--not-evaluated`. Absent:
   * each takes its rule's action.
   */
  notEvaluated?: NotEvaluatedSetting;
  now: Date;
}

export interface Verdict {
  /** Every finding, sorted by file and position; an excepted one carries its `exception`. */
  findings: Finding[];
  /** Input that could not be read, sorted by file and position: blocks like a deny. */
  errors: InputError[];
  /** What was read but not judged (an unknown kind that looks like it makes pods): shown, never blocking. */
  notices: InputError[];
  /** Files, resources, and per action the findings that still count (`deny` = blocking findings). */
  summary: VerdictSummary;
  counts: Record<FindingClass, number>;
  /** Findings of the base that the change removes (empty without a baseline). */
  fixed: Finding[];
  /** `block` when a finding blocks or an input could not be read. */
  conclusion: "pass" | "block";
  /** Per namespace touched and per namespace-driven policy: the level that applies and where it came from. */
  namespaces?: NamespaceSummary[];
  exceptions: {
    /** What the pull request's comments asked and what came of it (absent without comments). */
    fromComments?: DerivedExceptions;
    /** The documents that concern this change: excusing a finding, or expired where they would. */
    relevantDocuments: PolicyException[];
    /** Every document that has expired (and so is not applied). */
    expiredDocuments: PolicyException[];
  };
}

/** The evaluation's counts, plus what diff gating found: findings already at the base, base findings fixed. */
export interface VerdictSummary extends EvaluationSummary {
  preExisting: number;
  fixed: number;
}

export function classify(finding: Finding): FindingClass {
  if (finding.exception) return "excepted";
  if (finding.state === "pre-existing") return "pre-existing";
  return finding.action === "deny" ? "blocking" : finding.action === "warn" ? "warning" : "notice";
}

export function decideVerdict(input: VerdictInput): Verdict {
  const options: EvaluationOptions = {
    ...(input.namespaces ? { namespaces: input.namespaces } : {}),
    ...(input.podTemplateKinds ? { podTemplateKinds: input.podTemplateKinds } : {}),
  };
  const policies = input.notEvaluated ? withNotEvaluatedSetting(input.policies, input.notEvaluated) : input.policies;
  const evaluated = withStates(evaluate(input.files, policies, options), input.baseline, policies, options);
  const fromComments = input.comments ? commentExceptions(input.comments, evaluated.findings, policies, input.now) : undefined;
  const active = fromComments ? activeCommentExceptions(fromComments, input.comments?.recordsGrants ?? false) : [];
  const findings = applyExceptions(evaluated.findings, [...active, ...input.exceptionDocuments], input.now);
  const errors = [...(input.inputErrors ?? []), ...evaluated.errors].sort(byLocation);

  const counts: Record<FindingClass, number> = { blocking: 0, warning: 0, notice: 0, excepted: 0, "pre-existing": 0 };
  for (const finding of findings) counts[classify(finding)]++;
  const summary: VerdictSummary = {
    files: evaluated.summary.files,
    resources: evaluated.summary.resources,
    deny: counts.blocking,
    warn: counts.warning,
    dryrun: counts.notice,
    errors: errors.length,
    preExisting: counts["pre-existing"],
    fixed: evaluated.fixed.length,
  };
  return {
    findings,
    errors,
    // Helm charts (a HelmRelease, an Argo CD Application with a Helm source) are not rendered: said, never silently passed.
    notices: [...(evaluated.notices ?? []), ...notRenderedHelm(input.files)].sort(byLocation),
    summary,
    counts,
    fixed: evaluated.fixed,
    conclusion: counts.blocking > 0 || errors.length > 0 ? "block" : "pass",
    namespaces: evaluated.namespaces ?? [],
    exceptions: {
      ...(fromComments ? { fromComments } : {}),
      relevantDocuments: input.exceptionDocuments.filter((exception) => evaluated.findings.some((finding) => inScope(exception, finding))),
      expiredDocuments: input.exceptionDocuments.filter((exception) => exception.expires.getTime() <= input.now.getTime()),
    },
  };
}

/** With a baseline, every finding gets its state; without one, none has a state and all count as new. */
function withStates(
  evaluated: EvaluationResult,
  baseline: readonly LoadedFile[] | undefined,
  policies: readonly Policy[],
  options: EvaluationOptions,
): EvaluationResult & { fixed: Finding[] } {
  if (!baseline) return { ...evaluated, fixed: [] };
  // The base is judged as it was: its objects land in the namespaces as they were before the change.
  const base = evaluate(baseline, policies, {
    ...options,
    ...(options.namespaces ? { namespaces: { ...(options.namespaces.base ? { current: options.namespaces.base } : {}) } } : {}),
  });
  const { states, fixed } = compareWithBaseline(evaluated.findings, base.findings);
  return { ...evaluated, findings: evaluated.findings.map((finding, index) => ({ ...finding, state: states[index] ?? "new" })), fixed };
}

function commentExceptions(
  input: CommentExceptionsInput,
  findings: readonly Finding[],
  policies: readonly Policy[],
  now: Date,
): DerivedExceptions {
  return deriveExceptions({
    comments: input.comments,
    facts: input.facts,
    settings: input.settings,
    botLogin: input.botLogin,
    now,
    findings,
    policyNames: policies.map((policy) => policy.name),
    ...(input.history ? { history: input.history } : {}),
    ...(input.botReactions ? { botReactions: input.botReactions } : {}),
  });
}

function activeCommentExceptions(derived: DerivedExceptions, recordsGrants: boolean): PolicyException[] {
  if (recordsGrants) return derived.active;
  const unrecorded = new Set(derived.toRecord.map((record) => record.exception.id));
  return derived.active.filter((exception) => !unrecorded.has(exception.id));
}

function byLocation(a: InputError, b: InputError): number {
  if (a.file !== b.file) return a.file < b.file ? -1 : 1;
  return a.line - b.line || a.column - b.column;
}
