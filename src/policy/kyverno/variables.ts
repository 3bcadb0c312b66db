/**
 * `{{ ... }}` variable substitution (kyverno pkg/engine/variables): each variable is a JMESPath query
 * over the rule's context (`request.object`, `element`, context entries ...). A string that is exactly
 * one variable takes the value's type; inside a longer string the value is spliced in (non-strings as
 * JSON). `\{{` escapes a literal `{{`. `{{- x }}` substitutes once without resolving braces in the value.
 */
import type { JsonObject, JsonValue, PathSegment } from "../../manifests/types.js";
import { query } from "./jmespath.js";

const VARIABLE = /(^|[^\\])(\{\{(?:\{[^{}]*\}|[^{}])*\}\})/g;
/** Substitution resolves variables that a value brings in; this bounds a value that refers to itself. */
const MAX_ROUNDS = 16;

export function hasVariables(text: string): boolean {
  VARIABLE.lastIndex = 0;
  return VARIABLE.test(text);
}

/** Whether a policy's pattern or condition holds any variable; policy documents never change, so it is found once. */
const holdsVariables = new WeakMap<object, boolean>();

function anyVariables(document: object): boolean {
  let holds = holdsVariables.get(document);
  if (holds === undefined) {
    holds = JSON.stringify(document).includes("{{");
    holdsVariables.set(document, holds);
  }
  return holds;
}

/** Substitutes in every string leaf and map key of `document`. `path` is where `document` sits, for `{{@}}`. */
export function substituteAll(document: JsonValue, context: JsonObject, path: readonly PathSegment[] = []): JsonValue {
  if (typeof document === "string") return substituteString(document, context, path);
  if (document === null || typeof document !== "object" || !anyVariables(document)) return document;
  if (Array.isArray(document)) return document.map((item, index) => substituteAll(item, context, [...path, index]));
  const result: JsonObject = {};
  for (const [key, value] of Object.entries(document)) {
    const newKey = substituteString(key, context, path);
    result[typeof newKey === "string" ? newKey : JSON.stringify(newKey)] = substituteAll(value, context, [...path, key]);
  }
  return result;
}

export function substituteString(text: string, context: JsonObject, path: readonly PathSegment[] = []): JsonValue {
  if (!text.includes("{{")) return text;
  let value = text;
  let shallow = false;
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const found = variablesIn(value);
    if (found.length === 0 || (round > 0 && shallow)) break;
    for (const match of found) {
      const whole = match[2] as string;
      let expression = whole.slice(2, -2).trim();
      if (expression.startsWith("-")) {
        expression = expression.slice(1).trim();
        shallow = true;
      }
      if (expression === "@") expression = atPath(path);
      const resolved = query(expression, context);
      if (value === whole) return resolved;
      let replacement = typeof resolved === "string" ? resolved : JSON.stringify(resolved);
      if (shallow && typeof resolved === "string") replacement = replacement.replaceAll("{{", "\\{{");
      value = value.replace(whole, () => replacement);
    }
  }
  return value.replaceAll("\\{{", "{{");
}

/** Every `{{ }}` of `text`, collected before any is resolved (a query may substitute in turn). */
function variablesIn(text: string): RegExpExecArray[] {
  const found: RegExpExecArray[] = [];
  VARIABLE.lastIndex = 0;
  for (let match = VARIABLE.exec(text); match !== null; match = VARIABLE.exec(text)) found.push(match);
  return found;
}

/** `{{@}}` is the value at the same place in the resource as the pattern leaf that holds it. */
function atPath(path: readonly PathSegment[]): string {
  const segments = path.map((segment) => (typeof segment === "number" ? `[${segment}]` : `"${segment.replaceAll('"', '\\"')}"`));
  return ["request", "object", ...segments].join(".").replace(/\.\[/g, "[");
}
