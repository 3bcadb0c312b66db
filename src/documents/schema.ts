/**
 * The schema language of our own YAML documents (PolicyException, the envelope of policy documents,
 * PodSecurity parameters, the Pod Security admission configuration) and the one validator for it.
 * A schema says what each key holds; the validator reports every problem with its path, a stable
 * code and, for a likely typo, a suggestion. What a schema cannot say (a date that must parse, "at
 * least one of") is a `check` on the value, reported with its own code.
 *
 * An unknown key is an error unless the schema says the mapping takes any key (`additional`): a
 * typo'd key that is silently ignored would quietly weaken the gate. A `null` value is read as an
 * absent one, as Kubernetes reads it.
 */
import { isObject } from "../manifests/json.js";
import type { FieldPath, JsonObject, JsonValue } from "../manifests/types.js";
import { closest } from "../text/suggest.js";
import type { ProblemCode } from "./codes.js";

interface Common {
  /** What a valid value looks like, for messages ("a date (2026-12-31) ..."); generated when absent. */
  describe?: string;
  /** Said after "is required" when the key is missing: what the value is for. */
  hint?: string;
  /**
   * A rule the shape cannot express, run on a value of the right shape. `name` is the value's path as
   * messages show it (`spec.expires`); problem paths are relative to the value.
   */
  check?: (value: never, name: string) => Issue[];
}

export type Schema =
  | (Common & { type: "string"; enum?: readonly string[]; pattern?: RegExp; maxLength?: number; nonBlank?: boolean })
  | (Common & { type: "boolean" })
  | (Common & { type: "integer" | "number"; minimum?: number; maximum?: number })
  | (Common & { type: "array"; items: Schema; minItems?: number; unique?: boolean })
  | ObjectSchema
  | (Common & { type: "any" })
  | (Common & { type: "oneOf"; options: readonly Schema[] });

export interface ObjectSchema extends Common {
  type: "object";
  properties: Readonly<Record<string, Schema>>;
  /** Keys that must be present (and not null). */
  required?: readonly string[];
  /** Any other key is allowed and holds a value of this schema (a map such as `matchLabels`). */
  additional?: Schema;
}

/** A problem found by a `check`: path relative to the checked value; code `invalid-value` unless given. */
export interface Issue {
  path?: FieldPath;
  code?: ProblemCode;
  message: string;
  suggestion?: string;
}

/** A problem found by `validate`, at its path from the validated value. */
export interface Problem {
  path: FieldPath;
  code: ProblemCode;
  message: string;
  suggestion?: string;
}

export interface ValidateOptions {
  /** Path of the validated value inside its document: problems are reported at `[...at, ...]`. */
  at?: FieldPath;
  /** How messages name the validated value itself (`the PolicyException`, `parameters`). */
  subject?: string;
  /** Written before every path in messages (`parameters` gives `parameters.level`). */
  prefix?: string;
  /** What a key is called in messages: `field` (Kubernetes documents), `parameter`, `key`. */
  word?: string;
}

/** Validates `value` against `schema`; an empty list means the value has the schema's shape. */
export function validate(schema: Schema, value: JsonValue | undefined, options: ValidateOptions = {}): Problem[] {
  const problems: Problem[] = [];
  const at = options.at ?? [];
  const context: Context = {
    problems,
    word: options.word ?? "field",
    name: (path) => {
      const relative = path.slice(at.length);
      if (relative.length === 0) return options.subject ?? options.prefix ?? "the document";
      return pathName(relative, options.prefix);
    },
  };
  visit(schema, value, at, context);
  return problems;
}

interface Context {
  problems: Problem[];
  word: string;
  name: (path: FieldPath) => string;
}

function visit(schema: Schema, value: JsonValue | undefined, path: FieldPath, context: Context): boolean {
  const report = (code: ProblemCode, message: string, suggestion?: string, where: FieldPath = path): false => {
    context.problems.push({ path: where, code, message, ...(suggestion !== undefined ? { suggestion } : {}) });
    return false;
  };
  const name = context.name(path);
  const wrongType = (): false => report("wrong-type", `${name} must be ${describe(schema)}, got ${shown(value)}`);
  let shaped: boolean;
  switch (schema.type) {
    case "any":
      shaped = true;
      break;
    case "string":
      if (typeof value !== "string") return wrongType();
      if (schema.enum && !schema.enum.includes(value)) {
        const suggestion = closest(value, schema.enum);
        return report("not-one-of", `${name} must be ${describe(schema)}, got ${JSON.stringify(value)}${hint(suggestion)}`, suggestion);
      }
      if (schema.nonBlank && value.trim() === "")
        return report("empty", `${name} is required${schema.hint ? `: ${schema.hint}` : ""} (it is blank)`);
      if ((schema.pattern && !schema.pattern.test(value)) || (schema.maxLength !== undefined && value.length > schema.maxLength)) {
        return report("invalid-value", `${name} ${JSON.stringify(value)} is not ${schema.describe ?? "valid"}`);
      }
      shaped = true;
      break;
    case "boolean":
      if (typeof value !== "boolean") return wrongType();
      shaped = true;
      break;
    case "integer":
    case "number":
      if (typeof value !== "number" || !Number.isFinite(value) || (schema.type === "integer" && !Number.isInteger(value)))
        return wrongType();
      if ((schema.minimum !== undefined && value < schema.minimum) || (schema.maximum !== undefined && value > schema.maximum))
        return wrongType();
      shaped = true;
      break;
    case "array": {
      if (!Array.isArray(value)) return wrongType();
      if (schema.minItems !== undefined && value.length < schema.minItems) return report("empty", `${name} must be ${describe(schema)}`);
      shaped = true;
      const seen = new Set<string>();
      value.forEach((item, index) => {
        if (!visit(schema.items, item, [...path, index], context)) shaped = false;
        else if (schema.unique) {
          const key = JSON.stringify(item);
          if (seen.has(key))
            shaped = report("duplicate", `${context.name([...path, index])}: duplicate value ${key}`, undefined, [...path, index]);
          seen.add(key);
        }
      });
      break;
    }
    case "object": {
      if (!isObject(value)) return wrongType();
      shaped = visitObject(schema, value, path, context);
      break;
    }
    case "oneOf": {
      const option = schema.options.find((candidate) => fits(candidate, value));
      if (!option) return wrongType();
      shaped = visit(option, value, path, context);
      break;
    }
  }
  if (!shaped || !schema.check || value === undefined) return shaped;
  const issues = schema.check(value as never, name);
  for (const issue of issues) report(issue.code ?? "invalid-value", issue.message, issue.suggestion, [...path, ...(issue.path ?? [])]);
  return issues.length === 0;
}

function visitObject(schema: ObjectSchema, value: JsonObject, path: FieldPath, context: Context): boolean {
  let shaped = true;
  const known = Object.keys(schema.properties);
  for (const [key, item] of Object.entries(value)) {
    const property = Object.hasOwn(schema.properties, key) ? schema.properties[key] : schema.additional;
    if (!property) {
      context.problems.push({ path: [...path, key], code: "unknown-key", ...unknownKey(key, context.name(path), known, context.word) });
      shaped = false;
      continue;
    }
    if (item === null && Object.hasOwn(schema.properties, key)) continue; // null is absent
    if (!visit(property, item, [...path, key], context)) shaped = false;
  }
  for (const key of schema.required ?? []) {
    if (value[key] !== undefined && value[key] !== null) continue;
    const property = schema.properties[key];
    const what = property?.hint ?? (property ? describe(property) : undefined);
    const message = `${context.name([...path, key])} is required${what ? `: ${what}` : ""}`;
    context.problems.push({ path: [...path, key], code: "missing-required", message });
    shaped = false;
  }
  return shaped;
}

/** The message (and suggestion) for a key that is not allowed: the one wording every reader uses. */
export function unknownKey(
  key: string,
  where: string,
  allowed: readonly string[],
  word = "field",
): { message: string; suggestion?: string } {
  const suggestion = closest(key, allowed);
  const rest = allowed.length > 0 ? `allowed: ${allowed.join(", ")}` : `no ${word} is allowed here`;
  return {
    message: `unknown ${word} "${key}" in ${where}${hint(suggestion)}; ${rest}`,
    ...(suggestion !== undefined ? { suggestion } : {}),
  };
}

/** Whether `value` has the JSON type of `schema` (how a `oneOf` picks its option). */
function fits(schema: Schema, value: JsonValue | undefined): boolean {
  switch (schema.type) {
    case "any":
      return true;
    case "string":
    case "boolean":
      return typeof value === schema.type;
    case "integer":
    case "number":
      return typeof value === "number";
    case "array":
      return Array.isArray(value);
    case "object":
      return isObject(value);
    case "oneOf":
      return schema.options.some((option) => fits(option, value));
  }
}

/** What a value of the schema looks like, for messages. */
function describe(schema: Schema): string {
  if (schema.describe) return schema.describe;
  switch (schema.type) {
    case "any":
      return "any value";
    case "string":
      return schema.enum ? `one of ${choices(schema.enum)}` : "a string";
    case "boolean":
      return "true or false";
    case "integer":
    case "number": {
      const what = schema.type === "integer" ? "a whole number" : "a number";
      if (schema.minimum !== undefined && schema.maximum !== undefined) return `${what} from ${schema.minimum} to ${schema.maximum}`;
      return what;
    }
    case "array":
      return `${schema.minItems ? "a non-empty list" : "a list"} of ${plural(describe(schema.items))}`;
    case "object": {
      const keys = Object.keys(schema.properties);
      return keys.length === 0 ? "a mapping" : `a mapping with ${keys.join(", ")}`;
    }
    case "oneOf":
      return schema.options.map(describe).join(" or ");
  }
}

/** `spec.policies[0].name`. */
function pathName(path: FieldPath, prefix?: string): string {
  const steps = path.map((step, index) => (typeof step === "number" ? `[${step}]` : index === 0 && !prefix ? step : `.${step}`)).join("");
  return `${prefix ?? ""}${steps}`;
}

/** `deny, warn, dryrun`; a value that is not a plain word is quoted (`"*"`). */
function choices(values: readonly string[]): string {
  return values.map((value) => (/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(value) ? value : JSON.stringify(value))).join(", ");
}

export function hint(suggestion: string | undefined): string {
  return suggestion ? ` (did you mean "${suggestion}"?)` : "";
}

function shown(value: JsonValue | undefined): string {
  if (value === undefined) return "nothing";
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  return `${typeof value} ${JSON.stringify(value)}`;
}

function plural(description: string): string {
  return description.replace(/^an? /, "").replace(/^(string|mapping|list|whole number|number)\b/, "$1s");
}

/** Schema builders, so a document's schema reads like the document. */
export const string = (options: Omit<Extract<Schema, { type: "string" }>, "type"> = {}): Schema => ({ type: "string", ...options });
export const choice = (values: readonly string[], options: Common = {}): Schema => ({ type: "string", enum: values, ...options });
export const any: Schema = { type: "any" };
export const list = (items: Schema, options: Omit<Extract<Schema, { type: "array" }>, "type" | "items"> = {}): Schema => ({
  type: "array",
  items,
  ...options,
});
export const mapping = (properties: Record<string, Schema>, options: Omit<ObjectSchema, "type" | "properties"> = {}): ObjectSchema => ({
  type: "object",
  properties,
  ...options,
});
/** A map with any key, each value of `values` (labels, annotations). */
export const mapOf = (values: Schema, options: Common = {}): ObjectSchema => ({
  type: "object",
  properties: {},
  additional: values,
  ...options,
});
export const either = (options: readonly Schema[], common: Common = {}): Schema => ({ type: "oneOf", options, ...common });
