/**
 * The two configuration files and what they resolve to.
 *
 * - Org config: `.github/kube-policy.yml` in the organisation's `.github` repository (default branch).
 *   Owns the rules: manifest globs, policy files, the check's name, fail-open/closed, exceptions.
 * - Repo config: `.github/kube-policy.yml` in the repository, read from the pull request's BASE branch.
 *   May only add (globs, policies) and tighten, except for policies the org marks overridable.
 */
import type { EnforcementAction } from "../policy/types.js";

export type FailureMode = "fail-closed" | "fail-open";

export type RepoPermission = "read" | "triage" | "write" | "maintain" | "admin";

/** Who may approve a policy exception (used by the exception feature). Exactly one of team/permission. */
export interface ApproverRule {
  /** Team slug in the organisation; active members only. */
  team?: string;
  /** Minimum repository permission. */
  permission?: RepoPermission;
  /** Limits this approver to these policies; absent = all policies. */
  policies?: string[];
}

export interface ExceptionSettings {
  approvers: ApproverRule[];
  /** Longest an exception may last, in milliseconds. */
  maxDurationMs: number;
  /** What `--expires` defaults to, in milliseconds. */
  defaultDurationMs: number;
}

export interface OrgConfig {
  manifests: { include: string[]; exclude: string[] };
  policies: {
    /** Apply the policies shipped with kube-policy-bot (before the org's own). */
    shipped: boolean;
    /** Globs of policy files in the org's `.github` repository. */
    paths: string[];
    /** Policy names a repository may replace, relax or disable. */
    overridable: string[];
  };
  check: { name: string; failureMode: FailureMode };
  exceptions: ExceptionSettings;
  /** Custom resources that create pods, beyond the well-known ones (README: "Pod-creating custom resources"). */
  podTemplates: PodTemplateSetting[];
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
  manifests: { include: string[] };
  policies: { paths: string[]; overrides: Map<string, PolicyOverride> };
}

/** A configuration or policy file that could not be used: fails the check, with its place. */
export interface ConfigProblem {
  file: string;
  line: number;
  column: number;
  message: string;
}
