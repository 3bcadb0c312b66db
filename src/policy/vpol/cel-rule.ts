/**
 * The API for Kyverno ClusterPolicy/Policy `validate.cel` subrules (kyverno.io/v1): `expressions`
 * (VAP validations), `variables`, with the VAP bindings (`object`, `oldObject`, `request`,
 * `namespaceObject`) and Kyverno's CEL libraries. `paramKind`/`paramRef` read params from the cluster:
 * a compile error saying so. Used by the Kyverno policy kind; evaluation is pure.
 */
import type { FieldPath, JsonObject, JsonValue } from "../../manifests/types.js";
import type { EvaluationContext } from "../types.js";
import { admissionBindings } from "../vap/bindings.js";
import { isObject } from "../../manifests/json.js";
import { compileValidator, type SpecError, type ValidationFailure } from "../vap/validator.js";
import { KYVERNO_CLUSTER_ONLY, kyvernoLibrary } from "./libraries.js";

export type { SpecError, ValidationFailure };

/**
 * Failures for one object, `[]` when it passes. A failure's `path`
 * (relative to the object) is the offending field when the expression tells which.
 */
export type CelRule = (object: JsonObject, context: EvaluationContext) => ValidationFailure[];

const KEYS = ["expressions", "variables", "paramKind", "paramRef", "auditAnnotations", "generate"];

/** Compiles `validate.cel` found at `at` (e.g. `["spec", "rules", 0, "validate", "cel"]`); errors carry full paths. */
export function compileCelRule(cel: JsonValue | undefined, at: FieldPath): { rule: CelRule } | { errors: SpecError[] } {
  if (!isObject(cel)) return { errors: [{ path: at, message: "cel must be a mapping with expressions" }] };
  const errors: SpecError[] = [];
  for (const key of Object.keys(cel)) if (!KEYS.includes(key)) errors.push({ path: [...at, key], message: `unknown field "${key}"; expected one of ${KEYS.join(", ")}` });
  for (const key of ["paramKind", "paramRef"]) {
    if (cel[key] !== undefined) errors.push({ path: [...at, key], message: "params come from the cluster: this rule needs a live cluster and cannot be judged offline" });
  }
  // The VAP shape names them `validations`; paths in errors must still point at `expressions`.
  const spec: JsonObject = { validations: cel["expressions"] ?? null, variables: cel["variables"] ?? null };
  const compiled = compileValidator(spec, at, { failurePolicy: "Fail", library: kyvernoLibrary, clusterOnly: KYVERNO_CLUSTER_ONLY });
  if ("errors" in compiled) errors.push(...compiled.errors.map((e) => ({ ...e, path: e.path.map((s, i) => (i === at.length && s === "validations" ? "expressions" : s)) })));
  if (cel["expressions"] === undefined) errors.push({ path: at, message: "cel needs expressions" });
  if (errors.length > 0 || "errors" in compiled) return { errors };
  const { validator } = compiled;
  return {
    rule(object, context) {
      const { bindings, paths } = admissionBindings(object, context);
      return validator({ bindings, paths }) ?? [];
    },
  };
}
