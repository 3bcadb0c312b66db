/**
 * Parsed YAML files shared between renders. Roots of one repository share bases and components
 * (20 overlays of one base read the base 20 times); parsing each file once per content serves them
 * all. Parsed values are never mutated by a render (resources are copies), so sharing is safe.
 */
import type { ScalarDialect } from "../../manifests/scalars.js";
import { parseDocuments } from "../../manifests/yaml.js";
import type { JsonValue, SourceRange } from "../../manifests/types.js";
import { KustomizeError } from "./errors.js";
import { isCollection, markBareNulls, tagTree, type SourceFile } from "./provenance.js";

export interface ParsedSource {
  source: SourceFile;
  /** One value per document (null for an empty one), every collection tagged with its place. */
  documents: JsonValue[];
}

interface Entry {
  content: Uint8Array | string;
  parsed: ParsedSource | KustomizeError;
}

const firstLine: SourceRange = { line: 1, column: 1, endLine: 1, endColumn: 1 };

function sameContent(a: Uint8Array | string, b: Uint8Array | string): boolean {
  if (a === b) return true;
  if (typeof a === "string" || typeof b === "string") return false;
  return (
    a.byteLength === b.byteLength &&
    Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength))
  );
}

function hasNull(value: JsonValue): boolean {
  if (value === null) return true;
  if (!isCollection(value)) return false;
  if (Array.isArray(value)) return value.some(hasNull);
  for (const key in value) if (hasNull(value[key] as JsonValue)) return true;
  return false;
}

function textOf(content: Uint8Array | string): string {
  return typeof content === "string" ? content : new TextDecoder().decode(content);
}

export class ParseCache {
  private readonly entries = new Map<string, Entry>();

  /**
   * The file parsed and tagged; a YAML error becomes a KustomizeError naming `feature`. Scalars read
   * as kustomize keeps them, except where kustomize itself converts with sigs.k8s.io/yaml (JSON 6902
   * patches): `dialect` "kubernetes".
   */
  parse(path: string, content: Uint8Array | string, feature: string, dialect: ScalarDialect = "kustomize"): ParsedSource {
    const key = dialect === "kustomize" ? path : `${dialect}:${path}`;
    const cached = this.entries.get(key);
    let parsed: ParsedSource | KustomizeError;
    if (cached && sameContent(cached.content, content)) parsed = cached.parsed;
    else {
      parsed = parseTagged(path, content, dialect);
      this.entries.set(key, { content, parsed });
    }
    if (parsed instanceof KustomizeError) {
      throw new KustomizeError(parsed.file, parsed.line, parsed.column, feature, parsed.message);
    }
    return parsed;
  }
}

function parseTagged(path: string, content: Uint8Array | string, dialect: ScalarDialect): ParsedSource | KustomizeError {
  const result = parseDocuments(path, content, undefined, dialect);
  const problem = result.errors[0];
  if (problem) return new KustomizeError(path, problem.line, problem.column, "yaml", problem.message);
  const documents: JsonValue[] = [];
  let source: SourceFile = { file: path, locate: () => firstLine };
  let lines: string[] | undefined;
  for (const document of result.documents) {
    source = { file: path, locate: document.locate, document: document.index };
    tagTree(document.value, { source, path: [] });
    // Only files with nulls pay for this: kustomize drops `key:` (no value) but keeps `key: null`.
    if (hasNull(document.value)) markBareNulls(document.value, source, (lines ??= textOf(content).split(/\r?\n|\r/)));
    documents.push(document.value);
  }
  return { source, documents };
}
