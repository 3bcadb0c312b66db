/**
 * Pull request reviews and their review comments, as GitHub's REST API keeps them: a review is
 * submitted with its comments in one request; each comment sits on lines of one side of the pull
 * request's diff at the review's commit (`line`/`side`, `start_line`/`start_side` for a range),
 * and only on lines inside a hunk of that diff. Once the head moves, a comment whose lines changed
 * is outdated: the API then reports `line` and `position` as null and keeps the `original_*` values.
 *
 * "Commit suggestions" is GitHub's batch: each chosen comment's ```suggestion block replaces its
 * lines of the head's file, in one new commit on the head branch; outdated or overlapping
 * suggestions are refused.
 */
import { diffLines as lineChanges } from "diff";
import type { ReviewCommentRecord, ReviewRecord, ReviewState, Side } from "./review-records.js";
import type { EmulatorState, PullRecord } from "./state.js";

export type { ReviewCommentRecord, ReviewRecord, ReviewState, Side } from "./review-records.js";

/** A comment as the request gives it (`comments[]` of the create-review body). */
export interface ReviewCommentInput {
  path?: unknown;
  body?: unknown;
  line?: unknown;
  side?: unknown;
  start_line?: unknown;
  start_side?: unknown;
  position?: unknown;
}

/** Why GitHub refuses a review: its 422 `errors` strings. */
export class ReviewRefused extends Error {
  constructor(readonly errors: string[]) {
    super(errors.join("; "));
  }
}

interface DiffLine {
  kind: " " | "+" | "-";
  oldLine: number | null;
  newLine: number | null;
  /** Index of its hunk in the file's diff. */
  hunk: number;
  /** Lines below the first hunk header, headers of later hunks included (GitHub's `position`). */
  position: number;
  text: string;
  /** The `@@ ... @@` line of its hunk. */
  header: string;
}

/** The lines of a file's `patch` with their numbers on both sides. */
export function patchLines(patch: string | undefined): DiffLine[] {
  const lines: DiffLine[] = [];
  if (patch === undefined) return lines;
  let oldLine = 0;
  let newLine = 0;
  let hunk = -1;
  let position = 0;
  let headerText = "";
  for (const text of patch.split("\n")) {
    const header = /^@@ -(\d+)(?:,\d+)? \+(\d+)(?:,\d+)? @@/.exec(text);
    if (header) {
      if (hunk >= 0) position++;
      hunk++;
      headerText = text;
      oldLine = Number(header[1]);
      newLine = Number(header[2]);
      continue;
    }
    const kind = text[0];
    if (kind !== " " && kind !== "+" && kind !== "-") continue;
    position++;
    lines.push({
      kind,
      oldLine: kind === "+" ? null : oldLine,
      newLine: kind === "-" ? null : newLine,
      hunk,
      position,
      text,
      header: headerText,
    });
    if (kind !== "+") oldLine++;
    if (kind !== "-") newLine++;
  }
  return lines;
}

function lineOnSide(lines: readonly DiffLine[], side: Side, line: number): DiffLine | undefined {
  return lines.find((l) => (side === "RIGHT" ? l.newLine === line : l.oldLine === line));
}

/** The pull request's diff of one file at a commit of the pull request (from the merge base). */
function fileDiffAt(state: EmulatorState, pr: PullRecord, commitId: string, path: string): DiffLine[] | undefined {
  const base = state.requireRepo(pr.repo);
  const baseTip = base.branches.get(pr.baseRef) ?? pr.baseSha;
  const change = state.diffCommits(state.mergeBase(baseTip, commitId), commitId).find((f) => f.filename === path);
  return change ? patchLines(change.patch) : undefined;
}

/** Validates one comment against the diff at the review's commit and records it. */
function buildComment(
  state: EmulatorState,
  pr: PullRecord,
  review: ReviewRecord,
  input: ReviewCommentInput,
  now: string,
): ReviewCommentRecord {
  const errors: string[] = [];
  if (typeof input.path !== "string" || input.path === "") throw new ReviewRefused(["Path can't be blank"]);
  if (typeof input.body !== "string" || input.body.trim() === "") throw new ReviewRefused(["Body can't be blank"]);
  const diff = fileDiffAt(state, pr, review.commitId, input.path);
  if (!diff) throw new ReviewRefused(["Path could not be resolved"]);
  let side: Side = "RIGHT";
  let line: number;
  if (input.line !== undefined) {
    if (!Number.isInteger(input.line) || (input.line as number) < 1) throw new ReviewRefused(["Line could not be resolved"]);
    if (input.side !== undefined && input.side !== "LEFT" && input.side !== "RIGHT")
      throw new ReviewRefused(["Side is not included in the list"]);
    side = (input.side as Side | undefined) ?? "RIGHT";
    line = input.line as number;
  } else if (input.position !== undefined) {
    const at = diff.find((l) => l.position === input.position);
    if (!at) throw new ReviewRefused(["Position could not be resolved"]);
    side = at.kind === "-" ? "LEFT" : "RIGHT";
    line = (side === "RIGHT" ? at.newLine : at.oldLine) as number;
  } else {
    throw new ReviewRefused(["Line could not be resolved"]);
  }
  const end = lineOnSide(diff, side, line);
  if (!end) throw new ReviewRefused(["Line could not be resolved"]);
  let startLine: number | null = null;
  let startSide: Side | null = null;
  if (input.start_line !== undefined && input.start_line !== null) {
    if (!Number.isInteger(input.start_line)) errors.push("Start line could not be resolved");
    startSide = (input.start_side as Side | undefined) ?? side;
    if (startSide !== "LEFT" && startSide !== "RIGHT") errors.push("Start side is not included in the list");
    startLine = input.start_line as number;
    const start = lineOnSide(diff, startSide, startLine);
    if (!start) errors.push("Start line could not be resolved");
    else if (start.position >= end.position) errors.push("Start line must precede the end line");
    else if (start.hunk !== end.hunk) errors.push("Start line must be part of the same hunk as the line");
  }
  if (errors.length > 0) throw new ReviewRefused(errors);
  const hunkLines = diff.filter((l) => l.hunk === end.hunk && l.position <= end.position);
  return {
    id: state.nextId(),
    reviewId: review.id,
    repo: pr.repo,
    number: pr.number,
    path: input.path,
    commitId: review.commitId,
    body: input.body,
    user: review.user,
    viaApp: review.viaApp,
    side,
    startSide,
    line,
    startLine,
    diffHunk: [end.header, ...hunkLines.map((l) => l.text)].join("\n"),
    position: end.position,
    createdAt: now,
    updatedAt: now,
  };
}

const EVENTS: Record<string, ReviewState> = { COMMENT: "COMMENTED", APPROVE: "APPROVED", REQUEST_CHANGES: "CHANGES_REQUESTED" };

/** `POST /repos/{owner}/{repo}/pulls/{pull_number}/reviews`: the review and its comments, all or nothing. */
export function createReview(
  state: EmulatorState,
  pr: PullRecord,
  request: { body?: unknown; event?: unknown; commit_id?: unknown; comments?: unknown },
  author: { user: string; viaApp: boolean },
  now: string,
): ReviewRecord {
  if (request.event !== undefined && (typeof request.event !== "string" || !(request.event in EVENTS))) {
    throw new ReviewRefused([`Event is not included in the list`]);
  }
  const reviewState: ReviewState = request.event === undefined ? "PENDING" : (EVENTS[request.event as string] as ReviewState);
  const body = typeof request.body === "string" ? request.body : "";
  if ((reviewState === "COMMENTED" || reviewState === "CHANGES_REQUESTED") && body.trim() === "") {
    throw new ReviewRefused(["Review body is required"]);
  }
  let commitId = pr.headSha;
  if (request.commit_id !== undefined) {
    const repo = state.requireRepo(pr.repo);
    if (
      typeof request.commit_id !== "string" ||
      !state.commitIn(repo, request.commit_id) ||
      !state.ancestors(pr.headSha).has(request.commit_id)
    ) {
      throw new ReviewRefused([`No commit found for SHA: ${String(request.commit_id)}`]);
    }
    commitId = request.commit_id;
  }
  if (request.comments !== undefined && !Array.isArray(request.comments)) throw new ReviewRefused(["Comments is not an array"]);
  const review: ReviewRecord = {
    id: state.nextId(),
    repo: pr.repo,
    number: pr.number,
    user: author.user,
    body,
    state: reviewState,
    commitId,
    submittedAt: reviewState === "PENDING" ? null : now,
    viaApp: author.viaApp,
  };
  const comments = ((request.comments as ReviewCommentInput[] | undefined) ?? []).map((input) =>
    buildComment(state, pr, review, input, now),
  );
  state.reviews.set(review.id, review);
  for (const comment of comments) state.reviewComments.set(comment.id, comment);
  return review;
}

/**
 * Where a comment sits at the pull request's head: its lines there, or null when outdated (the file
 * changed on those lines, or they left the diff).
 */
export function currentPosition(
  state: EmulatorState,
  pr: PullRecord,
  comment: ReviewCommentRecord,
): { line: number; startLine: number | null; position: number } | null {
  if (comment.commitId === pr.headSha) return { line: comment.line, startLine: comment.startLine, position: comment.position };
  if (comment.side === "LEFT") return null;
  const before = fileText(state, comment.commitId, comment.path);
  const after = fileText(state, pr.headSha, comment.path);
  if (before === undefined || after === undefined) return null;
  const moved = unchangedLines(before, after);
  const first = comment.startLine ?? comment.line;
  const mapped: number[] = [];
  for (let line = first; line <= comment.line; line++) {
    const to = moved.get(line);
    if (to === undefined || (mapped.length > 0 && to !== (mapped[mapped.length - 1] as number) + 1)) return null;
    mapped.push(to);
  }
  const diff = fileDiffAt(state, pr, pr.headSha, comment.path) ?? [];
  const end = lineOnSide(diff, "RIGHT", mapped[mapped.length - 1] as number);
  const start = lineOnSide(diff, "RIGHT", mapped[0] as number);
  if (!end || !start || start.hunk !== end.hunk) return null;
  return { line: end.newLine as number, startLine: comment.startLine === null ? null : (start.newLine as number), position: end.position };
}

/** The head's file with the chosen suggestions committed, as GitHub's "Commit suggestions" makes it. */
export function applySuggestions(state: EmulatorState, pr: PullRecord, commentIds: readonly number[]): Record<string, string> {
  const byFile = new Map<string, { first: number; last: number; replacement: string[] }[]>();
  for (const id of commentIds) {
    const comment = state.reviewComments.get(id);
    if (!comment || comment.repo !== pr.repo || comment.number !== pr.number) throw new Error(`no review comment ${id} on #${pr.number}`);
    const at = currentPosition(state, pr, comment);
    if (!at || comment.side !== "RIGHT") throw new Error(`suggestion ${id} is outdated and cannot be applied`);
    const block = /^(`{3,})suggestion[^\n]*\n([\s\S]*?)^\1\s*$/m.exec(comment.body);
    if (!block) throw new Error(`review comment ${id} has no suggestion`);
    const content = block[2] as string;
    const replacement = content === "" ? [] : content.replace(/\n$/, "").split("\n");
    const list = byFile.get(comment.path) ?? [];
    const first = at.startLine ?? at.line;
    if (list.some((other) => first <= other.last && other.first <= at.line))
      throw new Error("suggestions on overlapping lines cannot be applied in one batch");
    list.push({ first, last: at.line, replacement });
    byFile.set(comment.path, list);
  }
  const files: Record<string, string> = {};
  for (const [path, suggestions] of byFile) {
    const text = fileText(state, pr.headSha, path) as string;
    const endsWithNewline = text.endsWith("\n");
    const lines = text.replace(/\n$/, "").split("\n");
    for (const s of [...suggestions].sort((a, b) => b.first - a.first)) lines.splice(s.first - 1, s.last - s.first + 1, ...s.replacement);
    files[path] = lines.join("\n") + (endsWithNewline ? "\n" : "");
  }
  return files;
}

function fileText(state: EmulatorState, commitSha: string, path: string): string | undefined {
  const entry = state.commits.get(commitSha)?.files.get(path);
  return entry ? state.blobs.get(entry.sha)?.toString("utf8") : undefined;
}

/** Old line -> new line for every line a line diff keeps. */
function unchangedLines(before: string, after: string): Map<number, number> {
  const moved = new Map<number, number>();
  let oldLine = 1;
  let newLine = 1;
  for (const change of lineChanges(before, after)) {
    const count = change.count ?? 0;
    if (change.added) newLine += count;
    else if (change.removed) oldLine += count;
    else {
      for (let k = 0; k < count; k++) moved.set(oldLine + k, newLine + k);
      oldLine += count;
      newLine += count;
    }
  }
  return moved;
}
