/**
 * What a failing rule does: `validate.failureAction`, else the policy's `validationFailureAction`
 * (Kyverno's default Audit), unless a `failureActionOverrides` / `validationFailureActionOverrides`
 * entry names the object's namespace (by wildcard or namespaceSelector). Enforce blocks (deny),
 * Audit reports (warn). The rule's part is read once (`readRuleAction`); only the namespace varies.
 */
import type { JsonObject } from "../../manifests/types.js";
import type { EnforcementAction } from "../types.js";
import { selectorMatches } from "./match.js";
import { readAction, readOverrides, type ActionOverride, type WrittenPolicy } from "./read-policy.js";
import { wildcardMatch } from "./wildcard.js";
import { isObject } from "../../manifests/json.js";

const IGNORE = (): void => undefined;

/** A rule's action before its namespace is known. */
export interface RuleAction {
  action: EnforcementAction;
  overrides: readonly ActionOverride[];
}

export function readRuleAction(policy: WrittenPolicy, rule: JsonObject): RuleAction {
  const validate = isObject(rule["validate"]) ? rule["validate"] : {};
  const ruleOverrides = validate["failureActionOverrides"];
  const overrides = ruleOverrides !== undefined && ruleOverrides !== null ? readOverrides(ruleOverrides, [], IGNORE) : policy.overrides;
  const verifyImages = Array.isArray(rule["verifyImages"]) ? rule["verifyImages"] : undefined;
  const imageAction = verifyImages
    ?.map((entry) => (isObject(entry) ? readAction(entry["failureAction"], [], IGNORE) : undefined))
    .find(Boolean);
  // verifyImages defaults to Enforce upstream; validate rules default to the policy's action.
  const action = readAction(validate["failureAction"], [], IGNORE) ?? imageAction ?? (verifyImages ? "Enforce" : policy.failureAction);
  return { action: toEnforcement(action), overrides };
}

export function ruleAction(rule: RuleAction, namespace: string, labels: Record<string, string> | undefined): EnforcementAction {
  for (const override of rule.overrides) {
    const byName = override.namespaces.some((pattern) => wildcardMatch(pattern, namespace));
    const bySelector =
      override.namespaceSelector !== undefined && labels !== undefined && selectorMatches(override.namespaceSelector, labels);
    if (byName || bySelector) return toEnforcement(override.action);
  }
  return rule.action;
}

function toEnforcement(action: "Enforce" | "Audit"): EnforcementAction {
  return action === "Enforce" ? "deny" : "warn";
}
