/**
 * What one check judges: a pull request at a head SHA, or a merge group. The check run's
 * `external_id` records which, so a re-run can be traced back to it even where GitHub gives no pull
 * request (fork pull requests: `check_run.pull_requests` is empty).
 */
import type { RepoRef } from "../github/model.js";

export interface PullRequestTarget {
  kind: "pull_request";
  repo: RepoRef;
  number: number;
  headSha: string;
  baseRef: string;
  /** `changed_files` from the payload when known: lets a huge PR fail closed without 30 list requests. */
  changedFiles?: number;
  /** The pull request's author when known (nobody approves an exception on their own pull request). */
  author?: string;
}

export interface MergeGroupTarget {
  kind: "merge_group";
  repo: RepoRef;
  headSha: string;
  baseSha: string;
  /** Branch name, without `refs/heads/`. */
  baseRef: string;
  /**
   * The pull request the group was made for, from its head branch `gh-readonly-queue/<base>/pr-<n>-<sha>`:
   * its comment exceptions apply to the group. Unknown for re-runs (not in the external id).
   */
  pullNumber?: number;
}

export type CheckTarget = PullRequestTarget | MergeGroupTarget;

export type ExternalId = { kind: "pull_request"; number: number } | { kind: "merge_group"; baseSha: string; baseRef: string };

export function externalIdOf(target: CheckTarget): string {
  // Git ref names cannot contain ":", so the separator is unambiguous.
  return target.kind === "pull_request" ? `pr:${target.number}` : `merge_group:${target.baseSha}:${target.baseRef}`;
}

export function parseExternalId(value: string | null | undefined): ExternalId | undefined {
  if (!value) return undefined;
  const pr = /^pr:(\d{1,10})$/.exec(value);
  if (pr) return { kind: "pull_request", number: Number(pr[1]) };
  const group = /^merge_group:([0-9a-f]{40,64}):(.+)$/.exec(value);
  if (group) return { kind: "merge_group", baseSha: group[1] as string, baseRef: group[2] as string };
  return undefined;
}

/** `refs/heads/main` -> `main`. */
export function branchName(ref: string): string {
  return ref.startsWith("refs/heads/") ? ref.slice("refs/heads/".length) : ref;
}

/** The pull request a check is about: its own, or the one a merge group was made for (when known). */
export function pullNumberOf(target: CheckTarget): number | undefined {
  return target.kind === "pull_request" ? target.number : target.pullNumber;
}

/** Identifies the work, so that concurrent duplicates (redeliveries) can be coalesced. */
export function targetKey(target: CheckTarget): string {
  const repo = `${target.repo.owner}/${target.repo.repo}`.toLowerCase();
  return target.kind === "pull_request"
    ? `${repo}#${target.number}@${target.headSha}:${target.baseRef}`
    : `${repo}@${target.headSha}:merge_group:${target.baseSha}`;
}

export function describeTarget(target: CheckTarget): string {
  const repo = `${target.repo.owner}/${target.repo.repo}`;
  return target.kind === "pull_request"
    ? `${repo}#${target.number} at ${target.headSha.slice(0, 7)}`
    : `${repo} merge group ${target.headSha.slice(0, 7)} onto ${target.baseRef}`;
}
