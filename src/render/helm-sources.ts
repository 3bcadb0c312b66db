/**
 * What GitOps deploys through Helm, which is not rendered: a Flux `HelmRelease` (any version of
 * helm.toolkit.fluxcd.io) and an Argo CD `Application`/`ApplicationSet` whose source is a Helm chart.
 * The objects a chart creates are never seen, so each such object is listed as "not rendered" at its
 * line: a notice in the summary (never a silent pass; the chart is judged where it is rendered).
 *
 * Argo CD treats a source as Helm when it names a chart (`chart:`, a Helm repository) or carries
 * `helm:` parameters; a Git directory without either is plain manifests or Kustomize, which Argo
 * detects from the files and this bot judges from the same files.
 */
import type { FieldPath, InputError, JsonObject, JsonValue, LoadedFile, Manifest } from "../manifests/types.js";
import { asObject } from "../manifests/json.js";

const FLUX_HELM_GROUP = "helm.toolkit.fluxcd.io";
const ARGO_GROUP = "argoproj.io";

function groupOf(apiVersion: JsonValue | undefined): string {
  return typeof apiVersion === "string" && apiVersion.includes("/") ? apiVersion.slice(0, apiVersion.indexOf("/")) : "";
}

/** Where in an Argo CD application spec a Helm source is: the first `chart` or `helm` field. */
function helmSourcePath(spec: JsonObject | undefined, at: FieldPath): FieldPath | undefined {
  if (!spec) return undefined;
  const single = asObject(spec["source"]);
  if (single) {
    if ("chart" in single) return [...at, "source", "chart"];
    if ("helm" in single) return [...at, "source", "helm"];
  }
  const sources = spec["sources"];
  if (Array.isArray(sources)) {
    for (const [index, entry] of sources.entries()) {
      const source = asObject(entry);
      if (source && "chart" in source) return [...at, "sources", index, "chart"];
      if (source && "helm" in source) return [...at, "sources", index, "helm"];
    }
  }
  return undefined;
}

/** Where the manifest deploys a Helm chart (the path of the field that says so), or undefined. */
export function helmChartPath(object: JsonObject): FieldPath | undefined {
  const group = groupOf(object["apiVersion"]);
  const kind = object["kind"];
  if (group === FLUX_HELM_GROUP && kind === "HelmRelease") {
    const spec = asObject(object["spec"]);
    return spec && "chart" in spec ? ["spec", "chart"] : spec && "chartRef" in spec ? ["spec", "chartRef"] : [];
  }
  if (group !== ARGO_GROUP) return undefined;
  const spec = asObject(object["spec"]);
  if (kind === "Application") return helmSourcePath(spec, ["spec"]);
  if (kind === "ApplicationSet") return helmSourcePath(asObject(asObject(spec?.["template"])?.["spec"]), ["spec", "template", "spec"]);
  return undefined;
}

function describe(object: JsonObject): string {
  const metadata = asObject(object["metadata"]);
  const namespace = typeof metadata?.["namespace"] === "string" ? `${metadata["namespace"]}/` : "";
  const name = typeof metadata?.["name"] === "string" ? metadata["name"] : "(unnamed)";
  return `${String(object["kind"])} ${namespace}${name}`;
}

function placeOf(manifest: Manifest, path: FieldPath): { file: string; line: number; column: number } {
  if (manifest.origin) {
    const { file, range } = manifest.origin(path);
    return { file, line: range.line, column: range.column };
  }
  const range = manifest.locate(path);
  return { file: manifest.file, line: range.line, column: range.column };
}

/** A "not rendered" notice for every object among `files` that deploys a Helm chart. */
export function notRenderedHelm(files: readonly LoadedFile[]): InputError[] {
  const notices: InputError[] = [];
  for (const file of files) {
    for (const manifest of file.manifests) {
      const path = helmChartPath(manifest.object);
      if (!path) continue;
      const where = manifest.renderedIn ? ` (rendered in ${manifest.renderedIn})` : "";
      notices.push({
        ...placeOf(manifest, path),
        message: `not rendered: ${describe(manifest.object)}${where} deploys a Helm chart, and Helm charts are not rendered; the objects the chart creates are not judged here`,
      });
    }
  }
  return notices;
}
