/**
 * The GitHub port: every fact the check needs from GitHub and every write it makes, as one interface
 * (like palantir/policy-bot's `pull.Context`). Orchestration depends only on this; the Octokit
 * implementation lives in `octokit-gateway.ts` and tests use an in-memory fake.
 */
import type {
  ReviewComment,
  ReviewCreate,
  RepoRef,
  ChangedFile,
  PullRequestInfo,
  RepoFile,
  PathDescription,
  Tree,
  CheckRunCreate,
  CheckRunUpdate,
  CheckRunSummary,
  IssueComment,
  CollaboratorPermission,
  CommentReaction,
  CommentReactionEntry,
  PullRequestCommit,
} from "./model.js";

export * from "./model.js";

export interface GitHubGateway {
  getPullRequest(repo: RepoRef, number: number): Promise<PullRequestInfo>;
  /** All files of the pull request, 100 per request; GitHub itself stops at 3000. */
  listPullRequestFiles(repo: RepoRef, number: number): Promise<ChangedFile[]>;
  /** Files changed between two commits (three-dot); GitHub returns at most 300. */
  compareCommits(repo: RepoRef, base: string, head: string): Promise<ChangedFile[]>;
  /** The best common ancestor of `base` (a branch or SHA) and `head`: where a pull request's diff starts. */
  getMergeBase(repo: RepoRef, base: string, head: string): Promise<string>;
  getBlob(repo: RepoRef, sha: string): Promise<Uint8Array>;
  /** `undefined` when the file (or the repository, or the ref) does not exist. */
  readFile(repo: RepoRef, path: string, ref?: string): Promise<RepoFile | undefined>;
  /**
   * What is at a path at a ref, as the Contents API says (`undefined` when nothing is): used to tell
   * symbolic links and submodules from files, which the pull request file list does not. Optional:
   * a gateway without it treats every changed file as a regular file.
   */
  describePath?(repo: RepoRef, path: string, ref: string): Promise<PathDescription | undefined>;
  /** The repository's default branch, or `undefined` when the repository does not exist or is not visible. */
  getDefaultBranch(repo: RepoRef): Promise<string | undefined>;
  /** Recursive tree of a ref; `undefined` when the repository or ref does not exist (or is empty). */
  getTree(repo: RepoRef, ref: string): Promise<Tree | undefined>;
  /** Check runs on a commit, all of them (not only the latest per name), optionally one app's only. */
  listCheckRunsForRef(repo: RepoRef, ref: string, appId?: number): Promise<CheckRunSummary[]>;
  createCheckRun(repo: RepoRef, params: CheckRunCreate): Promise<{ id: number }>;
  updateCheckRun(repo: RepoRef, checkRunId: number, params: CheckRunUpdate): Promise<void>;
  /** Every comment of a pull request's conversation, oldest first, 100 per request. */
  listIssueComments(repo: RepoRef, number: number): Promise<IssueComment[]>;
  /**
   * The pull request's commits (GitHub lists at most 250: `complete` is false when it has more), with
   * their parents: the heads an approver could have seen are among them.
   */
  listPullRequestCommits(repo: RepoRef, number: number): Promise<{ commits: PullRequestCommit[]; complete: boolean }>;
  /** When the pull request's head branch was force-pushed (`head_ref_force_pushed` issue events). */
  listForcePushes(repo: RepoRef, number: number): Promise<string[]>;
  /** Every reaction on a pull request comment. */
  listCommentReactions(repo: RepoRef, commentId: number): Promise<CommentReactionEntry[]>;
  /** A user's membership of an org team: `undefined` when not a member (GitHub answers 404). */
  getTeamMembership(org: string, teamSlug: string, login: string): Promise<"active" | "pending" | undefined>;
  /** A user's permission on a repository; `undefined` when GitHub knows no such user (404). */
  getCollaboratorPermission(repo: RepoRef, login: string): Promise<CollaboratorPermission | undefined>;
  createIssueComment(repo: RepoRef, number: number, body: string): Promise<{ id: number }>;
  /** Adding a reaction the app already made is not an error (GitHub answers 200 with the existing one). */
  createCommentReaction(repo: RepoRef, commentId: number, content: CommentReaction): Promise<void>;
  /** The app's own account, e.g. `kube-policy-bot[bot]`: only its comments carry exception records. */
  getBotLogin(): Promise<string>;
  /** Every review comment (line comment) of a pull request, oldest first, 100 per request. */
  listReviewComments(repo: RepoRef, number: number): Promise<ReviewComment[]>;
  /** Submits a review with its line comments in one request (all or nothing). */
  createReview(repo: RepoRef, number: number, review: ReviewCreate): Promise<{ id: number }>;
}
