/**
 * Finding messages worded as Kyverno words them (validate_resource.go), with `{{ }}` variables in the
 * rule's `message` substituted from the rule's context (`request.object...`, `element...`). When the
 * message itself cannot be substituted, upstream's fallback wording is kept rather than failing.
 */
import type { PathSegment } from "../../manifests/types.js";
import { NotEvaluableError } from "./jmespath.js";
import { patternPathText } from "./pattern.js";
import type { Scope } from "./scope.js";
import { substituteString } from "./variables.js";

function substituted(text: string, scope: Scope): string | undefined {
  try {
    const value = substituteString(text, scope.context);
    return typeof value === "string" ? value : JSON.stringify(value);
  } catch (error) {
    if (error instanceof NotEvaluableError) throw error;
    return undefined;
  }
}

export function denyMessage(scope: Scope, conditionMessage: string): string {
  const written = scope.message ?? "";
  if (written === "" && conditionMessage === "") return `validation error: rule ${scope.ruleName} failed`;
  const text = [written, conditionMessage].filter((part) => part !== "").join("; ");
  return substituted(text, scope) ?? conditionMessage;
}

export function patternMessage(scope: Scope, error: string, path: readonly PathSegment[]): string {
  const at = path.length > 0 ? `failed at path ${patternPathText(path)}` : `execution error: ${error}`;
  if (scope.message === undefined || scope.message === "") return `validation error: rule ${scope.ruleName} ${at}`;
  const message = substituted(scope.message, scope);
  if (message === undefined) return `validation error: variables substitution error in rule ${scope.ruleName} execution error: ${error}`;
  return `validation error: ${message.endsWith(".") ? message : `${message}.`} rule ${scope.ruleName} ${at}`;
}

export function anyPatternMessage(scope: Scope, failures: readonly string[]): string {
  const joined = failures.join(" ");
  if (scope.message === undefined || scope.message === "") return `validation error: ${joined}`;
  const message = substituted(scope.message, scope);
  if (message === undefined) return `validation error: variables substitution error in rule ${scope.ruleName} execution error: ${joined}`;
  return message.endsWith(".") ? `validation error: ${message} ${joined}` : `validation error: ${message}. ${joined}`;
}
