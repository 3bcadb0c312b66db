/**
 * One matched rule on one object: `validate.podSecurity` on our Pod Security Standards engine, every
 * other validate kind through the validator. Whatever cannot be judged from the files (the clock,
 * randomness) comes back as "not evaluated"; an unexpected failure is a rule error, never a pass.
 */
import type { JsonObject, JsonValue, PathSegment } from "../../manifests/types.js";
import { evaluateConditions } from "./conditions.js";
import { loadContextEntries } from "./context-entries.js";
import { NotEvaluableError } from "./jmespath.js";
import { evaluatePodSecurity, readPodSecurity } from "./pod-security.js";
import { validate, validationBlockOf } from "./validate.js";
import { substituteString } from "./variables.js";
import { isObject } from "../../manifests/json.js";

export interface RuleResult {
  status: "pass" | "fail" | "skip" | "error" | "notEvaluated";
  message: string;
  path: PathSegment[];
  /** Several findings from one rule (podSecurity reports each offending field). */
  violations?: { message: string; path: PathSegment[] }[];
}

export interface RuleInput {
  context: JsonObject;
  object: JsonObject;
}

export function evaluateRule(rule: JsonObject, name: string, input: RuleInput): RuleResult | undefined {
  const validateBlock = isObject(rule["validate"]) ? rule["validate"] : {};
  const message = typeof validateBlock["message"] === "string" ? validateBlock["message"] : undefined;
  try {
    if (validateBlock["podSecurity"] !== undefined) return podSecurityOutcome(rule, validateBlock["podSecurity"], name, message, input);
    return validate(validationBlockOf(rule, validateBlock), {
      ruleName: name,
      message,
      context: input.context,
      object: input.object,
      nesting: 0,
    });
  } catch (error) {
    if (error instanceof NotEvaluableError) return { status: "notEvaluated", message: error.needs, path: [] };
    return { status: "error", message: error instanceof Error ? error.message : String(error), path: [] };
  }
}

/**
 * What Kyverno's engine does before any rule handler (kyverno pkg/engine/engine.go invokeRuleHandler):
 * load the rule's `context` entries, then check its JMESPath `preconditions`. The context on success,
 * or the outcome that ends the rule (skip, error, not evaluated).
 */
export function ruleGate(rule: JsonObject, context: JsonObject): { context: JsonObject } | { outcome: RuleResult } {
  try {
    const loaded = loadContextEntries(rule["context"], context);
    if (!evaluateConditions(rule["preconditions"], loaded).holds)
      return { outcome: { status: "skip", message: "preconditions not met", path: [] } };
    return { context: loaded };
  } catch (error) {
    if (error instanceof NotEvaluableError) return { outcome: { status: "notEvaluated", message: error.needs, path: [] } };
    return { outcome: { status: "error", message: `failed to evaluate preconditions: ${(error as Error).message}`, path: [] } };
  }
}

function podSecurityOutcome(
  rule: JsonObject,
  podSecurity: JsonValue,
  name: string,
  message: string | undefined,
  input: RuleInput,
): RuleResult {
  const read = readPodSecurity(podSecurity);
  if ("errors" in read) return { status: "error", message: read.errors.map((error) => error.message).join("; "), path: [] };
  const gate = ruleGate(rule, input.context);
  if ("outcome" in gate) return gate.outcome;
  const { context } = gate;
  const found = evaluatePodSecurity(input.object, read.spec);
  if (found.length === 0) return { status: "pass", message: `validation rule '${name}' passed.`, path: [] };
  const level = `${read.spec.level}:${read.spec.version}`;
  let prefix = `Validation rule '${name}' failed. It violates PodSecurity "${level}"`;
  if (message !== undefined && message !== "") {
    const substituted = substituteString(message, context);
    prefix = typeof substituted === "string" ? substituted : JSON.stringify(substituted);
  }
  const violations = found.map((violation) => ({
    message: `${prefix}: ${violation.message}${violation.container !== undefined ? ` (container "${violation.container}")` : ""}`,
    path: [...violation.path],
  }));
  return { status: "fail", message: violations[0]?.message ?? prefix, path: violations[0]?.path ?? [], violations };
}
