/**
 * JSON patches (RFC 6902) as kustomize applies them: add, remove, replace, move, copy and test on
 * the object's JSON form. A value the patch adds records the place of its `value` in the patch.
 */
import type { JsonObject, JsonValue } from "../../manifests/types.js";
import { cloneTagged, isCollection, markField, placeAt, placeOf, type Place } from "./provenance.js";

export class JsonPatchError extends Error {}

export interface JsonPatchOperation {
  op: string;
  path: string;
  from?: string;
  value?: JsonValue;
  /** Where the operation is written. */
  place: Place;
}

/** Reads the operations of a parsed JSON patch; undefined when the value is not a list of operations. */
export function readOperations(value: JsonValue, place: Place): JsonPatchOperation[] {
  if (!Array.isArray(value)) throw new JsonPatchError("a JSON patch must be a list of operations");
  return value.map((entry, index) => {
    const at = placeOf(entry) ?? placeAt(place, index);
    if (!isCollection(entry) || Array.isArray(entry)) throw new JsonPatchError(`operation ${index + 1} is not a mapping`);
    const op = entry.op;
    const path = entry.path;
    if (typeof op !== "string") throw new JsonPatchError(`operation ${index + 1} has no "op"`);
    if (typeof path !== "string") throw new JsonPatchError(`operation ${index + 1} (${op}) has no "path"`);
    const operation: JsonPatchOperation = { op, path, place: at };
    if (typeof entry.from === "string") operation.from = entry.from;
    if ("value" in entry) operation.value = entry.value as JsonValue;
    return operation;
  });
}

function parsePointer(pointer: string): string[] {
  if (pointer === "") return [];
  if (!pointer.startsWith("/")) throw new JsonPatchError(`invalid JSON pointer '${pointer}'`);
  return pointer
    .slice(1)
    .split("/")
    .map((segment) => segment.replace(/~1/g, "/").replace(/~0/g, "~"));
}

interface Slot {
  parent: JsonObject | JsonValue[];
  key: string;
}

function locateParent(document: JsonValue, pointer: string): Slot {
  const segments = parsePointer(pointer);
  if (segments.length === 0) throw new JsonPatchError("operations on the document root are not supported");
  let node: JsonValue | undefined = document;
  for (const segment of segments.slice(0, -1)) {
    if (Array.isArray(node)) node = node[arrayIndex(segment, node.length - 1, pointer)];
    else if (isCollection(node)) node = node[segment];
    else node = undefined;
    if (node === undefined || !isCollection(node)) throw new JsonPatchError(`doc is missing path: "${pointer}"`);
  }
  return { parent: node as JsonObject | JsonValue[], key: segments[segments.length - 1] as string };
}

function arrayIndex(segment: string, max: number, pointer: string): number {
  if (!/^(0|[1-9][0-9]*)$/.test(segment)) throw new JsonPatchError(`invalid array index '${segment}' in "${pointer}"`);
  const index = Number(segment);
  if (index > max) throw new JsonPatchError(`array index out of bounds in "${pointer}"`);
  return index;
}

function getAt(slot: Slot, pointer: string): JsonValue {
  const { parent, key } = slot;
  const value = Array.isArray(parent) ? parent[arrayIndex(key, parent.length - 1, pointer)] : parent[key];
  if (value === undefined) throw new JsonPatchError(`doc is missing key: "${pointer}"`);
  return value;
}

function removeAt(slot: Slot, pointer: string): JsonValue {
  const value = getAt(slot, pointer);
  if (Array.isArray(slot.parent)) slot.parent.splice(Number(slot.key), 1);
  else delete slot.parent[slot.key];
  return value;
}

function addAt(slot: Slot, value: JsonValue, pointer: string, place: Place | undefined): void {
  const { parent, key } = slot;
  if (Array.isArray(parent)) {
    const index = key === "-" ? parent.length : arrayIndex(key, parent.length, pointer);
    parent.splice(index, 0, value);
    if (place && !isCollection(value)) markField(parent, index, place);
  } else {
    parent[key] = value;
    if (place && !isCollection(value)) markField(parent, key, place);
  }
}

function deepEqual(a: JsonValue | undefined, b: JsonValue | undefined): boolean {
  if (a === b) return true;
  if (!isCollection(a) || !isCollection(b) || Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a))
    return a.length === (b as JsonValue[]).length && a.every((item, index) => deepEqual(item, (b as JsonValue[])[index]));
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => deepEqual(a[key], (b as JsonObject)[key]));
}

/** Applies the operations to `document` in place. */
export function applyJsonPatch(document: JsonObject, operations: readonly JsonPatchOperation[]): void {
  for (const operation of operations) {
    const valuePlace = placeAt(operation.place, "value");
    const needValue = (): JsonValue => {
      if (operation.value === undefined) throw new JsonPatchError(`operation "${operation.op}" on "${operation.path}" has no value`);
      return cloneTagged(operation.value);
    };
    switch (operation.op) {
      case "add":
        addAt(locateParent(document, operation.path), needValue(), operation.path, valuePlace);
        break;
      case "remove":
        removeAt(locateParent(document, operation.path), operation.path);
        break;
      case "replace": {
        const slot = locateParent(document, operation.path);
        // kustomize's JSON patch library lets `replace` create a missing mapping key; a missing list item is an error.
        if (Array.isArray(slot.parent)) getAt(slot, operation.path);
        const value = needValue();
        if (Array.isArray(slot.parent)) slot.parent[Number(slot.key)] = value;
        else slot.parent[slot.key] = value;
        if (!isCollection(value)) markField(slot.parent, Array.isArray(slot.parent) ? Number(slot.key) : slot.key, valuePlace);
        break;
      }
      case "move": {
        if (operation.from === undefined) throw new JsonPatchError(`operation "move" on "${operation.path}" has no from`);
        const value = removeAt(locateParent(document, operation.from), operation.from);
        addAt(locateParent(document, operation.path), value, operation.path, undefined);
        break;
      }
      case "copy": {
        if (operation.from === undefined) throw new JsonPatchError(`operation "copy" on "${operation.path}" has no from`);
        const value = cloneTagged(getAt(locateParent(document, operation.from), operation.from));
        addAt(locateParent(document, operation.path), value, operation.path, undefined);
        break;
      }
      case "test": {
        const actual = getAt(locateParent(document, operation.path), operation.path);
        if (!deepEqual(actual, operation.value ?? null)) throw new JsonPatchError(`testing value "${operation.path}" failed`);
        break;
      }
      default:
        throw new JsonPatchError(`unexpected operation "${operation.op}"`);
    }
  }
}
