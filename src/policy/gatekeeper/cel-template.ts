/**
 * A Gatekeeper ConstraintTemplate with CEL code (`code: - engine: K8sNativeValidation`) as a constraint
 * kind of its own, run generically: any organisation's template works, not only the library's. The
 * CEL source has the ValidatingAdmissionPolicy shape (matchConditions, variables, validations with
 * messageExpression); Gatekeeper adds two variables, as its K8sNativeValidation driver does:
 * `variables.params` (the constraint's `spec.parameters`) and `variables.anyObject` (the object, or on
 * DELETE the old object).
 */
import type { FieldPath, JsonObject, JsonValue } from "../../manifests/types.js";
import { toCel } from "../cel/index.js";
import type { EvaluationContext, ParameterError, PolicyKind, Violation } from "../types.js";
import { admissionBindings } from "../vap/bindings.js";
import { compileValidator, type FailurePolicy, type SpecError } from "../vap/validator.js";
import { CONSTRAINT_API_VERSIONS } from "./lib/define.js";
import { isObject } from "../../manifests/json.js";

export const CEL_ENGINE = "K8sNativeValidation";
const CODE_KEYS = ["matchConditions", "variables", "validations", "failurePolicy"];

const GATEKEEPER_VARIABLES = [
  { name: "params", expression: "!has(params.spec) ? null : !has(params.spec.parameters) ? null : params.spec.parameters" },
  { name: "anyObject", expression: 'has(request.operation) && request.operation == "DELETE" && object == null ? oldObject : object' },
];

/** Where a template keeps its CEL source, when it has one: `spec.targets[i].code[j].source`. */
export function celSourcePath(root: JsonObject): FieldPath | undefined {
  const targets = (root["spec"] as JsonObject | undefined)?.["targets"];
  if (!Array.isArray(targets)) return undefined;
  for (const [t, target] of targets.entries()) {
    const code = isObject(target) ? target["code"] : undefined;
    if (!Array.isArray(code)) continue;
    for (const [c, entry] of code.entries())
      if (isObject(entry) && entry["engine"] === CEL_ENGINE) return ["spec", "targets", t, "code", c, "source"];
  }
  return undefined;
}

export function templateKindName(root: JsonObject): string | undefined {
  let value: JsonValue | undefined = root;
  for (const key of ["spec", "crd", "spec", "names", "kind"]) value = isObject(value) ? value[key] : undefined;
  return typeof value === "string" && value !== "" ? value : undefined;
}

/** The constraint kind a CEL template defines, or the errors in its CEL (paths in the template). */
export function celTemplateKind(root: JsonObject, kind: string, sourcePath: FieldPath): { kind: PolicyKind } | { errors: SpecError[] } {
  let source: JsonValue | undefined = root;
  for (const key of sourcePath)
    source = Array.isArray(source) ? source[key as number] : isObject(source) ? source[key as string] : undefined;
  if (!isObject(source)) return { errors: [{ path: sourcePath, message: `${CEL_ENGINE} source must be a mapping with validations` }] };
  const errors: SpecError[] = [];
  for (const key of Object.keys(source))
    if (!CODE_KEYS.includes(key))
      errors.push({ path: [...sourcePath, key], message: `unknown field "${key}"; expected one of ${CODE_KEYS.join(", ")}` });
  const failurePolicy = source["failurePolicy"] ?? "Fail";
  if (failurePolicy !== "Fail" && failurePolicy !== "Ignore")
    errors.push({ path: [...sourcePath, "failurePolicy"], message: "failurePolicy must be Fail or Ignore" });
  const compiled = compileValidator(source, sourcePath, {
    failurePolicy: failurePolicy as FailurePolicy,
    preludeVariables: GATEKEEPER_VARIABLES,
    objectRoots: ["object", "variables.anyObject"],
    multilineMessages: true,
  });
  if ("errors" in compiled) errors.push(...compiled.errors);
  if (errors.length > 0 || "errors" in compiled) return { errors };
  const { validator } = compiled;

  const policyKind: PolicyKind = {
    kind,
    apiVersions: CONSTRAINT_API_VERSIONS,
    target: "object",
    description: `constraint kind ${kind} from a ConstraintTemplate with CEL code (${CEL_ENGINE})`,
    rules: [
      {
        id: kind,
        kind,
        title: `${kind}: the organisation's own ConstraintTemplate (CEL)`,
        checks: `Defined by the organisation's own ConstraintTemplate ${kind} (CEL code, run generically as Gatekeeper runs ${CEL_ENGINE}); the constraint's parameters decide what is allowed.`,
        fix: "Change the resource so that the template's validation named in the message holds, or ask the template's owners for an exception.",
        helpUri: "https://open-policy-agent.github.io/gatekeeper/website/docs/validating-admission-policy/",
        tags: ["kubernetes", "gatekeeper", "cel"],
      },
    ],
    compile(parameters) {
      if (parameters !== undefined && parameters !== null && !isObject(parameters)) {
        const error: ParameterError = { path: [], message: "parameters must be a mapping" };
        return { errors: [error] };
      }
      const params = toCel({ spec: parameters === undefined ? {} : { parameters } } as JsonObject);
      return {
        evaluator(object: JsonObject, context: EvaluationContext): Violation[] {
          const { bindings, paths } = admissionBindings(object, context);
          const failures = validator({ bindings: { ...bindings, params }, paths }) ?? [];
          return failures.map((failure) => ({
            message: failure.kind === "error" ? `constraint could not be evaluated: ${failure.message}` : failure.message,
            path: failure.path ?? [],
            ...(failure.kind === "error" ? { notEvaluated: { byPolicy: false } } : {}),
          }));
        },
      };
    },
  };
  return { kind: policyKind };
}
