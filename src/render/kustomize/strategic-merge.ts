/**
 * Strategic merge patches as kustomize v5 applies them (kyaml's merge2, list items of the patch first):
 * mappings merge field by field, a `null` deletes, `$patch: delete|replace|merge` directives act on
 * mappings and lists, and a list merges item by item only when the Kubernetes schema of a built-in
 * type gives it a merge strategy (containers by `name`, ports by `containerPort`+`protocol`, ...).
 * Every other list, and every list of a custom type, is replaced by the patch's.
 *
 * Fields set from the patch record the patch's place, so a finding on them points at the patch.
 */
import type { JsonObject, JsonValue } from "../../manifests/types.js";
import { plainScalarValue } from "../../manifests/scalars.js";
import { isObject } from "../../manifests/json.js";
import { BUILTIN_MERGE_SCHEMA, type FieldSchema, type MergeSchema } from "./builtin-schema.js";
import { cloneTagged, isBareNull, isCollection, markField, provenanceOf, tagNew, placeOf } from "./provenance.js";

export class MergeError extends Error {}

const DIRECTIVE = "$patch";
/** Returned by a merge step when the node is to be removed. */
const CLEAR = Symbol("clear");
type Merged = JsonValue | typeof CLEAR | undefined;

interface ListSchema {
  itemType: string | null;
  keys: readonly string[] | null;
}

/** Where a node sits in the schema: a named object type, or a list; `in` is the schema the names belong to. */
type Schema = { type: string; in: MergeSchema } | { list: ListSchema; in: MergeSchema } | undefined;

function fieldSchema(schema: Schema, key: string): Schema {
  if (!schema || !("type" in schema)) return undefined;
  const fields = schema.in.types[schema.type];
  // `*`: the type of every value of a map type (OpenAPI additionalProperties).
  const field: FieldSchema | undefined = fields?.[key] ?? fields?.["*"];
  if (field === undefined) return undefined;
  if (typeof field === "string") return { type: field, in: schema.in };
  return { list: { itemType: field[0], keys: field[1] }, in: schema.in };
}

function itemSchema(list: ListSchema, schema: MergeSchema): Schema {
  return list.itemType ? { type: list.itemType, in: schema } : undefined;
}

/** The schema kustomize uses for a resource type, if it knows one. */
export function schemaForResource(apiVersion: string, kind: string, schema: MergeSchema = BUILTIN_MERGE_SCHEMA): Schema {
  const type = schema.resources[`${apiVersion} ${kind}`];
  return type ? { type, in: schema } : undefined;
}

/**
 * Merges `patch` into `target` (mutated) and returns the result: the target, the patch's replacement,
 * or null when the patch deletes the whole object.
 */
export function applyStrategicMerge(
  target: JsonObject,
  patch: JsonObject,
  apiVersion: string,
  kind: string,
  schema: MergeSchema = BUILTIN_MERGE_SCHEMA,
): JsonObject | null {
  const result = mergeValue(target, cloneTagged(patch), schemaForResource(apiVersion, kind, schema), "");
  if (result === CLEAR || result === undefined || result === null) return null;
  return result as JsonObject;
}

function kindOf(value: JsonValue | undefined): "map" | "list" | "scalar" | undefined {
  if (value === undefined || value === null) return undefined;
  if (Array.isArray(value)) return "list";
  return typeof value === "object" ? "map" : "scalar";
}

function mergeValue(dest: JsonValue | undefined, patch: JsonValue | undefined, schema: Schema, path: string): Merged {
  const kind = kindOf(dest) ?? kindOf(patch) ?? "map";
  for (const value of [dest, patch]) {
    const actual = kindOf(value);
    if (actual !== undefined && actual !== kind) {
      throw new MergeError(`wrong node kind at '${path || "."}': expected ${nodeName(kind)} but got ${nodeName(actual)}`);
    }
  }
  if (kind === "map") return mergeMap(dest as JsonObject | null | undefined, patch as JsonObject | null | undefined, schema, path);
  if (kind === "list") return mergeList(dest as JsonValue[] | null | undefined, patch as JsonValue[] | null | undefined, schema, path);
  return patch !== undefined ? patch : dest;
}

function nodeName(kind: string): string {
  return kind === "map" ? "MappingNode" : kind === "list" ? "SequenceNode" : "ScalarNode";
}

function mapDirective(patch: JsonObject): string | undefined {
  const directive = patch[DIRECTIVE];
  if (directive === undefined) return undefined;
  if (directive !== "delete" && directive !== "replace" && directive !== "merge") {
    throw new MergeError(`unknown patch strategy '${String(directive)}'`);
  }
  delete patch[DIRECTIVE];
  return directive;
}

function mergeMap(dest: JsonObject | null | undefined, patch: JsonObject | null | undefined, schema: Schema, path: string): Merged {
  let result: JsonObject;
  if (dest === undefined || dest === null) {
    if (patch === undefined || patch === null) return dest === null ? null : undefined;
    if (mapDirective(patch) === "delete") return CLEAR;
    // Nothing to merge into: the patch's mapping is taken, its own directives still applied.
    result = cloneTagged(patch);
  } else {
    if (patch === null) return CLEAR;
    if (patch === undefined) return dest;
    const directive = mapDirective(patch);
    if (directive === "delete") return CLEAR;
    result = directive === "replace" ? cloneTagged(patch) : dest;
  }
  if (patch === undefined || patch === null) return result;
  for (const key of Object.keys(result)) {
    if (key in patch) continue;
    // kyaml walks every field of the target too, and drops the ones written with no value.
    if (result[key] === null) {
      if (isBareNull(result, key)) delete result[key];
    } else dropNulls(result[key] as JsonValue, fieldSchema(schema, key));
  }
  for (const key of Object.keys(patch).sort()) {
    const patchValue = patch[key] as JsonValue;
    if (patchValue === null) {
      delete result[key];
      continue;
    }
    const merged = mergeValue(result[key], patchValue, fieldSchema(schema, key), path ? `${path}.${key}` : key);
    if (merged === CLEAR || merged === undefined || merged === null) {
      delete result[key];
      continue;
    }
    const changed = result[key] !== merged;
    result[key] = merged;
    if (changed || !isCollection(merged)) {
      const place = provenanceOf(patch, [key]);
      if (place && (!isCollection(merged) || placeOf(merged) === undefined)) markField(result, key, place);
    }
  }
  return result;
}

/** Removes null fields from the mappings kyaml's merge walks (not inside lists it replaces whole). */
function dropNulls(value: JsonValue, schema: Schema): void {
  if (!isCollection(value)) return;
  if (Array.isArray(value)) {
    const list = schema && "list" in schema ? schema.list : undefined;
    if (!schema || !list || !list.keys || list.keys.length === 0) return;
    const itemType = itemSchema(list, schema.in);
    for (const item of value) dropNulls(item, itemType);
    return;
  }
  for (const key of Object.keys(value)) {
    if (value[key] === null) {
      if (isBareNull(value, key)) delete value[key];
    } else dropNulls(value[key] as JsonValue, fieldSchema(schema, key));
  }
}

/** The `$patch` directive of a list: an item that is a mapping holding only `$patch`. */
function listDirective(patch: JsonValue[]): string | undefined {
  const index = patch.findIndex(
    (item) => isCollection(item) && !Array.isArray(item) && DIRECTIVE in item && Object.keys(item).length === 1,
  );
  if (index === -1) return undefined;
  const directive = (patch[index] as JsonObject)[DIRECTIVE];
  if (directive !== "delete" && directive !== "replace" && directive !== "merge") {
    throw new MergeError(`unknown patch strategy '${String(directive)}'`);
  }
  patch.splice(index, 1);
  return directive;
}

function mergeList(dest: JsonValue[] | null | undefined, patch: JsonValue[] | null | undefined, schema: Schema, path: string): Merged {
  const list = schema && "list" in schema ? schema.list : undefined;
  if (!schema || !list || list.keys === null) return patch !== undefined ? patch : dest;
  if (dest === undefined || dest === null) {
    if (patch === undefined || patch === null) return dest;
    dest = cloneTagged(patch);
  }
  if (patch === null) return CLEAR;
  if (patch === undefined) return dest;
  const directive = listDirective(patch);
  if (directive === "delete") return CLEAR;
  if (directive === "replace") return patch;
  if (list.keys.length === 0) return mergeScalarList(dest, patch);
  return mergeKeyedList(dest, patch, list, schema.in, path);
}

function scalarText(value: JsonValue | undefined): string {
  if (value === undefined || value === null) return "";
  return typeof value === "object" ? JSON.stringify(value) : String(value);
}

/** A list of scalars with a merge strategy (finalizers): the patch's values first, then the rest. */
function mergeScalarList(dest: JsonValue[], patch: JsonValue[]): JsonValue[] {
  const seen = new Set<string>();
  const result: JsonValue[] = [];
  const place = placeOf(dest) ?? placeOf(patch);
  if (place) tagNew(result, place);
  for (const array of [patch, dest]) {
    for (let index = 0; index < array.length; index++) {
      const item = array[index] as JsonValue;
      const text = scalarText(item);
      if (seen.has(text)) continue;
      seen.add(text);
      result.push(item);
      const itemPlace = provenanceOf(array, [index]);
      if (itemPlace) markField(result, result.length - 1, itemPlace);
    }
  }
  return result;
}

function keyValues(item: JsonValue, keys: readonly string[]): string[] {
  if (!isCollection(item) || Array.isArray(item)) return keys.map(() => "");
  return keys.map((key) => scalarText(item[key]));
}

/** kyaml's MatchField: the item has the field, written as `value`. */
function hasFieldWritten(item: JsonValue, key: string, value: string): boolean {
  return isObject(item) && key in item && scalarText(item[key]) === value;
}

/** kyaml's FieldMatcher with a string value: an empty value matches any item that has the field. */
function fieldMatches(item: JsonObject, key: string, value: string): boolean {
  return key in item && (value === "" || scalarText(item[key]) === value);
}

/**
 * kyaml's ElementSetter on a list of mappings: every item matching keys=values is replaced by
 * `element`, or removed when `element` is undefined; `element` is appended when none matched. Like
 * kyaml, it drops null and empty items on the way, and with no values it keeps no unmatched item.
 */
function setElement(
  list: readonly JsonValue[],
  keys: readonly string[],
  values: readonly string[],
  element: JsonValue | undefined,
): JsonValue[] {
  const result: JsonValue[] = [];
  let matched = false;
  for (const item of list) {
    if (item === null || (isObject(item) && Object.keys(item).length === 0)) continue;
    if (!isObject(item)) {
      result.push(item);
      continue;
    }
    // A key past the end of `values` repeats the previous key's outcome, as kyaml's loop does.
    let found = values.length > 0;
    for (let index = 0; index < keys.length && index < values.length; index++) {
      if (!fieldMatches(item, keys[index] as string, values[index] as string)) {
        found = false;
        break;
      }
    }
    if (!found) {
      if (values.length > 0) result.push(item);
      continue;
    }
    matched = true;
    if (element !== undefined) result.push(element);
  }
  if (element !== undefined && !matched) result.push(element);
  return result;
}

/** kyaml's appendListNode(dst, src, keys): each item of `source`, in order, set onto `into`. */
function appendTargetItems(into: JsonValue[], source: readonly JsonValue[], keys: readonly string[]): JsonValue[] {
  let result = into;
  for (const item of source) {
    const values: string[] = [];
    for (const key of keys) {
      if (!isObject(item) || !(key in item)) {
        // kyaml appends an item that lacks a key before setting it (so it may then appear twice).
        result = [...result, item];
        continue;
      }
      values.push(scalarText(item[key]));
    }
    if (keys.length > 1) result = setElement(result, keys, values, undefined);
    result = setElement(result, keys, values, item);
  }
  return result;
}

/** kyaml joins two key tuples that agree where both are set (a port with and without `protocol`). */
function joinTuples(tuples: string[][]): string[][] {
  for (let first = 0; first < tuples.length; first++) {
    for (let second = 0; second < tuples.length; second++) {
      const a = tuples[first] as string[];
      const b = tuples[second] as string[];
      let common = false;
      let compatible = true;
      const joined: string[] = [];
      for (let index = 0; index < a.length; index++) {
        const x = a[index] as string;
        const y = b[index] as string;
        if (x === y) {
          common = true;
          joined.push(x);
        } else if (x !== "" && y !== "") {
          compatible = false;
          break;
        } else joined.push(x !== "" ? x : y);
      }
      if (compatible && common) {
        tuples[first] = joined;
        tuples[second] = joined;
      }
    }
  }
  return tuples;
}

function mergeKeyedList(dest: JsonValue[], patch: JsonValue[], list: ListSchema, schema: MergeSchema, path: string): JsonValue[] {
  const keys = list.keys as readonly string[];
  const seen = new Set<string>();
  let tuples: string[][] = [];
  for (const source of [patch, dest]) {
    for (const item of source) {
      const tuple = keyValues(item, keys);
      const text = JSON.stringify(tuple);
      if (seen.has(text)) continue;
      seen.add(text);
      tuples.push(tuple);
    }
  }
  if (keys.length > 1) tuples = joinTuples(tuples);
  // A key is used for matching only when some item sets it.
  const used = keys.map((_, index) => tuples.some((tuple) => tuple[index] !== ""));
  const validKeys = used.some(Boolean) ? keys.filter((_, index) => used[index]) : [...keys];
  const project = (tuple: string[]): string[] => (used.some(Boolean) ? tuple.filter((_, index) => used[index]) : tuple);
  const itemType = itemSchema(list, schema);
  // kyaml's dest node: the target list, merged items changed in place, deleted ones taken out.
  let target = dest;
  let items: JsonValue[] = [];
  const done = new Set<string>();
  for (const tuple of tuples) {
    const values = project(tuple);
    const text = JSON.stringify(values);
    if (done.has(text)) continue;
    done.add(text);
    // Each source's first item with this tuple's set keys (all keys when none is set), as kyaml's ElementList.
    const set = validKeys.filter((_, index) => values[index] !== "");
    const lookupKeys = set.length > 0 ? set : validKeys;
    const lookupValues = set.length > 0 ? values.filter((value) => value !== "") : values;
    const find = (items: JsonValue[]): JsonValue | undefined =>
      items.find((item) => lookupKeys.every((key, index) => hasFieldWritten(item, key, lookupValues[index] as string)));
    const destItem = find(target);
    const patchItem = find(patch);
    const merged = mergeValue(
      destItem,
      patchItem,
      itemType,
      `${path}[${validKeys.map((key, index) => `${key}=${values[index]}`).join(",")}]`,
    );
    if (
      merged === CLEAR ||
      merged === undefined ||
      merged === null ||
      (isCollection(merged) && !Array.isArray(merged) && Object.keys(merged).length === 0)
    ) {
      target = setElement(target, validKeys, values, undefined);
      continue;
    }
    if (isCollection(merged) && !Array.isArray(merged)) {
      validKeys.forEach((key, index) => {
        if (merged[key] === undefined && values[index] !== "") merged[key] = plainScalarValue(values[index] as string, "kustomize");
      });
    }
    items = setElement(items, validKeys, values, merged);
  }
  // kustomize prepends what the patch adds: the target's items are then set again, in their order,
  // onto the merged ones (kyaml's appendListNode) — which moves them after the patch-only items
  // when the list has several merge keys.
  items = appendTargetItems(items, target, validKeys);
  const place = placeOf(dest) ?? placeOf(patch);
  return place ? tagNew(items, place) : items;
}
