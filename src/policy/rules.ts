/**
 * What a rule is, what it checks and how to fix a violation: carried by the rule itself (each Pod
 * Security check file, each Gatekeeper kind definition), collected per policy kind, and listed by
 * `kube-policy-bot rules`, SARIF and the check run. A rule may also carry a mechanical fix: a change
 * the bot can propose itself, for the cases where the right fix needs no human decision.
 */
import type { RuleFix } from "../fix/types.js";

export interface RuleDoc {
  /** The rule as findings name it (`finding.rule`): a Pod Security check id, a constraint kind. */
  id: string;
  /** The policy kind that reports it (`finding.policyKind`). */
  kind: string;
  /** One line. */
  title: string;
  /** What it checks and why, a paragraph in the upstream standard's words. */
  checks: string;
  /** How to fix a violation, plain text (Markdown code spans allowed). */
  fix: string;
  /**
   * True when the rule's messages already end with the precise fix for the field at hand; reports
   * then show the message alone instead of repeating the generic fix.
   */
  messageSaysFix?: boolean;
  /** Upstream documentation of the rule. */
  helpUri: string;
  tags: readonly string[];
  /**
   * The fix the bot can make itself (a suggested change in the pull request, `check --fix`); absent
   * when the fix needs a decision only a human can make (the rule is "flagged only").
   */
  mechanicalFix?: RuleFix;
}
