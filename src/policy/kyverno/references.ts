/**
 * `$(...)` references in a `pattern` or `anyPattern` (kyverno pkg/engine/variables, substituteReferences):
 * a string value or map key may take another value of the same pattern, named by a path that is
 * absolute (`/spec/replicas`) or relative to where the reference is written (`./../../limits/memory`),
 * optionally after an operator: `memory: "$(<=./../../limits/memory)"` with `limits: {memory: 2Gi}`
 * becomes `"<=2Gi"`. The document is the policy's pattern, never the resource, so references resolve
 * once per pattern, before `{{ }}` variables. `\$(...)` is a literal `$(...)`.
 *
 * Kyverno's wording is kept for what fails (a path that names nothing, a value that is not a string),
 * since those messages are what its users search for; a failure is a rule error, never a pass.
 */
import type { JsonObject, JsonValue } from "../../manifests/types.js";
import { parseAnchor } from "./anchor.js";
import { goCleanPath, goTrim } from "./go-text.js";
import { operatorOf } from "./value-pattern.js";

/** A reference at the start of a string, or after any character but a backslash (which escapes it). */
const REFERENCE = /^\$\(.[^ ]*\)|[^\\]\$\(.[^ ]*\)/g;
const ESCAPED_REFERENCE = /\\\$\(.[^ )]*\)/g;

export class ReferenceError extends Error {}

/** Whether a policy document holds a `$(...)` reference in a string value or key (found once per document). */
export function holdsReference(document: JsonValue): boolean {
  if (document === null || typeof document !== "object") return typeof document === "string" && hasReference(document);
  let holds = withReferences.get(document);
  if (holds === undefined) {
    const text = JSON.stringify(document);
    holds = text.includes("$(") && anyString(document, hasReference);
    withReferences.set(document, holds);
  }
  return holds;
}

const withReferences = new WeakMap<object, boolean>();

function hasReference(text: string): boolean {
  REFERENCE.lastIndex = 0;
  return REFERENCE.test(text);
}

function anyString(value: JsonValue, test: (text: string) => boolean): boolean {
  if (typeof value === "string") return test(value);
  if (value === null || typeof value !== "object") return false;
  if (Array.isArray(value)) return value.some((item) => anyString(item, test));
  return Object.entries(value).some(([key, item]) => test(key) || anyString(item, test));
}

/** Patterns never change: each one's references are resolved once. */
const resolved = new WeakMap<object, { value: JsonValue } | { error: string }>();

/** The pattern with its references replaced; throws ReferenceError when one cannot be resolved. */
export function substituteReferences(document: JsonValue): JsonValue {
  if (document === null || typeof document !== "object") return substituteDocument(document);
  let result = resolved.get(document);
  if (!result) {
    try {
      result = { value: JSON.stringify(document).includes("$(") ? substituteDocument(document) : document };
    } catch (error) {
      if (!(error instanceof ReferenceError)) throw error;
      result = { error: error.message };
    }
    resolved.set(document, result);
  }
  if ("error" in result) throw new ReferenceError(result.error);
  return result.value;
}

function substituteDocument(document: JsonValue): JsonValue {
  const walk = (value: JsonValue, at: string): JsonValue => {
    if (typeof value === "string") return substituteText(document, value, at);
    if (value === null || typeof value !== "object") return value;
    if (Array.isArray(value)) return value.map((item, index) => walk(item, `${at}/${index}`));
    const result: JsonObject = {};
    for (const [key, item] of Object.entries(value)) {
      // A key is resolved at its map's path, its value at the key's (a `/` in a key is escaped, as upstream).
      const newKey = substituteText(document, key, at);
      result[newKey] = walk(item, `${at}/${key.replaceAll("/", "\\/")}`);
    }
    return result;
  };
  return walk(document, "");
}

function substituteText(document: JsonValue, text: string, at: string): string {
  if (!text.includes("$(")) return text;
  let value = text;
  for (const found of text.match(REFERENCE) ?? []) {
    const initial = found.startsWith("$(");
    const reference = initial ? found : found.slice(1);
    const replacement = resolveReference(document, reference, at);
    if (replacement === undefined || replacement === null)
      throw new ReferenceError(`got nil resolved variable ${reference} at path ${at}: <nil>`);
    if (typeof replacement !== "string")
      throw new ReferenceError(`NotResolvedReferenceErr,reference ${reference} not resolved at path ${at}`);
    value = value.replace(found, () => (initial ? "" : found.charAt(0)) + replacement);
  }
  return value.replace(ESCAPED_REFERENCE, (escaped) => escaped.slice(1));
}

/** The referenced value: raw without an operator, else the operator and the value as text. */
function resolveReference(document: JsonValue, reference: string, at: string): JsonValue | undefined {
  const fail = (why: string): never => {
    throw new ReferenceError(`failed to resolve ${reference} at path ${at}: ${why}`);
  };
  let target = goTrim(reference, "$()");
  const operator = operatorOf(target);
  target = target.slice(operator.length);
  if (target === "") fail("expected path, found empty reference");
  // An absolute path is taken as written; a relative one is joined to where the reference is.
  const absolute = target.startsWith("/") ? target : joinPath([at, target]);
  const value = valueAt(document, absolute);
  if (operator === "") return value;
  if (typeof value === "string") return operator + value;
  // Kyverno reads the policy as JSON, so every number is a float64, printed with `%f`.
  if (typeof value === "number") return operator + value.toFixed(6);
  return fail(
    `incorrect expression: operator ${operator} does not match with value ${value === undefined ? "<nil>" : JSON.stringify(value)}`,
  );
}

/**
 * The string value or map key whose path, without anchors, is `target` (the last one in document
 * order): upstream looks only at leaves and keys, so a reference to a map or list names nothing here.
 */
function valueAt(document: JsonValue, target: string): JsonValue | undefined {
  let found: JsonValue | undefined;
  const visit = (value: JsonValue, at: string): void => {
    if (value === null || typeof value !== "object") {
      if (withoutAnchors(at) === target) found = value;
      return;
    }
    if (Array.isArray(value)) {
      value.forEach((item, index) => visit(item, `${at}/${index}`));
      return;
    }
    for (const [key, item] of Object.entries(value)) {
      if (withoutAnchors(at) === target) found = key;
      visit(item, `${at}/${key.replaceAll("/", "\\/")}`);
    }
  };
  visit(document, "");
  return found;
}

/** kyverno's RemoveAnchorsFromPath: each segment's anchor dropped (`=(containers)` is `containers`). */
function withoutAnchors(at: string): string {
  const parts = at.split("/");
  if (parts[0] === "") parts.shift();
  const joined = joinPath(parts.map((part) => parseAnchor(part)?.key ?? part));
  return at.startsWith("/") ? `/${joined}` : joined;
}

/** Go's `path.Join`: the non-empty parts, cleaned; "" when there are none. */
function joinPath(parts: readonly string[]): string {
  const nonEmpty = parts.filter((part) => part !== "");
  return nonEmpty.length === 0 ? "" : goCleanPath(nonEmpty.join("/"));
}
