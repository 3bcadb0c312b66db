/**
 * The organisation-wide action of findings about rules that were not judged ("not evaluated: needs
 * ...", "could not be evaluated: ..."; see `NotEvaluated`), whatever the policy kind. Pure: it wraps
 * policies, so the engine caps every other violation at its policy's enforcementAction as before.
 */
import type { EnforcementAction, Policy, Violation } from "./types.js";
import { ACTION_STRENGTH, weakerAction } from "./actions.js";

export interface NotEvaluatedSetting {
  action: EnforcementAction;
  /** Where it is set, as the finding says why it acts so: `policies.notEvaluated in acme/.github`, `--not-evaluated`. */
  source: string;
}

/**
 * The policies with every not-judged finding at `setting.action`, unless the policy sets that action
 * itself. The setting may be stronger than a policy's enforcementAction (an org `deny` blocks on what an
 * Audit policy cannot judge), so the wrapped policy's ceiling is raised and its other violations keep
 * the policy's own ceiling explicitly.
 */
export function withNotEvaluatedSetting(policies: readonly Policy[], setting: NotEvaluatedSetting): Policy[] {
  const basis = `${setting.action} set by ${setting.source}`;
  return policies.map((policy) => {
    const ceiling = policy.enforcementAction;
    const raised = ACTION_STRENGTH[setting.action] > ACTION_STRENGTH[ceiling];
    const judge = (violation: Violation): Violation => {
      if (violation.notEvaluated && !violation.notEvaluated.byPolicy) {
        return { ...violation, action: setting.action, basis: violation.basis === undefined ? basis : `${violation.basis}; ${basis}` };
      }
      return raised ? { ...violation, action: weakerAction(violation.action ?? ceiling, ceiling) } : violation;
    };
    return {
      ...policy,
      enforcementAction: raised ? setting.action : ceiling,
      evaluate: (object, context) => policy.evaluate(object, context).map(judge),
    };
  });
}
