/**
 * From the outcome of one check to what the check run shows: conclusion, title, a summary a reviewer
 * reads in ten seconds, details, and line annotations. Pure: no GitHub calls, no clock.
 *
 * Conclusions: `failure` blocks a required check; `success` and `neutral` pass it (GitHub's rule).
 * So every deny finding and every unreadable manifest is `failure`; `neutral` only ever comes from an
 * organisation that chose fail-open for outages.
 */
import type { AppliedPolicy } from "../config/types.js";
import type { EvaluationSummary } from "../policy/engine.js";
import { classify, type Verdict } from "../verdict/verdict.js";
import type { EnforcementAction, Finding } from "../policy/types.js";
import type { InputError } from "../manifests/types.js";
import type { AnnotationLevel, CheckAnnotation, CheckConclusion, CheckRunAction, CheckRunUpdate } from "../github/model.js";
import {
  ANNOTATIONS_PER_REQUEST,
  MAX_ANNOTATION_BYTES,
  MAX_OUTPUT_CHARS,
  MAX_TITLE_CHARS,
  truncateBytes,
  truncateLine,
  truncateText,
} from "./limits.js";
import { cell, code, escape } from "../text/markdown.js";
import { describeResource, describeSubject, ruleId } from "./describe.js";
import { ruleDoc } from "./rule-docs.js";

export type CheckOutcome =
  | {
      kind: "evaluated";
      /** Findings (an excepted one is shown as a notice and does not block), errors, counts. */
      verdict: Verdict;
      policies: readonly AppliedPolicy[];
      notes: readonly string[];
      /** Further Markdown sections for the summary (the exceptions section). */
      sections?: readonly string[];
      /** A hidden record of the findings shown (see exceptions/markers.ts), first in the summary so no cut loses it. */
      record?: string;
    }
  | {
      kind: "no-manifests";
      changedFiles: number;
      policies: readonly AppliedPolicy[];
      notes: readonly string[];
      sections?: readonly string[];
      record?: string;
    }
  | { kind: "config-error"; problems: readonly InputError[]; notes: readonly string[] }
  | {
      /** The check could not run to the end: GitHub error, timeout, limit, bug. */
      kind: "not-evaluated";
      reason: string;
      whatToDo: string;
      conclusion: "failure" | "neutral";
      /** Offer a Re-run button (for transient causes). */
      retryable: boolean;
      notes: readonly string[];
    };

export interface CheckRunResult {
  conclusion: CheckConclusion;
  title: string;
  summary: string;
  text?: string;
  /** Most important first; at most `maxAnnotations`. */
  annotations: CheckAnnotation[];
  /** Annotations left out to bound the number of writes (they are still listed in `text`). */
  omittedAnnotations: number;
  actions?: CheckRunAction[];
}

export interface BuildOptions {
  /** Caps the writes a check makes: each 50 annotations cost one request. */
  maxAnnotations?: number;
}

export const DEFAULT_MAX_ANNOTATIONS = 500;

export const RERUN_ACTION: CheckRunAction = {
  label: "Re-run",
  identifier: "rerun",
  description: "Evaluate this pull request again",
};

const LEVEL: Record<EnforcementAction, AnnotationLevel> = { deny: "failure", warn: "warning", dryrun: "notice" };
const ICON: Record<EnforcementAction, string> = { deny: "⛔", warn: "⚠️", dryrun: "ℹ️" };

export function buildCheckRun(outcome: CheckOutcome, options: BuildOptions = {}): CheckRunResult {
  const maxAnnotations = options.maxAnnotations ?? DEFAULT_MAX_ANNOTATIONS;
  switch (outcome.kind) {
    case "evaluated":
      return evaluatedResult(outcome, maxAnnotations);
    case "no-manifests":
      return finish({
        conclusion: "success",
        title: "No Kubernetes manifests changed",
        summary: [
          outcome.record ?? "",
          `**✅ No Kubernetes manifests changed.** None of the ${outcome.changedFiles} changed ${plural(outcome.changedFiles, "file")} matches the manifest globs, so there is nothing to check.`,
          ...(outcome.sections ?? []),
          policyLine(outcome.policies),
          notesBlock(outcome.notes),
        ]
          .filter(Boolean)
          .join("\n\n"),
        annotations: [],
        omittedAnnotations: 0,
      });
    case "config-error":
      return finish({
        conclusion: "failure",
        title: `Configuration error: ${outcome.problems.length} ${plural(outcome.problems.length, "problem")} in the policy configuration`,
        summary: [
          "**❌ The policy configuration could not be used, so this pull request was not checked.** Fix the files below (on the branch they are read from) and re-run the check.",
          problemTable(outcome.problems),
          notesBlock(outcome.notes),
        ]
          .filter(Boolean)
          .join("\n\n"),
        annotations: [],
        omittedAnnotations: 0,
      });
    case "not-evaluated":
      return finish({
        conclusion: outcome.conclusion,
        title: truncateLine(`Not checked: ${outcome.reason}`, MAX_TITLE_CHARS),
        summary: [
          `**${outcome.conclusion === "neutral" ? "⚪" : "❌"} The check could not run to the end:** ${escape(outcome.reason)}`,
          `**What to do:** ${outcome.whatToDo}`,
          outcome.conclusion === "neutral"
            ? "_The organisation runs this check fail-open, so this outage does not block the merge._"
            : "_This check fails closed: until it completes, the pull request is blocked._",
          notesBlock(outcome.notes),
        ]
          .filter(Boolean)
          .join("\n\n"),
        annotations: [],
        omittedAnnotations: 0,
        ...(outcome.retryable ? { actions: [RERUN_ACTION] } : {}),
      });
  }
}

/**
 * The writes that publish a result, in order. Annotations go 50 per request; every request but the
 * last keeps the run `in_progress`, and the last one completes it — so the check is never shown as
 * complete with part of its annotations missing, and a result always costs the fewest writes.
 *
 * The completing write gives no `completed_at`: GitHub stamps it with its own clock, the one that
 * stamps comments, which is how an approval is ordered after the check its approver saw.
 */
export function planCheckRunUpdates(result: CheckRunResult): CheckRunUpdate[] {
  const batches: CheckAnnotation[][] = [];
  for (let start = 0; start < result.annotations.length; start += ANNOTATIONS_PER_REQUEST) {
    batches.push(result.annotations.slice(start, start + ANNOTATIONS_PER_REQUEST));
  }
  const updates: CheckRunUpdate[] = batches.slice(0, -1).map((annotations) => ({
    status: "in_progress",
    output: { title: result.title, summary: result.summary, annotations },
  }));
  const last = batches[batches.length - 1];
  updates.push({
    status: "completed",
    conclusion: result.conclusion,
    output: {
      title: result.title,
      summary: result.summary,
      ...(result.text ? { text: result.text } : {}),
      ...(last ? { annotations: last } : {}),
    },
    ...(result.actions ? { actions: result.actions } : {}),
  });
  return updates;
}

function evaluatedResult(outcome: Extract<CheckOutcome, { kind: "evaluated" }>, maxAnnotations: number): CheckRunResult {
  const { verdict } = outcome;
  const active = verdict.findings.filter((finding) => classify(finding) !== "excepted" && classify(finding) !== "pre-existing");
  const excepted = verdict.findings.filter((finding) => classify(finding) === "excepted");
  const preExisting = verdict.findings.filter((finding) => classify(finding) === "pre-existing");
  const count = { deny: verdict.counts.blocking, warn: verdict.counts.warning, dryrun: verdict.counts.notice };
  const errors = verdict.errors.length;
  const blocking = count.deny + errors;

  const title =
    blocking > 0
      ? [
          count.deny > 0 ? `${count.deny} ${plural(count.deny, "policy violation")}` : "",
          errors > 0 ? `${errors} unreadable ${plural(errors, "manifest")}` : "",
        ]
          .filter(Boolean)
          .join(" and ") +
        (blocking === 1 ? " blocks" : " block") +
        " this pull request"
      : count.warn + count.dryrun + preExisting.length > 0
        ? `Passed with ${[
            count.warn > 0 ? `${count.warn} ${plural(count.warn, "warning")}` : "",
            count.dryrun > 0 ? `${count.dryrun} dry-run ${plural(count.dryrun, "finding")}` : "",
            preExisting.length > 0 ? `${preExisting.length} pre-existing ${plural(preExisting.length, "finding")}` : "",
          ]
            .filter(Boolean)
            .join(" and ")}`
        : `Passed: ${verdict.summary.resources} ${plural(verdict.summary.resources, "resource")} in ${verdict.summary.files} ${plural(verdict.summary.files, "file")} comply`;

  const headline =
    blocking > 0
      ? `**❌ Blocked:** ${[count.deny > 0 ? `${count.deny} deny ${plural(count.deny, "finding")}` : "", errors > 0 ? `${errors} ${plural(errors, "file error")}` : ""].filter(Boolean).join(", ")} must be fixed before merging.`
      : preExisting.length > 0
        ? `**✅ Passed:** this pull request introduces no deny findings in ${verdict.summary.resources} ${plural(verdict.summary.resources, "resource")} (${verdict.summary.files} ${plural(verdict.summary.files, "file")}); ${preExisting.length} pre-existing ${plural(preExisting.length, "finding")} listed below.`
        : `**✅ Passed:** no deny findings in ${verdict.summary.resources} ${plural(verdict.summary.resources, "resource")} (${verdict.summary.files} ${plural(verdict.summary.files, "file")}).`;
  const counts =
    `${ICON.deny} deny ${count.deny} · ${ICON.warn} warn ${count.warn} · ${ICON.dryrun} dry-run ${count.dryrun} · file errors ${errors}` +
    `${excepted.length > 0 ? ` · excepted ${excepted.length}` : ""}`;

  const annotations = [
    ...verdict.errors.map(errorAnnotation),
    ...active.map(findingAnnotation),
    ...excepted.map(findingAnnotation),
    ...preExisting.map(findingAnnotation),
  ].sort(byImportance);
  const kept = annotations.slice(0, maxAnnotations);
  const omitted = annotations.length - kept.length;

  const summary = [
    outcome.record ?? "",
    headline,
    counts,
    resourceTable(active, verdict.errors, verdict.summary),
    omitted > 0
      ? `_${omitted} more ${plural(omitted, "annotation")} than the ${maxAnnotations} shown on the diff: all findings are listed in the details below._`
      : "",
    ...(outcome.sections ?? []),
    excepted.length > 0 ? exceptionSection(excepted) : "",
    preExisting.length > 0 ? preExistingSection(preExisting) : "",
    verdict.fixed.length > 0 ? fixedSection(verdict.fixed) : "",
    policyLine(outcome.policies),
    notesBlock(outcome.notes),
  ]
    .filter(Boolean)
    .join("\n\n");

  return finish({
    conclusion: blocking > 0 ? "failure" : "success",
    title,
    summary,
    text: detailsText(verdict.findings, verdict.errors),
    annotations: kept,
    omittedAnnotations: omitted,
  });
}

/** One row per resource with findings and per unreadable file: the table a reviewer reads first. */
function resourceTable(findings: readonly Finding[], errors: readonly InputError[], summary: EvaluationSummary): string {
  interface Row {
    file: string;
    resource: string;
    deny: number;
    warn: number;
    dryrun: number;
    rules: Set<string>;
  }
  const rows = new Map<string, Row>();
  for (const finding of findings) {
    const resource = describeResource(finding.resource);
    const key = `${finding.file}\u0000${resource}`;
    let row = rows.get(key);
    if (!row) rows.set(key, (row = { file: finding.file, resource, deny: 0, warn: 0, dryrun: 0, rules: new Set() }));
    row[finding.action]++;
    row.rules.add(ruleId(finding));
  }
  const errorCounts = new Map<string, number>();
  for (const error of errors) errorCounts.set(error.file, (errorCounts.get(error.file) ?? 0) + 1);
  if (rows.size === 0 && errorCounts.size === 0) return "";

  const ordered = [...rows.values()].sort((a, b) => b.deny - a.deny || compare(a.file, b.file) || compare(a.resource, b.resource));
  const lines = ["| File | Resource | ⛔ | ⚠️ | ℹ️ | Rules |", "|---|---|--:|--:|--:|---|"];
  for (const [file, count] of [...errorCounts.entries()].sort(([a], [b]) => compare(a, b))) {
    lines.push(`| ${cell(code(file))} | _file could not be read: ${count} ${plural(count, "error")}_ | | | | |`);
  }
  for (const row of ordered) {
    const rules = [...row.rules].sort();
    const shown = rules
      .slice(0, 4)
      .map((rule) => cell(code(rule)))
      .join(" ");
    lines.push(
      `| ${cell(code(row.file))} | ${cell(code(row.resource))} | ${dot(row.deny)} | ${dot(row.warn)} | ${dot(row.dryrun)} | ${shown}${rules.length > 4 ? ` +${rules.length - 4}` : ""} |`,
    );
  }
  const clean = summary.resources - ordered.length;
  if (clean > 0) lines.push("", `${clean} other ${plural(clean, "resource")} passed every policy.`);
  return lines.join("\n");
}

function exceptionSection(excepted: readonly Finding[]): string {
  const lines = [
    "#### Exceptions applied",
    "| Finding | Resource | Exception | Approved by | Expires | Reason |",
    "|---|---|---|---|---|---|",
  ];
  for (const finding of excepted) {
    const exception = finding.exception as NonNullable<Finding["exception"]>;
    lines.push(
      `| ${cell(code(ruleId(finding)))} | ${cell(code(describeResource(finding.resource)))} | ${cell(code(exception.id))} | ${escape(exception.approver)} | ${escape(exception.expires)} | ${escape(exception.reason)} |`,
    );
  }
  return lines.join("\n");
}

/**
 * Findings the base of the pull request already had: shown so they stay visible, but not the pull
 * request's to fix. Counted per problem (one offending field of one object), as several policies may
 * report the same field (a hostPath volume is a baseline and a restricted finding).
 */
function preExistingSection(findings: readonly Finding[]): string {
  const problems = byProblem(findings);
  const lines = [
    `#### Pre-existing, not introduced by this pull request: ${problems.length}`,
    "The base branch already has these; they do not block this pull request (`check.gate: new`).",
    "| Resource | Field | Findings | Where |",
    "|---|---|---|---|",
  ];
  for (const problem of problems) lines.push(problemRow(problem, `${problem[0]?.file}:${problem[0]?.line}`));
  return lines.join("\n");
}

/** Problems of the base that are gone at the head: credit where it is due. */
function fixedSection(findings: readonly Finding[]): string {
  const problems = byProblem(findings);
  const lines = [`#### Fixed by this pull request: ${problems.length}`, "| Resource | Field | Findings | Was at |", "|---|---|---|---|"];
  for (const problem of problems) lines.push(problemRow(problem, `${problem[0]?.file}:${problem[0]?.line}`));
  return lines.join("\n");
}

/** Findings grouped by object and field, in first-seen order. */
function byProblem(findings: readonly Finding[]): Finding[][] {
  const groups = new Map<string, Finding[]>();
  for (const finding of findings) {
    const key = `${describeResource(finding.resource)}\u0000${finding.path}`;
    const group = groups.get(key);
    if (group) group.push(finding);
    else groups.set(key, [finding]);
  }
  return [...groups.values()];
}

function problemRow(problem: readonly Finding[], where: string): string {
  const first = problem[0] as Finding;
  const rules = [...new Set(problem.map((finding) => ruleId(finding)))]
    .sort()
    .map((rule) => cell(code(rule)))
    .join(" ");
  return `| ${cell(code(describeResource(first.resource)))} | ${cell(code(first.path))} | ${rules} | ${cell(code(where))} |`;
}

function problemTable(problems: readonly InputError[]): string {
  const lines = ["| File | Line | Problem |", "|---|--:|---|"];
  for (const problem of problems) lines.push(`| ${cell(code(problem.file))} | ${problem.line} | ${escape(problem.message)} |`);
  return lines.join("\n");
}

function policyLine(policies: readonly AppliedPolicy[]): string {
  if (policies.length === 0) return "";
  const listed = [...policies]
    .sort((a, b) => compare(a.name, b.name))
    .map((policy) => `${code(policy.name)} (${policy.action}, ${escape(policy.origin)})`);
  return `**Policies applied:** ${listed.join(", ")}.`;
}

function notesBlock(notes: readonly string[]): string {
  return notes.map((note) => `> **Note:** ${note}`).join("\n>\n");
}

/** Every finding and error, grouped by file: the full record, also when annotations were capped. */
function detailsText(findings: readonly Finding[], errors: readonly InputError[]): string | undefined {
  if (findings.length === 0 && errors.length === 0) return undefined;
  const byFile = new Map<string, string[]>();
  const add = (file: string, line: string): void => {
    const list = byFile.get(file) ?? [];
    list.push(line);
    byFile.set(file, list);
  };
  for (const error of errors) add(error.file, `- ❌ **line ${error.line}** could not be read: ${escape(error.message)}`);
  for (const finding of findings) {
    const where = describeSubject(finding);
    const preExisting = finding.state === "pre-existing" && !finding.exception;
    const state = finding.exception
      ? `excepted by ${code(finding.exception.id)}`
      : preExisting
        ? `${finding.action}, pre-existing`
        : finding.action;
    add(
      finding.file,
      `- ${finding.exception ? "✔️" : preExisting ? ICON.dryrun : ICON[finding.action]} **line ${finding.line}** ${code(ruleId(finding))} (${state}) ${code(where)}: ${escape(finding.message)}  \n  ${fixOf(finding) ? `Fix: ${fixOf(finding)} ` : ""}Field: ${code(finding.path)}`,
    );
  }
  const sections = [...byFile.entries()].sort(([a], [b]) => compare(a, b)).map(([file, lines]) => `### ${code(file)}\n${lines.join("\n")}`);
  return sections.join("\n\n");
}

function findingAnnotation(finding: Finding): CheckAnnotation {
  const where = describeSubject(finding);
  const fix = fixOf(finding);
  const lines = [`${where}: ${finding.message}`, ...(fix ? [`How to fix: ${stripBackticks(fix)}`] : []), `Field: ${finding.path}`];
  const preExisting = finding.state === "pre-existing" && !finding.exception;
  if (finding.exception) {
    const exception = finding.exception;
    lines.push(
      `Excepted by ${exception.id} (${exception.source}), approved by ${exception.approver} until ${exception.expires}: ${exception.reason}`,
    );
  } else if (preExisting) {
    lines.unshift("Pre-existing, not introduced by this pull request: the base branch has the same finding, so it does not block.");
    lines.push(`Enforcement: ${finding.action} (not applied: pre-existing)`);
  } else {
    lines.push(
      `Enforcement: ${finding.action}${finding.action === "deny" ? " (blocks the merge)" : finding.action === "warn" ? " (does not block)" : " (reported only)"}`,
    );
  }
  return {
    ...position(finding.line, finding.column, finding.endLine, finding.endColumn),
    path: finding.file,
    annotation_level: finding.exception || preExisting ? "notice" : LEVEL[finding.action],
    title: truncateLine(ruleId(finding), MAX_TITLE_CHARS),
    message: truncateBytes(lines.join("\n"), MAX_ANNOTATION_BYTES - 1024),
  };
}

function errorAnnotation(error: InputError): CheckAnnotation {
  return {
    ...position(error.line, error.column, error.line, error.column),
    path: error.file,
    annotation_level: "failure",
    title: "manifest could not be read",
    message: truncateBytes(
      `${error.message}\nHow to fix: correct the file so that every document is valid YAML or JSON describing a Kubernetes object; files that cannot be read block the merge, because they cannot be checked.`,
      MAX_ANNOTATION_BYTES - 1024,
    ),
  };
}

/** GitHub accepts columns only on single-line annotations. */
function position(
  line: number,
  column: number,
  endLine: number,
  endColumn: number,
): Pick<CheckAnnotation, "start_line" | "end_line" | "start_column" | "end_column"> {
  const start = Math.max(1, Math.trunc(line) || 1);
  const end = Math.max(start, Math.trunc(endLine) || start);
  if (start !== end || !(column >= 1) || !(endColumn >= column)) return { start_line: start, end_line: end };
  return { start_line: start, end_line: end, start_column: Math.trunc(column), end_column: Math.trunc(endColumn) };
}

const LEVEL_ORDER: Record<AnnotationLevel, number> = { failure: 0, warning: 1, notice: 2 };

function byImportance(a: CheckAnnotation, b: CheckAnnotation): number {
  return LEVEL_ORDER[a.annotation_level] - LEVEL_ORDER[b.annotation_level] || compare(a.path, b.path) || a.start_line - b.start_line;
}

function finish(result: CheckRunResult): CheckRunResult {
  const finished: CheckRunResult = {
    ...result,
    title: truncateLine(result.title, MAX_TITLE_CHARS),
    summary: truncateText(result.summary, MAX_OUTPUT_CHARS),
  };
  if (result.text !== undefined) finished.text = truncateText(result.text, MAX_OUTPUT_CHARS);
  else delete finished.text;
  return finished;
}

/**
 * The rule's fix, unless its messages already end with the precise fix for the field at hand
 * (repeating a generic one would only add noise).
 */
function fixOf(finding: Finding): string | undefined {
  const doc = ruleDoc(finding.policyKind, finding.rule);
  return doc.messageSaysFix ? undefined : doc.fix;
}

function stripBackticks(text: string): string {
  return text.replace(/`/g, "");
}

function dot(count: number): string {
  return count === 0 ? "·" : String(count);
}

function plural(count: number, word: string): string {
  return count === 1 ? word : `${word}s`;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
