/**
 * One validate rule (or one `foreach` level of it) judged against a request, ported from kyverno
 * pkg/engine/handlers/validation/validate_resource.go: load the pure `context` entries, check
 * `preconditions` (false: skip), then `deny.conditions`, `pattern`/`anyPattern` or `foreach`.
 */
import type { JsonObject, JsonValue, PathSegment } from "../../manifests/types.js";
import { evaluateConditions } from "./conditions.js";
import { loadContextEntries } from "./context-entries.js";
import { MISSING, NotEvaluableError, queryUnlessMissing, QueryError } from "./jmespath.js";
import { anyPatternMessage, denyMessage, patternMessage } from "./messages.js";
import { matchPattern } from "./pattern.js";
import type { RuleOutcome, Scope } from "./scope.js";
import { substituteReferences } from "./references.js";
import { pathOf } from "./request-context.js";
import { substituteAll } from "./variables.js";
import { isObject } from "../../manifests/json.js";
import { joinNonEmpty } from "./lists.js";

/** A validator level: the rule's `validate` block, or one `foreach` entry. */
export interface ValidationBlock {
  context?: JsonValue;
  preconditions?: JsonValue;
  deny?: JsonValue;
  pattern?: JsonValue;
  anyPattern?: JsonValue;
  foreach?: JsonValue;
}

export function validate(block: ValidationBlock, scope: Scope): RuleOutcome | undefined {
  let context: JsonObject;
  try {
    context = loadContextEntries(block.context, scope.context);
  } catch (error) {
    return errorOutcome("failed to load context", error);
  }
  const inner: Scope = context === scope.context ? scope : { ...scope, context };
  let preconditions;
  try {
    preconditions = evaluateConditions(block.preconditions, context);
  } catch (error) {
    return errorOutcome("failed to evaluate preconditions", error);
  }
  if (!preconditions.holds)
    return { status: "skip", message: joinNonEmpty(["preconditions not met", preconditions.message], "; "), path: [] };

  if (block.deny !== undefined && block.deny !== null) return validateDeny(block.deny, inner);
  if (block.pattern !== undefined && block.pattern !== null) return validatePattern(block.pattern, inner);
  if (block.anyPattern !== undefined && block.anyPattern !== null) return validateAnyPattern(block.anyPattern, inner);
  if (Array.isArray(block.foreach)) return validateForEach(block.foreach, inner);
  return undefined;
}

function validateDeny(deny: JsonValue, scope: Scope): RuleOutcome {
  const conditions = isObject(deny) ? deny["conditions"] : undefined;
  let result;
  try {
    result = evaluateConditions(conditions, scope.context);
  } catch (error) {
    return errorOutcome("failed to check deny conditions", error);
  }
  if (!result.holds) return { status: "pass", message: `validation rule '${scope.ruleName}' passed.`, path: [] };
  return { status: "fail", message: denyMessage(scope, result.message), path: scope.element?.path() ?? [] };
}

/** The resource a pattern judges: the `foreach` element when it is scoped, else the object. */
function patternTarget(scope: Scope): { resource: JsonObject; base: () => PathSegment[] } {
  const { element } = scope;
  if (element) return { resource: element.value, base: () => element.path() ?? [] };
  return { resource: scope.object, base: () => [] };
}

function substitutePattern(pattern: JsonValue, scope: Scope): { pattern: JsonValue } | { outcome: RuleOutcome } {
  try {
    // As upstream: `$(...)` references within the pattern first, then `{{ }}` variables.
    return { pattern: substituteAll(substituteReferences(pattern), scope.context) };
  } catch (error) {
    return { outcome: errorOutcome("variable substitution failed", error) };
  }
}

function validatePattern(rawPattern: JsonValue, scope: Scope): RuleOutcome {
  const substituted = substitutePattern(rawPattern, scope);
  if ("outcome" in substituted) return substituted.outcome;
  const { pattern } = substituted;
  const { resource, base } = patternTarget(scope);
  const result = matchPattern(resource, pattern);
  if (result.status === "pass") return { status: "pass", message: `validation rule '${scope.ruleName}' passed.`, path: [] };
  if (result.status === "skip") return { status: "skip", message: result.message, path: [] };
  return { status: "fail", message: patternMessage(scope, result.message, result.path), path: [...base(), ...result.path] };
}

function validateAnyPattern(rawPatterns: JsonValue, scope: Scope): RuleOutcome {
  const substituted = substitutePattern(rawPatterns, scope);
  if ("outcome" in substituted) return substituted.outcome;
  const patterns = substituted.pattern;
  if (!Array.isArray(patterns)) return errorOutcome("failed to deserialize anyPattern, expected type array");
  const { resource, base } = patternTarget(scope);
  const failed: string[] = [];
  const skipped: string[] = [];
  let firstFailure: PathSegment[] | undefined;
  for (const [index, pattern] of patterns.entries()) {
    const result = matchPattern(resource, pattern);
    if (result.status === "pass")
      return { status: "pass", message: `validation rule '${scope.ruleName}' anyPattern[${index}] passed.`, path: [] };
    if (result.status === "skip") skipped.push(`rule ${scope.ruleName}[${index}] skipped: ${result.message}`);
    else {
      firstFailure ??= result.path;
      failed.push(
        result.path.length === 0
          ? `rule ${scope.ruleName}[${index}] failed: ${result.message}`
          : `rule ${scope.ruleName}[${index}] failed at path ${pathText(result.path)}`,
      );
    }
  }
  if (failed.length === 0 && skipped.length > 0) return { status: "skip", message: skipped.join(" "), path: [] };
  if (failed.length > 0) return { status: "fail", message: anyPatternMessage(scope, failed), path: [...base(), ...(firstFailure ?? [])] };
  return { status: "pass", message: scope.message ?? "", path: [] };
}

function validateForEach(entries: JsonValue[], scope: Scope): RuleOutcome | undefined {
  let applied = 0;
  let listError: string | undefined;
  for (const entry of entries) {
    if (!isObject(entry)) continue;
    let listed: JsonValue;
    try {
      const found = queryUnlessMissing(String(entry["list"] ?? ""), scope.context);
      // A list through an absent field is an optional field: upstream skips that foreach.
      if (found === MISSING) continue;
      listed = found;
    } catch (error) {
      if (error instanceof NotEvaluableError) throw error;
      if (error instanceof QueryError && error.message.includes("Unknown key")) continue;
      listError = messageOf(error);
      continue;
    }
    const elements = Array.isArray(listed) ? listed : [listed];
    const listPath = (): PathSegment[] | undefined => (Array.isArray(listed) ? pathOf(scope.object, listed) : undefined);
    const result = validateElements(entry, elements, listPath, scope);
    if (result.outcome.status !== "pass") return result.outcome;
    applied += result.applied;
  }
  if (applied === 0) return listError === undefined ? undefined : errorOutcome(`failed to evaluate list: ${listError}`);
  return { status: "pass", message: "rule passed", path: [] };
}

function validateElements(
  entry: JsonObject,
  elements: JsonValue[],
  listPath: () => PathSegment[] | undefined,
  scope: Scope,
): { outcome: RuleOutcome; applied: number } {
  let applied = 0;
  const scoped = entry["elementScope"];
  const block = validationBlockOf(entry);
  const { elementKey, indexKey } = elementKeys(scope.nesting);
  for (let index = 0; index < elements.length; index++) {
    const element = elements[index];
    if (element === null || element === undefined) continue;
    const isMap = isObject(element);
    if (scoped === true && !isMap) {
      return {
        outcome: errorOutcome("failed to process foreach", "cannot use elementScope=true foreach rules for elements that are not maps"),
        applied,
      };
    }
    // Runs once per list item of every matched object: a copy with named keys added keeps the
    // context a fast (non-dictionary) object, where a spread with computed keys would not.
    const context: JsonObject = Object.assign({}, scope.context);
    context["element"] = element;
    context[elementKey] = element;
    context["elementIndex"] = index;
    context[indexKey] = index;
    const inScope = scoped === undefined || scoped === null ? isMap : scoped === true;
    // Where the element sits: found by identity for maps, or as an item of a list that sits in the object.
    const elementPath = (): PathSegment[] | undefined =>
      (isMap ? pathOf(scope.object, element) : undefined) ?? mapOptional(listPath(), (path) => [...path, index]);
    const elementScope: Scope = {
      ruleName: scope.ruleName,
      message: scope.message,
      context,
      object: scope.object,
      element: inScope && isMap ? { value: element, path: elementPath } : scope.element,
      nesting: scope.nesting + 1,
    };
    const outcome = validate(block, elementScope);
    if (!outcome || outcome.status === "skip") continue;
    if (outcome.status === "error" && outcome.message.includes("failed to evaluate preconditions")) continue;
    if (outcome.status !== "pass") {
      const path = outcome.path.length > 0 ? outcome.path : (elementPath() ?? []);
      return { outcome: { status: outcome.status, message: `validation failure: ${outcome.message}`, path }, applied };
    }
    applied++;
  }
  return { outcome: { status: "pass", message: "", path: [] }, applied };
}

/** Policies never change: the validator's view of each rule and `foreach` entry is made once. */
const blocks = new WeakMap<JsonObject, ValidationBlock>();

/**
 * The validator's view: `context` and `preconditions` of `outer`, the rest of `body` (a rule and its
 * `validate` block, or one `foreach` entry for both).
 */
export function validationBlockOf(outer: JsonObject, body: JsonObject = outer): ValidationBlock {
  let block = blocks.get(outer);
  if (!block) {
    block = {
      context: outer["context"],
      preconditions: outer["preconditions"],
      deny: body["deny"],
      pattern: body["pattern"],
      anyPattern: body["anyPattern"],
      foreach: body["foreach"],
    };
    blocks.set(outer, block);
  }
  return block;
}

/** `element0`/`elementIndex0` ...: the names of each nesting level's variables, made once per level. */
const ELEMENT_KEYS: { elementKey: string; indexKey: string }[] = [];

function elementKeys(nesting: number): { elementKey: string; indexKey: string } {
  return (ELEMENT_KEYS[nesting] ??= { elementKey: `element${nesting}`, indexKey: `elementIndex${nesting}` });
}

function mapOptional<T, U>(value: T | undefined, map: (value: T) => U): U | undefined {
  return value === undefined ? undefined : map(value);
}

/** A rule error; what a pull request cannot tell (the clock, randomness) is not an error but "not evaluated". */
function errorOutcome(what: string, cause?: unknown): RuleOutcome {
  if (cause instanceof NotEvaluableError) throw cause;
  return { status: "error", message: cause === undefined ? what : `${what}: ${messageOf(cause)}`, path: [] };
}

function pathText(path: readonly PathSegment[]): string {
  return `/${path.map(String).join("/")}/`;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
