/**
 * Compiler-style text report: one `file:line:col: action rule: message (subject)` line per finding,
 * so editors and terminals can jump to the offending line, then a one-line summary.
 */
import type { InputError } from "../manifests/types.js";
import type { EvaluationResult } from "../policy/engine.js";
import type { EnforcementAction, Finding } from "../policy/types.js";
import { describeSubject, plural, ruleId } from "./describe.js";
import { namespaceTextLines } from "./namespaces.js";

export interface TextOptions {
  /** ANSI colours; the caller decides (TTY and NO_COLOR), this module never looks at the environment. */
  color: boolean;
}

const ANSI = { reset: "\u001b[0m", bold: "\u001b[1m", red: "\u001b[31m", yellow: "\u001b[33m", cyan: "\u001b[36m" };

type Paint = (text: string, ...styles: (keyof typeof ANSI)[]) => string;

function painter(color: boolean): Paint {
  if (!color) return (text) => text;
  return (text, ...styles) => `${styles.map((style) => ANSI[style]).join("")}${text}${ANSI.reset}`;
}

const ACTION_STYLE: Record<EnforcementAction, (keyof typeof ANSI)[]> = {
  deny: ["bold", "red"],
  warn: ["bold", "yellow"],
  dryrun: ["cyan"],
};

type Line = { file: string; line: number; column: number; text: string };

function findingLine(finding: Finding, paint: Paint): Line {
  const where = paint(`${finding.file}:${finding.line}:${finding.column}:`, "bold");
  // An excepted finding is still shown, so nobody mistakes it for fixed; the suffix says why it does not block.
  const exception = finding.exception;
  const excepted = exception
    ? ` ${paint(`excepted by ${exception.id}`, "cyan")} (approved by ${exception.approver}, expires ${exception.expires}: ${exception.reason})`
    : "";
  // Shown, so nobody takes it for fixed, but marked: it was there before this change and does not block it.
  const preExisting =
    finding.state === "pre-existing" && !exception
      ? ` ${paint("pre-existing", "cyan")} (also at the base: not introduced by this change)`
      : "";
  const text = `${where} ${paint(finding.action, ...ACTION_STYLE[finding.action])} ${ruleId(finding)}: ${finding.message} (${describeSubject(finding)})${excepted}${preExisting}`;
  return { file: finding.file, line: finding.line, column: finding.column, text };
}

function errorLine(error: InputError, paint: Paint): Line {
  const where = paint(`${error.file}:${error.line}:${error.column}:`, "bold");
  // The stable code last, as compilers print their warning flag: the message stays first and readable.
  const code = error.code !== undefined ? ` [${error.code}]` : "";
  return {
    file: error.file,
    line: error.line,
    column: error.column,
    text: `${where} ${paint("error", "bold", "red")}: ${error.message}${code}`,
  };
}

function noticeLine(notice: InputError, paint: Paint): Line {
  const where = paint(`${notice.file}:${notice.line}:${notice.column}:`, "bold");
  return { file: notice.file, line: notice.line, column: notice.column, text: `${where} ${paint("notice", "bold")}: ${notice.message}` };
}

function byPosition(a: Line, b: Line): number {
  if (a.file !== b.file) return a.file < b.file ? -1 : 1;
  return a.line - b.line || a.column - b.column;
}

export function summaryLine(summary: EvaluationResult["summary"]): string {
  return (
    `${plural(summary.files, "file")}, ${plural(summary.resources, "resource")}: ` +
    `${summary.deny} deny, ${summary.warn} warn, ${summary.dryrun} dryrun, ${plural(summary.errors, "error")}`
  );
}

export function formatText(result: EvaluationResult & { fixed?: readonly Finding[] }, options: TextOptions): string {
  const paint = painter(options.color);
  // Errors sit among the findings in file order: a reader fixing a file top to bottom sees everything once.
  const lines = [
    ...result.findings.map((f) => findingLine(f, paint)),
    ...result.errors.map((e) => errorLine(e, paint)),
    ...(result.notices ?? []).map((n) => noticeLine(n, paint)),
  ];
  lines.sort(byPosition);
  const excepted = result.findings.filter((finding) => finding.exception).length;
  const preExisting = result.findings.filter((finding) => finding.state === "pre-existing" && !finding.exception).length;
  const fixed = result.fixed?.length ?? 0;
  const extra = [
    excepted > 0 ? `${excepted} excepted` : "",
    preExisting > 0 ? `${preExisting} pre-existing (not blocking)` : "",
    fixed > 0 ? `${fixed} fixed by this change` : "",
  ].filter((part) => part !== "");
  return (
    [...lines.map((line) => line.text), ...namespaceTextLines(result.namespaces), [summaryLine(result.summary), ...extra].join(", ")].join(
      "\n",
    ) + "\n"
  );
}
