/**
 * Field specs: which field of which kinds a transformer touches (`spec/template/metadata/labels` of a
 * Deployment). The same walk serves labels, annotations, namespaces, names, images, replicas, name
 * references and var references, as in kustomize: a list met on the way is entered item by item, a
 * missing field is created only when the spec says `create: true` and the transformer knows what to
 * create there.
 */
import type { JsonObject, JsonValue } from "../../manifests/types.js";
import { isCollection, tagNew, type Place } from "./provenance.js";
import { gvkSelected, type Gvk } from "./resource-id.js";

export interface FieldSpec {
  group?: string;
  version?: string;
  kind?: string;
  path: string;
  create?: boolean;
}

/** Splits a field-spec path on `/`, keeping `\/` (an escaped slash, as in annotation keys) and `[...]` intact. */
export function splitFieldPath(path: string): string[] {
  const segments: string[] = [];
  let current = "";
  let depth = 0;
  for (let index = 0; index < path.length; index++) {
    const char = path[index] as string;
    if (char === "\\" && path[index + 1] === "/") {
      current += "/";
      index++;
    } else if (char === "[") {
      depth++;
      current += char;
    } else if (char === "]") {
      depth = Math.max(0, depth - 1);
      current += char;
    } else if (char === "/" && depth === 0) {
      segments.push(current);
      current = "";
    } else current += char;
  }
  segments.push(current);
  return segments;
}

/** What to create for a missing last field, when the spec allows creation. */
export type CreateKind = "map" | "scalar" | undefined;

/**
 * Called for each field the spec reaches: its parent collection, its key and its current value.
 * The callback sets `parent[key]` itself when it changes the value.
 */
export type FieldVisitor = (parent: JsonObject | JsonValue[], key: string | number, value: JsonValue) => void;

export class FieldSpecError extends Error {}

export function specSelects(spec: FieldSpec, gvk: Gvk): boolean {
  return gvkSelected(gvk, { group: spec.group, version: spec.version, kind: spec.kind });
}

/**
 * Visits the fields `spec.path` names in `object` (when the spec selects `gvk`). `createdAt` is the
 * place recorded for anything created (the kustomization entry of the transformer).
 */
export function visitFieldSpec(
  object: JsonObject,
  gvk: Gvk,
  spec: FieldSpec,
  visit: FieldVisitor,
  createKind: CreateKind,
  createdAt?: Place,
): void {
  if (!specSelects(spec, gvk)) return;
  walk(object, splitFieldPath(spec.path), 0, visit, spec.create === true ? createKind : undefined, createdAt, spec.path);
}

function walk(
  node: JsonValue,
  path: readonly string[],
  index: number,
  visit: FieldVisitor,
  create: CreateKind,
  createdAt: Place | undefined,
  specPath: string,
): void {
  if (node === null) return;
  if (Array.isArray(node)) {
    for (const item of node) walk(item, path, index, visit, create, createdAt, specPath);
    return;
  }
  if (!isCollection(node)) throw new FieldSpecError(`considering field '${specPath}': expected sequence or mapping node`);
  const raw = path[index] as string;
  const isList = raw.endsWith("[]");
  const key = isList ? raw.slice(0, -2) : raw;
  if (key === "") throw new FieldSpecError(`considering field '${specPath}': cannot set or create an empty field name`);
  const last = index === path.length - 1;
  let value = node[key];
  if ((value === undefined || value === null) && create !== undefined && !isList) {
    const created = (): JsonObject => (createdAt ? tagNew({}, createdAt) : {});
    value = last && create === "scalar" ? "" : created();
    node[key] = value;
  }
  if (value === undefined) return;
  if (last) {
    visit(node, key, value);
    return;
  }
  walk(value, path, index + 1, visit, create, createdAt, specPath);
}
