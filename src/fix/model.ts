/**
 * What a field edit does to the parsed value: the result a text edit must parse back to. The fix
 * engine only keeps a text edit whose re-read document equals this, so a formatting slip can never
 * change anything else.
 */
import type { JsonObject, JsonValue, PathSegment } from "../manifests/types.js";
import type { FieldEdit } from "./types.js";

/** The value after the edit; `value` is not modified. */
export function applyToValue(value: JsonValue, edit: FieldEdit): JsonValue {
  const copy = structuredClone(value);
  switch (edit.op) {
    case "set":
      return setAt(copy, edit.path, edit.value);
    case "remove":
      removeAt(copy, edit.path);
      return copy;
    case "pull": {
      const existing = valueAt(copy, edit.path);
      if (!Array.isArray(existing)) return copy;
      return setAt(
        copy,
        edit.path,
        existing.filter((item) => !deepEqual(item, edit.value)),
      );
    }
    case "append": {
      const existing = valueAt(copy, edit.path);
      if (Array.isArray(existing)) {
        if (!existing.some((item) => deepEqual(item, edit.value))) existing.push(structuredClone(edit.value));
        return copy;
      }
      return setAt(copy, edit.path, [structuredClone(edit.value)]);
    }
  }
}

/** Whether applying the edit changes nothing: a fix that is already in place. */
export function isNoop(value: JsonValue, edit: FieldEdit): boolean {
  return deepEqual(applyToValue(value, edit), value);
}

export function valueAt(value: JsonValue | undefined, path: readonly PathSegment[]): JsonValue | undefined {
  let at: JsonValue | undefined = value;
  for (const segment of path) {
    if (Array.isArray(at) && typeof segment === "number") at = at[segment];
    else if (isObject(at) && typeof segment === "string" && Object.hasOwn(at, segment)) at = at[segment];
    else return undefined;
  }
  return at;
}

function setAt(root: JsonValue, path: readonly PathSegment[], value: JsonValue): JsonValue {
  if (path.length === 0) return mergeInto(root, value);
  const [head, ...rest] = path;
  if (Array.isArray(root) && typeof head === "number" && head < root.length) {
    root[head] = setAt(root[head] as JsonValue, rest, value);
    return root;
  }
  if (isObject(root) && typeof head === "string") {
    const child = Object.hasOwn(root, head) ? (root[head] as JsonValue) : {};
    root[head] = Object.hasOwn(root, head) ? setAt(child, rest, value) : build(rest, value);
    return root;
  }
  throw new Error(`cannot set a field below a ${describe(root)}`);
}

/** A mapping value merges into an existing mapping (keys it does not name stay); anything else replaces. */
function mergeInto(existing: JsonValue, value: JsonValue): JsonValue {
  if (!isObject(existing) || !isObject(value)) return structuredClone(value);
  for (const [key, child] of Object.entries(value))
    existing[key] = Object.hasOwn(existing, key) ? mergeInto(existing[key] as JsonValue, child) : structuredClone(child);
  return existing;
}

function build(path: readonly PathSegment[], value: JsonValue): JsonValue {
  let built: JsonValue = structuredClone(value);
  for (let index = path.length - 1; index >= 0; index--) {
    const segment = path[index];
    if (typeof segment !== "string") throw new Error("cannot create a sequence item by index");
    built = { [segment]: built };
  }
  return built;
}

function removeAt(root: JsonValue, path: readonly PathSegment[]): void {
  const parent = valueAt(root, path.slice(0, -1));
  const last = path[path.length - 1];
  if (Array.isArray(parent) && typeof last === "number" && last < parent.length) parent.splice(last, 1);
  else if (isObject(parent) && typeof last === "string") delete parent[last];
}

export function deepEqual(a: JsonValue | undefined, b: JsonValue | undefined): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((item, index) => deepEqual(item, b[index]));
  if (isObject(a)) {
    if (!isObject(b)) return false;
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((key) => Object.hasOwn(b, key) && deepEqual(a[key], b[key]));
  }
  return false;
}

export function isObject(value: JsonValue | undefined): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function describe(value: JsonValue): string {
  return Array.isArray(value) ? "sequence" : value === null ? "null" : typeof value;
}
