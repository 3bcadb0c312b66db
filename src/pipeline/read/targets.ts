/**
 * From a webhook payload to the checks it asks for. Payload fields are read defensively: a missing
 * field means "nothing to do" (logged), never a crash.
 *
 * - pull_request: the payload says everything (head SHA, base branch, number of files).
 * - merge_group.checks_requested: the merge group's head SHA against its base SHA.
 * - check_run.rerequested / requested_action and check_suite.rerequested: the pull request is taken
 *   from the payload, or, for fork pull requests where GitHub leaves `pull_requests` empty, from our
 *   check run's `external_id`; its current state is then read from GitHub. A re-run of a commit that
 *   is no longer the pull request's head is skipped: that commit no longer gates anything.
 */
import type { GitHubGateway, RepoRef } from "../../github/gateway.js";
import { branchName, parseExternalId, type CheckTarget, type ExternalId } from "../target.js";

type Json = Record<string, unknown>;

export type Resolution = { targets: CheckTarget[]; skipped: string[] };

export function repoOf(payload: Json): RepoRef | undefined {
  const repository = obj(payload["repository"]);
  const owner = str(obj(repository?.["owner"])?.["login"]);
  const name = str(repository?.["name"]);
  return owner && name ? { owner, repo: name } : undefined;
}

export function pullRequestTarget(payload: Json): CheckTarget | undefined {
  const repo = repoOf(payload);
  const pull = obj(payload["pull_request"]);
  const number = num(pull?.["number"]);
  const headSha = str(obj(pull?.["head"])?.["sha"]);
  const baseRef = str(obj(pull?.["base"])?.["ref"]);
  if (!repo || number === undefined || !headSha || !baseRef) return undefined;
  const target: CheckTarget = { kind: "pull_request", repo, number, headSha, baseRef };
  const changedFiles = num(pull?.["changed_files"]);
  if (changedFiles !== undefined) target.changedFiles = changedFiles;
  const author = str(obj(pull?.["user"])?.["login"]);
  if (author) target.author = author;
  return target;
}

/** `pull_request.edited` changes the verdict only when the base branch changed (other rules apply). */
export function isBaseChange(payload: Json): boolean {
  return obj(obj(payload["changes"])?.["base"]) !== undefined;
}

export function mergeGroupTarget(payload: Json): CheckTarget | undefined {
  const repo = repoOf(payload);
  const group = obj(payload["merge_group"]);
  const headSha = str(group?.["head_sha"]);
  const baseSha = str(group?.["base_sha"]);
  const baseRef = str(group?.["base_ref"]);
  if (!repo || !headSha || !baseSha || !baseRef) return undefined;
  const target: CheckTarget = { kind: "merge_group", repo, headSha, baseSha, baseRef: branchName(baseRef) };
  const pullNumber = /^(?:refs\/heads\/)?gh-readonly-queue\/.+\/pr-(\d{1,10})-[0-9a-f]{40,64}$/.exec(str(group?.["head_ref"]) ?? "")?.[1];
  if (pullNumber !== undefined) target.pullNumber = Number(pullNumber);
  return target;
}

export async function checkRunTargets(gateway: GitHubGateway, payload: Json): Promise<Resolution> {
  const repo = repoOf(payload);
  const run = obj(payload["check_run"]);
  const headSha = str(run?.["head_sha"]);
  if (!repo || !run || !headSha) return { targets: [], skipped: ["the payload names no repository or check run"] };
  const fromId = parseExternalId(str(run["external_id"]));
  const numbers = fromId?.kind === "pull_request" ? [fromId.number] : pullRequestNumbers(run["pull_requests"], payload);
  if (fromId?.kind === "merge_group") return { targets: [mergeGroupFromId(repo, headSha, fromId)], skipped: [] };
  return pullRequestsAtHead(gateway, repo, numbers, headSha);
}

export async function checkSuiteTargets(gateway: GitHubGateway, payload: Json): Promise<Resolution> {
  const repo = repoOf(payload);
  const suite = obj(payload["check_suite"]);
  const headSha = str(suite?.["head_sha"]);
  const appId = num(obj(suite?.["app"])?.["id"]);
  if (!repo || !suite || !headSha) return { targets: [], skipped: ["the payload names no repository or check suite"] };
  let numbers = pullRequestNumbers(suite["pull_requests"], payload);
  const targets: CheckTarget[] = [];
  if (numbers.length === 0) {
    // Fork pull requests and merge groups: our earlier runs on this commit say what they were for.
    const runs = await gateway.listCheckRunsForRef(repo, headSha, appId);
    const ids = runs.map((run) => parseExternalId(run.externalId));
    numbers = [...new Set(ids.flatMap((id) => (id?.kind === "pull_request" ? [id.number] : [])))];
    const group = ids.find((id): id is Extract<ExternalId, { kind: "merge_group" }> => id?.kind === "merge_group");
    if (group) targets.push(mergeGroupFromId(repo, headSha, group));
  }
  const resolved = await pullRequestsAtHead(gateway, repo, numbers, headSha);
  return { targets: [...targets, ...resolved.targets], skipped: resolved.skipped };
}

async function pullRequestsAtHead(gateway: GitHubGateway, repo: RepoRef, numbers: readonly number[], headSha: string): Promise<Resolution> {
  const result: Resolution = { targets: [], skipped: [] };
  if (numbers.length === 0) result.skipped.push(`no pull request is known for commit ${headSha.slice(0, 7)}`);
  for (const number of numbers) {
    const pull = await gateway.getPullRequest(repo, number);
    if (pull.state !== "open") {
      result.skipped.push(`pull request #${number} is closed`);
    } else if (pull.headSha !== headSha) {
      result.skipped.push(`pull request #${number} has moved on to ${pull.headSha.slice(0, 7)}; that commit's own check reports`);
    } else {
      result.targets.push({
        kind: "pull_request",
        repo,
        number,
        headSha,
        baseRef: pull.baseRef,
        changedFiles: pull.changedFiles,
        ...(pull.author ? { author: pull.author } : {}),
      });
    }
  }
  return result;
}

/**
 * A pull request at its current head, read from GitHub: what a comment re-checks (the comment
 * payload names the pull request but not its head). A closed pull request gates nothing.
 */
export async function pullRequestAtCurrentHead(gateway: GitHubGateway, repo: RepoRef, number: number): Promise<Resolution> {
  const pull = await gateway.getPullRequest(repo, number);
  if (pull.state !== "open") return { targets: [], skipped: [`pull request #${number} is closed`] };
  const target: CheckTarget = {
    kind: "pull_request",
    repo,
    number,
    headSha: pull.headSha,
    baseRef: pull.baseRef,
    changedFiles: pull.changedFiles,
  };
  if (pull.author) target.author = pull.author;
  return { targets: [target], skipped: [] };
}

/** Pull requests of this repository listed in a check run or suite (GitHub may list other repos' PRs). */
function pullRequestNumbers(value: unknown, payload: Json): number[] {
  const repositoryId = num(obj(payload["repository"])?.["id"]);
  const numbers: number[] = [];
  for (const entry of Array.isArray(value) ? value : []) {
    const pull = obj(entry);
    const number = num(pull?.["number"]);
    const baseRepoId = num(obj(obj(pull?.["base"])?.["repo"])?.["id"]);
    if (number === undefined) continue;
    if (repositoryId !== undefined && baseRepoId !== undefined && baseRepoId !== repositoryId) continue;
    if (!numbers.includes(number)) numbers.push(number);
  }
  return numbers;
}

function mergeGroupFromId(repo: RepoRef, headSha: string, id: Extract<ExternalId, { kind: "merge_group" }>): CheckTarget {
  return { kind: "merge_group", repo, headSha, baseSha: id.baseSha, baseRef: id.baseRef };
}

function obj(value: unknown): Json | undefined {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Json) : undefined;
}

function str(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

function num(value: unknown): number | undefined {
  return typeof value === "number" && Number.isInteger(value) ? value : undefined;
}
