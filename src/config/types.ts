/**
 * The two configuration files and what they resolve to.
 *
 * - Org config: `.github/kube-policy.yml` in the organisation's `.github` repository (default branch).
 *   Owns the rules: manifest globs, policy files, the check's name, fail-open/closed, exceptions.
 * - Repo config: `.github/kube-policy.yml` in the repository, read from the pull request's BASE branch.
 *   May only add (globs, policies) and tighten, except for policies the org marks overridable.
 */
import type { InputError } from "../manifests/types.js";
import type { EnforcementAction } from "../policy/types.js";
import type { ExceptionSettings } from "../exceptions/settings.js";
import type { PolicyException } from "../exceptions/model.js";
import type { PolicySource } from "../policy/load.js";
import type { Policy } from "../policy/types.js";
import type { NotEvaluatedSetting } from "../policy/not-evaluated.js";

export type { ApproverRule, ExceptionSettings, RepoPermission } from "../exceptions/settings.js";

export type FailureMode = "fail-closed" | "fail-open";

/**
 * Where Namespace manifests are found outside the pull request's changed files, so that workloads are
 * judged by their namespace's Pod Security labels even when the PR does not touch the Namespace.
 */
export interface NamespaceSettings {
  /** Globs of files holding Namespace manifests, read at the PR's head and base. */
  paths: string[];
  /** Most files read per check (blob reads are cached by content, so unchanged files cost nothing twice). */
  maxFiles: number;
}

/**
 * What blocks: `new`, only findings the change introduces (a finding the base already had is shown as
 * pre-existing); `all`, every finding in the changed files.
 */
export type Gate = "new" | "all";

export interface OrgConfig {
  manifests: { include: string[]; exclude: string[] };
  namespaces: NamespaceSettings;
  policies: {
    /** Apply the policies shipped with kube-policy-bot (before the org's own). */
    shipped: boolean;
    /** Globs of policy files in the org's `.github` repository. */
    paths: string[];
    /** Policy names a repository may replace, relax or disable. */
    overridable: string[];
    /**
     * The action of every finding about a rule that was not judged ("not evaluated: needs ...", "could not be
     * evaluated"), for every policy kind; a policy's own `kube-policy-bot.dev/not-evaluated` wins. Absent: each takes its rule's action.
     */
    notEvaluated?: EnforcementAction;
  };
  check: { name: string; failureMode: FailureMode; gate: Gate };
  exceptions: ExceptionSettings;
  /** The review of suggested changes on pull requests: on or off, and at most how many comments per push. */
  suggestions: { enabled: boolean; maxComments: number };
  /** Custom resources that create pods, beyond the well-known ones (README: "Pod-creating custom resources"). */
  podTemplates: PodTemplateSetting[];
  kustomize: KustomizeSettings;
}

/**
 * Which kustomization directories are roots (rendered and judged as what is deployed). Without
 * `roots`, every kustomization directory no other one uses; `roots: []` renders nothing.
 */
export interface KustomizeSettings {
  /** Globs of root directories (`.` is the repository's top). */
  roots?: string[];
}

/** A kind whose pod templates are judged: any version of `apiVersion`'s group; paths like `spec.jobs[*].template`. */
export interface PodTemplateSetting {
  apiVersion: string;
  kind: string;
  podTemplatePaths: string[];
}

/** A repository's change to one policy of the org set. */
export interface PolicyOverride {
  enforcementAction?: EnforcementAction;
  /** Added to the policy's `match.excludedNamespaces`. */
  excludedNamespaces?: string[];
  disabled?: boolean;
  /** Where the override is written, for error messages. */
  line: number;
  column: number;
}

export interface RepoConfig {
  /** A repository may only tighten the gate (to `all`). */
  check: { gate?: "all" };
  manifests: { include: string[] };
  /** Added to the organisation's `namespaces.paths`. */
  namespaces: { paths: string[] };
  policies: {
    paths: string[];
    overrides: Map<string, PolicyOverride>;
    /** A stricter `policies.notEvaluated` than the organisation's, where it is written. */
    notEvaluated?: { action: EnforcementAction; line: number; column: number };
  };
}

/** A policy in force, as the check run lists it. */
export interface AppliedPolicy {
  name: string;
  action: EnforcementAction;
  /** Where it came from, for the reader: "shipped default", "acme/.github", "this repository". */
  origin: string;
}

/** The organisation's layer: its config (or the defaults) and its policy files. */
export interface OrgLayer {
  config: OrgConfig;
  /** `acme/.github`, or undefined when the org has no config (defaults apply). */
  source: string | undefined;
  policySources: PolicySource[];
  problems: InputError[];
}

/** Everything one check needs to know about the rules. */
export interface ResolvedConfig {
  org: OrgConfig;
  /** Manifest selection: org include minus org exclude, plus whatever the repository adds. */
  selection: { include: string[]; exclude: string[]; repoInclude: string[] };
  /** Where Namespace manifests are read from beyond the changed files: the org's globs plus the repository's. */
  namespaces: NamespaceSettings;
  /**
   * Policy content that cannot take effect in a pull request, at its line, for the summary: an unbound
   * ValidatingAdmissionPolicy, AdmissionConfiguration usernames.
   */
  notices: InputError[];
  policies: Policy[];
  /** The org's gate, or `all` where the repository tightens it. */
  gate: Gate;
  /** The org's `policies.notEvaluated`, or the repository's where it tightens it; absent: each finding takes its rule's action. */
  notEvaluated?: NotEvaluatedSetting;
  applied: AppliedPolicy[];
  /** `PolicyException` documents among the org's and the repository's policy files. */
  exceptions: PolicyException[];
  /** Files in the pull request's repository whose changes only count after merge. */
  protectedFiles: { configPath: string; policyGlobs: string[] };
  problems: InputError[];
}
