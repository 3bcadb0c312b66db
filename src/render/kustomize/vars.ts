/**
 * `vars:` (deprecated, still common): `$(NAME)` in the fields the var-reference field specs name is
 * replaced with a field of the resource the var points at, once the render is otherwise complete.
 */
import type { JsonObject, JsonValue } from "../../manifests/types.js";
import { readSlot, resolveSlots, splitDottedPath } from "./field-path.js";
import { visitFieldSpec, type FieldSpec } from "./field-spec.js";
import { isCollection, markField, provenanceOf, type Place } from "./provenance.js";
import type { Resource } from "./resource.js";
import { effectiveNamespace, isClusterScopedGvk, splitApiVersion, type ResId } from "./resource-id.js";

export class VarError extends Error {}

export interface VarDefinition {
  name: string;
  target: ResId;
  fieldPath: string;
  place: Place;
}

/** Go's JSON decoding matches field names case-insensitively (`fieldPath` is `fieldpath`). */
function anyCase(object: JsonObject, key: string): JsonValue | undefined {
  const lower = key.toLowerCase();
  const found = Object.keys(object).find((candidate) => candidate.toLowerCase() === lower);
  return found === undefined ? undefined : object[found];
}

function asMapping(value: JsonValue | undefined): JsonObject {
  return isCollection(value) && !Array.isArray(value) ? value : {};
}

function fieldOf(object: JsonObject, key: string): string | undefined {
  const value = anyCase(object, key);
  return typeof value === "string" && value !== "" ? value : undefined;
}

export function readVar(value: JsonValue, place: Place): VarDefinition {
  if (!isCollection(value) || Array.isArray(value) || typeof value.name !== "string") throw new VarError("a var needs a name");
  const objref = asMapping(anyCase(value, "objref"));
  const field = (key: string): string => fieldOf(objref, key) ?? "";
  const gv = field("apiVersion") !== "" ? splitApiVersion(field("apiVersion")) : { group: field("group"), version: field("version") };
  const fieldref = asMapping(anyCase(value, "fieldref"));
  return {
    name: value.name,
    target: { ...gv, kind: field("kind"), name: field("name"), namespace: field("namespace") },
    fieldPath: fieldOf(fieldref, "fieldpath") ?? "metadata.name",
    place,
  };
}

/** Binds each var to the one resource it names (kustomize's MergeVars), and adds it to the set. */
export function mergeVars(known: VarDefinition[], incoming: readonly VarDefinition[], resources: readonly Resource[]): void {
  for (const variable of incoming) {
    const target = variable.target;
    const exact = target.namespace !== "" || isClusterScopedGvk(target);
    const matched = resources.filter((resource) =>
      resource
        .allIds()
        .some(
          (id) =>
            id.name === target.name &&
            id.group === target.group &&
            id.version === target.version &&
            id.kind === target.kind &&
            (!exact || effectiveNamespace(id) === effectiveNamespace(target)),
        ),
    );
    if (matched.length > 1) throw new VarError(`found ${matched.length} resId matches for var ${variable.name} (unable to disambiguate)`);
    if (matched.length === 1) matched[0]?.refVarNames.push(variable.name);
    if (known.some((existing) => existing.name === variable.name)) throw new VarError(`var '${variable.name}' already encountered`);
    known.push(variable);
  }
}

function varValue(resources: readonly Resource[], variable: VarDefinition): { value: JsonValue; place: Place | undefined } {
  for (const resource of resources) {
    if (!resource.refVarNames.includes(variable.name)) continue;
    const slot = resolveSlots(resource.object, splitDottedPath(variable.fieldPath), false)[0];
    const value = slot ? readSlot(slot) : undefined;
    if (value === undefined) throw new VarError(`field specified in var '${variable.name}' not found in corresponding resource`);
    return { value, place: slot ? provenanceOf(slot.parent as JsonValue, [slot.key]) : undefined };
  }
  throw new VarError(`var '${variable.name}' cannot be mapped to a field in the set of known resources`);
}

const REFERENCE = /\$\(([^)]*)\)|\$\$/g;

function expand(text: string, values: ReadonlyMap<string, { value: JsonValue }>): JsonValue {
  const whole = text.match(/^\$\(([^)]*)\)$/);
  if (whole && values.has(whole[1] as string)) return (values.get(whole[1] as string) as { value: JsonValue }).value;
  return text.replace(REFERENCE, (match, name: string | undefined) => {
    if (match === "$$") return "$";
    const found = name === undefined ? undefined : values.get(name);
    if (!found) return match;
    const value = found.value;
    return value === null ? "" : typeof value === "object" ? JSON.stringify(value) : String(value);
  });
}

export function resolveVars(resources: readonly Resource[], variables: readonly VarDefinition[], specs: readonly FieldSpec[]): void {
  if (variables.length === 0) return;
  const values = new Map<string, { value: JsonValue; place: Place | undefined }>();
  for (const variable of variables) values.set(variable.name, varValue(resources, variable));
  const replaceIn = (parent: JsonObject | JsonValue[], key: string | number, value: JsonValue): void => {
    if (typeof value !== "string" || !value.includes("$")) return;
    const expanded = expand(value, values);
    if (expanded === value) return;
    (parent as Record<string | number, JsonValue>)[key] = expanded;
    const name = value.match(/\$\(([^)]*)\)/)?.[1];
    const place = name === undefined ? undefined : values.get(name)?.place;
    if (place) markField(parent, key, place);
  };
  for (const resource of resources) {
    for (const spec of specs) {
      visitFieldSpec(
        resource.object,
        resource.gvk(),
        spec,
        (parent, key, value) => {
          if (Array.isArray(value)) value.forEach((item, index) => replaceIn(value, index, item));
          else if (isCollection(value)) for (const field of Object.keys(value)) replaceIn(value, field, value[field] as JsonValue);
          else replaceIn(parent, key, value);
        },
        undefined,
      );
    }
  }
}
