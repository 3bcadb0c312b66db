/**
 * The check summary's "Exceptions" section: which exceptions apply and what they excuse, which
 * expired, which were refused, which wait for an approver, which were revoked or voided. An
 * exception is never silent: whoever reads the check sees every one that was asked for.
 */
import type { Finding } from "../policy/types.js";
import { cell, code, escape } from "../text/markdown.js";
import type { DerivedException, DerivedExceptions } from "./derive.js";
import { formatNamedResource, formatPolicyScope, formatSelector, formatSource, type PolicyException } from "./model.js";

export interface ExceptionEntry {
  id: string;
  /** `pod-security-baseline/hostPathVolumes on Deployment/logging/fluent-bit`. */
  scope: string;
  approver?: string;
  reason: string;
  /** ISO 8601 instant, once granted (or for documents). */
  expires?: string;
  /** `comment <url>` or `<file>:<line>`. */
  source: string;
  /** Findings it excuses in this evaluation (active entries). */
  excuses?: number;
  /** Why it is in this group, for all but active entries. */
  explanation?: string;
}

export interface ExceptionsSummary {
  active: ExceptionEntry[];
  expired: ExceptionEntry[];
  refused: ExceptionEntry[];
  pending: ExceptionEntry[];
  /** Revoked, voided, or whose request comment was deleted. */
  withdrawn: ExceptionEntry[];
}

export interface SummaryInput {
  /** Comment exceptions, when the pull request was read (absent in the CLI). */
  derived?: DerivedExceptions;
  /** `PolicyException` documents. */
  permanent: readonly PolicyException[];
  /** Findings after `applyExceptions`. */
  findings: readonly Finding[];
  now: Date;
}

export function summarizeExceptions(input: SummaryInput): ExceptionsSummary {
  const summary: ExceptionsSummary = { active: [], expired: [], refused: [], pending: [], withdrawn: [] };
  const excused = new Map<string, number>();
  for (const finding of input.findings) {
    if (finding.exception) excused.set(finding.exception.id, (excused.get(finding.exception.id) ?? 0) + 1);
  }

  for (const exception of input.permanent) {
    const entry: ExceptionEntry = {
      id: exception.id,
      scope: describeScope(exception),
      approver: exception.approver,
      reason: exception.reason,
      expires: exception.expires.toISOString(),
      source: formatSource(exception.source),
    };
    if (exception.expires.getTime() <= input.now.getTime()) summary.expired.push({ ...entry, explanation: `expired at ${entry.expires}` });
    else summary.active.push({ ...entry, excuses: excused.get(exception.id) ?? 0 });
  }

  for (const derived of input.derived?.exceptions ?? []) {
    const entry = commentEntry(derived);
    switch (derived.status) {
      case "active":
        summary.active.push({
          ...entry,
          excuses: excused.get(derived.id) ?? 0,
          ...(derived.grant?.bindings.length === 0 ? { explanation: "covered no finding when it was granted, so it excuses nothing" } : {}),
        });
        break;
      case "expired":
        summary.expired.push({ ...entry, explanation: derived.explanation });
        break;
      case "refused":
        summary.refused.push({ ...entry, explanation: derived.explanation });
        break;
      case "pending":
        summary.pending.push({ ...entry, explanation: derived.explanation });
        break;
      case "revoked":
      case "voided":
        summary.withdrawn.push({ ...entry, explanation: `${derived.status}: ${derived.explanation}` });
        break;
    }
  }
  for (const gone of input.derived?.vanished ?? []) {
    summary.withdrawn.push({
      id: gone.id,
      scope: "(request deleted)",
      approver: gone.approver,
      reason: "",
      source: "deleted comment",
      explanation: `voided: ${gone.explanation}`,
    });
  }
  return summary;
}

function commentEntry(derived: DerivedException): ExceptionEntry {
  const request = derived.request;
  const entry: ExceptionEntry = {
    id: derived.id,
    scope: `${request.rule === undefined ? `${request.policy} (all rules)` : `${request.policy}/${request.rule}`} on ${request.resources.map(formatNamedResource).join(", ")}${request.container === undefined ? "" : ` (container ${request.container})`}`,
    reason: request.reason,
    source: `comment ${derived.comment.url}`,
  };
  if (derived.grant) {
    entry.approver = derived.grant.approver;
    entry.expires = derived.grant.expires.toISOString();
  }
  return entry;
}

export function describeScope(exception: Pick<PolicyException, "policies" | "resources" | "containers">): string {
  const policies = exception.policies.map(formatPolicyScope).join(", ");
  const resources = exception.resources.map(formatSelector).join("; ");
  const containers = exception.containers
    ? ` (${exception.containers.length === 1 ? "container" : "containers"} ${exception.containers.join(", ")})`
    : "";
  return `${policies} on ${resources}${containers}`;
}

/** The check summary has a 65,535-character limit shared with everything else: the section stays small. */
const ROWS_PER_TABLE = 20;
const CELL_CHARS = 200;

function clip(text: string): string {
  return text.length > CELL_CHARS ? `${text.slice(0, CELL_CHARS)}…` : text;
}

/** The section in Markdown; empty when no exception was asked for or configured. At most 20 rows per table, 200 characters per cell. */
export function exceptionsMarkdown(summary: ExceptionsSummary): string {
  const total = summary.active.length + summary.expired.length + summary.refused.length + summary.pending.length + summary.withdrawn.length;
  if (total === 0) return "";
  const lines = ["### Exceptions"];
  const table = (title: string, entries: readonly ExceptionEntry[], withCount: boolean): void => {
    if (entries.length === 0) return;
    lines.push("", `**${title}** (${entries.length})`, "");
    lines.push(
      withCount
        ? "| Exception | Covers | Approved by | Expires | Reason | Excuses |"
        : "| Exception | Covers | Approved by | Expires | Reason | Why |",
    );
    lines.push("|---|---|---|---|---|---|");
    for (const entry of entries.slice(0, ROWS_PER_TABLE)) {
      const last = withCount
        ? `${entry.excuses ?? 0}${entry.explanation ? ` (${escape(clip(entry.explanation))})` : ""}`
        : escape(clip(entry.explanation ?? ""));
      // escape() already escapes pipes; cell() is for inline code, which escape() leaves alone.
      lines.push(
        `| ${cell(code(entry.id))} | ${escape(clip(entry.scope))} | ${entry.approver ? escape(entry.approver) : "—"} | ${entry.expires ?? "—"} | ${escape(clip(entry.reason))} | ${last} |`,
      );
    }
    if (entries.length > ROWS_PER_TABLE) lines.push("", `_… and ${entries.length - ROWS_PER_TABLE} more._`);
  };
  table("Active", summary.active, true);
  table("Expired", summary.expired, false);
  table("Refused", summary.refused, false);
  table("Awaiting approval", summary.pending, false);
  table("Revoked or voided", summary.withdrawn, false);
  return lines.join("\n");
}
