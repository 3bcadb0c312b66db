/**
 * Transformer configuration (`configurations:` files): extra field specs for custom kinds, merged into
 * kustomize's defaults. Each kustomization starts from the defaults plus its own files; a parent
 * merges in its children's, so a base's `configurations` also apply to its overlays.
 */
import type { JsonObject, JsonValue } from "../../manifests/types.js";
import { defaultTransformerConfig, type NameReference, type TransformerConfig } from "./default-field-specs.js";
import type { FieldSpec } from "./field-spec.js";
import { errorAt, isCollection, placeAt, type Place } from "./provenance.js";

const SLICE_KEYS = [
  "namePrefix",
  "nameSuffix",
  "namespace",
  "commonLabels",
  "templateLabels",
  "commonAnnotations",
  "varReference",
  "images",
  "replicas",
] as const;

export function emptyTransformerConfig(): TransformerConfig {
  return {
    namePrefix: [],
    nameSuffix: [],
    namespace: [],
    commonLabels: [],
    templateLabels: [],
    commonAnnotations: [],
    varReference: [],
    nameReference: [],
    images: [],
    replicas: [],
  };
}

function sameSelector(a: FieldSpec | NameReference, b: FieldSpec | NameReference): boolean {
  return (a.group ?? "") === (b.group ?? "") && (a.version ?? "") === (b.version ?? "") && (a.kind ?? "") === (b.kind ?? "");
}

/** Adds the specs of `extra` that `specs` lacks; the same field with a different `create` is a conflict. */
function specKey(spec: FieldSpec): string {
  return `${spec.group ?? ""}|${spec.version ?? ""}|${spec.kind ?? ""}|${spec.path}`;
}

export function mergeFieldSpecs(specs: FieldSpec[], extra: readonly FieldSpec[]): FieldSpec[] {
  if (extra === specs || extra.length === 0) return specs;
  const result = [...specs];
  const byKey = new Map(result.map((spec) => [specKey(spec), spec]));
  for (const spec of extra) {
    const key = specKey(spec);
    const existing = byKey.get(key);
    if (!existing) {
      result.push(spec);
      byKey.set(key, spec);
    } else if ((existing.create === true) !== (spec.create === true)) {
      throw new Error(`conflicting fieldspecs for path '${spec.path}' of kind '${spec.kind ?? ""}'`);
    }
  }
  return result;
}

export function mergeTransformerConfigs(into: TransformerConfig, other: TransformerConfig): TransformerConfig {
  if (into === other) return into;
  const result = { ...into };
  for (const key of SLICE_KEYS) result[key] = mergeFieldSpecs(into[key], other[key]);
  const references = into.nameReference.map((reference) => ({ ...reference, fieldSpecs: [...reference.fieldSpecs] }));
  for (const reference of other.nameReference) {
    const existing = references.find((candidate) => sameSelector(candidate, reference));
    if (existing) existing.fieldSpecs = mergeFieldSpecs(existing.fieldSpecs, reference.fieldSpecs);
    else references.push({ ...reference, fieldSpecs: [...reference.fieldSpecs] });
  }
  result.nameReference = references;
  return result;
}

/** Reads one configurations file (already parsed) into field specs. */
export function parseTransformerConfig(value: JsonValue, place: Place): TransformerConfig {
  const config = emptyTransformerConfig();
  if (value === null) return config;
  if (!isCollection(value) || Array.isArray(value)) throw errorAt(place, "configurations", "a transformer configuration must be a mapping");
  for (const key of SLICE_KEYS) {
    if (value[key] !== undefined && value[key] !== null) config[key] = parseSpecs(value[key] as JsonValue, placeAt(place, key));
  }
  const references = value.nameReference;
  if (references !== undefined && references !== null) {
    if (!Array.isArray(references)) throw errorAt(placeAt(place, "nameReference"), "configurations", "nameReference must be a list");
    config.nameReference = references.map((entry, index) => {
      const at = placeAt(place, "nameReference", index);
      if (!isCollection(entry) || Array.isArray(entry)) throw errorAt(at, "configurations", "a nameReference entry must be a mapping");
      return {
        ...selectorOf(entry),
        kind: typeof entry.kind === "string" ? entry.kind : "",
        fieldSpecs:
          entry.fieldSpecs === undefined || entry.fieldSpecs === null ? [] : parseSpecs(entry.fieldSpecs, placeAt(at, "fieldSpecs")),
      };
    });
  }
  return config;
}

function selectorOf(entry: JsonObject): { group?: string; version?: string; kind?: string } {
  const result: { group?: string; version?: string; kind?: string } = {};
  for (const key of ["group", "version", "kind"] as const) {
    const item = entry[key];
    if (typeof item === "string" && item !== "") result[key] = item;
  }
  return result;
}

export function parseSpecs(value: JsonValue, place: Place): FieldSpec[] {
  if (!Array.isArray(value)) throw errorAt(place, "configurations", "field specs must be a list");
  return value.map((entry, index) => {
    if (!isCollection(entry) || Array.isArray(entry) || typeof entry.path !== "string") {
      throw errorAt(placeAt(place, index), "configurations", "a field spec needs a `path`");
    }
    return { ...selectorOf(entry), path: entry.path, create: entry.create === true };
  });
}

let defaults: TransformerConfig | undefined;

/** kustomize's defaults plus the given configurations; the defaults alone are shared (never mutated). */
export function withDefaults(extra: readonly TransformerConfig[]): TransformerConfig {
  defaults ??= defaultTransformerConfig();
  return extra.reduce(mergeTransformerConfigs, defaults);
}
