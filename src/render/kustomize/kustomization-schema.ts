/**
 * The types of a kustomization file's fields, as kustomize v5.5 decodes them: sigs.k8s.io/yaml
 * (YAML 1.1, so `namespace: n` is the boolean false) into the Go structs of api/types with
 * UnmarshalStrict. A value of the wrong type or an unknown field anywhere stops `kustomize build`
 * ("invalid Kustomization: json: cannot unmarshal bool into Go struct field ..."), so it stops ours:
 * judging what kustomize refuses to render would judge something that is never deployed.
 */
import type { JsonObject, JsonValue } from "../../manifests/types.js";
import { errorAt, isCollection, placeAt, type Place } from "./provenance.js";

type FieldType =
  | "string"
  | "bool"
  | "int"
  /** Not checked here (the renderer refuses the feature anyway, e.g. Helm). */
  | "any"
  | { map: FieldType }
  | { list: FieldType }
  | { struct: string; fields: Readonly<Record<string, FieldType>> };

const struct = (name: string, fields: Record<string, FieldType>): FieldType => ({ struct: name, fields });
const list = (of: FieldType): FieldType => ({ list: of });
const stringMap: FieldType = { map: "string" };
const strings = list("string");

const GVK = { group: "string", version: "string", kind: "string" } as const;
const RES_ID = { ...GVK, name: "string", namespace: "string" } as const;
const SELECTOR = struct("Selector", { ...RES_ID, annotationSelector: "string", labelSelector: "string" });
const GENERATOR_OPTIONS = struct("GeneratorOptions", {
  labels: stringMap,
  annotations: stringMap,
  disableNameSuffixHash: "bool",
  immutable: "bool",
});
const GENERATOR_ARGS = {
  namespace: "string",
  name: "string",
  behavior: "string",
  literals: strings,
  files: strings,
  envs: strings,
  env: "string",
  options: GENERATOR_OPTIONS,
} as const;
const PATCH = struct("Patch", { path: "string", patch: "string", target: SELECTOR, options: { map: "bool" } });
const IMAGE = struct("Image", { name: "string", newName: "string", tagSuffix: "string", newTag: "string", digest: "string" });
const FIELD_OPTIONS = struct("FieldOptions", { delimiter: "string", index: "int", encoding: "string", create: "bool" });

const KUSTOMIZATION = struct("Kustomization", {
  apiVersion: "string",
  kind: "string",
  metadata: struct("ObjectMeta", { name: "string", namespace: "string", labels: stringMap, annotations: stringMap }),
  openapi: stringMap,
  namePrefix: "string",
  nameSuffix: "string",
  namespace: "string",
  commonLabels: stringMap,
  labels: list(
    struct("Label", {
      pairs: stringMap,
      includeSelectors: "bool",
      includeTemplates: "bool",
      fields: list(struct("FieldSpec", { ...GVK, path: "string", create: "bool" })),
    }),
  ),
  commonAnnotations: stringMap,
  patchesStrategicMerge: strings,
  patchesJson6902: list(PATCH),
  patches: list(PATCH),
  images: list(IMAGE),
  imageTags: list(IMAGE),
  replacements: list(
    struct("ReplacementField", {
      path: "string",
      source: struct("SourceSelector", { ...RES_ID, fieldPath: "string", options: FIELD_OPTIONS }),
      targets: list(struct("TargetSelector", { select: SELECTOR, reject: list(SELECTOR), fieldPaths: strings, options: FIELD_OPTIONS })),
    }),
  ),
  replicas: list(struct("Replica", { name: "string", count: "int" })),
  vars: list(
    struct("Var", {
      name: "string",
      objref: struct("Target", { apiVersion: "string", ...GVK, name: "string", namespace: "string" }),
      fieldref: struct("FieldSelector", { fieldPath: "string" }),
    }),
  ),
  sortOptions: struct("SortOptions", {
    order: "string",
    legacySortOptions: struct("LegacySortOptions", { orderFirst: strings, orderLast: strings }),
  }),
  resources: strings,
  components: strings,
  crds: strings,
  bases: strings,
  configMapGenerator: list(struct("ConfigMapArgs", GENERATOR_ARGS)),
  secretGenerator: list(struct("SecretArgs", { ...GENERATOR_ARGS, type: "string" })),
  helmGlobals: "any",
  helmCharts: "any",
  helmChartInflationGenerator: "any",
  generatorOptions: GENERATOR_OPTIONS,
  configurations: strings,
  generators: strings,
  transformers: strings,
  validators: strings,
  buildMetadata: strings,
});

function jsonKind(value: JsonValue): string {
  if (typeof value === "boolean") return `bool (${String(value)})`;
  if (typeof value === "number") return `number ${String(value)}`;
  if (typeof value === "string") return "string";
  return Array.isArray(value) ? "array" : "object";
}

function goType(type: FieldType): string {
  if (typeof type === "string") return type === "int" ? "int64" : type;
  if ("map" in type) return `map[string]${goType(type.map)}`;
  if ("list" in type) return `[]${goType(type.list)}`;
  return type.struct;
}

/** Throws at the first value kustomize would fail to decode. `top` is the kustomization's root place. */
export function checkKustomizationTypes(value: JsonObject, top: Place): void {
  check(value, KUSTOMIZATION, top, "Kustomization");
}

function check(value: JsonValue, type: FieldType, place: Place, goPath: string): void {
  // JSON null decodes to the zero value of any Go type.
  if (value === null || type === "any") return;
  const mismatch = (): never => {
    const hint =
      typeof value === "boolean" || typeof value === "number"
        ? ` (YAML reads this as a ${typeof value}: quote it if you meant a string)`
        : "";
    throw errorAt(
      place,
      "kustomization",
      `invalid Kustomization: cannot unmarshal ${jsonKind(value)} into Go struct field ${goPath} of type ${goType(type)}${type === "string" ? hint : ""}`,
    );
  };
  if (type === "string") {
    if (typeof value !== "string") mismatch();
    return;
  }
  if (type === "bool") {
    if (typeof value !== "boolean") mismatch();
    return;
  }
  if (type === "int") {
    if (typeof value !== "number" || !Number.isInteger(value)) mismatch();
    return;
  }
  if ("list" in type) {
    if (!Array.isArray(value)) return mismatch();
    value.forEach((item, index) => check(item, type.list, placeAt(place, index), goPath));
    return;
  }
  if (!isCollection(value) || Array.isArray(value)) return mismatch();
  if ("map" in type) {
    for (const [key, item] of Object.entries(value)) check(item, type.map, placeAt(place, key), goPath);
    return;
  }
  for (const [key, item] of Object.entries(value)) {
    // Go's JSON decoding matches field names case-insensitively.
    const name = key in type.fields ? key : Object.keys(type.fields).find((field) => field.toLowerCase() === key.toLowerCase());
    if (name === undefined)
      throw errorAt(placeAt(place, key), "kustomization", `invalid Kustomization: unknown field "${key}" in ${type.struct}`);
    check(item as JsonValue, type.fields[name] as FieldType, placeAt(place, key), `${type.struct}.${name}`);
  }
}
