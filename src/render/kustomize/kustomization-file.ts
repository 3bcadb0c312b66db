/**
 * Reading and validating one kustomization (or component) file, as `kustomize build` does: exactly
 * one of the recognised file names, a mapping, no unknown field, the right kind/apiVersion pair.
 */
import { parseDocuments } from "../../manifests/yaml.js";
import type { JsonObject, JsonValue } from "../../manifests/types.js";
import { KustomizeError } from "./errors.js";
import { checkKustomizationTypes } from "./kustomization-schema.js";
import { joinPath, type RenderFileSystem } from "./filesystem.js";
import { errorAt, isCollection, placeAt, type Place, type SourceFile } from "./provenance.js";

export const KUSTOMIZATION_FILE_NAMES = ["kustomization.yaml", "kustomization.yml", "Kustomization"] as const;

const KNOWN_FIELDS = new Set([
  "apiVersion",
  "kind",
  "metadata",
  "openapi",
  "namePrefix",
  "nameSuffix",
  "namespace",
  "commonLabels",
  "labels",
  "commonAnnotations",
  "patchesStrategicMerge",
  "patchesJson6902",
  "patches",
  "images",
  "imageTags",
  "replacements",
  "replicas",
  "vars",
  "sortOptions",
  "resources",
  "components",
  "crds",
  "bases",
  "configMapGenerator",
  "secretGenerator",
  "helmGlobals",
  "helmCharts",
  "helmChartInflationGenerator",
  "generatorOptions",
  "configurations",
  "generators",
  "transformers",
  "validators",
  "buildMetadata",
]);

const FIELD_BY_LOWER_CASE = new Map([...KNOWN_FIELDS].map((field) => [field.toLowerCase(), field]));

export interface Kustomization {
  /** Directory of the kustomization ("" for the repository root). */
  directory: string;
  file: string;
  /** The file's content as written. */
  value: JsonObject;
  /** The key as written, for each field (Go's JSON decoding matches field names case-insensitively). */
  writtenKeys: Record<string, string>;
  source: SourceFile;
  isComponent: boolean;
}

/** The path of the kustomization file in `directory`, or undefined when it has none. */
export function findKustomizationFile(fs: RenderFileSystem, directory: string): string | undefined {
  for (const name of KUSTOMIZATION_FILE_NAMES) {
    const path = joinPath(directory, name) as string;
    if (fs.contentOf(path) !== undefined) return path;
  }
  return undefined;
}

export function readKustomization(fs: RenderFileSystem, directory: string, referencedFrom?: Place): Kustomization {
  const present = KUSTOMIZATION_FILE_NAMES.map((name) => joinPath(directory, name) as string).filter(
    (path) => fs.contentOf(path) !== undefined,
  );
  const where = directory === "" ? "the repository root" : `'${directory}'`;
  if (present.length === 0) {
    const message = `unable to find one of 'kustomization.yaml', 'kustomization.yml' or 'Kustomization' in directory ${where}`;
    if (referencedFrom) throw errorAt(referencedFrom, "resources", message);
    throw new KustomizeError(directory, 1, 1, "kustomization", message);
  }
  if (present.length > 1) {
    throw new KustomizeError(
      present[0] as string,
      1,
      1,
      "kustomization",
      `found multiple kustomization files in ${where}: ${present.join(", ")}`,
    );
  }
  const file = present[0] as string;
  const parsed = parseDocuments(file, fs.contentOf(file) as Uint8Array | string);
  const problem = parsed.errors[0];
  if (problem) throw new KustomizeError(file, problem.line, problem.column, "kustomization", `invalid Kustomization: ${problem.message}`);
  const document = parsed.documents.find((candidate) => candidate.value !== null);
  const source: SourceFile = {
    file,
    locate: document?.locate ?? (() => ({ line: 1, column: 1, endLine: 1, endColumn: 1 })),
    ...(document ? { document: document.index } : {}),
  };
  const top: Place = { source, path: [] };
  if (!document) throw errorAt(top, "kustomization", "kustomization.yaml is empty");
  const written = document.value;
  if (!isCollection(written) || Array.isArray(written))
    throw errorAt(top, "kustomization", "invalid Kustomization: the file must hold a mapping");
  const value: JsonObject = {};
  const writtenKeys: Record<string, string> = {};
  for (const key of Object.keys(written)) {
    const canonical = KNOWN_FIELDS.has(key) ? key : FIELD_BY_LOWER_CASE.get(key.toLowerCase());
    if (canonical === undefined) throw errorAt(placeAt(top, key), key, `invalid Kustomization: unknown field "${key}"`);
    value[canonical] = written[key] as JsonValue;
    writtenKeys[canonical] = key;
  }
  checkKustomizationTypes(written, top);
  const kind = value.kind ?? "";
  const apiVersion = value.apiVersion ?? "";
  if (kind !== "" && kind !== "Kustomization" && kind !== "Component") {
    throw errorAt(placeAt(top, "kind"), "kind", "kind should be Kustomization or Component");
  }
  const isComponent = kind === "Component";
  const requiredVersion = isComponent ? "kustomize.config.k8s.io/v1alpha1" : "kustomize.config.k8s.io/v1beta1";
  if (apiVersion !== "" && apiVersion !== requiredVersion) {
    throw errorAt(
      placeAt(top, "apiVersion"),
      "apiVersion",
      `apiVersion for ${isComponent ? "Component" : "Kustomization"} should be ${requiredVersion}`,
    );
  }
  if (Object.keys(value).every((key) => key === "apiVersion" || key === "kind" || isEmptyValue(value[key]))) {
    throw errorAt(top, "kustomization", "kustomization.yaml is empty");
  }
  return { directory, file, value, writtenKeys, source, isComponent };
}

function isEmptyValue(value: unknown): boolean {
  if (value === null || value === undefined || value === "" || value === false) return true;
  if (Array.isArray(value)) return value.length === 0;
  if (typeof value === "object") return Object.keys(value).length === 0;
  return false;
}
