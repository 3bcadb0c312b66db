/**
 * A ValidatingAdmissionPolicy as its binding applies it: one `Policy` per (policy, binding) pair, with
 * the binding's validationActions as its enforcement action. In a cluster a policy without a binding
 * does nothing, so only bound policies judge anything (the loader says so about unbound ones).
 */
import type { JsonObject } from "../../manifests/types.js";
import { toCel } from "../cel/index.js";
import type { EvaluationContext, Policy, Violation } from "../types.js";
import { admissionBindings } from "./bindings.js";
import { matchesResources } from "./match-resources.js";
import { selectParams, type ParamObject } from "./params.js";
import { VAP_API_VERSION, VAP_KIND, type AdmissionPolicyDocument, type BindingDocument } from "./read.js";
import type { ValidationFailure } from "./validator.js";

export function boundPolicy(policy: AdmissionPolicyDocument, binding: BindingDocument, params: readonly ParamObject[]): Policy {
  const evaluate = (object: JsonObject, context: EvaluationContext): Violation[] => {
    const { attributes, bindings, paths } = admissionBindings(object, context);
    if (!matchesResources(policy.match, attributes, context)) return [];
    if (binding.match && !matchesResources(binding.match, attributes, context)) return [];

    let paramSets: (unknown | null)[] = [null];
    if (policy.paramKind && binding.paramRef) {
      const selected = selectParams(params, binding.paramRef, attributes.namespace);
      if (selected.length === 0) {
        if (binding.paramRef.parameterNotFoundAction === "Allow") return [];
        const wanted = binding.paramRef.name !== undefined ? `named "${binding.paramRef.name}"` : "matching the selector";
        return [
          {
            message: `no ${policy.paramKind.kind} ${wanted} among the policy files, and parameterNotFoundAction is Deny`,
            path: [],
            rule: binding.name,
            notEvaluated: { byPolicy: false },
          },
        ];
      }
      paramSets = selected.map((param) => toCel(param));
    }
    const violations: Violation[] = [];
    for (const paramSet of paramSets) {
      const failures = policy.validator({ bindings: { ...bindings, params: paramSet }, paths }) ?? [];
      violations.push(...failures.map((failure) => toViolation(failure, binding.name)));
    }
    return violations;
  };
  return {
    apiVersion: VAP_API_VERSION,
    kind: VAP_KIND,
    name: policy.name,
    file: policy.file,
    range: policy.document.locate([]),
    enforcementAction: binding.action,
    match: {},
    parameters: undefined,
    target: "object",
    evaluate,
  };
}

function toViolation(failure: ValidationFailure, rule: string): Violation {
  const reason = failure.reason ? ` (reason: ${failure.reason})` : "";
  const message = failure.kind === "error" ? `policy could not be evaluated: ${failure.message}` : `${failure.message}${reason}`;
  const violation: Violation = { message, path: failure.path ?? [], rule };
  if (failure.kind === "error") violation.notEvaluated = { byPolicy: false };
  return violation;
}
