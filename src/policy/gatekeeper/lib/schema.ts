/**
 * The subset of OpenAPI v3 that the library's templates use for `spec.parameters`
 * (`openAPIV3Schema` in each template.yaml), and its validation. Unlike the API server, which prunes
 * unknown fields silently, an unknown parameter is an error: a typo (`exemptImage`) would otherwise
 * quietly disable part of a policy.
 */
import type { FieldPath, JsonValue } from "../../../manifests/types.js";
import type { ParameterError } from "../../types.js";
import { isObject } from "./json.js";

export type Schema =
  | { type: "string"; enum?: readonly string[] }
  | { type: "boolean" }
  | { type: "integer" }
  | { type: "number" }
  | { type: "array"; items: Schema }
  | ObjectSchema;

export interface ObjectSchema {
  type: "object";
  properties: Readonly<Record<string, Schema>>;
  /**
   * Keys that must be present. The upstream schemas declare none; a key is listed here only where
   * its absence makes the upstream Rego silently report nothing, so a constraint that could never
   * fire is rejected instead of passing everything.
   */
  required?: readonly string[];
}

export const str = (values?: readonly string[]): Schema => (values ? { type: "string", enum: values } : { type: "string" });
export const bool: Schema = { type: "boolean" };
export const int: Schema = { type: "integer" };
export const num: Schema = { type: "number" };
export const arrayOf = (items: Schema): Schema => ({ type: "array", items });
export const obj = (properties: Record<string, Schema>, required?: readonly string[]): ObjectSchema =>
  required ? { type: "object", properties, required } : { type: "object", properties };

/** The library's shared `exemptImages` parameter. */
export const exemptImages: Schema = arrayOf(str());

/** What a value of the schema looks like, for error messages. */
export function describe(schema: Schema): string {
  switch (schema.type) {
    case "string":
      return schema.enum ? `one of ${schema.enum.map((v) => JSON.stringify(v)).join(", ")}` : "a string";
    case "boolean":
      return "a boolean (true or false)";
    case "integer":
      return "an integer";
    case "number":
      return "a number";
    case "array":
      if (schema.items.type === "string" && schema.items.enum) {
        return `a list of strings, each one of ${schema.items.enum.map((v) => JSON.stringify(v)).join(", ")}`;
      }
      return `a list of ${plural(describe(schema.items))}`;
    case "object": {
      const keys = Object.keys(schema.properties);
      return keys.length === 0 ? "an object" : `an object with keys ${keys.join(", ")}`;
    }
  }
}

/** `parameters` absent or `null` is validated as an empty object. */
export function validate(schema: Schema, value: JsonValue | undefined, path: FieldPath = []): ParameterError[] {
  switch (schema.type) {
    case "string":
      if (typeof value !== "string") return [mismatch(schema, value, path)];
      if (schema.enum && !schema.enum.includes(value)) return [mismatch(schema, value, path)];
      return [];
    case "boolean":
      return typeof value === "boolean" ? [] : [mismatch(schema, value, path)];
    case "integer":
      return typeof value === "number" && Number.isInteger(value) ? [] : [mismatch(schema, value, path)];
    case "number":
      return typeof value === "number" && Number.isFinite(value) ? [] : [mismatch(schema, value, path)];
    case "array":
      if (!Array.isArray(value)) return [mismatch(schema, value, path)];
      return value.flatMap((item, index) => validate(schema.items, item, [...path, index]));
    case "object": {
      if (!isObject(value)) return [mismatch(schema, value, path)];
      const errors: ParameterError[] = [];
      for (const key of schema.required ?? []) {
        if (!Object.hasOwn(value, key)) {
          errors.push({ path: [...path, key], message: `missing required parameter ${name([...path, key])}: expected ${describe(schema.properties[key] as Schema)}` });
        }
      }
      for (const [key, item] of Object.entries(value)) {
        const property = schema.properties[key];
        if (!Object.hasOwn(schema.properties, key) || !property) {
          const known = Object.keys(schema.properties);
          errors.push({
            path: [...path, key],
            message: `unknown parameter ${name([...path, key])}` + (known.length ? `; expected one of: ${known.join(", ")}` : "; this kind takes no parameters"),
          });
          continue;
        }
        errors.push(...validate(property, item, [...path, key]));
      }
      return errors;
    }
  }
}

function mismatch(schema: Schema, value: JsonValue | undefined, path: FieldPath): ParameterError {
  const where = path.length ? `parameter ${name(path)}` : "parameters";
  return { path, message: `${where} must be ${describe(schema)}, got ${shown(value)}` };
}

function name(path: FieldPath): string {
  return path.map((step, i) => (typeof step === "number" ? `[${step}]` : i === 0 ? step : `.${step}`)).join("");
}

function shown(value: JsonValue | undefined): string {
  if (value === undefined) return "nothing";
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "an object";
  return `${typeof value} ${JSON.stringify(value)}`;
}

function plural(description: string): string {
  return description.replace(/^an? /, "").replace(/^(string|boolean|integer|number|object)/, "$1s");
}
