/**
 * The reader for our own YAML documents (org and repo config, PolicyException, the envelope of policy
 * documents, PodSecurity parameters, the Pod Security admission configuration): one document read
 * with the project's YAML reader, so every problem has a file, line and column, and validated against
 * a schema (schema.ts) or field by field (the config's keys, globs, durations). Every problem is one
 * `InputError` with a stable `code` (codes.ts) and, for a likely typo, a `suggestion`. Unknown keys
 * are errors: a typo'd key that is silently ignored would quietly weaken the gate.
 */
import { isObject } from "../manifests/json.js";
import type { FieldPath, InputError, JsonObject, JsonValue, SourceDocument } from "../manifests/types.js";
import { parseDocuments } from "../manifests/yaml.js";
import { closest } from "../text/suggest.js";
import type { ProblemCode } from "./codes.js";
import { hint, unknownKey, validate, type Schema, type ValidateOptions } from "./schema.js";

export type { ProblemCode } from "./codes.js";

/** Every changed file is matched against every glob: a bound keeps a document from making that the bottleneck. */
export const MAX_GLOBS = 200;
const MAX_GLOB_LENGTH = 500;

export class DocumentReader {
  readonly problems: InputError[] = [];
  /** The document's top-level mapping; undefined for an empty document or one that is not a mapping. */
  root: JsonObject | undefined;
  private document: SourceDocument | undefined;

  private constructor(
    private readonly file: string,
    /** What the document is called in messages ("the config"). */
    private readonly noun: string,
  ) {}

  /** Reads one YAML document; more than one, or a root that is not a mapping, is a problem. */
  static open(file: string, content: string | Uint8Array, noun: string): DocumentReader {
    const reader = new DocumentReader(file, noun);
    const parsed = parseDocuments(file, content);
    for (const error of parsed.errors)
      reader.problems.push({ file, line: error.line, column: error.column, message: error.message, code: "yaml-syntax" });
    const documents = parsed.documents.filter((document) => document.value !== null);
    if (documents.length > 1) {
      const at = (documents[1] as SourceDocument).locate([]);
      reader.problems.push({
        file,
        line: at.line,
        column: at.column,
        message: `${noun} must be a single YAML document; remove the extra \`---\` document`,
        code: "multiple-documents",
      });
    }
    if (parsed.errors.length === 0) reader.load(documents[0]);
    return reader;
  }

  /**
   * A document already read from a file of several (policy files); `noun` names its root in messages.
   * Whether the root must be a mapping is the caller's to say (`root` is undefined if it is not).
   */
  static of(file: string, document: SourceDocument, noun: string): DocumentReader {
    const reader = new DocumentReader(file, noun);
    reader.document = document;
    if (isObject(document.value)) reader.root = document.value;
    return reader;
  }

  /**
   * Validates `value` (at `path` in the document) against `schema`; every problem becomes an error.
   * Returns whether the value has the schema's shape, so the caller may read it as typed data.
   */
  check(schema: Schema, value: JsonValue | undefined, path: FieldPath = [], options: Omit<ValidateOptions, "at"> = {}): boolean {
    const problems = validate(schema, value, { subject: this.noun, ...options, at: path });
    for (const problem of problems) this.fail(problem.path, problem.message, problem.code, problem.suggestion);
    return problems.length === 0;
  }

  private load(document: SourceDocument | undefined): void {
    this.document = document;
    if (!document || document.value === null) return; // an empty document: all defaults
    if (!isObject(document.value))
      this.fail([], `${this.noun} must be a mapping (key: value), see the README's configuration reference`, "not-a-mapping");
    else this.root = document.value;
  }

  locate(path: FieldPath): { line: number; column: number } {
    return this.document ? this.document.locate(path) : { line: 1, column: 1 };
  }

  fail(path: FieldPath, message: string, code: ProblemCode = "invalid-value", suggestion?: string): void {
    const at = this.locate(path);
    this.problems.push({
      file: this.file,
      line: at.line,
      column: at.column,
      message,
      code,
      ...(suggestion !== undefined ? { suggestion } : {}),
    });
  }

  keys(object: JsonObject, at: FieldPath, allowed: readonly string[]): void {
    for (const key of Object.keys(object)) {
      if (allowed.includes(key)) continue;
      const problem = unknownKey(key, at.length === 0 ? this.noun : at.join("."), allowed, "key");
      this.fail([...at, key], problem.message, "unknown-key", problem.suggestion);
    }
  }

  mapping(parent: JsonObject, path: FieldPath): JsonObject | undefined {
    const value = parent[last(path)];
    if (value === undefined || value === null) return undefined;
    if (isObject(value)) return value;
    this.fail(path, `${path.join(".")} must be a mapping`, "wrong-type");
    return undefined;
  }

  string(parent: JsonObject, path: FieldPath): string | undefined {
    const value = parent[last(path)];
    if (value === undefined || value === null) return undefined;
    if (typeof value === "string") return value;
    this.fail(path, `${path.join(".")} must be a string (quote it)`, "wrong-type");
    return undefined;
  }

  boolean(parent: JsonObject, path: FieldPath): boolean | undefined {
    const value = parent[last(path)];
    if (value === undefined || value === null) return undefined;
    if (typeof value === "boolean") return value;
    this.fail(path, `${path.join(".")} must be true or false`, "wrong-type");
    return undefined;
  }

  choice<T extends string>(parent: JsonObject, path: FieldPath, allowed: readonly T[]): T | undefined {
    const value = parent[last(path)];
    if (value === undefined || value === null) return undefined;
    if (typeof value === "string" && (allowed as readonly string[]).includes(value)) return value as T;
    const suggestion = typeof value === "string" ? closest(value, allowed) : undefined;
    this.fail(
      path,
      `${path.join(".")} must be one of ${allowed.join(", ")}, not ${JSON.stringify(value)}${hint(suggestion)}`,
      "not-one-of",
      suggestion,
    );
    return undefined;
  }

  strings(parent: JsonObject, path: FieldPath): string[] | undefined {
    const value = parent[last(path)];
    if (value === undefined || value === null) return undefined;
    if (Array.isArray(value) && value.every((item): item is string => typeof item === "string" && item !== "")) return value;
    this.fail(path, `${path.join(".")} must be a list of non-empty strings`, "wrong-type");
    return undefined;
  }

  /** Repository-relative minimatch globs. */
  globs(parent: JsonObject, path: FieldPath): string[] | undefined {
    const globs = this.strings(parent, path);
    if (!globs) return undefined;
    if (globs.length > MAX_GLOBS) {
      this.fail(
        path,
        `${path.join(".")} lists ${globs.length} globs; at most ${MAX_GLOBS} are allowed (use ** patterns to cover folders)`,
        "too-many",
      );
      return undefined;
    }
    globs.forEach((glob, index) => {
      if (glob.length > MAX_GLOB_LENGTH) return this.fail([...path, index], `a glob may be at most ${MAX_GLOB_LENGTH} characters long`);
      if (glob.startsWith("/") || glob.startsWith("./"))
        this.fail([...path, index], `glob "${glob}" must be relative to the repository root, without a leading "/" or "./"`);
      else if (glob.startsWith("!"))
        this.fail([...path, index], `glob "${glob}": negation is not supported here; use manifests.exclude (org config) instead`);
    });
    return globs;
  }

  /** `14d`, `2w`, `36h`, in milliseconds. */
  duration(parent: JsonObject, path: FieldPath): number | undefined {
    const value = parent[last(path)];
    if (value === undefined || value === null) return undefined;
    const match = typeof value === "string" ? /^(\d{1,4})([hdw])$/.exec(value.trim()) : null;
    const amount = match ? Number(match[1]) : 0;
    if (!match || amount <= 0) {
      this.fail(path, `${path.join(".")} must be a duration like 14d, 2w or 36h, not ${JSON.stringify(value)}`);
      return undefined;
    }
    const unit = { h: 3_600_000, d: 86_400_000, w: 604_800_000 }[match[2] as "h" | "d" | "w"];
    return amount * unit;
  }
}

function last(path: FieldPath): string {
  return String(path[path.length - 1]);
}
