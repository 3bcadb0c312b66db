/**
 * The typed helper API tests use to drive the emulator in-process: set up accounts, repositories,
 * branches and files; act as GitHub users (open a PR, push, comment, click "Re-run") which changes the
 * state AND delivers the matching signed webhook to the app; then read what the app did (check runs,
 * annotations, comments, reactions) and how many API calls it took (the request log).
 */
import type { DeliveryRecord, DeliveryResult, WebhookSender } from "./webhooks.js";
import type { ActiveFault, FaultPlan, FaultRule } from "./faults.js";
import { annotationJson, checkRunJson, commentJson, reactionJson } from "./representations.js";
import type { RequestFilter, RequestLog, RequestLogEntry } from "./request-log.js";
import type { CheckRunAction, CheckRunRecord, EmulatorState, FileSpec, InstallationPermissions, RepoRole } from "./state.js";
import { advanceClock, nowIso } from "./state.js";
import type { PullRequestAction } from "./webhook-payloads.js";
import { applySuggestions } from "./reviews.js";
import { reviewCommentJson, reviewJson } from "./routes-reviews.js";
import {
  checkRunPayload,
  checkSuitePayload,
  installationPayload,
  installationRepositoriesPayload,
  issueCommentPayload,
  mergeGroupPayload,
  pullRequestPayload,
} from "./webhook-payloads.js";

export type { FileSpec } from "./state.js";

export interface AnnotationView {
  path: string;
  start_line: number;
  end_line: number;
  start_column: number | null;
  end_column: number | null;
  annotation_level: "notice" | "warning" | "failure";
  title: string;
  message: string;
  raw_details: string;
}

/** What the client drives: the emulator's state, webhook sender, request log and fault plan (server.ts). */
export interface EmulatorParts {
  readonly state: EmulatorState;
  readonly webhooks: WebhookSender;
  readonly requests: RequestLog;
  readonly faults: FaultPlan;
}

/** A check run as GET /repos/{o}/{r}/check-runs/{id} returns it, plus all its annotations and write count. */
export interface CheckRunView {
  id: number;
  name: string;
  head_sha: string;
  external_id: string;
  details_url: string;
  status: string;
  conclusion: string | null;
  started_at: string;
  completed_at: string | null;
  output: { title: string | null; summary: string | null; text: string | null; annotations_count: number };
  pull_requests: Array<{ number: number }>;
  annotations: AnnotationView[];
  actions: CheckRunAction[];
  /** PATCH requests applied to the run after it was created. */
  updates: number;
}

export interface CommentView {
  id: number;
  body: string;
  user: { login: string; type: string };
  created_at: string;
  updated_at: string;
  performed_via_github_app: unknown;
  reactions: Record<string, unknown>;
}

export interface OpenPullRequestSpec {
  /** Base repository, "owner/name". */
  repo: string;
  /** Files committed on the head branch (created from the base branch); null deletes a file. */
  files?: Record<string, FileSpec | null>;
  /** Head branch name; defaults to "change-<n>". */
  head?: string;
  /** Open the PR from this user's fork (created when missing) instead of a branch of the base repo. */
  fork?: string;
  /** Base branch; defaults to the repository's default branch. */
  base?: string;
  title?: string;
  body?: string | null;
  draft?: boolean;
  /** PR author and webhook sender; defaults to the fork owner, else "octocat". */
  author?: string;
  message?: string;
  /** Send pull_request.opened (default true). */
  deliver?: boolean;
}

export interface OpenedPullRequest {
  number: number;
  headSha: string;
  baseSha: string;
  headRef: string;
  /** Full name of the repository holding the head branch (the fork, for fork PRs). */
  headRepo: string;
  delivery: DeliveryResult | undefined;
}

export interface PushSpec {
  repo: string;
  number: number;
  files: Record<string, FileSpec | null>;
  message?: string;
  author?: string;
  deliver?: boolean;
}

export interface WaitOptions {
  name?: string;
  /** Deadline before giving up with an error; generous, it only bounds a hung test. Default 30 s. */
  timeoutMs?: number;
  /** Default: status === "completed". */
  until?: (run: CheckRunView) => boolean;
}

export class EmulatorClient {
  private branchCounter = 0;

  constructor(private readonly emulator: EmulatorParts) {}

  get state(): EmulatorState {
    return this.emulator.state;
  }

  // ---- accounts and access --------------------------------------------------------------------

  createUser(login: string, type: "User" | "Bot" = "User"): void {
    this.state.ensureUser(login, type);
  }

  createOrg(
    login: string,
    options: { members?: Record<string, "admin" | "member">; memberPermission?: "none" | "read" | "write" | "admin" } = {},
  ): void {
    const org = this.state.createOrg(login);
    if (options.memberPermission) org.memberPermission = options.memberPermission;
    for (const [member, role] of Object.entries(options.members ?? {})) this.state.addOrgMember(login, member, role);
  }

  addOrgMember(org: string, login: string, role: "admin" | "member" = "member"): void {
    this.state.addOrgMember(org, login, role);
  }

  createTeam(org: string, slug: string, options: { parent?: string; members?: Record<string, "member" | "maintainer"> } = {}): void {
    this.state.createTeam(org, slug, options.parent !== undefined ? { parent: options.parent } : {});
    for (const [member, role] of Object.entries(options.members ?? {})) this.state.addTeamMember(org, slug, member, { role });
  }

  addTeamMember(
    org: string,
    slug: string,
    login: string,
    membership: { role?: "member" | "maintainer"; state?: "active" | "pending" } = {},
  ): void {
    this.state.addTeamMember(org, slug, login, membership);
  }

  setCollaborator(repo: string, login: string, role: RepoRole): void {
    this.state.setCollaborator(repo, login, role);
  }

  /** Installs the app on an account (all repositories unless `repositories` lists some); returns the installation id. */
  install(account: string, options: { repositories?: string[]; permissions?: InstallationPermissions } = {}): number {
    return this.state.install(account, options).id;
  }

  /** Installs the app and sends installation.created, as GitHub does when an owner installs it. */
  async installAndNotify(
    account: string,
    options: { repositories?: string[]; permissions?: InstallationPermissions; sender?: string } = {},
  ): Promise<{ id: number; delivery: DeliveryResult }> {
    const installation = this.state.install(account, options);
    const delivery = await this.emulator.webhooks.send(
      "installation",
      installationPayload(this.state, installation, "created", options.sender ?? account),
    );
    return { id: installation.id, delivery };
  }

  /** Adds repositories to (or removes them from) an installation with selected repositories, and says so. */
  async changeInstallationRepositories(
    installationId: number,
    action: "added" | "removed",
    repositories: string[],
    sender = "octocat",
  ): Promise<DeliveryResult> {
    const installation = this.state.installations.get(installationId);
    if (!installation) throw new Error(`no installation ${installationId}`);
    if (installation.repositorySelection !== "selected")
      throw new Error("installation_repositories events apply to installations with selected repositories");
    const repos = repositories.map((r) => this.state.requireRepo(r));
    for (const repo of repos) {
      if (action === "added") installation.repositories.add(repo.fullName.toLowerCase());
      else installation.repositories.delete(repo.fullName.toLowerCase());
    }
    return this.emulator.webhooks.send(
      "installation_repositories",
      installationRepositoriesPayload(this.state, installation, action, repos, sender),
    );
  }

  // ---- repositories ---------------------------------------------------------------------------

  /** Creates a repository with one commit on the default branch (README.md unless `files` is given). */
  createRepo(
    fullName: string,
    options: { defaultBranch?: string; private?: boolean; files?: Record<string, FileSpec> } = {},
  ): { fullName: string; id: number; headSha: string } {
    const repo = this.state.createRepo(fullName, options);
    const files = options.files ?? { "README.md": `# ${repo.name}\n` };
    const commit = this.state.commit(repo.fullName, { branch: repo.defaultBranch, changes: files, message: "Initial commit" });
    return { fullName: repo.fullName, id: repo.id, headSha: commit.sha };
  }

  fork(source: string, owner: string): string {
    return this.state.fork(source, owner).fullName;
  }

  /** Commits on a branch (created from `from`, default the default branch); returns the commit SHA. */
  commit(
    repo: string,
    options: { branch?: string; files: Record<string, FileSpec | null>; message?: string; author?: string; from?: string },
  ): string {
    const branch = options.branch ?? this.state.requireRepo(repo).defaultBranch;
    return this.state.commit(repo, {
      branch,
      changes: options.files,
      ...(options.message !== undefined ? { message: options.message } : {}),
      ...(options.author !== undefined ? { author: options.author } : {}),
      ...(options.from !== undefined ? { from: options.from } : {}),
    }).sha;
  }

  createBranch(repo: string, name: string, from?: string): string {
    const record = this.state.requireRepo(repo);
    const sha = this.state.resolveRef(record, from ?? record.defaultBranch);
    if (!sha) throw new Error(`unknown ref ${from} in ${repo}`);
    this.state.moveBranch(record, name, sha);
    return sha;
  }

  // ---- acting as GitHub users (state change + webhook) -----------------------------------------

  async openPullRequest(spec: OpenPullRequestSpec): Promise<OpenedPullRequest> {
    const base = this.state.requireRepo(spec.repo);
    const baseRef = spec.base ?? base.defaultBranch;
    const headRepo = spec.fork
      ? (this.state.repo(`${spec.fork}/${base.name}`)?.fullName ?? this.state.fork(base.fullName, spec.fork).fullName)
      : base.fullName;
    const headRef = spec.head ?? `change-${++this.branchCounter}`;
    const author = spec.author ?? spec.fork ?? "octocat";
    if (spec.files) {
      this.state.commit(headRepo, {
        branch: headRef,
        changes: spec.files,
        author,
        ...(spec.message !== undefined ? { message: spec.message } : {}),
        from: baseRef,
      });
    } else if (!this.state.requireRepo(headRepo).branches.has(headRef)) {
      throw new Error(`head branch ${headRef} does not exist in ${headRepo}; pass files to create it`);
    }
    const pr = this.state.createPull({
      repo: base.fullName,
      headRepo,
      headRef,
      baseRef,
      title: spec.title ?? `Change ${headRef}`,
      body: spec.body === undefined ? null : spec.body,
      draft: spec.draft ?? false,
      user: author,
    });
    const delivery =
      spec.deliver === false ? undefined : await this.emulator.webhooks.send("pull_request", pullRequestPayload(this.state, pr, "opened"));
    return { number: pr.number, headSha: pr.headSha, baseSha: pr.baseSha, headRef, headRepo, delivery };
  }

  /** Adds a commit to the PR's head branch and sends pull_request.synchronize. */
  async push(spec: PushSpec): Promise<{ headSha: string; before: string; delivery: DeliveryResult | undefined }> {
    const pr = this.state.requirePull(spec.repo, spec.number);
    const before = pr.headSha;
    this.state.commit(pr.headRepo, {
      branch: pr.headRef,
      changes: spec.files,
      author: spec.author ?? pr.user,
      ...(spec.message !== undefined ? { message: spec.message } : {}),
    });
    const delivery =
      spec.deliver === false
        ? undefined
        : await this.emulator.webhooks.send(
            "pull_request",
            pullRequestPayload(this.state, pr, "synchronize", { before, sender: spec.author ?? pr.user }),
          );
    return { headSha: pr.headSha, before, delivery };
  }

  /**
   * GitHub's "Commit suggestions": the chosen review comments' suggested changes committed together
   * on the head branch by `author`, then pull_request.synchronize.
   */
  async commitSuggestions(spec: { repo: string; number: number; commentIds: number[]; author: string; deliver?: boolean }) {
    const pr = this.state.requirePull(spec.repo, spec.number);
    const files = applySuggestions(this.state, pr, spec.commentIds);
    return this.push({
      repo: spec.repo,
      number: spec.number,
      files,
      author: spec.author,
      message: "Apply suggestions from code review",
      ...(spec.deliver === false ? { deliver: false } : {}),
    });
  }

  /** The pull request's review comments as the REST API lists them (current `line`, or null when outdated). */
  reviewComments(
    repo: string,
    number: number,
  ): Array<Record<string, unknown> & { id: number; body: string; path: string; line: number | null }> {
    const pr = this.state.requirePull(repo, number);
    return [...this.state.reviewComments.values()]
      .filter((c) => c.repo === pr.repo && c.number === number)
      .sort((a, b) => a.id - b.id)
      .map(
        (c) =>
          reviewCommentJson(this.state, pr, c) as Record<string, unknown> & { id: number; body: string; path: string; line: number | null },
      );
  }

  reviews(repo: string, number: number): Array<Record<string, unknown>> {
    const pr = this.state.requirePull(repo, number);
    return [...this.state.reviews.values()]
      .filter((r) => r.repo === pr.repo && r.number === number)
      .sort((a, b) => a.id - b.id)
      .map((r) => reviewJson(this.state, r));
  }

  /**
   * A force push: the PR's head branch is reset to a new commit on `onto` (default: the parent of
   * the current head, i.e. the last commit rewritten), which replaces the commits after it. GitHub
   * records a `head_ref_force_pushed` issue event and sends pull_request.synchronize.
   */
  async forcePush(spec: PushSpec & { onto?: string }): Promise<{ headSha: string; before: string; delivery: DeliveryResult | undefined }> {
    const pr = this.state.requirePull(spec.repo, spec.number);
    const before = pr.headSha;
    const onto = spec.onto ?? this.state.commits.get(before)?.parents[0];
    if (!onto) throw new Error(`the head of #${spec.number} has no parent to force-push onto`);
    const author = spec.author ?? pr.user;
    this.state.commit(pr.headRepo, {
      branch: pr.headRef,
      changes: spec.files,
      author,
      onto,
      ...(spec.message !== undefined ? { message: spec.message } : {}),
    });
    this.state.issueEvents.push({
      id: this.state.nextId(),
      repo: pr.repo,
      number: pr.number,
      event: "head_ref_force_pushed",
      actor: author,
      createdAt: nowIso(),
    });
    const delivery =
      spec.deliver === false
        ? undefined
        : await this.emulator.webhooks.send("pull_request", pullRequestPayload(this.state, pr, "synchronize", { before, sender: author }));
    return { headSha: pr.headSha, before, delivery };
  }

  /** Moves GitHub's clock forward (every timestamp it gives from then on), instead of sleeping. */
  advanceClock(ms: number): void {
    advanceClock(ms);
  }

  /** reopened / closed / edited (title, body, base) / ready_for_review / converted_to_draft. */
  async pullRequestEvent(
    repo: string,
    number: number,
    action: Exclude<PullRequestAction, "opened" | "synchronize">,
    options: { title?: string; body?: string | null; base?: string; sender?: string; deliver?: boolean } = {},
  ): Promise<DeliveryResult | undefined> {
    const pr = this.state.requirePull(repo, number);
    const now = nowIso();
    const changes: Record<string, unknown> = {};
    if (action === "closed") {
      pr.state = "closed";
      pr.closedAt = now;
    } else if (action === "reopened") {
      pr.state = "open";
      pr.closedAt = null;
    } else if (action === "ready_for_review") pr.draft = false;
    else if (action === "converted_to_draft") pr.draft = true;
    else if (action === "edited") {
      if (options.title !== undefined) {
        changes.title = { from: pr.title };
        pr.title = options.title;
      }
      if (options.body !== undefined) {
        changes.body = { from: pr.body ?? "" };
        pr.body = options.body;
      }
      if (options.base !== undefined) {
        const baseRepo = this.state.requireRepo(repo);
        const sha = baseRepo.branches.get(options.base);
        if (!sha) throw new Error(`no branch ${options.base} in ${repo}`);
        changes.base = { ref: { from: pr.baseRef }, sha: { from: pr.baseSha } };
        pr.baseRef = options.base;
        pr.baseSha = sha;
      }
    }
    pr.updatedAt = now;
    if (options.deliver === false) return undefined;
    const payload = pullRequestPayload(this.state, pr, action, {
      ...(options.sender ? { sender: options.sender } : {}),
      ...(action === "edited" ? { changes } : {}),
    });
    return this.emulator.webhooks.send("pull_request", payload);
  }

  async comment(spec: {
    repo: string;
    number: number;
    body: string;
    author: string;
    deliver?: boolean;
  }): Promise<{ id: number; delivery: DeliveryResult | undefined }> {
    const comment = this.state.addComment(spec.repo, spec.number, spec.body, spec.author);
    const delivery =
      spec.deliver === false
        ? undefined
        : await this.emulator.webhooks.send("issue_comment", issueCommentPayload(this.state, comment, "created"));
    return { id: comment.id, delivery };
  }

  /** Delivers issue_comment.created for a comment made with `deliver: false`: a late or redelivered webhook. */
  async deliverComment(id: number): Promise<DeliveryResult> {
    const comment = this.state.comments.get(id);
    if (!comment) throw new Error(`no comment ${id}`);
    return this.emulator.webhooks.send("issue_comment", issueCommentPayload(this.state, comment, "created"));
  }

  async editComment(spec: { id: number; body: string; editor?: string; deliver?: boolean }): Promise<DeliveryResult | undefined> {
    const comment = this.state.comments.get(spec.id);
    if (!comment) throw new Error(`no comment ${spec.id}`);
    const from = comment.body;
    comment.body = spec.body;
    comment.updatedAt = nowIso();
    if (spec.deliver === false) return undefined;
    return this.emulator.webhooks.send(
      "issue_comment",
      issueCommentPayload(this.state, comment, "edited", { from, sender: spec.editor ?? comment.user }),
    );
  }

  async deleteComment(spec: { id: number; sender?: string; deliver?: boolean }): Promise<DeliveryResult | undefined> {
    const comment = this.state.comments.get(spec.id);
    if (!comment) throw new Error(`no comment ${spec.id}`);
    // The payload still describes the comment, so build it before it disappears.
    const payload = issueCommentPayload(this.state, comment, "deleted", { sender: spec.sender ?? comment.user });
    this.state.comments.delete(comment.id);
    if (spec.deliver === false) return undefined;
    return this.emulator.webhooks.send("issue_comment", payload);
  }

  /** The "Re-run" button on one check run. */
  async rerequestCheckRun(spec: { checkRunId: number; sender?: string }): Promise<DeliveryResult> {
    const run = this.requireRun(spec.checkRunId);
    return this.emulator.webhooks.send("check_run", checkRunPayload(this.state, run, "rerequested", { sender: spec.sender ?? "octocat" }));
  }

  /** A click on one of the run's action buttons. */
  async requestAction(spec: { checkRunId: number; identifier: string; sender?: string }): Promise<DeliveryResult> {
    const run = this.requireRun(spec.checkRunId);
    if (!run.actions.some((a) => a.identifier === spec.identifier)) throw new Error(`check run ${run.id} has no action ${spec.identifier}`);
    return this.emulator.webhooks.send(
      "check_run",
      checkRunPayload(this.state, run, "requested_action", { sender: spec.sender ?? "octocat", identifier: spec.identifier }),
    );
  }

  /** "Re-run all checks" on a commit's check suite (the app's own suite on that SHA). */
  async rerequestCheckSuite(spec: { repo: string; headSha: string; sender?: string }): Promise<DeliveryResult> {
    const suite = this.state.suiteFor(this.state.requireRepo(spec.repo), spec.headSha);
    return this.emulator.webhooks.send("check_suite", checkSuitePayload(this.state, suite, "rerequested", spec.sender ?? "octocat"));
  }

  /**
   * Queues PRs in the merge queue: commits base + each PR's changes on
   * gh-readonly-queue/<base>/pr-<n>-<base sha> and sends merge_group.checks_requested for that commit.
   */
  async mergeGroup(spec: { repo: string; pullNumbers: number[]; base?: string; sender?: string; deliver?: boolean }): Promise<{
    headSha: string;
    headRef: string;
    baseSha: string;
    delivery: DeliveryResult | undefined;
  }> {
    const repo = this.state.requireRepo(spec.repo);
    const baseRef = spec.base ?? repo.defaultBranch;
    const baseSha = repo.branches.get(baseRef);
    if (!baseSha) throw new Error(`no branch ${baseRef} in ${repo.fullName}`);
    const changes: Record<string, FileSpec | null> = {};
    const baseFiles = this.state.commits.get(baseSha)?.files ?? new Map();
    const present = new Set<string>(baseFiles.keys());
    for (const number of spec.pullNumbers) {
      const pr = this.state.requirePull(repo.fullName, number);
      const head = this.state.commits.get(pr.headSha);
      for (const f of this.state.pullFiles(pr)) {
        const drop = (path: string): void => {
          if (present.has(path)) changes[path] = null;
          else delete changes[path];
          present.delete(path);
        };
        if (f.status === "removed") drop(f.filename);
        else {
          if (f.status === "renamed" && f.previousFilename) drop(f.previousFilename);
          const entry = head?.files.get(f.filename);
          if (entry) {
            changes[f.filename] =
              entry.mode === "160000" ? { submodule: entry.sha } : { content: this.state.blobs.get(entry.sha) as Buffer, mode: entry.mode };
            present.add(f.filename);
          }
        }
      }
    }
    const last = spec.pullNumbers[spec.pullNumbers.length - 1];
    const branch = `gh-readonly-queue/${baseRef}/pr-${last}-${baseSha}`;
    const sender = spec.sender ?? "octocat";
    const commit = this.state.commit(repo.fullName, {
      branch,
      changes,
      from: baseRef,
      author: sender,
      message: `Merge queue: ${spec.pullNumbers.map((n) => `#${n}`).join(", ")}`,
    });
    const group = { headSha: commit.sha, headRef: `refs/heads/${branch}`, baseSha, baseRef: `refs/heads/${baseRef}` };
    const delivery =
      spec.deliver === false
        ? undefined
        : await this.emulator.webhooks.send("merge_group", mergeGroupPayload(this.state, repo, group, sender));
    return { headSha: commit.sha, headRef: group.headRef, baseSha, delivery };
  }

  /** Sends any event with a hand-made payload (signed like the others). */
  async send(event: string, payload: object, options: { deliveryId?: string } = {}): Promise<DeliveryResult> {
    return this.emulator.webhooks.send(event, payload, options);
  }

  /** GitHub's "Redeliver": same body, same X-GitHub-Delivery. */
  async redeliver(deliveryId: string): Promise<DeliveryResult> {
    return this.emulator.webhooks.redeliver(deliveryId);
  }

  deliveries(): DeliveryRecord[] {
    return this.emulator.webhooks.deliveries();
  }

  // ---- reading what the app did ---------------------------------------------------------------

  checkRun(id: number): CheckRunView {
    return this.view(this.requireRun(id));
  }

  checkRuns(repo: string, sha: string): CheckRunView[] {
    return this.state.checkRunsFor(repo, sha).map((r) => this.view(r));
  }

  /** Resolves once a run on `sha` (optionally with `name`) satisfies `until` (default: completed). */
  waitForCheckRun(repo: string, sha: string, options: WaitOptions = {}): Promise<CheckRunView> {
    const until = options.until ?? ((r: CheckRunView) => r.status === "completed");
    const matches = (run: CheckRunRecord): boolean =>
      run.repo.toLowerCase() === repo.toLowerCase() &&
      run.headSha === sha &&
      (options.name === undefined || run.name === options.name) &&
      until(this.view(run));
    const already = this.state.checkRunsFor(repo, sha).filter(matches).pop();
    if (already) return Promise.resolve(this.view(already));
    const timeoutMs = options.timeoutMs ?? 30_000;
    return new Promise((resolve, reject) => {
      const listener = (run: CheckRunRecord): void => {
        if (!matches(run)) return;
        cleanup();
        resolve(this.view(run));
      };
      const timer = setTimeout(() => {
        cleanup();
        const seen = this.checkRuns(repo, sha).map((r) => `${r.name}: ${r.status}/${r.conclusion}`);
        reject(
          new Error(`no matching check run on ${repo}@${sha.slice(0, 7)} within ${timeoutMs} ms (runs: ${seen.join("; ") || "none"})`),
        );
      }, timeoutMs);
      const cleanup = (): void => {
        clearTimeout(timer);
        this.state.events.off("check_run", listener);
      };
      this.state.events.on("check_run", listener);
    });
  }

  comments(repo: string, number: number): CommentView[] {
    return this.state.commentsOn(repo, number).map((c) => commentJson(this.state, c) as unknown as CommentView);
  }

  reactions(commentId: number): Array<{ id: number; content: string; user: { login: string } }> {
    const comment = this.state.comments.get(commentId);
    if (!comment) throw new Error(`no comment ${commentId}`);
    return comment.reactions.map((r) => reactionJson(this.state, r) as unknown as { id: number; content: string; user: { login: string } });
  }

  requests(filter?: RequestFilter): RequestLogEntry[] {
    return this.emulator.requests.list(filter);
  }

  requestCount(filter?: RequestFilter): number {
    return this.emulator.requests.count(filter);
  }

  waitForRequest(filter: RequestFilter, timeoutMs?: number): Promise<RequestLogEntry> {
    return this.emulator.requests.waitFor(filter, timeoutMs);
  }

  resetRequests(): void {
    this.emulator.requests.reset();
  }

  // ---- faults ---------------------------------------------------------------------------------

  setFaults(rules: FaultRule[]): ActiveFault[] {
    return this.emulator.faults.set(rules);
  }

  addFault(rule: FaultRule): ActiveFault {
    return this.emulator.faults.add(rule);
  }

  clearFaults(): void {
    this.emulator.faults.clear();
  }

  private requireRun(id: number): CheckRunRecord {
    const run = this.state.checkRuns.get(id);
    if (!run) throw new Error(`no check run ${id}`);
    return run;
  }

  private view(run: CheckRunRecord): CheckRunView {
    const json = checkRunJson(this.state, run) as unknown as Omit<CheckRunView, "annotations" | "actions" | "updates">;
    return {
      ...json,
      annotations: run.annotations.map((a) => annotationJson(this.state, run, a) as unknown as AnnotationView),
      actions: run.actions.map((a) => ({ ...a })),
      updates: run.updates,
    };
  }
}
