/**
 * Kyverno `ValidatingPolicy` (policies.kyverno.io v1alpha1, v1beta1, v1): the ValidatingAdmissionPolicy
 * shape without a binding (the policy carries its own `validationActions`), Kyverno's CEL libraries,
 * and auto-generated variants for Pod controllers. Kyverno's defaults apply: failurePolicy Fail.
 */
import type { FieldPath, JsonObject, SourceDocument } from "../../manifests/types.js";
import { admissionBindings } from "../vap/bindings.js";
import { matchesResources, readMatchResources, type MatchResources } from "../vap/match-resources.js";
import { isObject } from "../../manifests/json.js";
import { compileValidator, type FailurePolicy, type SpecError, type Validator } from "../vap/validator.js";
import type { EnforcementAction, EvaluationContext, Policy, Violation } from "../types.js";
import { autogenVariants } from "./autogen.js";
import { KYVERNO_CLUSTER_ONLY, kyvernoLibrary } from "./libraries.js";
import { strongerAction } from "../actions.js";

export const VPOL_API_VERSIONS: readonly string[] = [
  "policies.kyverno.io/v1alpha1",
  "policies.kyverno.io/v1beta1",
  "policies.kyverno.io/v1",
];
export const VPOL_KIND = "ValidatingPolicy";

const SPEC_KEYS = [
  "matchConstraints",
  "matchConditions",
  "variables",
  "validations",
  "validationActions",
  "failurePolicy",
  "auditAnnotations",
  "evaluation",
  "autogen",
  "webhookConfiguration",
  "paramKind",
];
const ACTIONS: Readonly<Record<string, EnforcementAction>> = { Deny: "deny", Warn: "warn", Audit: "dryrun" };

interface Variant {
  match: MatchResources;
  validator: Validator;
}

export interface ReadValidatingPolicy {
  policy?: Policy;
  errors: SpecError[];
  notices: SpecError[];
}

export function readValidatingPolicy(file: string, document: SourceDocument, root: JsonObject): ReadValidatingPolicy {
  const errors: SpecError[] = [];
  const notices: SpecError[] = [];
  const metadata = root["metadata"];
  const name = isObject(metadata) ? metadata["name"] : undefined;
  if (typeof name !== "string" || name === "")
    return { errors: [{ path: isObject(metadata) ? ["metadata"] : [], message: "missing metadata.name" }], notices };
  const spec = root["spec"];
  if (!isObject(spec)) return { errors: [{ path: spec === undefined ? [] : ["spec"], message: "spec must be a mapping" }], notices };
  for (const key of Object.keys(spec))
    if (!SPEC_KEYS.includes(key))
      errors.push({ path: ["spec", key], message: `unknown field "${key}"; expected one of ${SPEC_KEYS.join(", ")}` });
  if (spec["paramKind"] !== undefined)
    errors.push({
      path: ["spec", "paramKind"],
      message: "params come from the cluster (paramKind/paramRef): this policy needs a live cluster and cannot be judged offline",
    });
  const mode = isObject(spec["evaluation"]) ? spec["evaluation"]["mode"] : undefined;
  if (mode === "JSON") {
    notices.push({
      path: ["spec", "evaluation", "mode"],
      message: "evaluation mode JSON judges non-Kubernetes JSON payloads, not manifests; it is not evaluated here",
    });
    return { errors, notices };
  }
  const action = readActions(spec["validationActions"], errors);
  const failurePolicy = (spec["failurePolicy"] ?? "Fail") as FailurePolicy;
  if (failurePolicy !== "Fail" && failurePolicy !== "Ignore")
    errors.push({ path: ["spec", "failurePolicy"], message: "failurePolicy must be Fail or Ignore" });
  if (spec["auditAnnotations"] !== undefined)
    notices.push({
      path: ["spec", "auditAnnotations"],
      message: "auditAnnotations only write the cluster's audit log; they are not evaluated here",
    });

  const base = compileVariant(spec, ["spec"], failurePolicy, errors);
  if (errors.length > 0 || !base || !action) return { errors, notices };
  const variants: Variant[] = [base];
  for (const variant of autogenVariants(spec)) {
    const variantErrors: SpecError[] = [];
    const compiled = compileVariant(variant.spec, ["spec"], failurePolicy, variantErrors);
    if (compiled) variants.push(compiled);
    else
      errors.push({
        path: ["spec"],
        message: `the policy's auto-generated ${variant.family} variant does not compile: ${variantErrors.map((e) => e.message).join("; ")}`,
      });
  }
  if (errors.length > 0) return { errors, notices };

  const evaluate = (object: JsonObject, context: EvaluationContext): Violation[] => {
    const { attributes, bindings, paths } = admissionBindings(object, context);
    const violations: Violation[] = [];
    for (const variant of variants) {
      if (!matchesResources(variant.match, attributes, context)) continue;
      for (const failure of variant.validator({ bindings, paths }) ?? []) {
        // Validations have no names; the policy's name is the rule, so two policies saying the same thing stay two findings.
        violations.push({
          message: failure.kind === "error" ? `policy could not be evaluated: ${failure.message}` : failure.message,
          path: failure.path ?? [],
          rule: name,
          ...(failure.kind === "error" ? { notEvaluated: { byPolicy: false } } : {}),
        });
      }
    }
    return violations;
  };
  const policy: Policy = {
    apiVersion: String(root["apiVersion"]),
    kind: VPOL_KIND,
    name,
    file,
    range: document.locate([]),
    enforcementAction: action,
    match: {},
    parameters: undefined,
    target: "object",
    evaluate,
  };
  return { policy, errors, notices };
}

function compileVariant(spec: JsonObject, at: FieldPath, failurePolicy: FailurePolicy, errors: SpecError[]): Variant | undefined {
  const match = readMatchResources(spec["matchConstraints"], [...at, "matchConstraints"], errors, true);
  const compiled = compileValidator(spec, at, {
    failurePolicy,
    library: kyvernoLibrary,
    clusterOnly: KYVERNO_CLUSTER_ONLY,
    orValueCompat: true,
    requireValidations: spec["auditAnnotations"] === undefined,
  });
  if ("errors" in compiled) {
    errors.push(...compiled.errors);
    return undefined;
  }
  return { match, validator: compiled.validator };
}

function readActions(value: unknown, errors: SpecError[]): EnforcementAction | undefined {
  if (!Array.isArray(value) || value.length === 0 || value.some((v) => typeof v !== "string" || !(v in ACTIONS))) {
    errors.push({ path: ["spec", "validationActions"], message: "validationActions must be a non-empty list of Deny, Warn, Audit" });
    return undefined;
  }
  return (value as string[]).map((v) => ACTIONS[v] as EnforcementAction).reduce(strongerAction);
}
