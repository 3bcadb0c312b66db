/**
 * `spec.parameters` of our own policy kinds, validated with the document reader's schema language
 * (src/documents/schema.ts): the same messages, codes and suggestions as every other document.
 */
import { validate, type Schema } from "../documents/schema.js";
import type { JsonValue } from "../manifests/types.js";
import type { ParameterError } from "./types.js";

/** Absent or null parameters are validated as an empty mapping, so required ones are reported. */
export function parameterErrors(schema: Schema, parameters: JsonValue | undefined): ParameterError[] {
  return validate(schema, parameters ?? {}, { subject: "parameters", prefix: "parameters", word: "parameter" }).map((problem) => ({
    path: problem.path,
    message: problem.message,
    code: problem.code,
    ...(problem.suggestion !== undefined ? { suggestion: problem.suggestion } : {}),
  }));
}
