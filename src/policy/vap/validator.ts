/**
 * The CEL validation core of a ValidatingAdmissionPolicy, shared by every policy kind of that shape
 * (VAP, Gatekeeper K8sNativeValidation templates, Kyverno ValidatingPolicy): `matchConditions`, then
 * `variables` in order, then each of `validations` with its message. Semantics follow the API server
 * (k8s.io/apiserver/pkg/admission/plugin/policy/validating): a false match condition skips the policy;
 * an error in a match condition or a validation is subject to `failurePolicy`; `messageExpression`
 * wins over `message` when it yields a non-empty string, and the default message names the expression.
 */
import type { ASTNode } from "@marcbachmann/cel-js";
import type { FieldPath, JsonObject, JsonValue } from "../../manifests/types.js";
import { blame, namedVariables } from "../cel/blame.js";
import { compileCel, type CelProgram, type CompileOptions } from "../cel/index.js";
import { isObject } from "../../manifests/json.js";

export interface SpecError {
  path: FieldPath;
  message: string;
  /** Set when the problem is not a mistake but what the expression needs (a live cluster): see CompileResult. */
  needs?: string;
}

export type FailurePolicy = "Fail" | "Ignore";

/** One validation that did not pass, or an expression that could not be evaluated (under failurePolicy: Fail). */
export interface ValidationFailure {
  message: string;
  /** The field the failure is about, relative to the judged object, when the expression tells. */
  path?: FieldPath;
  /** The API server's status reason, when the validation sets one other than Forbidden. */
  reason?: string;
  kind: "violation" | "error";
}

export interface ValidationInput {
  /** CEL values (see `toCel`), without `variables`: the validator adds them. */
  bindings: Record<string, unknown>;
  /** Where the judged object's nodes are (for findings on the offending field). */
  paths: ReadonlyMap<unknown, FieldPath>;
}

/** `undefined` when a match condition excluded the object. */
export type Validator = (input: ValidationInput) => ValidationFailure[] | undefined;

interface Named {
  name: string;
  program: CelProgram;
  ast: ASTNode;
}

interface Validation {
  program: CelProgram;
  ast: ASTNode;
  message?: string;
  messageExpression?: CelProgram;
  reason?: string;
}

/** What every admission-policy expression may name (the API server's bindings). */
export const ADMISSION_VARIABLES: readonly string[] = [
  "object",
  "oldObject",
  "request",
  "params",
  "namespaceObject",
  "variables",
  "authorizer",
];

export interface ValidatorOptions extends CompileOptions {
  failurePolicy: FailurePolicy;
  /** Names the judged object goes by in expressions, for placing findings (`object`, `variables.anyObject`). */
  objectRoots?: readonly string[];
  /** Whether `validations` may be empty (a VAP with only auditAnnotations). */
  requireValidations?: boolean;
  /** Variables defined before the spec's own (Gatekeeper's `params` and `anyObject`). */
  preludeVariables?: readonly { name: string; expression: string }[];
  /**
   * The API server refuses a messageExpression result with line breaks and falls back to `message`;
   * Gatekeeper's CEL driver reports it as written (library templates join messages with "\n").
   */
  multilineMessages?: boolean;
}

const REASONS = ["Unauthorized", "Forbidden", "Invalid", "RequestEntityTooLarge"];

/** Compiles `matchConditions`, `variables` and `validations` of `spec`; errors carry their path under `at`. */
export function compileValidator(
  spec: JsonObject,
  at: FieldPath,
  options: ValidatorOptions,
): { validator: Validator } | { errors: SpecError[] } {
  const errors: SpecError[] = [];
  const compile = (expression: JsonValue | undefined, path: FieldPath): { program: CelProgram; ast: ASTNode } | undefined => {
    if (typeof expression !== "string" || expression.trim() === "") {
      errors.push({ path, message: "expression must be a non-empty CEL string" });
      return undefined;
    }
    const compiled = compileCel(expression, { declared: ADMISSION_VARIABLES, ...options });
    if (!compiled.ok) {
      errors.push(
        compiled.needs === undefined ? { path, message: compiled.error } : { path, message: compiled.error, needs: compiled.needs },
      );
      return undefined;
    }
    return { program: compiled.program, ast: compiled.program.ast };
  };

  const named = (key: string): Named[] => {
    const list = spec[key];
    if (list === undefined || list === null) return [];
    if (!Array.isArray(list)) {
      errors.push({ path: [...at, key], message: `${key} must be a list of {name, expression}` });
      return [];
    }
    const seen = new Set<string>();
    return list.flatMap((entry, index): Named[] => {
      const path = [...at, key, index];
      if (!isObject(entry) || typeof entry["name"] !== "string" || entry["name"] === "") {
        errors.push({ path, message: `each of ${key} needs a name and an expression` });
        return [];
      }
      const name = entry["name"];
      if (seen.has(name)) errors.push({ path: [...path, "name"], message: `${key} name "${name}" is used twice` });
      seen.add(name);
      const compiled = compile(entry["expression"], [...path, "expression"]);
      return compiled ? [{ name, ...compiled }] : [];
    });
  };

  const matchConditions = named("matchConditions");
  const prelude = (options.preludeVariables ?? []).flatMap((variable): Named[] => {
    const compiled = compile(variable.expression, at);
    return compiled ? [{ name: variable.name, ...compiled }] : [];
  });
  const variables = [...prelude, ...named("variables")];
  const validations: Validation[] = [];
  const list = spec["validations"];
  if (list !== undefined && list !== null && !Array.isArray(list))
    errors.push({ path: [...at, "validations"], message: "validations must be a list" });
  (Array.isArray(list) ? list : []).forEach((entry, index) => {
    const path = [...at, "validations", index];
    if (!isObject(entry)) {
      errors.push({ path, message: "each validation must be a mapping with an expression" });
      return;
    }
    const compiled = compile(entry["expression"], [...path, "expression"]);
    const validation: Partial<Validation> = { ...compiled };
    const message = entry["message"];
    if (message !== undefined && typeof message !== "string")
      errors.push({ path: [...path, "message"], message: "message must be a string" });
    else if (typeof message === "string" && message.includes("\n"))
      errors.push({ path: [...path, "message"], message: "message must not contain line breaks" });
    else if (message) validation.message = message;
    if (entry["messageExpression"] !== undefined) {
      const messageExpression = compile(entry["messageExpression"], [...path, "messageExpression"]);
      if (messageExpression) validation.messageExpression = messageExpression.program;
    }
    const reason = entry["reason"];
    if (reason !== undefined && (typeof reason !== "string" || !REASONS.includes(reason))) {
      errors.push({ path: [...path, "reason"], message: `reason must be one of ${REASONS.join(", ")}` });
    } else if (typeof reason === "string" && reason !== "Forbidden") validation.reason = reason;
    if (validation.program && validation.ast) validations.push(validation as Validation);
  });
  if (options.requireValidations !== false && Array.isArray(list) && list.length === 0) {
    errors.push({ path: [...at, "validations"], message: "validations must not be empty" });
  }
  if (errors.length > 0) return { errors };

  const variableAsts = new Map(variables.map((v) => [v.name, v.ast]));
  const objectRoots = options.objectRoots ?? ["object"];
  const failOnError = options.failurePolicy === "Fail";

  const validator: Validator = ({ bindings, paths }) => {
    const failures: ValidationFailure[] = [];
    const scope: Record<string, unknown> = { ...bindings, variables: new Map<string, unknown>() };
    const variableValues = scope["variables"] as Map<string, unknown>;
    const variableErrors = new Map<string, string>();

    for (const condition of matchConditions) {
      const result = condition.program.evaluate(scope);
      if (result.ok && result.value === true) continue;
      if (result.ok && result.value === false) return undefined;
      const problem = result.ok ? `returned ${typeof result.value}, not bool` : result.error;
      if (!failOnError) return undefined;
      return [{ kind: "error", message: `matchCondition "${condition.name}" could not be evaluated: ${problem}` }];
    }
    for (const variable of variables) {
      const result = variable.program.evaluate(scope);
      if (result.ok) variableValues.set(variable.name, result.value);
      else variableErrors.set(variable.name, result.error);
    }
    for (const validation of validations) {
      const result = validation.program.evaluate(scope);
      if (result.ok && result.value === true) continue;
      if (!result.ok || typeof result.value !== "boolean") {
        if (!failOnError) continue;
        const cause = result.ok ? `returned ${typeof result.value}, not bool` : explain(result.error, validation.ast, variableErrors);
        failures.push({ kind: "error", message: `expression ${quote(validation.program.expression)} resulted in error: ${cause}` });
        continue;
      }
      const failure: ValidationFailure = { kind: "violation", message: messageOf(validation, scope, options.multilineMessages === true) };
      const path = blame({ ast: validation.ast, bindings: scope, paths, variableAsts, objectRoots, options });
      if (path) failure.path = path;
      if (validation.reason) failure.reason = validation.reason;
      failures.push(failure);
    }
    return failures;
  };
  return { validator };
}

function messageOf(validation: Validation, scope: Record<string, unknown>, multiline: boolean): string {
  if (validation.messageExpression) {
    const result = validation.messageExpression.evaluate(scope);
    // The API server falls back to `message` when messageExpression fails or yields an empty string.
    const text = result.ok && typeof result.value === "string" ? result.value.trim() : "";
    if (text !== "" && (multiline || !text.includes("\n"))) return text;
  }
  return validation.message ?? `failed expression: ${validation.program.expression.trim()}`;
}

/** An error mentioning a variable that itself failed: say what failed in the variable. */
function explain(error: string, ast: ASTNode, variableErrors: ReadonlyMap<string, string>): string {
  const named = new Set(namedVariables(ast));
  for (const [name, cause] of variableErrors) if (named.has(name)) return `variables.${name}: ${cause}`;
  return error;
}

function quote(expression: string): string {
  const oneLine = expression.replace(/\s+/g, " ").trim();
  return `'${oneLine.length > 100 ? `${oneLine.slice(0, 97)}...` : oneLine}'`;
}
