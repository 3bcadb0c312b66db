/** Small helpers shared by the manifest tests. */
import { parseDocuments } from "../../src/manifests/yaml.js";
import type { JsonValue, SourceDocument } from "../../src/manifests/types.js";

/** A YAML text from its lines, so that line numbers in a test are easy to read off. */
export const lines = (...text: string[]): string => `${text.join("\n")}\n`;

/** The single document of a text that must parse cleanly. */
export function onlyDocument(text: string | Uint8Array): SourceDocument {
  const parsed = parseDocuments("test.yaml", text);
  if (parsed.errors.length > 0) throw new Error(`unexpected errors: ${JSON.stringify(parsed.errors)}`);
  if (parsed.documents.length !== 1) throw new Error(`expected one document, got ${parsed.documents.length}`);
  return parsed.documents[0] as SourceDocument;
}

/** The value of `v` in `v: <scalar>`. */
export function valueOf(scalar: string): JsonValue | undefined {
  const value = onlyDocument(`v: ${scalar}\n`).value;
  return typeof value === "object" && value !== null && !Array.isArray(value) ? value["v"] : undefined;
}

/** The errors of a text, as "line:column message". */
export function errorsOf(text: string | Uint8Array, file = "test.yaml"): string[] {
  return parseDocuments(file, text).errors.map((error) => `${error.line}:${error.column} ${error.message}`);
}
