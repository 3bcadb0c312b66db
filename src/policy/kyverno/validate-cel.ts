/**
 * A `validate.cel` rule of a ClusterPolicy/Policy on one object, with Kyverno's verdicts
 * (kyverno pkg/engine/handlers/validation/validate_cel.go): a celPrecondition that does not hold
 * skips the rule; the first validation that denies fails it with its message, and under Kyverno's
 * failurePolicy (Fail) an expression that errs denies too ("expression '...' resulted in error");
 * with `paramRef`, the rule is judged once per selected param. Params come from the policy files
 * (as a ValidatingAdmissionPolicy's do); a named param that is not among them is not known here, so
 * the rule is not evaluated rather than passed.
 */
import type { JsonObject } from "../../manifests/types.js";
import { toCel } from "../cel/index.js";
import type { EvaluationContext } from "../types.js";
import { selectParams, type ParamObject } from "../vap/params.js";
import type { CelRule } from "../vpol/cel-rule.js";
import type { RuleResult } from "./evaluate-rule.js";

export function validateCel(
  rule: CelRule,
  name: string,
  params: readonly ParamObject[],
  object: JsonObject,
  context: EvaluationContext,
): RuleResult {
  let paramSets: unknown[] = [null];
  if (rule.params) {
    const { kind, ref } = rule.params;
    const metadata = object["metadata"];
    const namespace =
      typeof metadata === "object" && metadata !== null && !Array.isArray(metadata) ? String(metadata["namespace"] ?? "") : "";
    const candidates = params.filter((param) => param.object["apiVersion"] === kind.apiVersion && param.object["kind"] === kind.kind);
    const selected = selectParams(candidates, ref, context.review?.namespace ?? namespace);
    if (selected.length === 0) {
      if (ref.name !== undefined) {
        const where = ref.namespace !== undefined ? ` in namespace "${ref.namespace}"` : "";
        return {
          status: "notEvaluated",
          message: `the ${kind.kind} "${ref.name}"${where} its paramRef names, which is not among the policy files`,
          path: [],
        };
      }
      if (ref.parameterNotFoundAction === "Deny")
        return {
          status: "error",
          message: `no ${kind.kind} among the policy files matches the paramRef selector (parameterNotFoundAction: Deny)`,
          path: [],
        };
      return { status: "pass", message: `validation rule '${name}' passed.`, path: [] };
    }
    paramSets = selected.map((param) => toCel(param));
  }
  for (const paramSet of paramSets) {
    const failures = rule.evaluate(object, context, paramSet);
    if (failures === undefined) return { status: "skip", message: "cel preconditions not met", path: [] };
    const first = failures[0];
    if (first) return { status: "fail", message: first.message, path: [...(first.path ?? [])] };
  }
  return { status: "pass", message: `validation rule '${name}' passed.`, path: [] };
}
