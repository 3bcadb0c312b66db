/**
 * A kustomization's `openapi: {path: schema.json}`: an OpenAPI (Swagger 2) document whose
 * `definitions` give strategic merge the merge keys of custom types. As in kustomize, such a schema
 * REPLACES the built-in one for the whole build (a Deployment patched in the same build then merges
 * its containers list by replacing it, unless the schema defines Deployment too), and the first
 * kustomization that sets one wins: the root's, else the first base loaded that declares one.
 *
 * Only what strategic merge reads is kept: object fields, list item types, and per list the
 * `x-kubernetes-patch-strategy` (a merge strategy) with `x-kubernetes-list-map-keys` or
 * `x-kubernetes-patch-merge-key`; resource types come from `x-kubernetes-group-version-kind`.
 */
import type { JsonObject, JsonValue } from "../../manifests/types.js";
import { asObject } from "../../manifests/json.js";
import type { FieldSchema, MergeSchema } from "./builtin-schema.js";

export class OpenApiSchemaError extends Error {}

/** The one built-in schema version kustomize v5.5 embeds. */
export const BUILTIN_OPENAPI_VERSION = "v1.21.2";

const DEFINITION_REF = "#/definitions/";

function isArrayType(schema: JsonObject): boolean {
  const type = schema.type;
  return type === "array" || (Array.isArray(type) && type.length === 1 && type[0] === "array");
}

function mergeKeysOf(schema: JsonObject): readonly string[] | null {
  const strategy = schema["x-kubernetes-patch-strategy"];
  if (typeof strategy !== "string" || !strategy.split(",").includes("merge")) return null;
  const mapKeys = schema["x-kubernetes-list-map-keys"];
  if (Array.isArray(mapKeys)) return mapKeys.filter((key): key is string => typeof key === "string");
  const mergeKey = schema["x-kubernetes-patch-merge-key"];
  return typeof mergeKey === "string" ? [mergeKey] : [];
}

/** Reads the schema document (already parsed from JSON or YAML) into what strategic merge needs. */
export function readOpenApiSchema(document: JsonValue): MergeSchema {
  const root = asObject(document);
  if (!root) throw new OpenApiSchemaError("invalid schema file: not a JSON or YAML mapping");
  const definitions = root.definitions === undefined || root.definitions === null ? {} : asObject(root.definitions);
  if (!definitions) throw new OpenApiSchemaError("invalid schema file: `definitions` must be a mapping");
  const types: Record<string, Record<string, FieldSchema>> = {};
  const resources: Record<string, string> = {};

  const refName = (schema: JsonObject): string | undefined => {
    const ref = schema.$ref;
    if (typeof ref !== "string") return undefined;
    if (!ref.startsWith(DEFINITION_REF))
      throw new OpenApiSchemaError(`invalid schema file: unsupported $ref '${ref}' (only ${DEFINITION_REF}...)`);
    return ref.slice(DEFINITION_REF.length);
  };

  /** The schema of a value: a type name (recording anonymous object types under `name`), a list, or nothing to merge. */
  const describe = (value: JsonValue | undefined, name: string): FieldSchema | undefined => {
    const schema = asObject(value);
    if (!schema) return undefined;
    const ref = refName(schema);
    if (ref !== undefined) {
      const target = asObject(definitions[ref]);
      // A reference to a list definition: the list's own strategy, as kyaml reads it after resolving.
      return target && isArrayType(target) ? describe(target, ref) : ref;
    }
    if (isArrayType(schema)) {
      const items = describe(schema.items, `${name}[]`);
      return [typeof items === "string" ? items : null, mergeKeysOf(schema)];
    }
    if (asObject(schema.properties) || asObject(schema.additionalProperties)) {
      defineType(name, schema);
      return name;
    }
    return undefined;
  };

  const defineType = (name: string, schema: JsonObject): void => {
    if (types[name]) return;
    const fields: Record<string, FieldSchema> = {};
    types[name] = fields;
    for (const [key, property] of Object.entries(asObject(schema.properties) ?? {})) {
      const field = describe(property, `${name}.${key}`);
      if (field !== undefined) fields[key] = field;
    }
    const values = describe(schema.additionalProperties, `${name}.*`);
    if (values !== undefined) fields["*"] = values;
  };

  for (const [name, value] of Object.entries(definitions)) {
    const schema = asObject(value);
    if (!schema) continue;
    if (!isArrayType(schema)) defineType(name, schema);
    const kinds = schema["x-kubernetes-group-version-kind"];
    for (const entry of Array.isArray(kinds) ? kinds : []) {
      const gvk = asObject(entry);
      if (!gvk || typeof gvk.kind !== "string" || typeof gvk.version !== "string") continue;
      const group = typeof gvk.group === "string" ? gvk.group : "";
      resources[`${group === "" ? gvk.version : `${group}/${gvk.version}`} ${gvk.kind}`] = name;
    }
  }
  return { types, resources };
}
