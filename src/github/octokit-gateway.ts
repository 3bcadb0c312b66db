/**
 * The GitHub port over Octokit (REST only, documented endpoints only). Every response is checked for
 * the shape GitHub documents before it is used: Octokit hands back a malformed body as a string with
 * status 200, and a check that trusted it would judge garbage.
 */
import {
  GitHubApiError,
  type ChangedFile,
  type CheckRunCreate,
  type CheckRunSummary,
  type CheckRunUpdate,
  type CollaboratorPermission,
  type CommentReaction,
  type CommentReactionEntry,
  type GitHubGateway,
  type PathDescription,
  type IssueComment,
  type PullRequestCommit,
  type PullRequestInfo,
  type RepoFile,
  type RepoRef,
  type ReviewComment,
  type ReviewCreate,
  type Tree,
  type TreeEntry,
} from "./gateway.js";
import { classifyRequestError } from "./request-errors.js";

/** The slice of Octokit this module uses; a Probot context's `octokit` satisfies it. */
export interface OctokitRequester {
  request(
    route: string,
    parameters?: Record<string, unknown>,
  ): Promise<{ status: number; data: unknown; headers: Record<string, unknown> }>;
}

/** GitHub serves at most 30 pages of 100 files (3000) for a pull request. */
const MAX_FILE_PAGES = 30;
/**
 * Comments read per pull request: 50 pages of 100. Beyond that the conversation is not read in full,
 * and a missed revoke must not leave an exception in force: the caller is told (see the error).
 */
export const MAX_COMMENT_PAGES = 50;
/** GitHub's pull request commits list stops at 250 commits. */
export const MAX_LISTED_PULL_COMMITS = 250;

/** Who the app is, asked once per process (GET /app needs the app's JWT, not an installation token). */
export interface AppIdentitySource {
  botLogin(): Promise<string>;
}

export class OctokitGateway implements GitHubGateway {
  constructor(
    private readonly octokit: OctokitRequester,
    /** Absent: GET /app with `octokit` itself (which must then be authenticated as the app). */
    private readonly identity?: AppIdentitySource,
    private readonly options: OctokitGatewayOptions = {},
  ) {}

  async getPullRequest(repo: RepoRef, number: number): Promise<PullRequestInfo> {
    const operation = `reading pull request #${number}`;
    const data = await this.call(operation, "GET /repos/{owner}/{repo}/pulls/{pull_number}", { ...repo, pull_number: number });
    const pull = object(data, operation);
    const head = object(pull["head"], operation);
    const base = object(pull["base"], operation);
    const info: PullRequestInfo = {
      number: integer(pull["number"], operation),
      state: pull["state"] === "closed" ? "closed" : "open",
      headSha: string(head["sha"], operation),
      baseRef: string(base["ref"], operation),
      baseSha: string(base["sha"], operation),
      changedFiles: typeof pull["changed_files"] === "number" ? pull["changed_files"] : 0,
    };
    const author =
      typeof pull["user"] === "object" && pull["user"] !== null ? (pull["user"] as Record<string, unknown>)["login"] : undefined;
    if (typeof author === "string" && author !== "") info.author = author;
    return info;
  }

  async listPullRequestFiles(repo: RepoRef, number: number): Promise<ChangedFile[]> {
    const operation = `listing the files of pull request #${number}`;
    const files: ChangedFile[] = [];
    for (let page = 1; page <= MAX_FILE_PAGES; page++) {
      const response = await this.send(operation, "GET /repos/{owner}/{repo}/pulls/{pull_number}/files", {
        ...repo,
        pull_number: number,
        per_page: 100,
        page,
      });
      const entries = array(response.data, operation);
      files.push(...entries.map((entry) => changedFile(entry, operation)));
      // The Link header is GitHub's documented pagination signal; following it avoids one empty extra page.
      if (entries.length < 100 || !hasNextPage(response.headers)) break;
    }
    return files;
  }

  async compareCommits(repo: RepoRef, base: string, head: string): Promise<ChangedFile[]> {
    const operation = `comparing ${base.slice(0, 12)}...${head.slice(0, 12)}`;
    const data = object(
      await this.call(operation, "GET /repos/{owner}/{repo}/compare/{basehead}", { ...repo, basehead: `${base}...${head}` }),
      operation,
    );
    const files = data["files"] ?? [];
    return array(files, operation).map((entry) => changedFile(entry, operation));
  }

  async getMergeBase(repo: RepoRef, base: string, head: string): Promise<string> {
    const operation = `finding the merge base of ${base.slice(0, 40)} and ${head.slice(0, 12)}`;
    // One commit per page is enough: only merge_base_commit is read, and it does not depend on paging.
    const data = object(
      await this.call(operation, "GET /repos/{owner}/{repo}/compare/{basehead}", { ...repo, basehead: `${base}...${head}`, per_page: 1 }),
      operation,
    );
    return string(object(data["merge_base_commit"], operation)["sha"], operation);
  }

  async getBlob(repo: RepoRef, sha: string): Promise<Uint8Array> {
    const operation = `reading blob ${sha}`;
    const blob = object(
      await this.call(operation, "GET /repos/{owner}/{repo}/git/blobs/{file_sha}", { ...repo, file_sha: sha }),
      operation,
    );
    return decodeContent(blob, operation);
  }

  async readFile(repo: RepoRef, path: string, ref?: string): Promise<RepoFile | undefined> {
    const operation = `reading ${path}${ref ? ` at ${ref}` : ""} in ${repo.owner}/${repo.repo}`;
    // `{+path}` keeps the slashes of the path as GitHub documents the URL (`{path}` would send %2F).
    const data = await this.callOptional(operation, "GET /repos/{owner}/{repo}/contents/{+path}", {
      ...repo,
      path,
      ...(ref ? { ref } : {}),
    });
    if (data === undefined) return undefined;
    if (Array.isArray(data)) throw new GitHubApiError(operation, 200, `${path} is a directory, not a file`);
    const file = object(data, operation);
    if (file["type"] !== "file") throw new GitHubApiError(operation, 200, `${path} is a ${String(file["type"])}, not a regular file`);
    const sha = string(file["sha"], operation);
    // Files over 1 MB come back without inline content (encoding "none"): read them by blob SHA instead.
    if (file["encoding"] === "none" || file["content"] === "") return { path, sha, content: await this.getBlob(repo, sha) };
    return { path, sha, content: decodeContent(file, operation) };
  }

  async describePath(repo: RepoRef, path: string, ref: string): Promise<PathDescription | undefined> {
    const operation = `looking at ${path} at ${ref.slice(0, 12)} in ${repo.owner}/${repo.repo}`;
    const data = await this.callOptional(operation, "GET /repos/{owner}/{repo}/contents/{+path}", { ...repo, path, ref });
    if (data === undefined) return undefined;
    if (Array.isArray(data)) return { type: "dir", path, sha: "", size: 0 };
    const entry = object(data, operation);
    const type = entry["type"];
    if (type !== "file" && type !== "symlink" && type !== "submodule" && type !== "dir") {
      throw new GitHubApiError(operation, 200, `unexpected content type ${JSON.stringify(type)}`);
    }
    const description: PathDescription = {
      type,
      path: typeof entry["path"] === "string" ? entry["path"] : path,
      sha: string(entry["sha"], operation),
      size: typeof entry["size"] === "number" ? entry["size"] : 0,
    };
    const target = type === "symlink" ? entry["target"] : type === "submodule" ? entry["submodule_git_url"] : undefined;
    if (typeof target === "string") description.target = target;
    if (type === "file" && entry["encoding"] !== "none" && typeof entry["content"] === "string" && entry["content"] !== "") {
      description.content = decodeContent(entry, operation);
    }
    return description;
  }

  async getDefaultBranch(repo: RepoRef): Promise<string | undefined> {
    const operation = `reading repository ${repo.owner}/${repo.repo}`;
    const data = await this.callOptional(operation, "GET /repos/{owner}/{repo}", { ...repo });
    if (data === undefined) return undefined;
    return string(object(data, operation)["default_branch"], operation);
  }

  async getTree(repo: RepoRef, ref: string): Promise<Tree | undefined> {
    const operation = `listing the files of ${repo.owner}/${repo.repo} at ${ref}`;
    const data = await this.callOptional(operation, "GET /repos/{owner}/{repo}/git/trees/{tree_sha}", {
      ...repo,
      tree_sha: ref,
      recursive: "1",
    });
    if (data === undefined) return undefined;
    const tree = object(data, operation);
    const entries: TreeEntry[] = array(tree["tree"], operation).map((raw) => {
      const entry = object(raw, operation);
      const type = entry["type"];
      if (type !== "blob" && type !== "tree" && type !== "commit")
        throw new GitHubApiError(operation, 200, `unexpected tree entry type ${JSON.stringify(type)}`);
      return { path: string(entry["path"], operation), type, sha: string(entry["sha"], operation) };
    });
    return { entries, truncated: tree["truncated"] === true };
  }

  async listCheckRunsForRef(repo: RepoRef, ref: string, appId?: number): Promise<CheckRunSummary[]> {
    const operation = `listing the check runs of ${ref.slice(0, 12)}`;
    const data = object(
      await this.call(operation, "GET /repos/{owner}/{repo}/commits/{ref}/check-runs", {
        ...repo,
        ref,
        filter: "all",
        per_page: 100,
        ...(appId !== undefined ? { app_id: appId } : {}),
      }),
      operation,
    );
    return array(data["check_runs"], operation).map((raw) => {
      const run = object(raw, operation);
      const app = run["app"];
      const output = run["output"];
      const optional = (value: unknown): string | null => (typeof value === "string" ? value : null);
      return {
        id: integer(run["id"], operation),
        name: string(run["name"], operation),
        headSha: string(run["head_sha"], operation),
        externalId: typeof run["external_id"] === "string" ? run["external_id"] : null,
        ...(app && typeof app === "object" && typeof (app as Record<string, unknown>)["slug"] === "string"
          ? { appSlug: (app as Record<string, unknown>)["slug"] as string }
          : {}),
        ...(typeof run["status"] === "string" ? { status: run["status"] } : {}),
        conclusion: optional(run["conclusion"]),
        startedAt: optional(run["started_at"]),
        completedAt: optional(run["completed_at"]),
        summary: output && typeof output === "object" ? optional((output as Record<string, unknown>)["summary"]) : null,
      };
    });
  }

  async listPullRequestCommits(repo: RepoRef, number: number): Promise<{ commits: PullRequestCommit[]; complete: boolean }> {
    const operation = `listing the commits of pull request #${number}`;
    const commits: PullRequestCommit[] = [];
    for (let page = 1; page <= 3; page++) {
      const response = await this.send(operation, "GET /repos/{owner}/{repo}/pulls/{pull_number}/commits", {
        ...repo,
        pull_number: number,
        per_page: 100,
        page,
      });
      const entries = array(response.data, operation);
      for (const entry of entries) {
        const commit = object(entry, operation);
        const parents = array(commit["parents"] ?? [], operation).map((parent) => string(object(parent, operation)["sha"], operation));
        commits.push({ sha: string(commit["sha"], operation), parents });
      }
      if (entries.length < 100 || !hasNextPage(response.headers)) break;
    }
    // GitHub lists at most 250 commits of a pull request; at that count there may be more.
    return { commits, complete: commits.length < MAX_LISTED_PULL_COMMITS };
  }

  async listForcePushes(repo: RepoRef, number: number): Promise<string[]> {
    const operation = `listing the events of pull request #${number}`;
    const times: string[] = [];
    for (let page = 1; ; page++) {
      const response = await this.send(operation, "GET /repos/{owner}/{repo}/issues/{issue_number}/events", {
        ...repo,
        issue_number: number,
        per_page: 100,
        page,
      });
      const entries = array(response.data, operation);
      for (const entry of entries) {
        const event = object(entry, operation);
        if (event["event"] === "head_ref_force_pushed") times.push(string(event["created_at"], operation));
      }
      if (entries.length < 100 || !hasNextPage(response.headers)) break;
      if (page >= MAX_COMMENT_PAGES)
        throw new GitHubApiError(operation, 200, `the pull request has more than ${MAX_COMMENT_PAGES * 100} events`);
    }
    return times;
  }

  async listCommentReactions(repo: RepoRef, commentId: number): Promise<CommentReactionEntry[]> {
    const operation = `listing the reactions to comment ${commentId}`;
    const reactions: CommentReactionEntry[] = [];
    for (let page = 1; ; page++) {
      const response = await this.send(operation, "GET /repos/{owner}/{repo}/issues/comments/{comment_id}/reactions", {
        ...repo,
        comment_id: commentId,
        per_page: 100,
        page,
      });
      const entries = array(response.data, operation);
      for (const entry of entries) {
        const reaction = object(entry, operation);
        const user = reaction["user"];
        reactions.push({
          content: string(reaction["content"], operation),
          user: user && typeof user === "object" ? string((user as Record<string, unknown>)["login"], operation) : null,
        });
      }
      if (entries.length < 100 || !hasNextPage(response.headers)) break;
      if (page >= MAX_COMMENT_PAGES)
        throw new GitHubApiError(operation, 200, `comment ${commentId} has more than ${MAX_COMMENT_PAGES * 100} reactions`);
    }
    return reactions;
  }

  /**
   * Creating is not idempotent: a create that GitHub carried out but whose answer was lost (timeout,
   * dropped connection, 5xx after the fact, garbled body) would, if simply retried, leave the first
   * run `in_progress` forever. So Octokit does not retry it; after such a failure the run is looked
   * up (same name, external id and start time) before another create is attempted.
   */
  async createCheckRun(repo: RepoRef, params: CheckRunCreate): Promise<{ id: number }> {
    const operation = `creating check run "${params.name}"`;
    const delays = this.options.createRetryDelaysMs ?? CREATE_RETRY_DELAYS_MS;
    for (let attempt = 0; ; attempt++) {
      try {
        const data = await this.call(operation, "POST /repos/{owner}/{repo}/check-runs", {
          ...repo,
          name: params.name,
          head_sha: params.headSha,
          external_id: params.externalId,
          status: params.conclusion ? "completed" : "in_progress",
          started_at: params.startedAt,
          ...(params.conclusion ? { conclusion: params.conclusion, completed_at: params.completedAt ?? params.startedAt } : {}),
          ...(params.output ? { output: params.output } : {}),
          request: { retries: 0 },
        });
        return { id: integer(object(data, operation)["id"], operation) };
      } catch (error) {
        const failure = toApiError(operation, error);
        const unknownOutcome = failure.kind === "no-response" || failure.kind === "malformed" || failure.status >= 500;
        if (!unknownOutcome || attempt >= delays.length) throw failure;
        await sleep(delays[attempt] as number);
        const created = await this.findCreatedCheckRun(repo, params).catch(() => undefined);
        if (created !== undefined) return { id: created };
      }
    }
  }

  /** The run a lost create made, if any: same name and external id, started in the same second. */
  private async findCreatedCheckRun(repo: RepoRef, params: CheckRunCreate): Promise<number | undefined> {
    const operation = `looking for check run "${params.name}" after a failed create`;
    const data = object(
      await this.call(operation, "GET /repos/{owner}/{repo}/commits/{ref}/check-runs", {
        ...repo,
        ref: params.headSha,
        check_name: params.name,
        filter: "all",
        per_page: 100,
      }),
      operation,
    );
    const second = (iso: unknown): number => (typeof iso === "string" ? Math.floor(Date.parse(iso) / 1000) : Number.NaN);
    const wanted = second(params.startedAt);
    for (const raw of array(data["check_runs"], operation)) {
      const run = object(raw, operation);
      if (run["external_id"] === params.externalId && second(run["started_at"]) === wanted) return integer(run["id"], operation);
    }
    return undefined;
  }

  async updateCheckRun(repo: RepoRef, checkRunId: number, params: CheckRunUpdate): Promise<void> {
    const operation = `updating check run ${checkRunId}`;
    await this.call(operation, "PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}", {
      ...repo,
      check_run_id: checkRunId,
      status: params.status,
      ...(params.conclusion ? { conclusion: params.conclusion } : {}),
      ...(params.completedAt ? { completed_at: params.completedAt } : {}),
      ...(params.output ? { output: params.output } : {}),
      ...(params.actions ? { actions: params.actions } : {}),
    });
  }

  async listIssueComments(repo: RepoRef, number: number): Promise<IssueComment[]> {
    const operation = `listing the comments of pull request #${number}`;
    const comments: IssueComment[] = [];
    for (let page = 1; ; page++) {
      const response = await this.send(operation, "GET /repos/{owner}/{repo}/issues/{issue_number}/comments", {
        ...repo,
        issue_number: number,
        per_page: 100,
        page,
      });
      const entries = array(response.data, operation);
      comments.push(...entries.map((entry) => issueComment(entry, operation)));
      if (entries.length < 100 || !hasNextPage(response.headers)) break;
      if (page >= MAX_COMMENT_PAGES) {
        throw new GitHubApiError(
          operation,
          200,
          `the pull request has more than ${MAX_COMMENT_PAGES * 100} comments; exceptions are only derived from a conversation read in full`,
        );
      }
    }
    return comments;
  }

  async getTeamMembership(org: string, teamSlug: string, login: string): Promise<"active" | "pending" | undefined> {
    const operation = `checking whether ${login} is a member of team ${org}/${teamSlug}`;
    const data = await this.callOptional404(operation, "GET /orgs/{org}/teams/{team_slug}/memberships/{username}", {
      org,
      team_slug: teamSlug,
      username: login,
    });
    if (data === undefined) return undefined;
    const state = object(data, operation)["state"];
    if (state === "active" || state === "pending") return state;
    throw new GitHubApiError(operation, 200, `unexpected membership state ${JSON.stringify(state)}`);
  }

  async getCollaboratorPermission(repo: RepoRef, login: string): Promise<CollaboratorPermission | undefined> {
    const operation = `reading ${login}'s permission on ${repo.owner}/${repo.repo}`;
    const data = await this.callOptional404(operation, "GET /repos/{owner}/{repo}/collaborators/{username}/permission", {
      ...repo,
      username: login,
    });
    if (data === undefined) return undefined;
    const answer = object(data, operation);
    return {
      permission: string(answer["permission"], operation),
      roleName: typeof answer["role_name"] === "string" ? answer["role_name"] : null,
    };
  }

  async createIssueComment(repo: RepoRef, number: number, body: string): Promise<{ id: number }> {
    const operation = `commenting on pull request #${number}`;
    const data = await this.call(operation, "POST /repos/{owner}/{repo}/issues/{issue_number}/comments", {
      ...repo,
      issue_number: number,
      body,
    });
    return { id: integer(object(data, operation)["id"], operation) };
  }

  async createCommentReaction(repo: RepoRef, commentId: number, content: CommentReaction): Promise<void> {
    const operation = `reacting ${content} to comment ${commentId}`;
    await this.call(operation, "POST /repos/{owner}/{repo}/issues/comments/{comment_id}/reactions", {
      ...repo,
      comment_id: commentId,
      content,
    });
  }

  async listReviewComments(repo: RepoRef, number: number): Promise<ReviewComment[]> {
    const operation = `listing the review comments of pull request #${number}`;
    const comments: ReviewComment[] = [];
    for (let page = 1; ; page++) {
      const response = await this.send(operation, "GET /repos/{owner}/{repo}/pulls/{pull_number}/comments", {
        ...repo,
        pull_number: number,
        per_page: 100,
        page,
      });
      const entries = array(response.data, operation);
      comments.push(...entries.map((entry) => reviewComment(entry, operation)));
      if (entries.length < 100 || !hasNextPage(response.headers)) break;
      // Only the bot's own earlier suggestions are looked for: past this many, some may be repeated, which is harmless.
      if (page >= MAX_COMMENT_PAGES) break;
    }
    return comments;
  }

  async createReview(repo: RepoRef, number: number, review: ReviewCreate): Promise<{ id: number }> {
    const operation = `posting the review of suggested changes on pull request #${number}`;
    const data = await this.call(operation, "POST /repos/{owner}/{repo}/pulls/{pull_number}/reviews", {
      ...repo,
      pull_number: number,
      ...review,
    });
    return { id: integer(object(data, operation)["id"], operation) };
  }

  async getBotLogin(): Promise<string> {
    if (this.identity) return this.identity.botLogin();
    return botLoginOf(await this.call("reading the app's identity (GET /app)", "GET /app", {}));
  }

  private async call(operation: string, route: string, parameters: Record<string, unknown>): Promise<unknown> {
    return (await this.send(operation, route, parameters)).data;
  }

  /** Like `call`, but a 404 (or 409 "repository is empty") means "not there" rather than an error. */
  private async callOptional(operation: string, route: string, parameters: Record<string, unknown>): Promise<unknown> {
    try {
      return (await this.send(operation, route, parameters)).data;
    } catch (error) {
      if (error instanceof GitHubApiError && (error.status === 404 || error.status === 409)) return undefined;
      throw error;
    }
  }

  /** Like `call`, but a 404 means "not there". */
  private async callOptional404(operation: string, route: string, parameters: Record<string, unknown>): Promise<unknown> {
    try {
      return (await this.send(operation, route, parameters)).data;
    } catch (error) {
      if (error instanceof GitHubApiError && error.status === 404) return undefined;
      throw error;
    }
  }

  /**
   * One request. A success whose JSON body does not parse (Octokit then hands back the text, see
   * `isMalformedJson`) is an error of kind "malformed"; a read is retried a few times first, as a
   * truncated body is usually a transient fault. Writes are not repeated here.
   */
  private async send(operation: string, route: string, parameters: Record<string, unknown>) {
    const delays = route.startsWith("GET ") ? (this.options.malformedRetryDelaysMs ?? MALFORMED_RETRY_DELAYS_MS) : [];
    for (let attempt = 0; ; attempt++) {
      let response: Awaited<ReturnType<OctokitRequester["request"]>>;
      try {
        response = await this.octokit.request(route, parameters);
      } catch (error) {
        throw toApiError(operation, error);
      }
      if (!isMalformedJson(response)) return response;
      if (attempt >= delays.length) {
        throw new GitHubApiError(
          operation,
          response.status,
          `GitHub's response is not valid JSON (${describe(response.data)}), even after ${attempt + 1} attempt(s)`,
          "malformed",
        );
      }
      await sleep(delays[attempt] as number);
    }
  }
}

/** Waits between re-reads of a garbled response, and between create attempts. */
const MALFORMED_RETRY_DELAYS_MS: readonly number[] = [1000, 3000];
const CREATE_RETRY_DELAYS_MS: readonly number[] = [1000, 4000, 9000];

export interface OctokitGatewayOptions {
  malformedRetryDelaysMs?: readonly number[];
  createRetryDelaysMs?: readonly number[];
}

function sleep(ms: number): Promise<void> {
  return ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();
}

/** A JSON content type with a body Octokit could not parse: it returns the raw text instead. */
function isMalformedJson(response: { data: unknown; headers: Record<string, unknown> }): boolean {
  const type = response.headers["content-type"];
  return typeof response.data === "string" && typeof type === "string" && /^\s*application\/(?:[\w.+-]+\+)?json\b/i.test(type);
}

/** `GET /app`'s answer to the app's bot account: GitHub names it `<slug>[bot]`. */
export function botLoginOf(data: unknown): string {
  const operation = "reading the app's identity (GET /app)";
  const slug = string(object(data, operation)["slug"], operation);
  if (slug === "") throw new GitHubApiError(operation, 200, "the app has an empty slug");
  return `${slug}[bot]`;
}

function reviewComment(raw: unknown, operation: string): ReviewComment {
  const entry = object(raw, operation);
  const user = entry["user"];
  let author: ReviewComment["user"] = null;
  if (user !== null && user !== undefined) {
    const fields = object(user, operation);
    author = { login: string(fields["login"], operation), type: typeof fields["type"] === "string" ? fields["type"] : "User" };
  }
  const line = entry["line"];
  return {
    id: integer(entry["id"], operation),
    path: string(entry["path"], operation),
    line: line === null || line === undefined ? null : integer(line, operation),
    body: typeof entry["body"] === "string" ? entry["body"] : "",
    user: author,
  };
}

function issueComment(raw: unknown, operation: string): IssueComment {
  const entry = object(raw, operation);
  const user = entry["user"];
  let author: IssueComment["user"] = null;
  if (user !== null && user !== undefined) {
    const fields = object(user, operation);
    author = { login: string(fields["login"], operation), type: typeof fields["type"] === "string" ? fields["type"] : "User" };
  }
  return {
    id: integer(entry["id"], operation),
    body: typeof entry["body"] === "string" ? entry["body"] : null,
    user: author,
    created_at: string(entry["created_at"], operation),
    updated_at: typeof entry["updated_at"] === "string" ? entry["updated_at"] : string(entry["created_at"], operation),
    html_url: typeof entry["html_url"] === "string" ? entry["html_url"] : "",
  };
}

export function toApiError(operation: string, error: unknown): GitHubApiError {
  return classifyRequestError(operation, error);
}

function changedFile(raw: unknown, operation: string): ChangedFile {
  const entry = object(raw, operation);
  const file: ChangedFile = {
    filename: string(entry["filename"], operation),
    status: string(entry["status"], operation),
    sha: typeof entry["sha"] === "string" && entry["sha"] !== "" ? entry["sha"] : null,
  };
  if (typeof entry["previous_filename"] === "string") file.previousFilename = entry["previous_filename"];
  if (typeof entry["patch"] === "string") file.patch = entry["patch"];
  const listedFor = refOf(entry["contents_url"]);
  if (listedFor) file.listedFor = listedFor;
  return file;
}

/** `?ref=<sha>` of a file entry's `contents_url`, when it is a full commit SHA. */
function refOf(url: unknown): string | undefined {
  if (typeof url !== "string") return undefined;
  try {
    const ref = new URL(url).searchParams.get("ref");
    return ref && /^[0-9a-f]{40}$/i.test(ref) ? ref.toLowerCase() : undefined;
  } catch {
    return undefined;
  }
}

function decodeContent(data: Record<string, unknown>, operation: string): Uint8Array {
  const content = string(data["content"], operation);
  const encoding = data["encoding"];
  if (encoding === "base64") return Buffer.from(content, "base64");
  if (encoding === "utf-8" || encoding === "utf8") return Buffer.from(content, "utf8");
  throw new GitHubApiError(operation, 200, `unsupported content encoding ${JSON.stringify(encoding)}`);
}

function hasNextPage(headers: Record<string, unknown>): boolean {
  const link = headers["link"];
  return typeof link === "string" && /rel="next"/.test(link);
}

function object(value: unknown, operation: string): Record<string, unknown> {
  if (typeof value === "object" && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
  throw new GitHubApiError(operation, 200, `unexpected response from GitHub (expected a JSON object, got ${describe(value)})`);
}

function array(value: unknown, operation: string): unknown[] {
  if (Array.isArray(value)) return value;
  throw new GitHubApiError(operation, 200, `unexpected response from GitHub (expected a JSON array, got ${describe(value)})`);
}

function string(value: unknown, operation: string): string {
  if (typeof value === "string") return value;
  throw new GitHubApiError(operation, 200, `unexpected response from GitHub (expected a string, got ${describe(value)})`);
}

function integer(value: unknown, operation: string): number {
  if (typeof value === "number" && Number.isInteger(value)) return value;
  throw new GitHubApiError(operation, 200, `unexpected response from GitHub (expected an integer, got ${describe(value)})`);
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "string") return `text ${JSON.stringify(value.slice(0, 60))}`;
  return typeof value;
}
