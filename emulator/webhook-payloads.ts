/**
 * Webhook payloads, built from the emulator's records in the shape of GitHub's payload examples
 * (shared/corpora/webhooks): the event object, `repository`, `organization` (org-owned repos only),
 * `installation: {id, node_id}` and `sender`.
 */
import {
  installationJson,
  checkRunJson,
  checkSuiteJson,
  commentJson,
  issueJson,
  orgJson,
  pullJson,
  repoJson,
  simpleCommitJson,
  userJson,
} from "./representations.js";
import type {
  CheckRunRecord,
  CheckSuiteRecord,
  CommentRecord,
  EmulatorState,
  InstallationRecord,
  PullRecord,
  RepoRecord,
} from "./state.js";

type Json = Record<string, unknown>;

export class NotInstalled extends Error {}

/** The parts every event on a repository carries. */
export function envelope(state: EmulatorState, repo: RepoRecord, sender: string): Json {
  const installation = state.installationForRepo(repo);
  if (!installation) throw new NotInstalled(`the app is not installed on ${repo.fullName}: GitHub would send it no events`);
  const org = state.org(repo.owner);
  return {
    repository: repoJson(state, repo),
    ...(org ? { organization: orgJson(state, org) } : {}),
    installation: { id: installation.id, node_id: Buffer.from(`Installation:${installation.id}`).toString("base64") },
    sender: userJson(state, sender),
  };
}

export type PullRequestAction = "opened" | "synchronize" | "reopened" | "edited" | "ready_for_review" | "converted_to_draft" | "closed";

export function pullRequestPayload(
  state: EmulatorState,
  pr: PullRecord,
  action: PullRequestAction,
  options: { sender?: string; before?: string; changes?: Json } = {},
): Json {
  const repo = state.requireRepo(pr.repo);
  const payload: Json = { action, number: pr.number };
  if (action === "synchronize") {
    payload.before = options.before;
    payload.after = pr.headSha;
  }
  if (options.changes) payload.changes = options.changes;
  return { ...payload, pull_request: pullJson(state, pr), ...envelope(state, repo, options.sender ?? pr.user) };
}

export function issueCommentPayload(
  state: EmulatorState,
  comment: CommentRecord,
  action: "created" | "edited" | "deleted",
  options: { sender?: string; from?: string } = {},
): Json {
  const repo = state.requireRepo(comment.repo);
  return {
    action,
    ...(action === "edited" ? { changes: { body: { from: options.from ?? "" } } } : {}),
    issue: issueJson(state, repo.fullName, comment.number),
    comment: commentJson(state, comment),
    ...envelope(state, repo, options.sender ?? comment.user),
  };
}

export function checkRunPayload(
  state: EmulatorState,
  run: CheckRunRecord,
  action: "created" | "completed" | "rerequested" | "requested_action",
  options: { sender: string; identifier?: string },
): Json {
  const repo = state.requireRepo(run.repo);
  return {
    action,
    check_run: checkRunJson(state, run, { fullSuite: true }),
    ...(action === "requested_action" ? { requested_action: { identifier: options.identifier ?? "" } } : {}),
    ...envelope(state, repo, options.sender),
  };
}

export function checkSuitePayload(
  state: EmulatorState,
  suite: CheckSuiteRecord,
  action: "requested" | "rerequested" | "completed",
  sender: string,
): Json {
  const repo = state.requireRepo(suite.repo);
  return { action, check_suite: checkSuiteJson(state, suite), ...envelope(state, repo, sender) };
}

export function mergeGroupPayload(
  state: EmulatorState,
  repo: RepoRecord,
  group: { headSha: string; headRef: string; baseSha: string; baseRef: string },
  sender: string,
): Json {
  const commit = state.commits.get(group.headSha);
  if (!commit) throw new Error(`unknown merge group commit ${group.headSha}`);
  return {
    action: "checks_requested",
    merge_group: {
      head_sha: group.headSha,
      head_ref: group.headRef,
      base_sha: group.baseSha,
      base_ref: group.baseRef,
      head_commit: simpleCommitJson(commit),
    },
    ...envelope(state, repo, sender),
  };
}

function repoRef(repo: RepoRecord): Json {
  return {
    id: repo.id,
    node_id: Buffer.from(`Repository:${repo.id}`).toString("base64"),
    name: repo.name,
    full_name: repo.fullName,
    private: repo.private,
  };
}

/** installation.created / deleted / new_permissions_accepted: the installation and its repositories. */
export function installationPayload(
  state: EmulatorState,
  installation: InstallationRecord,
  action: "created" | "deleted" | "new_permissions_accepted",
  sender: string,
): Json {
  return {
    action,
    installation: installationJson(state, installation),
    repositories: state.reposOfInstallation(installation).map(repoRef),
    requester: null,
    sender: userJson(state, sender),
  };
}

/** installation_repositories.added / removed, for an installation with selected repositories. */
export function installationRepositoriesPayload(
  state: EmulatorState,
  installation: InstallationRecord,
  action: "added" | "removed",
  repos: RepoRecord[],
  sender: string,
): Json {
  return {
    action,
    installation: installationJson(state, installation),
    repository_selection: installation.repositorySelection,
    repositories_added: action === "added" ? repos.map(repoRef) : [],
    repositories_removed: action === "removed" ? repos.map(repoRef) : [],
    requester: null,
    sender: userJson(state, sender),
  };
}
