/**
 * kustomize's alpha `ValueAddTransformer` built-in (`apiVersion: builtin`): adds one string value at
 * a field path of the selected resources, or inserts it into a file path held there
 * (`filePathPosition`). Without `value:` the value is the name of the directory of the kustomization
 * that lists the transformer — how kustomize's docs inject a project name per overlay.
 *
 * A `metadata/namespace` target is kustomize's namespace filter without field specs: namespaced
 * resources get the namespace, RoleBinding subjects named `default` too.
 */
import { posix } from "node:path";
import type { JsonObject, JsonValue } from "../../manifests/types.js";
import { asObject, isObject } from "../../manifests/json.js";
import { applyNamespace } from "./namespace.js";
import { isCollection, setField, tagNew, type Place } from "./provenance.js";
import type { Resource } from "./resource.js";
import { readSelector, selectResources, type Selector } from "./selector.js";

export class ValueAddError extends Error {}

export interface ValueAddTarget {
  selector?: Selector;
  fieldPath: string;
  filePathPosition: number;
}

export interface ValueAddConfig {
  value: string;
  targets: ValueAddTarget[];
}

/** The `targets:` entries of a config (or of its `targetFilePath` file), checked as kustomize checks them. */
export function readValueAddTargets(value: JsonValue | undefined): ValueAddTarget[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new ValueAddError("ValueAddTransformer: targets must be a list");
  return value.map((entry) => {
    const target = asObject(entry);
    if (!target) throw new ValueAddError("ValueAddTransformer: each target must be a mapping");
    const fieldPath = target.fieldPath ?? "";
    if (typeof fieldPath !== "string") throw new ValueAddError("ValueAddTransformer: fieldPath must be a string");
    if (fieldPath === "") throw new ValueAddError("fieldPath cannot be empty");
    const position = target.filePathPosition ?? 0;
    if (typeof position !== "number" || !Number.isInteger(position))
      throw new ValueAddError("ValueAddTransformer: filePathPosition must be a whole number");
    if (position < 0) throw new ValueAddError(`value of FilePathPosition (${position}) cannot be negative`);
    const selector = asObject(target.selector);
    return { fieldPath, filePathPosition: position, ...(selector ? { selector: readSelector(selector) } : {}) };
  });
}

/**
 * `a/b\/c` → `a`, `b/c`: a backslash before `/` keeps it inside the field name. kyaml's value-add
 * filter splits this way, without field-spec.ts's `[...]` handling (a list selector is refused here).
 */
function splitValueAddPath(path: string): string[] {
  const fields: string[] = [];
  for (const part of path.split("/")) {
    const previous = fields[fields.length - 1];
    if (previous !== undefined && previous.endsWith("\\")) fields[fields.length - 1] = `${previous.slice(0, -1)}/${part}`;
    else fields.push(part);
  }
  return fields;
}

/** kyaml's filesys.PathSplit: `/a/b` → `""`, `a`, `b` (the empty first part marks an absolute path). */
function pathSplit(path: string): string[] {
  if (path === "") return [];
  const slash = path.lastIndexOf("/");
  const directory = path.slice(0, slash + 1);
  const file = path.slice(slash + 1);
  if (directory === "/") return file === "" ? [""] : ["", file];
  const parent = directory.endsWith("/") ? directory.slice(0, -1) : directory;
  return parent === "" ? [file] : [...pathSplit(parent), file];
}

/** kyaml's filesys.PathJoin: Go's filepath.Join (empty parts dropped, the result cleaned), absolute if the first part is empty. */
function pathJoin(parts: readonly string[]): string {
  if (parts.length === 0) return "";
  const join = (rest: readonly string[]): string => {
    const present = rest.filter((part) => part !== "");
    if (present.length === 0) return "";
    const cleaned = posix.normalize(present.join("/"));
    return cleaned.length > 1 && cleaned.endsWith("/") ? cleaned.slice(0, -1) : cleaned;
  };
  return parts[0] === "" ? `/${join(parts.slice(1))}` : join(parts);
}

/**
 * Inserts `part` into `path` at `position` (0-based), as kustomize's filesys.InsertPathPart does: a
 * position past the end appends, and a leading `/` stays leading.
 */
export function insertPathPart(path: string, position: number, part: string): string {
  if (part === "") return path;
  const parts = pathSplit(path);
  let at = Math.min(Math.max(position, 0), parts.length);
  if (parts.length > 0 && parts[0] === "" && at < parts.length) at++;
  parts.splice(at, 0, part);
  return pathJoin(parts);
}

function addValue(object: JsonObject, fields: readonly string[], value: string, filePathPosition: number, place: Place): void {
  let node: JsonObject = object;
  for (const [index, field] of fields.entries()) {
    if (field.startsWith("[") || /^-?\d+$/.test(field)) {
      throw new ValueAddError(
        `ValueAddTransformer: list elements in fieldPath ('${field}') are not supported by kustomize's value-add filter`,
      );
    }
    const last = index === fields.length - 1;
    const current = node[field];
    if (last) {
      if (isCollection(current)) throw new ValueAddError(`ValueAddTransformer: '${fields.join("/")}' is not a scalar field`);
      const old = current === undefined || current === null ? "" : String(current);
      setField(node, field, filePathPosition > 0 ? insertPathPart(old, filePathPosition - 1, value) : value, place);
      return;
    }
    if (current === undefined || current === null) {
      const created = tagNew({} as JsonObject, place);
      setField(node, field, created, place);
      node = created;
    } else if (isObject(current)) node = current;
    else throw new ValueAddError(`ValueAddTransformer: '${fields.slice(0, index + 1).join("/")}' is not a mapping`);
  }
}

export function applyValueAdd(resources: readonly Resource[], config: ValueAddConfig, place: Place): void {
  if (config.targets.length === 0) throw new ValueAddError("must specify at least one target");
  for (const target of config.targets) {
    const selected = target.selector ? selectResources(resources, target.selector) : [...resources];
    if (target.fieldPath === "metadata/namespace") {
      applyNamespace(selected, config.value, [], place, { checkConflicts: false });
      continue;
    }
    const fields = splitValueAddPath(target.fieldPath);
    for (const resource of selected) addValue(resource.object, fields, config.value, target.filePathPosition, place);
  }
}
