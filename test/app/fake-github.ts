/**
 * An in-memory GitHub behind the `GitHubGateway` port (like policy-bot's `pulltest.Context`):
 * repositories with branches of files, pull requests, blobs by git SHA, check runs with their
 * writes, a call log for request counting, and injectable failures.
 */
import { createHash } from "node:crypto";
import {
  GitHubApiError,
  type ChangedFile,
  type CheckAnnotation,
  type CheckRunCreate,
  type CheckRunOutput,
  type CheckRunSummary,
  type CheckRunUpdate,
  type CollaboratorPermission,
  type CommentReaction,
  type GitHubGateway,
  type IssueComment,
  type PullRequestInfo,
  type RepoFile,
  type RepoRef,
  type ReviewComment,
  type ReviewCreate,
  type Tree,
} from "../../src/github/gateway.js";

export function blobSha(content: string | Uint8Array): string {
  const bytes = typeof content === "string" ? Buffer.from(content, "utf8") : Buffer.from(content);
  return createHash("sha1").update(`blob ${bytes.length}\0`).update(bytes).digest("hex");
}

export interface FakeCheckRun {
  id: number;
  name: string;
  headSha: string;
  externalId: string;
  status: "in_progress" | "completed";
  conclusion?: string;
  output?: CheckRunOutput;
  /** Every annotation ever sent: GitHub appends them across writes. */
  annotations: CheckAnnotation[];
  actions?: CheckRunUpdate["actions"];
  writes: number;
  startedAt?: string;
  /** Stamped with `clock()` when the run is completed without a `completedAt`, as GitHub does. */
  completedAt?: string;
}

interface FakeRepo {
  defaultBranch: string;
  branches: Map<string, Map<string, string>>;
}

interface FakePull {
  info: PullRequestInfo;
  files: ChangedFile[];
  /** Every head it had, oldest first; each the child of the one before (a fast-forward push). */
  heads: string[];
}

type Method = keyof GitHubGateway;

export interface FakeComment extends IssueComment {
  pull: string;
  reactions: CommentReaction[];
}

export class FakeGitHub implements GitHubGateway {
  readonly calls: { method: Method; args: string }[] = [];
  readonly checkRuns: FakeCheckRun[] = [];
  private readonly repos = new Map<string, FakeRepo>();
  private readonly pulls = new Map<string, FakePull>();
  private readonly blobs = new Map<string, Uint8Array>();
  private readonly comparisons = new Map<string, ChangedFile[]>();
  private readonly failures = new Map<Method, Error[]>();
  readonly comments: FakeComment[] = [];
  private readonly teams = new Map<string, "active" | "pending">();
  private readonly permissions = new Map<string, CollaboratorPermission>();
  private nextCommentId = 5000;
  /** The app's bot account, as GET /app would name it. */
  botLogin = "kube-policy-bot[bot]";
  /** GitHub's clock: when comments are created and check runs completed (second precision). */
  clock: () => Date = () => new Date("2025-06-01T11:00:00Z");
  /** Every tree listing says GitHub truncated it (a repository of more than 100,000 files). */
  treesTruncated = false;
  /** When the pull requests' head branches were force-pushed (`head_ref_force_pushed` events). */
  readonly forcePushes = new Map<string, string[]>();

  addRepo(repo: RepoRef, files: Record<string, string> = {}, defaultBranch = "main"): this {
    this.repos.set(key(repo), { defaultBranch, branches: new Map([[defaultBranch, new Map()]]) });
    this.setFiles(repo, defaultBranch, files);
    return this;
  }

  setFiles(repo: RepoRef, branch: string, files: Record<string, string>): this {
    const state = this.repo(repo);
    const tree = state.branches.get(branch) ?? new Map<string, string>();
    for (const [path, content] of Object.entries(files)) {
      tree.set(path, content);
      this.blobs.set(blobSha(content), Buffer.from(content, "utf8"));
    }
    state.branches.set(branch, tree);
    return this;
  }

  /** A pull request whose head changes `files` (null content = removed) relative to `base`. */
  openPullRequest(
    repo: RepoRef,
    number: number,
    options: { base?: string; headSha?: string; files: Record<string, string | null>; renamed?: Record<string, string>; author?: string },
  ): PullRequestInfo {
    const base = options.base ?? "main";
    const files: ChangedFile[] = Object.entries(options.files).map(([filename, content]) => {
      if (content === null) return { filename, status: "removed", sha: null };
      const sha = blobSha(content);
      this.blobs.set(sha, Buffer.from(content, "utf8"));
      const previous = options.renamed?.[filename];
      if (previous) return { filename, status: "renamed", sha, previousFilename: previous };
      // As GitHub lists an added file: every line is an added line of one hunk.
      const lines = content.replace(/\n$/, "").split("\n");
      return { filename, status: "added", sha, patch: [`@@ -0,0 +1,${lines.length} @@`, ...lines.map((line) => `+${line}`)].join("\n") };
    });
    const info: PullRequestInfo = {
      number,
      state: "open",
      headSha:
        options.headSha ??
        createHash("sha1")
          .update(`${key(repo)}#${number}:${JSON.stringify(options.files)}`)
          .digest("hex"),
      baseRef: base,
      baseSha: "b".repeat(40),
      changedFiles: files.length,
      author: options.author ?? "octocat",
    };
    // The head commit's tree: the base branch with the pull request's changes (what GET git/trees lists).
    const state = this.repos.get(key(repo));
    if (state) {
      const head = new Map(state.branches.get(base) ?? []);
      for (const [filename, content] of Object.entries(options.files)) {
        const previousName = options.renamed?.[filename];
        if (previousName) head.delete(previousName);
        if (content === null) head.delete(filename);
        else head.set(filename, content);
      }
      state.branches.set(info.headSha, head);
    }
    const previous = this.pulls.get(`${key(repo)}#${number}`)?.heads ?? [];
    this.pulls.set(`${key(repo)}#${number}`, {
      info,
      files,
      heads: previous.includes(info.headSha) ? previous : [...previous, info.headSha],
    });
    return info;
  }

  closePullRequest(repo: RepoRef, number: number): void {
    this.pull(repo, number).info.state = "closed";
  }

  setComparison(repo: RepoRef, base: string, head: string, files: Record<string, string>): void {
    // The head commit's tree: the default branch with the compared files.
    const state = this.repos.get(key(repo));
    if (state) state.branches.set(head, new Map([...(state.branches.get(state.defaultBranch) ?? []), ...Object.entries(files)]));
    this.comparisons.set(
      `${key(repo)}:${base}...${head}`,
      Object.entries(files).map(([filename, content]) => {
        const sha = blobSha(content);
        this.blobs.set(sha, Buffer.from(content, "utf8"));
        return { filename, status: "modified", sha };
      }),
    );
  }

  /** The next calls of `method` fail with these errors, in order. */
  failNext(method: Method, ...errors: Error[]): void {
    this.failures.set(method, [...(this.failures.get(method) ?? []), ...errors]);
  }

  count(method: Method): number {
    return this.calls.filter((call) => call.method === method).length;
  }

  /** A comment by `login` (a human unless `type` says otherwise); its created_at is `clock()` unless given. */
  addComment(repo: RepoRef, number: number, login: string, body: string, options: { type?: string; at?: Date } = {}): FakeComment {
    const at = (options.at ?? this.clock()).toISOString().replace(/\.\d{3}Z$/, "Z");
    const id = this.nextCommentId++;
    const comment: FakeComment = {
      id,
      body,
      user: { login, type: options.type ?? "User" },
      created_at: at,
      updated_at: at,
      html_url: `https://github.example/${key(repo)}/pull/${number}#issuecomment-${id}`,
      pull: `${key(repo)}#${number}`,
      reactions: [],
    };
    this.comments.push(comment);
    return comment;
  }

  commentsOn(repo: RepoRef, number: number): FakeComment[] {
    return this.comments.filter((comment) => comment.pull === `${key(repo)}#${number}`);
  }

  setTeamMember(org: string, teamSlug: string, login: string, state: "active" | "pending" = "active"): this {
    this.teams.set(`${org}/${teamSlug}/${login}`.toLowerCase(), state);
    return this;
  }

  setPermission(
    repo: RepoRef,
    login: string,
    role: string,
    permission = role === "maintain" ? "write" : role === "triage" ? "read" : role,
  ): this {
    this.permissions.set(`${key(repo)}/${login.toLowerCase()}`, { permission, roleName: role });
    return this;
  }

  // --- GitHubGateway -------------------------------------------------------------------------

  async getPullRequest(repo: RepoRef, number: number): Promise<PullRequestInfo> {
    this.record("getPullRequest", `${key(repo)}#${number}`);
    return { ...this.pull(repo, number).info };
  }

  async listPullRequestFiles(repo: RepoRef, number: number): Promise<ChangedFile[]> {
    const files = this.pull(repo, number).files;
    // One request per page of 100, as the real implementation pays.
    for (let page = 0; page < Math.max(1, Math.ceil(Math.min(files.length, 3000) / 100)); page++)
      this.record("listPullRequestFiles", `${key(repo)}#${number} page ${page + 1}`);
    return files.slice(0, 3000).map((file) => ({ ...file }));
  }

  async compareCommits(repo: RepoRef, base: string, head: string): Promise<ChangedFile[]> {
    this.record("compareCommits", `${key(repo)} ${base}...${head}`);
    const files = this.comparisons.get(`${key(repo)}:${base}...${head}`);
    if (!files) throw new GitHubApiError(`comparing ${base}...${head}`, 404, "Not Found");
    return files.slice(0, 300);
  }

  /** The fake has branches, not a commit graph: the base branch itself is the merge base. */
  async getMergeBase(repo: RepoRef, base: string, head: string): Promise<string> {
    this.record("getMergeBase", `${key(repo)} ${base}...${head}`);
    return base;
  }

  async getBlob(repo: RepoRef, sha: string): Promise<Uint8Array> {
    this.record("getBlob", `${key(repo)} ${sha}`);
    const blob = this.blobs.get(sha);
    if (!blob) throw new GitHubApiError(`reading blob ${sha}`, 404, "Not Found");
    return blob;
  }

  async readFile(repo: RepoRef, path: string, ref?: string): Promise<RepoFile | undefined> {
    this.record("readFile", `${key(repo)} ${path}@${ref ?? "default"}`);
    const state = this.repos.get(key(repo));
    const content = state?.branches.get(ref ?? state.defaultBranch)?.get(path);
    return content === undefined ? undefined : { path, sha: blobSha(content), content: Buffer.from(content, "utf8") };
  }

  async getDefaultBranch(repo: RepoRef): Promise<string | undefined> {
    this.record("getDefaultBranch", key(repo));
    return this.repos.get(key(repo))?.defaultBranch;
  }

  async getTree(repo: RepoRef, ref: string): Promise<Tree | undefined> {
    this.record("getTree", `${key(repo)}@${ref}`);
    const files = this.repos.get(key(repo))?.branches.get(ref);
    if (!files) return undefined;
    return {
      entries: [...files.entries()].map(([path, content]) => ({ path, type: "blob", sha: blobSha(content) })),
      truncated: this.treesTruncated,
    };
  }

  async listCheckRunsForRef(repo: RepoRef, ref: string, appId?: number): Promise<CheckRunSummary[]> {
    this.record("listCheckRunsForRef", `${key(repo)} ${ref} app ${appId ?? "any"}`);
    return this.checkRuns
      .filter((run) => run.headSha === ref)
      .map((run) => ({
        id: run.id,
        name: run.name,
        headSha: run.headSha,
        externalId: run.externalId,
        appSlug: this.botLogin.replace(/\[bot\]$/, ""),
        status: run.status,
        conclusion: run.conclusion ?? null,
        startedAt: run.startedAt ?? null,
        completedAt: run.completedAt ?? null,
        summary: run.output?.summary ?? null,
      }));
  }

  async listPullRequestCommits(
    repo: RepoRef,
    number: number,
  ): Promise<{ commits: { sha: string; parents: string[] }[]; complete: boolean }> {
    this.record("listPullRequestCommits", `${key(repo)}#${number}`);
    const heads = this.pull(repo, number).heads;
    return {
      commits: heads.map((sha, index) => ({ sha, parents: index === 0 ? ["b".repeat(40)] : [heads[index - 1] as string] })),
      complete: true,
    };
  }

  async listForcePushes(repo: RepoRef, number: number): Promise<string[]> {
    this.record("listForcePushes", `${key(repo)}#${number}`);
    return [...(this.forcePushes.get(`${key(repo)}#${number}`) ?? [])];
  }

  async listCommentReactions(repo: RepoRef, commentId: number): Promise<{ content: string; user: string | null }[]> {
    this.record("listCommentReactions", `${key(repo)} ${commentId}`);
    const comment = this.comments.find((candidate) => candidate.id === commentId);
    if (!comment) throw new GitHubApiError(`listing the reactions to comment ${commentId}`, 404, "Not Found");
    return comment.reactions.map((content) => ({ content, user: this.botLogin }));
  }

  async createCheckRun(repo: RepoRef, params: CheckRunCreate): Promise<{ id: number }> {
    this.record("createCheckRun", `${key(repo)} ${params.name}@${params.headSha}`);
    const run: FakeCheckRun = {
      id: this.checkRuns.length + 1,
      name: params.name,
      headSha: params.headSha,
      externalId: params.externalId,
      status: "in_progress",
      annotations: [],
      writes: 1,
      startedAt: params.startedAt,
    };
    if (params.conclusion)
      Object.assign(
        run,
        { status: "completed", conclusion: params.conclusion, completedAt: params.completedAt ?? this.stamp() },
        params.output ? { output: params.output } : {},
      );
    this.checkRuns.push(run);
    return { id: run.id };
  }

  async updateCheckRun(repo: RepoRef, checkRunId: number, params: CheckRunUpdate): Promise<void> {
    this.record("updateCheckRun", `${key(repo)} ${checkRunId} ${params.status}`);
    const run = this.checkRuns.find((candidate) => candidate.id === checkRunId);
    if (!run) throw new GitHubApiError(`updating check run ${checkRunId}`, 404, "Not Found");
    if ((params.output?.annotations?.length ?? 0) > 50)
      throw new GitHubApiError(`updating check run ${checkRunId}`, 422, "more than 50 annotations");
    if (params.output && (params.output.summary.length > 65535 || (params.output.text?.length ?? 0) > 65535)) {
      throw new GitHubApiError(`updating check run ${checkRunId}`, 422, "output too long");
    }
    run.writes++;
    run.status = params.conclusion ? "completed" : params.status;
    if (params.conclusion) run.conclusion = params.conclusion;
    if (run.status === "completed" && run.completedAt === undefined) run.completedAt = params.completedAt ?? this.stamp();
    if (params.output) {
      run.output = params.output;
      run.annotations.push(...(params.output.annotations ?? []));
    }
    if (params.actions) run.actions = params.actions;
  }

  async listIssueComments(repo: RepoRef, number: number): Promise<IssueComment[]> {
    const comments = this.commentsOn(repo, number);
    for (let page = 0; page < Math.max(1, Math.ceil(comments.length / 100)); page++)
      this.record("listIssueComments", `${key(repo)}#${number} page ${page + 1}`);
    return comments.map(({ pull: _pull, reactions: _reactions, ...comment }) => ({
      ...comment,
      user: comment.user ? { ...comment.user } : null,
    }));
  }

  async getTeamMembership(org: string, teamSlug: string, login: string): Promise<"active" | "pending" | undefined> {
    this.record("getTeamMembership", `${org}/${teamSlug} ${login}`);
    return this.teams.get(`${org}/${teamSlug}/${login}`.toLowerCase());
  }

  async getCollaboratorPermission(repo: RepoRef, login: string): Promise<CollaboratorPermission | undefined> {
    this.record("getCollaboratorPermission", `${key(repo)} ${login}`);
    return this.permissions.get(`${key(repo)}/${login.toLowerCase()}`) ?? { permission: "read", roleName: "read" };
  }

  async createIssueComment(repo: RepoRef, number: number, body: string): Promise<{ id: number }> {
    this.record("createIssueComment", `${key(repo)}#${number}`);
    return { id: this.addComment(repo, number, this.botLogin, body, { type: "Bot" }).id };
  }

  async createCommentReaction(repo: RepoRef, commentId: number, content: CommentReaction): Promise<void> {
    this.record("createCommentReaction", `${key(repo)} ${commentId} ${content}`);
    const comment = this.comments.find((candidate) => candidate.id === commentId);
    if (!comment) throw new GitHubApiError(`reacting to comment ${commentId}`, 404, "Not Found");
    if (!comment.reactions.includes(content)) comment.reactions.push(content);
  }

  async getBotLogin(): Promise<string> {
    this.record("getBotLogin", "GET /app");
    return this.botLogin;
  }

  /** Reviews posted, with their pull request. */
  readonly reviews: { pull: string; review: ReviewCreate }[] = [];

  async listReviewComments(repo: RepoRef, number: number): Promise<ReviewComment[]> {
    this.record("listReviewComments", `${key(repo)}#${number}`);
    const pull = `${key(repo)}#${number}`;
    return this.reviews
      .filter((posted) => posted.pull === pull)
      .flatMap((posted) =>
        posted.review.comments.map((comment, index) => ({
          id: index + 1,
          path: comment.path,
          line: comment.line,
          body: comment.body,
          user: { login: this.botLogin, type: "Bot" },
        })),
      );
  }

  async createReview(repo: RepoRef, number: number, review: ReviewCreate): Promise<{ id: number }> {
    this.record("createReview", `${key(repo)}#${number}`);
    this.reviews.push({ pull: `${key(repo)}#${number}`, review });
    return { id: this.reviews.length };
  }

  // --- internals -----------------------------------------------------------------------------

  private stamp(): string {
    return this.clock()
      .toISOString()
      .replace(/\.\d{3}Z$/, "Z");
  }

  private record(method: Method, args: string): void {
    this.calls.push({ method, args });
    const queue = this.failures.get(method);
    const failure = queue?.shift();
    if (failure) throw failure;
  }

  private repo(repo: RepoRef): FakeRepo {
    const state = this.repos.get(key(repo));
    if (!state) throw new Error(`fake: repository ${key(repo)} not added`);
    return state;
  }

  private pull(repo: RepoRef, number: number): FakePull {
    const pull = this.pulls.get(`${key(repo)}#${number}`);
    if (!pull) throw new GitHubApiError(`reading pull request #${number}`, 404, "Not Found");
    return pull;
  }
}

function key(repo: RepoRef): string {
  return `${repo.owner}/${repo.repo}`.toLowerCase();
}
