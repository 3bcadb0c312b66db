/**
 * The enforcement actions in order of strength: `deny` blocks, `warn` shows, `dryrun` only records.
 * One table, so every place that compares, caps or combines actions agrees.
 */
import type { EnforcementAction } from "./types.js";

export const ACTION_STRENGTH: Readonly<Record<EnforcementAction, number>> = { dryrun: 0, warn: 1, deny: 2 };

/** The weaker of two actions (a ceiling applied to an action); `a` when they are equal. */
export function weakerAction(a: EnforcementAction, b: EnforcementAction): EnforcementAction {
  return ACTION_STRENGTH[a] <= ACTION_STRENGTH[b] ? a : b;
}

/** The stronger of two actions; `a` when they are equal. */
export function strongerAction(a: EnforcementAction, b: EnforcementAction): EnforcementAction {
  return ACTION_STRENGTH[b] > ACTION_STRENGTH[a] ? b : a;
}
