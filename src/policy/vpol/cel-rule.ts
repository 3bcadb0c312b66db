/**
 * Kyverno ClusterPolicy/Policy `validate.cel` subrules (kyverno.io/v1), compiled once per rule on the
 * ValidatingAdmissionPolicy core (vap/validator.ts), as Kyverno's validate-CEL handler runs them
 * (kyverno pkg/engine/handlers/validation/validate_cel.go): the rule's `celPreconditions` are the
 * match conditions (false: the rule skips), then `variables`, then `expressions`; an expression without
 * a message takes the rule's `validate.message`; `auditAnnotations` only feed the cluster's audit log
 * and are checked but not evaluated. The environment is the API server's (Kyverno compiles these with
 * the Kubernetes base environment and its `orValue` compatibility, not its own CEL libraries) with the
 * VAP bindings. `paramKind` /
 * `paramRef` name params, which the caller selects among the policy files (params.ts).
 */
import type { FieldPath, JsonObject, JsonValue } from "../../manifests/types.js";
import type { EvaluationContext } from "../types.js";
import { admissionBindings } from "../vap/bindings.js";
import { isObject } from "../../manifests/json.js";
import { readParamKind, readParamRef, type ParamKind, type ParamRef } from "../vap/read.js";
import { compileValidator, type SpecError, type ValidationFailure } from "../vap/validator.js";

export type { SpecError, ValidationFailure };

export interface CelRule {
  /**
   * Failures for one object with one set of params (`null`: none), `[]` when it passes, undefined
   * when a celPrecondition excludes it. A failure's `path` (relative to the object) is the offending
   * field when the expression tells which.
   */
  evaluate(object: JsonObject, context: EvaluationContext, params: unknown): ValidationFailure[] | undefined;
  params?: { kind: ParamKind; ref: ParamRef };
}

export interface CelRuleSource {
  /** The rule's `validate.cel`. */
  cel: JsonValue | undefined;
  /** The rule's `validate.message`, the message of an expression that has none. */
  message?: string | undefined;
  /** The rule's `celPreconditions`. */
  preconditions?: JsonValue | undefined;
}

const KEYS = ["expressions", "variables", "paramKind", "paramRef", "auditAnnotations", "generate"];

/**
 * Compiles a rule found at `at` (e.g. `["spec", "rules", 0]`); errors carry full paths. An error
 * whose `needs` is set is not a mistake: the expression needs what no file gives (the authorizer).
 */
export function compileCelRule(source: CelRuleSource, at: FieldPath): { rule: CelRule } | { errors: SpecError[] } {
  const celAt = [...at, "validate", "cel"];
  const { cel } = source;
  if (!isObject(cel)) return { errors: [{ path: celAt, message: "cel must be a mapping with expressions" }] };
  const errors: SpecError[] = [];
  for (const key of Object.keys(cel))
    if (!KEYS.includes(key)) errors.push({ path: [...celAt, key], message: `unknown field "${key}"; expected one of ${KEYS.join(", ")}` });
  if (cel["expressions"] === undefined || cel["expressions"] === null) errors.push({ path: celAt, message: "cel needs expressions" });
  const params = readParams(cel, celAt, errors);
  const expressions = Array.isArray(cel["expressions"])
    ? cel["expressions"].map((entry) =>
        isObject(entry) && source.message && !entry["message"] ? { ...entry, message: source.message } : entry,
      )
    : (cel["expressions"] ?? null);
  const spec: JsonObject = { matchConditions: source.preconditions ?? null, validations: expressions, variables: cel["variables"] ?? null };
  const compiled = compileValidator(spec, celAt, { failurePolicy: "Fail", orValueCompat: true });
  if ("errors" in compiled)
    errors.push(...compiled.errors.map((error) => ({ ...error, path: upstreamPath(error.path, at, celAt.length) })));
  errors.push(...auditAnnotationErrors(cel["auditAnnotations"], [...celAt, "auditAnnotations"]));
  if (errors.length > 0 || "errors" in compiled) return { errors };
  const { validator } = compiled;
  const rule: CelRule = {
    evaluate(object, context, paramSet) {
      const { bindings, paths } = admissionBindings(object, context);
      return validator({ bindings: { ...bindings, params: paramSet }, paths });
    },
  };
  if (params) rule.params = params;
  return { rule };
}

function readParams(cel: JsonObject, at: FieldPath, errors: SpecError[]): { kind: ParamKind; ref: ParamRef } | undefined {
  const rawKind = cel["paramKind"];
  const rawRef = cel["paramRef"];
  if (rawKind === undefined && rawRef === undefined) return undefined;
  if (rawKind === undefined || rawRef === undefined) {
    errors.push({
      path: [...at, rawKind === undefined ? "paramRef" : "paramKind"],
      message: "paramKind and paramRef go together: one names the kind of the params, the other which ones",
    });
    return undefined;
  }
  const kind = readParamKind(rawKind, [...at, "paramKind"], errors);
  const ref = readParamRef(rawRef, errors, [...at, "paramRef"], "Allow");
  return kind && ref ? { kind, ref } : undefined;
}

/** Paths the shared validator reports (`validations`, `matchConditions`) as the rule writes them. */
function upstreamPath(path: FieldPath, rule: FieldPath, depth: number): FieldPath {
  const key = path[depth];
  if (key === "validations") return [...path.slice(0, depth), "expressions", ...path.slice(depth + 1)];
  if (key === "matchConditions") return [...rule, "celPreconditions", ...path.slice(depth + 1)];
  return path;
}

/** auditAnnotations are not evaluated, but a malformed one is still the author's mistake. */
function auditAnnotationErrors(value: JsonValue | undefined, at: FieldPath): SpecError[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) return [{ path: at, message: "auditAnnotations must be a list of {key, valueExpression}" }];
  return value.flatMap((entry, index): SpecError[] =>
    isObject(entry) && typeof entry["key"] === "string" && typeof entry["valueExpression"] === "string"
      ? []
      : [{ path: [...at, index], message: "each auditAnnotation needs a key and a valueExpression" }],
  );
}
