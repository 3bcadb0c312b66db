/**
 * "Pod Security by namespace": for each namespace the check touched, the level each namespace-driven
 * policy applies there and where it came from (a label on the Namespace, the defaults, an exemption),
 * so a reviewer sees why a workload is judged at restricted in one folder and baseline in the next.
 * Pure; one renderer for the terminal, one for the check run's Markdown.
 */
import type { NamespaceSummary } from "../policy/engine.js";
import { cell, code, escape } from "../text/markdown.js";

/** At most this many rows in the check run: the summary must stay readable (the rest is counted). */
export const MAX_NAMESPACE_ROWS = 50;

function namespaceLabel(namespace: string | undefined): string {
  return namespace === undefined ? "(no namespace declared)" : namespace;
}

/** Terminal lines, empty when no policy depends on the namespace. */
export function namespaceTextLines(namespaces: readonly NamespaceSummary[] | undefined): string[] {
  if (!namespaces || namespaces.length === 0) return [];
  const lines = ["Pod Security by namespace:"];
  for (const entry of namespaces) {
    for (const judgement of entry.judgements) {
      lines.push(`  ${namespaceLabel(entry.namespace)}: ${entry.policy} ${judgement.mode}=${judgement.level} from ${judgement.source}`);
    }
  }
  return lines;
}

/** A Markdown section for the check run's summary, or "" when no policy depends on the namespace. */
export function namespaceMarkdown(namespaces: readonly NamespaceSummary[] | undefined): string {
  if (!namespaces || namespaces.length === 0) return "";
  const rows: string[] = [];
  for (const entry of namespaces) {
    for (const judgement of entry.judgements) {
      rows.push(
        `| ${cell(code(namespaceLabel(entry.namespace)))} | ${cell(code(entry.policy))} | ${escape(judgement.mode)} | ${cell(code(judgement.level))} | ${escape(judgement.source)} |`,
      );
    }
  }
  const shown = rows.slice(0, MAX_NAMESPACE_ROWS);
  const more = rows.length - shown.length;
  return [
    "#### Pod Security by namespace",
    "| Namespace | Policy | Mode | Level | From |",
    "|---|---|---|---|---|",
    ...shown,
    ...(more > 0 ? ["", `_${more} more ${more === 1 ? "row" : "rows"} not shown._`] : []),
  ].join("\n");
}
