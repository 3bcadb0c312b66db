/**
 * The subset of OpenAPI v3 that the library's templates use for `spec.parameters`
 * (`openAPIV3Schema` in each template.yaml), written in the document reader's schema language
 * (src/documents/schema.ts), which validates it like every other document of ours. Unlike the API
 * server, which prunes unknown fields silently, an unknown parameter is an error: a typo
 * (`exemptImage`) would otherwise quietly disable part of a policy.
 */
import type { ObjectSchema, Schema } from "../../../documents/schema.js";

export type { ObjectSchema, Schema } from "../../../documents/schema.js";

export const str = (values?: readonly string[]): Schema => (values ? { type: "string", enum: values } : { type: "string" });
export const bool: Schema = { type: "boolean" };
export const int: Schema = { type: "integer" };
export const num: Schema = { type: "number" };
export const arrayOf = (items: Schema): Schema => ({ type: "array", items });
/**
 * `required` keys: the upstream schemas declare none; a key is listed only where its absence makes the
 * upstream Rego silently report nothing, so a constraint that could never fire is rejected instead.
 */
export const obj = (properties: Record<string, Schema>, required?: readonly string[]): ObjectSchema =>
  required ? { type: "object", properties, required } : { type: "object", properties };

/** The library's shared `exemptImages` parameter. */
export const exemptImages: Schema = arrayOf(str());
