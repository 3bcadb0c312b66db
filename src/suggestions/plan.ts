/**
 * The pull request review that hands authors the fixes: one review (event COMMENT) whose comments
 * carry GitHub suggested changes (```suggestion blocks) on the lines the fixes change. Pure: the
 * files, their patches and the findings in, the suggestions out; then, given the bot's earlier
 * review comments, the review to post (or none).
 *
 * The fixes of one file are applied together, and the resulting change is cut into groups of
 * adjacent lines: one comment per group, naming every finding it fixes, so that suggestions never
 * overlap and can be committed together. A group is suggested only when the lines it replaces are
 * inside one hunk of the pull request's diff (GitHub refuses a comment anywhere else).
 */
import { hash } from "node:crypto";
import { diffLines } from "diff";
import { isBlocking } from "../exceptions/apply.js";
import { applyFixes } from "../fix/apply.js";
import { fixedFile } from "../fix/files.js";
import type { DocumentFix } from "../fix/types.js";
import type { Finding } from "../policy/types.js";
import { commentable, readPatch } from "./patch.js";

export interface SuggestionFile {
  path: string;
  /** The file's text at the commit being checked. */
  text: string;
  /** GitHub's `patch` for the file in the pull request; undefined when GitHub sent none (too large, binary). */
  patch: string | undefined;
}

/** A review comment already on the pull request, as the review comments API lists it. */
export interface ExistingReviewComment {
  path: string;
  /** Null when the comment is outdated (its lines changed since). */
  line: number | null;
  body: string;
  /** Login of the author. */
  author: string | null;
}

export interface SuggestionOptions {
  headSha: string;
  /** At most this many comments in one review. */
  maxComments: number;
}

/** A review comment as `POST /repos/{owner}/{repo}/pulls/{pull_number}/reviews` takes it. */
export interface PlannedComment {
  path: string;
  /** The last line replaced, in the new file. */
  line: number;
  side: "RIGHT";
  /** The first line replaced, when more than one. */
  start_line?: number;
  start_side?: "RIGHT";
  body: string;
}

/**
 * Every suggestion the check has, best first. The review is made from it once the bot's earlier
 * review comments are known (`reviewToPost`): those already suggested are not repeated, and at most
 * `maxComments` are posted.
 */
export interface SuggestionPlan {
  commitId: string;
  maxComments: number;
  suggestions: { key: string; comment: PlannedComment; findings: number }[];
  /** Groups that could not be suggested: their lines are outside the pull request's diff. */
  outsideDiff: number;
}

/** The review to post: the body of `POST .../pulls/{pull_number}/reviews`. */
export interface ReviewToPost {
  commit_id: string;
  event: "COMMENT";
  body: string;
  comments: PlannedComment[];
}

const MARKER_PREFIX = "<!-- kube-policy-bot:suggestion ";

interface Group {
  path: string;
  first: number;
  last: number;
  replacement: string[];
  findings: Finding[];
  key: string;
}

/** The suggestions for fixable findings on lines the pull request changed; undefined when there are none. */
export function planSuggestions(
  files: readonly SuggestionFile[],
  findings: readonly Finding[],
  options: SuggestionOptions,
): SuggestionPlan | undefined {
  let outsideDiff = 0;
  const groups: Group[] = [];
  for (const file of files) {
    const lines = readPatch(file.patch);
    const selected = findings.filter(
      (finding) => finding.fix && fixedFile(finding) === file.path && wanted(finding) && onChangedLine(finding, lines.added),
    );
    for (const group of groupsOf(file, selected)) {
      if (commentable(lines, group.first, group.last)) groups.push(group);
      else outsideDiff++;
    }
  }
  if (groups.length === 0) return undefined;
  // What blocks comes first; then in file order, as a reviewer reads.
  groups.sort(
    (a, b) =>
      Number(b.findings.some(isBlocking)) - Number(a.findings.some(isBlocking)) ||
      (a.path < b.path ? -1 : a.path > b.path ? 1 : a.first - b.first),
  );
  return {
    commitId: options.headSha,
    maxComments: options.maxComments,
    suggestions: groups.map((group) => ({ key: group.key, comment: commentOf(group), findings: group.findings.length })),
    outsideDiff,
  };
}

/**
 * The review to post, given the review comments already on the pull request: a suggestion the bot
 * (`botLogin`) already made and that still applies (its comment is not outdated) is not repeated.
 * Undefined when nothing is left to suggest.
 */
export function reviewToPost(plan: SuggestionPlan, existing: readonly ExistingReviewComment[], botLogin: string): ReviewToPost | undefined {
  const posted = new Set(
    existing.filter((comment) => comment.author === botLogin && comment.line !== null).flatMap((comment) => markerKeys(comment.body)),
  );
  const fresh = plan.suggestions.filter((suggestion) => !posted.has(suggestion.key));
  const chosen = fresh.slice(0, plan.maxComments);
  if (chosen.length === 0) return undefined;
  const fixed = chosen.reduce((count, suggestion) => count + suggestion.findings, 0);
  const left = fresh.length - chosen.length;
  const more = left > 0 ? ` ${left} more suggestion(s) will follow once these are resolved.` : "";
  return {
    commit_id: plan.commitId,
    event: "COMMENT",
    body: `kube-policy-bot can fix ${fixed} policy finding(s) on lines this pull request changes: commit the suggestions below, or run \`kube-policy-bot check --fix\` on the files.${more}`,
    comments: chosen.map((suggestion) => suggestion.comment),
  };
}

/**
 * A finding the pull request brought in: its line is one the pull request added. A fix written
 * into another file than the finding's (a Kustomize base holding the container a patch's finding is
 * on) is offered when its lines are in the diff, which `commentable` checks for every group.
 */
function onChangedLine(finding: Finding, added: ReadonlySet<number>): boolean {
  return fixedFile(finding) !== finding.file || added.has(finding.line);
}

/** Findings worth a suggestion: those that block, and warnings; not notices nor excepted ones. */
function wanted(finding: Finding): boolean {
  return isBlocking(finding) || (finding.action === "warn" && !finding.exception);
}

/** The file with all the findings' fixes, cut into groups of adjacent changed lines. */
function groupsOf(file: SuggestionFile, findings: readonly Finding[]): Group[] {
  if (findings.length === 0) return [];
  const outcome = applyFixes(
    file.path,
    file.text,
    findings.map((finding) => finding.fix as DocumentFix),
  );
  if (outcome.text === file.text) return [];
  const ranges = changedRanges(file.text, outcome.text);
  const newLines = splitLines(outcome.text);
  // Which findings a group fixes: those whose own fix touches its lines.
  const touchedBy = findings.map((finding) => {
    const alone = applyFixes(file.path, file.text, [finding.fix as DocumentFix]).text;
    return { finding, touched: changedRanges(file.text, alone).flatMap((range) => range.touched) };
  });
  return ranges.map((range) => {
    const replacement = newLines.slice(range.newFirst - 1, range.newLast);
    const original = splitLines(file.text).slice(range.first - 1, range.last);
    const members = touchedBy
      .filter(({ touched }) => touched.some((line) => line >= range.first && line <= range.last))
      .map(({ finding }) => finding);
    const key = hash("sha256", JSON.stringify([file.path, original, replacement]), "hex").slice(0, 16);
    return { path: file.path, first: range.first, last: range.last, replacement, findings: members, key };
  });
}

interface ChangedRange {
  /** Old lines replaced (1-based, inclusive). */
  first: number;
  last: number;
  /** The new lines that replace them (1-based, inclusive; newLast < newFirst when they are removed). */
  newFirst: number;
  newLast: number;
  /** Old lines changed or next to an insertion. */
  touched: number[];
}

/**
 * Where two texts differ, as ranges of old lines. A suggestion replaces whole lines, so a pure
 * insertion is anchored on the line before it (the line is replaced by itself plus the new lines).
 */
function changedRanges(before: string, after: string): ChangedRange[] {
  const oldCount = splitLines(before).length;
  const newCount = splitLines(after).length;
  const oldToNew = new Map<number, number>();
  const touched = new Set<number>();
  let oldLine = 1;
  let newLine = 1;
  for (const change of diffLines(before, after)) {
    const count = change.count ?? 0;
    if (change.added) {
      touched.add(Math.max(1, oldLine - 1));
      newLine += count;
    } else if (change.removed) {
      for (let k = 0; k < count; k++) touched.add(oldLine + k);
      oldLine += count;
    } else {
      for (let k = 0; k < count; k++) oldToNew.set(oldLine + k, newLine + k);
      oldLine += count;
      newLine += count;
    }
  }
  const sorted = [...touched].sort((a, b) => a - b);
  const ranges: ChangedRange[] = [];
  for (const line of sorted) {
    const last = ranges[ranges.length - 1];
    if (last && line <= last.last + 1) {
      last.last = line;
      last.touched.push(line);
    } else ranges.push({ first: line, last: line, newFirst: 0, newLast: 0, touched: [line] });
  }
  for (const range of ranges) {
    range.newFirst = (range.first > 1 ? (oldToNew.get(range.first - 1) as number) : 0) + 1;
    range.newLast = (range.last < oldCount ? (oldToNew.get(range.last + 1) as number) : newCount + 1) - 1;
  }
  return ranges;
}

function commentOf(group: Group): PlannedComment {
  const rules = group.findings.map(
    (finding) =>
      `- \`${finding.policy}/${finding.rule}\`${finding.container ? ` (container "${finding.container}")` : ""}: ${finding.fix?.fix.description ?? ""}`,
  );
  const fence = group.replacement.some((line) => line.startsWith("```")) ? "````" : "```";
  const body = [
    `**kube-policy-bot** suggests a fix:`,
    ...rules,
    "",
    `${fence}suggestion`,
    ...group.replacement,
    fence,
    `${MARKER_PREFIX}${group.key} -->`,
  ].join("\n");
  const comment: PlannedComment = { path: group.path, line: group.last, side: "RIGHT", body };
  if (group.first !== group.last) {
    comment.start_line = group.first;
    comment.start_side = "RIGHT";
  }
  return comment;
}

function markerKeys(body: string): string[] {
  const keys: string[] = [];
  for (let at = body.indexOf(MARKER_PREFIX); at !== -1; at = body.indexOf(MARKER_PREFIX, at + 1)) {
    const key = /^[0-9a-f]{16}/.exec(body.slice(at + MARKER_PREFIX.length));
    if (key) keys.push(key[0]);
  }
  return keys;
}

/** Lines without their breaks; a final line break does not start another line. */
function splitLines(text: string): string[] {
  const lines = text.split(/\r?\n/);
  if (lines[lines.length - 1] === "") lines.pop();
  return lines;
}
