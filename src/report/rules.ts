/**
 * `kube-policy-bot rules`: every rule with its summary, what it checks, how to fix a violation and
 * the fix the bot makes itself (or "flagged only"), as text, JSON or a Markdown table (the README's
 * rule reference is this table).
 */
import type { RuleDoc } from "../policy/rules.js";
import { cell } from "../text/markdown.js";

export function formatRules(rules: readonly RuleDoc[], format: "text" | "json" | "markdown"): string {
  switch (format) {
    case "json":
      return `${JSON.stringify(
        rules.map((rule) => ({
          id: rule.id,
          kind: rule.kind,
          title: rule.title,
          checks: rule.checks,
          fix: rule.fix,
          helpUri: rule.helpUri,
          tags: rule.tags,
          mechanicalFix: rule.mechanicalFix ? rule.mechanicalFix.summary : null,
        })),
        null,
        2,
      )}\n`;
    case "markdown":
      return rulesMarkdown(rules);
    case "text":
      return rules
        .map(
          (rule) =>
            `${rule.kind}/${rule.id}\n  ${rule.title}\n  Checks: ${rule.checks}\n  Fix: ${rule.fix}\n  Automatic fix: ${automaticFix(rule)}\n  See: ${rule.helpUri}\n`,
        )
        .join("\n");
  }
}

function rulesMarkdown(rules: readonly RuleDoc[]): string {
  const lines = ["| Kind | Rule | What it checks | How to fix | Automatic fix |", "|---|---|---|---|---|"];
  for (const rule of rules) {
    lines.push(
      `| ${cell(rule.kind)} | [\`${rule.id}\`](${rule.helpUri}) | ${cell(rule.title)} | ${cell(rule.fix)} | ${cell(automaticFix(rule))} |`,
    );
  }
  return `${lines.join("\n")}\n`;
}

/** What `check --fix` and the pull request's suggestions do for the rule's findings. */
function automaticFix(rule: RuleDoc): string {
  return rule.mechanicalFix ? rule.mechanicalFix.summary : "flagged only";
}
