/**
 * Who may approve exceptions and for how long: the `exceptions` section of the organisation's
 * config, owned here because only the exception feature reads it (config/parse.ts fills it in).
 */
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
