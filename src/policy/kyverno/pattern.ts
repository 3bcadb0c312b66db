/**
 * `validate.pattern`: an overlay of the expected shape on the resource, ported from kyverno
 * pkg/engine/validate. Anchors change how a map key is judged (see anchor.ts); a failed condition or
 * global anchor means "the rule does not apply" (skip), not "the resource is wrong". The result names
 * the path where the resource differs, which becomes the finding's line.
 */
import type { JsonObject, JsonValue, PathSegment } from "../../manifests/types.js";
import { parseAnchor, type Anchor } from "./anchor.js";
import { expandMetadataWildcards } from "./pattern-metadata.js";
import { matchesValue } from "./value-pattern.js";
import { isObject } from "../../manifests/json.js";

export type PatternOutcome =
  | { status: "pass" }
  | { status: "skip"; message: string }
  /** `path` is empty when a condition key the pattern relies on is absent everywhere (Kyverno: a rule error). */
  | { status: "fail"; message: string; path: PathSegment[] };

/** An error inside the walk. `skip` errors come from condition/global anchors; `direct` when raised by the anchor itself. */
interface WalkError {
  message: string;
  path: PathSegment[];
  skip: boolean;
  negation: boolean;
  direct: boolean;
}

type Step = WalkError | undefined;

/**
 * The walk's current path as a linked list: extending it costs one small object, and it becomes an
 * array only when an error reports it (most fields match).
 */
type Trail = { readonly up: Trail; readonly segment: PathSegment } | undefined;

function extend(trail: Trail, segment: PathSegment): Trail {
  return { up: trail, segment };
}

function toPath(trail: Trail): PathSegment[] {
  const path: PathSegment[] = [];
  for (let at = trail; at !== undefined; at = at.up) path.push(at.segment);
  return path.reverse();
}

const NEGATION = "negation anchor matched in resource";
const CONDITIONAL = "conditional anchor mismatch";
const GLOBAL = "global anchor mismatch";

export function matchPattern(resource: JsonValue, pattern: JsonValue): PatternOutcome {
  const anchors = new AnchorPresence();
  const error = validateElement(resource, pattern, undefined, anchors);
  if (!error) return { status: "pass" };
  if (error.skip) return { status: "skip", message: error.message };
  if (error.negation) return { status: "fail", message: error.message, path: error.path };
  if (anchors.keysAreMissing()) return { status: "fail", message: error.message, path: [] };
  return { status: "fail", message: error.message, path: error.path };
}

/** Kyverno's path text for messages: `/spec/containers/0/image/`. */
export function patternPathText(path: readonly PathSegment[]): string {
  return `/${path.map(String).join("/")}${path.length > 0 ? "/" : ""}`;
}

function plain(message: string, trail: Trail): WalkError {
  return { message, path: toPath(trail), skip: false, negation: false, direct: false };
}

function anchorError(kind: "conditional" | "global" | "negation", message: string, path: PathSegment[]): WalkError {
  const prefix = kind === "conditional" ? CONDITIONAL : kind === "global" ? GLOBAL : NEGATION;
  return { message: `${prefix}: ${message}`, path, skip: kind !== "negation", negation: kind === "negation", direct: true };
}

function combinedSkip(errors: readonly WalkError[], trail: Trail): WalkError {
  const message = errors.map((error) => error.message).join("; ");
  return { message, path: toPath(trail), skip: true, negation: message.includes(NEGATION), direct: false };
}

function validateElement(resource: JsonValue | undefined, pattern: JsonValue, path: Trail, anchors: AnchorPresence): Step {
  if (isObject(pattern)) {
    if (!isObject(resource)) {
      return plain(
        `pattern and resource have different structures. Path: ${patternPathText(toPath(path))}. Expected map, found ${typeName(resource)}`,
        path,
      );
    }
    anchors.record(pattern, resource);
    return validateMap(resource, pattern, path, anchors);
  }
  if (Array.isArray(pattern)) {
    if (!Array.isArray(resource)) {
      return plain(
        `validation rule failed at path ${patternPathText(toPath(path))}, resource does not satisfy the expected overlay pattern`,
        path,
      );
    }
    return validateArray(resource, pattern, path, anchors);
  }
  const mismatch = (): WalkError =>
    plain(`resource value '${describe(resource)}' does not match '${describe(pattern)}' at path ${patternPathText(toPath(path))}`, path);
  if (Array.isArray(resource)) return resource.every((item) => matchesValue(item, pattern)) ? undefined : mismatch();
  return matchesValue(resource, pattern) ? undefined : mismatch();
}

/** The order a pattern map's keys are judged in: anchors (sorted), then plain keys (see orderPlainKeys). */
interface KeyOrder {
  anchored: string[];
  plain: string[];
}

/** Patterns never change: each map's key order is found once. */
const keyOrders = new WeakMap<JsonObject, KeyOrder>();

function keyOrderOf(pattern: JsonObject): KeyOrder {
  let order = keyOrders.get(pattern);
  if (!order) {
    const anchored: string[] = [];
    const plainKeys: string[] = [];
    for (const key of Object.keys(pattern)) {
      const anchor = parseAnchor(key);
      const phaseOne = anchor && anchor.type !== "global" && anchor.type !== "addIfNotPresent";
      (phaseOne ? anchored : plainKeys).push(key);
    }
    anchored.sort();
    order = { anchored, plain: orderPlainKeys(plainKeys, pattern) };
    keyOrders.set(pattern, order);
  }
  return order;
}

function validateMap(resource: JsonObject, rawPattern: JsonObject, path: Trail, anchors: AnchorPresence): Step {
  const pattern = expandMetadataWildcards(rawPattern, resource);
  const { anchored, plain: plainKeys } = keyOrderOf(pattern);

  // Phase 1: the anchors. A failed condition skips; a real failure wins unless a sibling condition skipped.
  const skipErrors: WalkError[] = [];
  let applied = 0;
  for (const key of anchored) {
    const error = handleKey(key, pattern[key] as JsonValue, resource, path, anchors);
    if (error) {
      if (error.skip) {
        skipErrors.push(error);
        continue;
      }
      if (!skipErrors.some((skipError) => skipError.direct)) return error;
      continue;
    }
    applied++;
  }
  if (skipErrors.length > 0 && (applied === 0 || skipErrors.some((skipError) => skipError.direct))) {
    return combinedSkip(skipErrors, path);
  }

  // Phase 2: plain keys, global anchors and keys holding nested anchors first (upstream's order).
  for (const key of plainKeys) {
    const error = handleKey(key, pattern[key] as JsonValue, resource, path, anchors);
    if (error) return error;
  }
  return undefined;
}

function orderPlainKeys(keys: readonly string[], pattern: JsonObject): string[] {
  const front: string[] = [];
  const back: string[] = [];
  for (const key of [...keys].sort()) {
    if (parseAnchor(key)?.type === "global" || hasNestedAnchors(pattern[key] as JsonValue)) front.unshift(key);
    else back.push(key);
  }
  return [...front, ...back];
}

/** Patterns come from policies and never change: whether one holds anchors is found once. */
const nestedAnchors = new WeakMap<object, boolean>();

function hasNestedAnchors(pattern: JsonValue): boolean {
  if (pattern === null || typeof pattern !== "object") return false;
  let holds = nestedAnchors.get(pattern);
  if (holds === undefined) {
    holds = Array.isArray(pattern)
      ? pattern.some(hasNestedAnchors)
      : Object.entries(pattern).some(([key, value]) => parseAnchor(key) !== undefined || hasNestedAnchors(value));
    nestedAnchors.set(pattern, holds);
  }
  return holds;
}

function handleKey(key: string, pattern: JsonValue, resource: JsonObject, path: Trail, anchors: AnchorPresence): Step {
  const anchor = parseAnchor(key);
  if (!anchor || anchor.type === "addIfNotPresent") return handlePlainKey(key, pattern, resource, path, anchors);
  return handleAnchor(anchor, pattern, resource, path, anchors);
}

function handlePlainKey(key: string, pattern: JsonValue, resource: JsonObject, path: Trail, anchors: AnchorPresence): Step {
  const value = resource[key];
  if (pattern === "*")
    return value !== undefined && value !== null ? undefined : plain(`${patternPathText(toPath(path))}/${key} not found`, path);
  return validateElement(value, pattern, extend(path, key), anchors);
}

function handleAnchor(anchor: Anchor, pattern: JsonValue, resource: JsonObject, path: Trail, anchors: AnchorPresence): Step {
  const at = extend(path, anchor.key);
  const present = Object.hasOwn(resource, anchor.key);
  const value = resource[anchor.key];
  switch (anchor.type) {
    case "negation":
      return present ? anchorError("negation", `${patternPathText(toPath(at))} is not allowed`, toPath(at)) : undefined;
    case "equality":
      return present ? validateElement(value, pattern, at, anchors) : undefined;
    case "condition": {
      if (!present) return anchorError("conditional", "conditional anchor key doesn't exist in the resource", toPath(at));
      const error = validateElement(value, pattern, at, anchors);
      return error ? anchorError("conditional", error.message, error.path) : undefined;
    }
    case "global": {
      if (!present) return undefined;
      const error = validateElement(value, pattern, at, anchors);
      return error ? anchorError("global", error.message, error.path) : undefined;
    }
    case "existence":
      return handleExistence(value, present, pattern, at, anchors);
    default:
      return handlePlainKey(anchor.key, pattern, resource, path, anchors);
  }
}

/** `^(key)`: every map in the pattern list must be matched by at least one item of the resource list. */
function handleExistence(value: JsonValue | undefined, present: boolean, pattern: JsonValue, at: Trail, anchors: AnchorPresence): Step {
  if (!present) return undefined;
  if (!Array.isArray(value)) return plain(`invalid resource type: existence ^() anchor can be used only on list/array type resource`, at);
  if (!Array.isArray(pattern)) return plain("invalid pattern type: pattern has to be of list to compare against resource", at);
  for (const item of pattern) {
    if (!isObject(item)) return plain("invalid pattern type: pattern has to be of type map to compare against items in resource", at);
    const found = value.some((element, index) => validateElement(element, item, extend(at, index), anchors) === undefined);
    if (!found) return plain(`existence anchor validation failed at path ${patternPathText(toPath(at))}`, at);
  }
  return undefined;
}

function validateArray(resource: JsonValue[], pattern: JsonValue[], path: Trail, anchors: AnchorPresence): Step {
  if (pattern.length === 0) return plain("pattern Array empty", path);
  const first = pattern[0] as JsonValue;
  if (isObject(first)) return validateArrayOfMaps(resource, first, path, anchors);
  if (!Array.isArray(first)) return validateElement(resource, first, path, anchors);
  if (resource.length < pattern.length) {
    return plain(
      `validate Array failed, array length mismatch, resource Array len is ${resource.length} and pattern Array len is ${pattern.length}`,
      path,
    );
  }
  const skipErrors: WalkError[] = [];
  let applied = 0;
  for (const [index, item] of pattern.entries()) {
    const error = validateElement(resource[index], item, extend(path, index), anchors);
    if (error) {
      if (error.skip) {
        skipErrors.push(error);
        continue;
      }
      return error;
    }
    applied++;
  }
  return applied === 0 && skipErrors.length > 0 ? combinedSkip(skipErrors, path) : undefined;
}

/** Every item of the resource list is judged against the pattern's (first) map; condition anchors skip items. */
function validateArrayOfMaps(resource: JsonValue[], pattern: JsonObject, path: Trail, anchors: AnchorPresence): Step {
  const skipErrors: WalkError[] = [];
  let applied = 0;
  for (const [index, item] of resource.entries()) {
    const error = validateElement(item, pattern, extend(path, index), anchors);
    if (error) {
      if (error.skip) {
        skipErrors.push(error);
        continue;
      }
      return error;
    }
    applied++;
  }
  return applied === 0 && skipErrors.length > 0 ? combinedSkip(skipErrors, path) : undefined;
}

/**
 * Upstream's AnchorMap: whether each condition/existence/negation anchor key was seen in the resource
 * anywhere. A failure while a non-negation anchor key was never present is reported without a path.
 */
class AnchorPresence {
  private readonly seen = new Map<string, boolean>();

  record(pattern: JsonObject, resource: JsonValue): void {
    for (const [key, anchorKey] of recordedAnchors(pattern)) {
      if (this.seen.get(key) === true) continue;
      this.seen.set(key, hasKey(resource, anchorKey));
    }
  }

  keysAreMissing(): boolean {
    for (const [key, seen] of this.seen) {
      if (!seen && parseAnchor(key)?.type !== "negation") return true;
    }
    return false;
  }
}

/** A pattern map's condition, existence and negation anchors (written key, resource key): found once per map. */
const anchorsOfPattern = new WeakMap<JsonObject, readonly [string, string][]>();

function recordedAnchors(pattern: JsonObject): readonly [string, string][] {
  let found = anchorsOfPattern.get(pattern);
  if (!found) {
    found = Object.keys(pattern).flatMap((key): [string, string][] => {
      const anchor = parseAnchor(key);
      return anchor && ["condition", "existence", "negation"].includes(anchor.type) ? [[key, anchor.key]] : [];
    });
    anchorsOfPattern.set(pattern, found);
  }
  return found;
}

function hasKey(resource: JsonValue, key: string): boolean {
  if (Array.isArray(resource)) return resource.some((item) => hasKey(item, key));
  return isObject(resource) && Object.hasOwn(resource, key);
}

function typeName(value: JsonValue | undefined): string {
  if (value === undefined || value === null) return "nil";
  if (Array.isArray(value)) return "list";
  return typeof value === "object" ? "map" : typeof value;
}

function describe(value: JsonValue | undefined): string {
  if (value === undefined || value === null) return "<nil>";
  return typeof value === "object" ? JSON.stringify(value) : String(value);
}
