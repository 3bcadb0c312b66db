/**
 * GET /repos/{owner}/{repo}/compare/{basehead}: two commits compared as GitHub does it (REST docs,
 * "Compare two commits"): `BASE...HEAD`, each side a branch, tag or SHA; the files are the diff from
 * the merge base to HEAD (three-dot), at most 300 of them; the commits are those reachable from HEAD
 * and not from BASE, oldest first, at most 250; `status` is ahead / behind / diverged / identical.
 * Only the unpaginated form is emulated (what an app reading "the files of this change" uses).
 */
import { commitJson, fileChangeJson } from "./representations.js";
import type { Reply, RequestContext, Route } from "./router.js";
import { HttpError, accessibleRepo, ok, requirePermission } from "./router.js";
import type { CommitRecord, EmulatorState } from "./state.js";

/** GitHub's documented caps for the unpaginated response. */
export const COMPARE_MAX_FILES = 300;
export const COMPARE_MAX_COMMITS = 250;

/** Commits reachable from `head` and not from `base`, oldest first (parents before children). */
function commitsBetween(state: EmulatorState, base: string, head: string): CommitRecord[] {
  const fromBase = state.ancestors(base);
  const ordered: CommitRecord[] = [];
  const visited = new Set<string>();
  const visit = (sha: string): void => {
    if (visited.has(sha) || fromBase.has(sha)) return;
    visited.add(sha);
    const commit = state.commits.get(sha);
    if (!commit) return;
    for (const parent of commit.parents) visit(parent);
    ordered.push(commit);
  };
  visit(head);
  return ordered;
}

function compare(ctx: RequestContext): Reply {
  const repo = accessibleRepo(ctx);
  requirePermission(ctx, [["contents", "read"]]);
  const basehead = ctx.params.basehead ?? "";
  const separator = basehead.indexOf("...");
  if (separator <= 0 || separator + 3 >= basehead.length) throw new HttpError(404, "Not Found");
  const baseRef = basehead.slice(0, separator);
  const headRef = basehead.slice(separator + 3);
  const state = ctx.state;
  const baseSha = state.resolveRef(repo, baseRef);
  const headSha = state.resolveRef(repo, headRef);
  const base = baseSha ? state.commitIn(repo, baseSha) : undefined;
  const head = headSha ? state.commitIn(repo, headSha) : undefined;
  if (!base || !head) throw new HttpError(404, `No commit found for the ref ${!base ? baseRef : headRef}`);

  const mergeBaseSha = state.mergeBase(base.sha, head.sha);
  const mergeBase = mergeBaseSha ? state.commits.get(mergeBaseSha) : undefined;
  const ahead = commitsBetween(state, base.sha, head.sha);
  const behind = commitsBetween(state, head.sha, base.sha);
  const status =
    ahead.length === 0 && behind.length === 0 ? "identical" : behind.length === 0 ? "ahead" : ahead.length === 0 ? "behind" : "diverged";
  const files = state.diffCommits(mergeBase?.sha, head.sha).slice(0, COMPARE_MAX_FILES);
  const html = `${state.baseUrl}/${repo.fullName}/compare/${baseRef}...${headRef}`;
  return ok({
    url: `${state.apiBase}/repos/${repo.fullName}/compare/${baseRef}...${headRef}`,
    html_url: html,
    permalink_url: `${state.baseUrl}/${repo.fullName}/compare/${repo.owner}:${base.sha.slice(0, 7)}...${repo.owner}:${head.sha.slice(0, 7)}`,
    diff_url: `${html}.diff`,
    patch_url: `${html}.patch`,
    base_commit: commitJson(state, repo, base),
    merge_base_commit: mergeBase ? commitJson(state, repo, mergeBase) : null,
    status,
    ahead_by: ahead.length,
    behind_by: behind.length,
    total_commits: ahead.length,
    // The most recent 250, as GitHub lists them without paging.
    commits: ahead.slice(-COMPARE_MAX_COMMITS).map((commit) => commitJson(state, repo, commit)),
    files: files.map((file) => fileChangeJson(state, repo, head.sha, file)),
  });
}

export function compareRoutes(): Route[] {
  return [{ method: "GET", pattern: "/repos/:owner/:repo/compare/*basehead", auth: "installation", handler: compare }];
}
