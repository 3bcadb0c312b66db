/**
 * Patches: `patches` (strategic merge or JSON 6902, inline or from a file, with or without a target
 * selector), `patchesStrategicMerge` and `patchesJson6902`. A strategic merge patch without a target
 * applies to the one resource with its own kind/name/namespace; with a target, to every selected one.
 */
import type { JsonObject, JsonValue } from "../../manifests/types.js";
import { applyJsonPatch, readOperations, type JsonPatchOperation } from "./json-patch.js";
import { cloneTagged, isCollection, placeOf, type Place } from "./provenance.js";
import type { Resource } from "./resource.js";
import { sameId, splitApiVersion, idString, type ResId } from "./resource-id.js";
import { selectResources, type Selector } from "./selector.js";
import type { MergeSchema } from "./builtin-schema.js";
import { applyStrategicMerge } from "./strategic-merge.js";

export class PatchError extends Error {}

export type ParsedPatch = { kind: "json"; operations: JsonPatchOperation[] } | { kind: "strategic"; documents: JsonObject[] };

/** Decides what a patch text is: a list of JSON 6902 operations, or strategic-merge documents. */
export function classifyPatch(documents: readonly JsonValue[], place: Place): ParsedPatch {
  const present = documents.filter((document) => document !== null);
  if (present.length === 1 && Array.isArray(present[0])) {
    return { kind: "json", operations: readOperations(present[0], placeOf(present[0]) ?? place) };
  }
  for (const document of present) {
    if (!isCollection(document) || Array.isArray(document))
      throw new PatchError("unable to parse SM or JSON patch: a document is neither a mapping nor a list of operations");
  }
  return { kind: "strategic", documents: present as JsonObject[] };
}

function patchId(patch: JsonObject): ResId {
  const metadata = isCollection(patch.metadata) && !Array.isArray(patch.metadata) ? patch.metadata : {};
  return {
    ...splitApiVersion(typeof patch.apiVersion === "string" ? patch.apiVersion : ""),
    kind: typeof patch.kind === "string" ? patch.kind : "",
    name: typeof metadata.name === "string" ? metadata.name : "",
    namespace: typeof metadata.namespace === "string" ? metadata.namespace : "",
  };
}

/** Applies one strategic merge patch document to a resource; returns false when the patch deleted it. */
export interface PatchOptions {
  allowNameChange: boolean;
  allowKindChange: boolean;
  /** The schema strategic merge reads merge keys from (a kustomization's `openapi:`); default: built-in types. */
  schema?: MergeSchema;
}

export function patchResource(resource: Resource, patch: JsonObject, options: PatchOptions): boolean {
  const { name, namespace, kind } = resource;
  if (options.allowNameChange || options.allowKindChange) resource.storePreviousId();
  const copy = cloneTagged(patch);
  if (resource.apiVersion !== "" || copy.apiVersion !== undefined) copy.apiVersion = resource.apiVersion;
  if (typeof patch.kind !== "string") delete copy.kind;
  const merged = applyStrategicMerge(resource.object, copy, resource.apiVersion, kind, options.schema);
  if (merged === null) return false;
  resource.object = merged;
  const metadata = isCollection(merged.metadata) && !Array.isArray(merged.metadata) ? merged.metadata : undefined;
  if (!options.allowKindChange) merged.kind = kind;
  if (metadata) {
    if (!options.allowNameChange) metadata.name = name;
    if (namespace === "") delete metadata.namespace;
    else metadata.namespace = namespace;
  }
  return true;
}

/**
 * Applies a parsed patch to the resources (in place; deleted resources are removed from the list).
 * `target` undefined: strategic patches find their own target, JSON patches are an error.
 */
export function applyPatch(resources: Resource[], patch: ParsedPatch, target: Selector | undefined, options: PatchOptions): void {
  if (patch.kind === "json") {
    if (!target) throw new PatchError("must specify a target for a JSON patch");
    for (const resource of selectResources(resources, target)) {
      resource.storePreviousId();
      applyJsonPatch(resource.object, patch.operations);
      resource.canonicalScalars = true;
    }
    return;
  }
  if (target) {
    if (patch.documents.length > 1)
      throw new PatchError("Multiple Strategic-Merge Patches in one `patches` entry is not allowed to set `patches.target` field");
    const document = patch.documents[0];
    if (!document) return;
    for (const resource of selectResources(resources, target)) {
      if (!patchResource(resource, document, options)) resources.splice(resources.indexOf(resource), 1);
    }
    return;
  }
  for (const document of patch.documents) {
    const id = patchId(document);
    const matches = resources.filter((resource) => resource.allIds().some((candidate) => sameId(candidate, id)));
    if (matches.length !== 1) {
      const problem = matches.length === 0 ? "no matches" : "multiple matches";
      throw new PatchError(
        `no resource matches strategic merge patch "${idString(id)}": ${problem} for Id ${idString(id)}; failed to find unique target for patch ${idString(id)}`,
      );
    }
    const resource = matches[0] as Resource;
    if (!patchResource(resource, document, options)) resources.splice(resources.indexOf(resource), 1);
  }
}
