/**
 * What GitHub's data looks like to the app: plain types (pull requests, files, comments, check-run
 * output on the wire) and the error a failed request becomes. No calls: any layer may use these;
 * only the pipeline's read and write steps talk to GitHub (`gateway.ts`).
 */
export interface RepoRef {
  owner: string;
  repo: string;
}

/** `pulls.listFiles` / compare statuses. Unknown future values are kept as plain strings. */
export type FileStatus = "added" | "removed" | "modified" | "renamed" | "copied" | "changed" | "unchanged";

export interface ChangedFile {
  /** Path in the head commit (the new name of a renamed file). */
  filename: string;
  status: FileStatus | (string & {});
  /** Blob SHA of the head version; GitHub sends none for some entries (e.g. removed files). */
  sha: string | null;
  previousFilename?: string;
  /**
   * The head commit GitHub listed this file for (the `ref` of its `contents_url`). A pull request's
   * file list is always the CURRENT head's: when it differs from the commit being checked, the
   * pull request has moved on and the list is not that commit's.
   */
  listedFor?: string;
  /**
   * The file's diff in the pull request (unified, GitHub's `patch`): which lines it changed, and
   * where a review comment may sit. Absent when GitHub sends none (binary, or too large to diff).
   */
  patch?: string;
}

export interface PullRequestInfo {
  number: number;
  state: "open" | "closed";
  headSha: string;
  baseRef: string;
  baseSha: string;
  /** GitHub's count of changed files, which may exceed what `listFiles` can return (3000). */
  changedFiles: number;
  /** Login of the pull request's author; absent for a deleted account. */
  author?: string;
}

export interface RepoFile {
  path: string;
  /** Blob SHA: the content address used for caching. */
  sha: string;
  content: Uint8Array;
}

export interface PathDescription {
  /**
   * `file` (a symbolic link to a file of the repository is followed by GitHub: `path` is then the
   * link's target), `symlink` (a link GitHub did not follow: to a directory, or out of the
   * repository), `submodule` or `dir`.
   */
  type: "file" | "symlink" | "submodule" | "dir";
  path: string;
  /** Blob SHA; for a submodule, the commit it points at. */
  sha: string;
  size: number;
  /** symlink: where it points; submodule: the submodule's repository URL, when GitHub gives it. */
  target?: string;
  /** file: the content, when GitHub sent it inline (files up to 1 MB). */
  content?: Uint8Array;
}

export interface TreeEntry {
  path: string;
  type: "blob" | "tree" | "commit";
  sha: string;
}

export interface Tree {
  entries: TreeEntry[];
  /** GitHub stops at 100,000 entries / 7 MB and says so: a partial listing must not be trusted. */
  truncated: boolean;
}

export type AnnotationLevel = "notice" | "warning" | "failure";

/** GitHub's check-run annotation, field names as on the wire. */
export interface CheckAnnotation {
  path: string;
  start_line: number;
  end_line: number;
  start_column?: number;
  end_column?: number;
  annotation_level: AnnotationLevel;
  message: string;
  title?: string;
  raw_details?: string;
}

export interface CheckRunOutput {
  title: string;
  summary: string;
  text?: string;
  annotations?: CheckAnnotation[];
}

/** A button on the check run; clicking it sends `check_run.requested_action`. */
export interface CheckRunAction {
  label: string;
  description: string;
  identifier: string;
}

export type CheckConclusion = "success" | "failure" | "neutral" | "cancelled" | "skipped" | "timed_out" | "action_required";

export interface CheckRunCreate {
  name: string;
  headSha: string;
  externalId: string;
  startedAt: string;
  output?: CheckRunOutput;
  /** Create the run already completed with this conclusion (one write instead of two). */
  conclusion?: CheckConclusion;
  completedAt?: string;
}

export interface CheckRunUpdate {
  status: "in_progress" | "completed";
  conclusion?: CheckConclusion;
  completedAt?: string;
  output?: CheckRunOutput;
  actions?: CheckRunAction[];
}

export interface CheckRunSummary {
  id: number;
  name: string;
  headSha: string;
  externalId: string | null;
  /** The app that made the run (`app.slug`): only an app can write its own runs. */
  appSlug?: string;
  status?: string;
  conclusion?: string | null;
  startedAt?: string | null;
  /** Stamped by GitHub when the app completes the run without giving one. */
  completedAt?: string | null;
  /** `output.summary`, which holds the app's record of the findings it showed. */
  summary?: string | null;
}

/** A commit of a pull request, as `GET /pulls/{n}/commits` lists it. */
export interface PullRequestCommit {
  sha: string;
  parents: string[];
}

/** A reaction on a comment, as `GET …/comments/{id}/reactions` lists it. */
export interface CommentReactionEntry {
  content: string;
  /** Null for a deleted account. */
  user: string | null;
}

/** A comment on a pull request's conversation (the issue comments API), fields the app uses only. */
export interface IssueComment {
  id: number;
  body: string | null;
  /** Null for a deleted account ("ghost"). */
  user: { login: string; type: string } | null;
  created_at: string;
  updated_at: string;
  html_url: string;
}

/** A pull request review comment (the comment on a line of the diff), fields the app uses only. */
export interface ReviewComment {
  id: number;
  path: string;
  /** The line it sits on at the pull request's head; null once outdated (its lines changed since). */
  line: number | null;
  body: string;
  /** Null for a deleted account ("ghost"). */
  user: { login: string; type: string } | null;
}

/** `POST /repos/{owner}/{repo}/pulls/{pull_number}/reviews`: a submitted review with line comments. */
export interface ReviewCreate {
  commit_id: string;
  event: "COMMENT";
  body: string;
  comments: { path: string; line: number; side: "RIGHT"; start_line?: number; start_side?: "RIGHT"; body: string }[];
}

/** `GET /repos/{owner}/{repo}/collaborators/{username}/permission`, as GitHub answers it. */
export interface CollaboratorPermission {
  /** Legacy permission: admin, write, read or none (triage and maintain fold into read and write). */
  permission: string;
  /** The role: one of the five built-in roles, or a custom role's name. */
  roleName: string | null;
}

/** Reactions the app puts on comments: eyes on receipt, +1 granted, -1 refused. */
export type CommentReaction = "eyes" | "+1" | "-1";

/**
 * A GitHub request that failed after the client's own retries, or answered with something that is not
 * what GitHub documents. `operation` says what we were doing, in words a user can act on.
 */
export class GitHubApiError extends Error {
  override readonly name = "GitHubApiError";
  constructor(
    readonly operation: string,
    /** HTTP status, or 0 when no response arrived (timeout, connection reset). */
    readonly status: number,
    detail: string,
    /** What went wrong, which decides what the check tells people to do. */
    readonly kind: GitHubFailureKind = status === 0 ? "no-response" : status >= 200 && status < 300 ? "malformed" : "http",
    /** For a rate limit: when GitHub will accept requests again. */
    readonly retryAt?: Date,
  ) {
    super(`${operation} failed: ${status === 0 ? "" : `HTTP ${status}: `}${detail}`);
  }
}

/**
 * - `http`: GitHub answered with an error status.
 * - `no-response`: no answer (timeout, dropped connection).
 * - `malformed`: a success status with a body that is not what GitHub documents (truncated JSON...).
 * - `rate-limit`: a primary or secondary rate limit the app did not wait out (see `retryAt`).
 * - `too-large`: a response larger than the app agrees to read.
 */
export type GitHubFailureKind = "http" | "no-response" | "malformed" | "rate-limit" | "too-large";
