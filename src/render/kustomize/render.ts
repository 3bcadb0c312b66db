/**
 * Renders a kustomization directory the way `kustomize build` (v5.5) does: accumulate resources
 * (files, nested kustomizations, components), run generators, then the built-in transformers in
 * kustomize's order, then at the root add content hashes, fix name references, resolve vars and sort.
 *
 * Anything that cannot be rendered faithfully throws a KustomizeError at the file and line involved.
 */
import type { ScalarDialect } from "../../manifests/scalars.js";
import { parseDocuments } from "../../manifests/yaml.js";
import type { JsonObject, JsonValue, SourceRange } from "../../manifests/types.js";
import { asObject } from "../../manifests/json.js";
import type { TransformerConfig } from "./default-field-specs.js";
import { KustomizeError } from "./errors.js";
import type { FieldSpec } from "./field-spec.js";
import { isWithin, joinPath, type RenderFileSystem } from "./filesystem.js";
import { contentHash, generate, type GeneratorContext } from "./generators.js";
import { applyImage, type ImageRule } from "./images.js";
import { readKustomization, type Kustomization } from "./kustomization-file.js";
import { applyPairs, pairsOf } from "./labels.js";
import { applyNameAffix } from "./name-affixes.js";
import { fixNameReferences } from "./name-references.js";
import { applyNamespace } from "./namespace.js";
import { applyPatch, classifyPatch, type ParsedPatch, type PatchOptions } from "./patches.js";
import { BUILTIN_OPENAPI_VERSION, OpenApiSchemaError, readOpenApiSchema } from "./openapi-schema.js";
import { BUILTIN_MERGE_SCHEMA, type MergeSchema } from "./builtin-schema.js";
import { cloneTagged, errorAt, placeAt, setField, tagTree, type Place, type SourceFile } from "./provenance.js";
import { ParseCache, type ParsedSource } from "./parse-cache.js";
import { applyReplacements } from "./replacements.js";
import { applyReplicas } from "./replicas.js";
import { Resource } from "./resource.js";
import { idKey, idString, sameId } from "./resource-id.js";
import { readSelector } from "./selector.js";
import { stringifyAnnotations } from "./annotation-text.js";
import { applyValueAdd, readValueAddTargets, type ValueAddConfig } from "./value-add.js";
import { legacySort } from "./sort.js";
import { mergeTransformerConfigs, parseSpecs, parseTransformerConfig, withDefaults } from "./transformer-config.js";
import { mergeVars, readVar, resolveVars, type VarDefinition } from "./vars.js";

export interface RenderOptions {
  /** `rootOnly` (kustomize's default): a kustomization may read files only in or below its directory. */
  loadRestrictor?: "rootOnly" | "none";
  /** Parsed files shared with other renders of the same repository. */
  cache?: ParseCache;
}

export interface RenderResult {
  /** The rendered objects in kustomize's output order. */
  objects: JsonObject[];
  /** Every file the render read: kustomizations, resources, patches, generator sources. */
  files: string[];
}

interface Accumulator {
  resources: Resource[];
  config: TransformerConfig;
  vars: VarDefinition[];
}

const UNSUPPORTED: Record<string, string> = {
  helmCharts: "Helm charts are not rendered (kustomize needs --enable-helm and a Helm binary)",
  helmChartInflationGenerator: "Helm charts are not rendered (kustomize needs --enable-helm and a Helm binary)",
  helmGlobals: "Helm charts are not rendered (kustomize needs --enable-helm and a Helm binary)",
  crds: "`crds` (OpenAPI field specs read from CRD files) is not supported",
  validators: "validators are KRM functions, which are not run",
};

const REMOTE =
  /^(?:[a-z][a-z0-9+.-]*:\/\/|git@|(?:github|gitlab|bitbucket)\.(?:com|org)\/)|\?ref=|^[\w.-]+\.[a-z]{2,}\/[^/]+\/[^/]+(?:\.git)?\/\//i;

export function isRemoteReference(reference: string): boolean {
  return REMOTE.test(reference);
}

class Renderer {
  readonly filesRead = new Set<string>();
  readonly cache: ParseCache;
  /**
   * Build-wide, as kustomize's global OpenAPI schema: the built-in one until a kustomization's
   * `openapi:` sets another (the root's always; a base's only when nothing set one before).
   */
  mergeSchema: MergeSchema = BUILTIN_MERGE_SCHEMA;
  schemaSet = false;

  constructor(
    readonly fs: RenderFileSystem,
    readonly options: RenderOptions,
  ) {
    this.cache = options.cache ?? new ParseCache();
  }

  private readonly contents = new Map<string, Uint8Array | string | undefined>();

  /** A file's content, read once per render; every file read is part of the root's closure. */
  read(path: string): Uint8Array | string | undefined {
    if (this.contents.has(path)) return this.contents.get(path);
    const content = this.fs.contentOf(path);
    this.contents.set(path, content);
    if (content !== undefined) this.filesRead.add(path);
    return content;
  }

  /** A file's content as text (UTF-8), read once per render like `read`. */
  readText(path: string): string | undefined {
    const content = this.read(path);
    return content === undefined || typeof content === "string" ? content : Buffer.from(content).toString("utf8");
  }

  /**
   * A YAML file parsed (through the shared cache) and tagged with where its collections sit; its
   * scalars as kustomize keeps them (`yes` stays a string), unless `dialect` says otherwise.
   */
  parse(path: string, feature: string, referencedAt: Place, dialect: ScalarDialect = "kustomize"): ParsedSource {
    const content = this.read(path);
    if (content === undefined) throw errorAt(referencedAt, feature, `file '${path}' does not exist`);
    return this.cache.parse(path, content, feature, dialect);
  }

  readKustomization(directory: string, referencedFrom?: Place): Kustomization {
    const fs: RenderFileSystem = { contentOf: (path) => this.read(path), isDirectory: (path) => this.fs.isDirectory(path) };
    return readKustomization(fs, directory, referencedFrom);
  }
}

const firstLine: SourceRange = { line: 1, column: 1, endLine: 1, endColumn: 1 };

/** Inline text (an inline patch, an inline transformer): every node is placed on the kustomization entry. */
function parseInline(text: string, at: Place, feature: string, dialect: ScalarDialect = "kustomize"): JsonValue[] {
  const parsed = parseDocuments(at.source.file, text, undefined, dialect);
  const problem = parsed.errors[0];
  if (problem) throw errorAt(at, feature, `invalid inline YAML: ${problem.message}`);
  const range = at.source.locate(at.path);
  return parsed.documents.map((document) => {
    const source: SourceFile = { file: at.source.file, locate: () => range, within: { place: at, text, document: document.index } };
    tagTree(document.value, { source, path: [] });
    return document.value;
  });
}

function list(k: Kustomization, key: string, top: Place): { value: JsonValue; place: Place }[] {
  const value = k.value[key];
  if (value === undefined || value === null) return [];
  const written = k.writtenKeys[key] ?? key;
  if (!Array.isArray(value)) throw errorAt(placeAt(top, written), key, `\`${key}\` must be a list`);
  return value.map((item, index) => ({ value: item, place: placeAt(top, written, index) }));
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Runs `action`; any non-Kustomize error becomes one at `place`. */
function at<T>(place: Place, feature: string, action: () => T): T {
  try {
    return action();
  } catch (error) {
    if (error instanceof KustomizeError) throw error;
    throw errorAt(place, feature, describe(error));
  }
}

class Target {
  private readonly top: Place;

  constructor(
    private readonly renderer: Renderer,
    readonly kustomization: Kustomization,
    private readonly visiting: readonly string[],
  ) {
    this.top = { source: kustomization.source, path: [] };
  }

  private get directory(): string {
    return this.kustomization.directory;
  }

  /** A file named by this kustomization, with the load restrictor applied. */
  resolveFile(reference: string, place: Place, feature: string): string {
    const path = joinPath(this.directory, reference);
    if (path === undefined) throw errorAt(place, feature, `'${reference}' points outside the repository`);
    if (this.renderer.options.loadRestrictor !== "none" && !isWithin(path, this.directory)) {
      throw errorAt(place, feature, `security; file '${path}' is not in or below '${this.directory || "."}' (kustomize's load restrictor)`);
    }
    if (this.renderer.read(path) === undefined) {
      const what = this.renderer.fs.isDirectory(path) ? "is a directory, not a file" : "does not exist";
      throw errorAt(place, feature, `'${reference}' ${what}`);
    }
    return path;
  }

  accumulate(acc: Accumulator): Accumulator {
    const k = this.kustomization.value;
    for (const key of Object.keys(k)) {
      const message = UNSUPPORTED[key];
      const value = k[key];
      if (message && value !== null && !(Array.isArray(value) && value.length === 0)) throw errorAt(placeAt(this.top, key), key, message);
    }
    for (const key of ["buildMetadata"]) {
      if (Array.isArray(k[key]) && (k[key] as JsonValue[]).length > 0)
        throw errorAt(placeAt(this.top, key), key, "`buildMetadata` (origin/transformer annotations) is not supported");
    }
    this.applyOpenApi();
    const resources = [...list(this.kustomization, "resources", this.top), ...list(this.kustomization, "bases", this.top)];
    for (const entry of resources) this.accumulateResource(acc, entry.value, entry.place, "resources");
    const configs = list(this.kustomization, "configurations", this.top).map(({ value, place }) => {
      if (typeof value !== "string") throw errorAt(place, "configurations", "must be a path");
      const path = this.resolveFile(value, place, "configurations");
      const parsed = this.renderer.parse(path, "configurations", place);
      return parsed.documents
        .filter((document) => document !== null)
        .map((document) => parseTransformerConfig(document, { source: parsed.source, path: [] }));
    });
    const own = configs.flat();
    if (own.length > 0) acc.config = at(this.top, "configurations", () => mergeTransformerConfigs(acc.config, withDefaults(own)));
    this.runGenerators(acc);
    for (const entry of list(this.kustomization, "components", this.top)) {
      if (typeof entry.value !== "string") throw errorAt(entry.place, "components", "must be a path");
      if (isRemoteReference(entry.value)) throw errorAt(entry.place, "components", `remote component '${entry.value}' is not fetched`);
      const directory = joinPath(this.directory, entry.value);
      if (directory === undefined || !this.renderer.fs.isDirectory(directory))
        throw errorAt(entry.place, "components", `component '${entry.value}' is not a directory`);
      const component = this.child(directory, entry.place, true);
      acc = component.accumulate(acc);
    }
    this.runTransformers(acc);
    const vars = list(this.kustomization, "vars", this.top).map(({ value, place }) => at(place, "vars", () => readVar(value, place)));
    at(placeAt(this.top, "vars"), "vars", () => mergeVars(acc.vars, vars, acc.resources));
    return acc;
  }

  /** kustomize's openapi.SetSchema: the root resets the schema, a base sets it only if nothing has. */
  private applyOpenApi(): void {
    const isRoot = this.visiting.length === 1;
    if (this.renderer.schemaSet && !isRoot) return;
    const written = this.kustomization.value.openapi;
    const place = placeAt(this.top, this.kustomization.writtenKeys["openapi"] ?? "openapi");
    const openapi = written === undefined || written === null ? {} : asObject(written);
    if (!openapi) throw errorAt(place, "openapi", "`openapi` must be a mapping (`path:` or `version:`)");
    const { path, version } = openapi;
    if (path !== undefined && path !== null && path !== "") {
      if (typeof path !== "string") throw errorAt(placeAt(place, "path"), "openapi", "`openapi.path` must be a file path");
      if (version !== undefined) throw errorAt(place, "openapi", "builtin version and custom schema provided, cannot use both");
      const file = this.resolveFile(path, placeAt(place, "path"), "openapi");
      const documents = this.renderer.parse(file, "openapi", placeAt(place, "path")).documents;
      try {
        this.renderer.mergeSchema = readOpenApiSchema(documents[0] ?? null);
      } catch (error) {
        if (error instanceof OpenApiSchemaError) throw errorAt(placeAt(place, "path"), "openapi", `${file}: ${error.message}`);
        throw error;
      }
      this.renderer.schemaSet = true;
      return;
    }
    if (version === undefined || version === null || version === "") {
      if (isRoot) {
        this.renderer.mergeSchema = BUILTIN_MERGE_SCHEMA;
        this.renderer.schemaSet = false;
      }
      return;
    }
    if (version !== BUILTIN_OPENAPI_VERSION) {
      throw errorAt(
        placeAt(place, "version"),
        "openapi",
        `the specified OpenAPI version is not built in: kustomize v5.5 embeds only ${BUILTIN_OPENAPI_VERSION}`,
      );
    }
    this.renderer.mergeSchema = BUILTIN_MERGE_SCHEMA;
    this.renderer.schemaSet = true;
  }

  /** Patches resources with the build's current OpenAPI schema for strategic merge. */
  private applyPatch(resources: Resource[], patch: ParsedPatch, target: Parameters<typeof applyPatch>[2], options: PatchOptions): void {
    applyPatch(resources, patch, target, { ...options, schema: this.renderer.mergeSchema });
  }

  private child(directory: string, place: Place, isComponent: boolean): Target {
    if (this.visiting.some((visited) => isWithin(visited, directory))) {
      throw errorAt(
        place,
        isComponent ? "components" : "resources",
        `cycle detected: '${directory || "."}' contains a kustomization being rendered`,
      );
    }
    const kustomization = this.renderer.readKustomization(directory, place);
    if (isComponent && !kustomization.isComponent) {
      throw errorAt(
        place,
        "components",
        `expected kind 'Component' for path '${directory}' but got '${String(kustomization.value.kind ?? "Kustomization")}'`,
      );
    }
    if (!isComponent && kustomization.isComponent)
      throw errorAt(place, "resources", `expected kind != 'Component' for path '${directory}'`);
    return new Target(this.renderer, kustomization, [...this.visiting, directory]);
  }

  private accumulateResource(acc: Accumulator, reference: JsonValue, place: Place, feature: string): void {
    if (typeof reference !== "string") throw errorAt(place, feature, "must be a path");
    const path = joinPath(this.directory, reference);
    if (path !== undefined && this.renderer.read(path) !== undefined) {
      if (this.renderer.options.loadRestrictor !== "none" && !isWithin(path, this.directory)) {
        throw errorAt(
          place,
          feature,
          `security; file '${path}' is not in or below '${this.directory || "."}' (kustomize's load restrictor)`,
        );
      }
      this.appendAll(acc.resources, this.loadResources(path, place, feature), place, feature);
      return;
    }
    if (path !== undefined && this.renderer.fs.isDirectory(path)) {
      const sub = this.child(path, place, false).accumulate({ resources: [], config: withDefaults([]), vars: [] });
      this.appendAll(acc.resources, sub.resources, place, feature);
      acc.config = at(place, "configurations", () => mergeTransformerConfigs(acc.config, sub.config));
      for (const variable of sub.vars) {
        if (acc.vars.some((existing) => existing.name === variable.name))
          throw errorAt(place, "vars", `var '${variable.name}' already encountered`);
        acc.vars.push(variable);
      }
      return;
    }
    if (isRemoteReference(reference))
      throw errorAt(place, feature, `remote resource '${reference}' is not fetched: only files in the repository are rendered`);
    throw errorAt(place, feature, `'${reference}' is neither a file nor a directory${path === undefined ? " of the repository" : ""}`);
  }

  private appendAll(resources: Resource[], added: readonly Resource[], place: Place, feature: string): void {
    const known = new Set(resources.map((resource) => idKey(resource.currentId())));
    for (const resource of added) {
      const id = resource.currentId();
      const key = idKey(id);
      if (known.has(key)) throw errorAt(place, feature, `may not add resource with an already registered id: ${idString(id)}`);
      known.add(key);
      resources.push(resource);
    }
  }

  /** The objects of a resource file (items of a `...List` expanded), each a fresh copy. */
  loadResources(path: string, place: Place, feature: string): Resource[] {
    const parsed = this.renderer.parse(path, feature, place);
    const resources: Resource[] = [];
    parsed.documents.forEach((document) => {
      if (document === null) return;
      const object = asObject(document);
      if (!object) throw errorAt({ source: parsed.source, path: [] }, feature, `'${path}' holds a document that is not a mapping`);
      const kind = object.kind;
      const items = object.items;
      if (typeof kind === "string" && kind.endsWith("List") && Array.isArray(items)) {
        for (const item of items) {
          const itemObject = asObject(item);
          if (!itemObject) throw errorAt({ source: parsed.source, path: [] }, feature, `an item of the list in '${path}' is not a mapping`);
          resources.push(this.resourceOf(itemObject, path, parsed, feature));
        }
        return;
      }
      resources.push(this.resourceOf(object, path, parsed, feature));
    });
    return resources;
  }

  private resourceOf(object: JsonObject, path: string, parsed: ParsedSource, feature: string): Resource {
    if (typeof object.kind !== "string" || object.kind === "") {
      throw errorAt({ source: parsed.source, path: [] }, feature, `missing kind in an object of '${path}'`);
    }
    // Copied: the same base may be accumulated twice in one render (two overlays of a root).
    return new Resource(cloneTagged(object), path);
  }

  private generatorContext(): GeneratorContext {
    return {
      fs: { contentOf: (path) => this.renderer.read(path), isDirectory: (path) => this.renderer.fs.isDirectory(path) },
      resolveFile: (reference, place, feature) => this.resolveFile(reference, place, feature),
      kustomizationFile: this.kustomization.file,
    };
  }

  private runGenerators(acc: Accumulator): void {
    const options = this.kustomization.value.generatorOptions;
    const generated: { resource: Resource; place: Place }[] = [];
    for (const [key, kind] of [
      ["configMapGenerator", "ConfigMap"],
      ["secretGenerator", "Secret"],
    ] as const) {
      for (const entry of list(this.kustomization, key, this.top)) {
        generated.push({ resource: generate(kind, entry.value, entry.place, options, this.generatorContext()), place: entry.place });
      }
    }
    for (const entry of list(this.kustomization, "generators", this.top)) {
      for (const config of this.pluginConfigs(entry.value, entry.place, "generators")) {
        generated.push(...this.runGeneratorPlugin(config.object, config.place));
      }
    }
    for (const { resource, place } of generated) at(place, "generators", () => absorb(acc.resources, resource));
  }

  private runGeneratorPlugin(config: JsonObject, place: Place): { resource: Resource; place: Place }[] {
    const kind = config.kind;
    if (kind === "ConfigMapGenerator" || kind === "SecretGenerator") {
      const metadata = asObject(config.metadata) ?? {};
      const entry: JsonObject = { ...config, name: metadata.name ?? config.name ?? "" };
      if (typeof metadata.namespace === "string") entry.namespace = metadata.namespace;
      return [
        {
          resource: generate(kind === "ConfigMapGenerator" ? "ConfigMap" : "Secret", entry, place, undefined, this.generatorContext()),
          place,
        },
      ];
    }
    throw errorAt(
      place,
      "generators",
      `generator '${String(config.apiVersion)}/${String(kind)}' is a plugin (KRM function or exec), which is not run`,
    );
  }

  /** Plugin configuration objects named by a `transformers:`/`generators:` entry (inline, a file, or a kustomization). */
  private pluginConfigs(reference: JsonValue, place: Place, feature: string): { object: JsonObject; place: Place }[] {
    if (typeof reference !== "string") throw errorAt(place, feature, "must be a path or inline YAML");
    const path = joinPath(this.directory, reference);
    let objects: { object: JsonObject; place: Place }[];
    if (path !== undefined && this.renderer.read(path) !== undefined) {
      const file = this.resolveFile(reference, place, feature);
      objects = this.loadResources(file, place, feature).map((resource) => ({
        object: resource.object,
        place: { source: this.renderer.parse(file, feature, place).source, path: [] },
      }));
    } else if (path !== undefined && this.renderer.fs.isDirectory(path)) {
      const sub = this.child(path, place, false).accumulate({ resources: [], config: withDefaults([]), vars: [] });
      objects = finish(sub).map((object) => ({ object, place }));
    } else if (reference.includes("\n") || reference.includes(":")) {
      objects = parseInline(reference, place, feature)
        .filter((document) => document !== null)
        .map((document) => ({ object: asObject(document) ?? {}, place }));
    } else if (isRemoteReference(reference)) throw errorAt(place, feature, `remote ${feature} '${reference}' are not fetched`);
    else throw errorAt(place, feature, `'${reference}' is neither a file nor a directory`);
    for (const { object, place: where } of objects) {
      if (object.apiVersion !== "builtin") {
        throw errorAt(
          where,
          feature,
          `'${String(object.apiVersion)}/${String(object.kind)}' is a plugin (KRM function or exec), which is not run; only kustomize's built-in transformers and generators are`,
        );
      }
    }
    return objects;
  }

  private readPatch(entry: JsonObject, place: Place, feature: string): ParsedPatch {
    const path = entry.path;
    const inline = typeof entry.patch === "string" ? entry.patch.trim() : "";
    const hasPath = typeof path === "string" && path !== "";
    if (hasPath && inline !== "") throw errorAt(place, feature, "patch and path can't be set at the same time");
    if (!hasPath && inline === "") throw errorAt(place, feature, "must specify one of patch and path");
    const file = hasPath ? this.resolveFile(path, placeAt(place, "path"), feature) : undefined;
    // Text that starts with `[` is decoded by kustomize as JSON as it is, not as YAML: `[{op: add}]` is refused.
    const text = file === undefined ? inline : (this.renderer.readText(file) ?? "");
    if (text.startsWith("[")) {
      try {
        JSON.parse(text);
      } catch (error) {
        throw errorAt(place, feature, `unable to parse SM or JSON patch: a patch starting with '[' must be JSON (${describe(error)})`);
      }
    }
    // kustomize reads a JSON 6902 patch with sigs.k8s.io/yaml (`yes` is true there), a strategic merge
    // patch as kyaml nodes (`yes` stays a string): read as the latter, and again if it is the former.
    const read = (dialect: ScalarDialect): JsonValue[] =>
      file === undefined
        ? parseInline(inline, placeAt(place, "patch"), feature, dialect)
        : this.renderer.parse(file, feature, placeAt(place, "path"), dialect).documents;
    const patch = at(place, feature, () => classifyPatch(read("kustomize"), place));
    return patch.kind === "json" ? at(place, feature, () => classifyPatch(read("kubernetes"), place)) : patch;
  }

  private runTransformers(acc: Accumulator): void {
    const k = this.kustomization.value;
    const config = acc.config;
    const top = this.top;
    const resources = acc.resources;
    const noChange = { allowNameChange: false, allowKindChange: false };

    for (const entry of list(this.kustomization, "patchesStrategicMerge", top)) {
      const value = entry.value;
      if (typeof value !== "string") throw errorAt(entry.place, "patchesStrategicMerge", "must be a path or inline patch");
      const file = joinPath(this.directory, value);
      const documents =
        file !== undefined && this.renderer.read(file) !== undefined
          ? this.renderer.parse(this.resolveFile(value, entry.place, "patchesStrategicMerge"), "patchesStrategicMerge", entry.place)
              .documents
          : value.includes("\n") || value.includes(":")
            ? parseInline(value, entry.place, "patchesStrategicMerge")
            : (() => {
                throw errorAt(entry.place, "patchesStrategicMerge", `'${value}' does not exist`);
              })();
      const patch = at(entry.place, "patchesStrategicMerge", () => classifyPatch(documents, entry.place));
      at(entry.place, "patchesStrategicMerge", () => this.applyPatch(resources, patch, undefined, noChange));
    }
    for (const entry of list(this.kustomization, "patches", top)) {
      const object = asObject(entry.value);
      if (!object) throw errorAt(entry.place, "patches", "a patch entry must be a mapping with `path` or `patch`");
      const patch = this.readPatch(object, entry.place, "patches");
      const target = asObject(object.target);
      const options = asObject(object.options) ?? {};
      at(entry.place, "patches", () =>
        this.applyPatch(resources, patch, target ? readSelector(target) : undefined, {
          allowNameChange: options.allowNameChange === true,
          allowKindChange: options.allowKindChange === true,
        }),
      );
    }
    if (typeof k.namespace === "string" && k.namespace !== "") {
      const place = placeAt(top, "namespace");
      at(place, "namespace", () => applyNamespace(resources, k.namespace as string, config.namespace, place));
    }
    for (const [key, position, specs] of [
      ["namePrefix", "prefix", config.namePrefix],
      ["nameSuffix", "suffix", config.nameSuffix],
    ] as const) {
      const value = k[key];
      if (typeof value === "string" && value !== "")
        at(placeAt(top, key), key, () => applyNameAffix(resources, value, position, specs, placeAt(top, key)));
    }
    for (const entry of list(this.kustomization, "labels", top)) {
      const object = asObject(entry.value) ?? {};
      const pairs = pairsOf(object.pairs);
      let specs: FieldSpec[] =
        object.fields === undefined
          ? []
          : at(entry.place, "labels", () => parseSpecs(object.fields as JsonValue, placeAt(entry.place, "fields")));
      specs = mergeSpecs(
        specs,
        config.templateLabels.filter((spec) => spec.path === "metadata/labels"),
      );
      if (object.includeSelectors === true) specs = mergeSpecs(specs, config.commonLabels);
      else {
        if (object.includeTemplates === true) specs = mergeSpecs(specs, config.templateLabels);
        specs = mergeSpecs(specs, [{ path: "metadata/labels", create: true }]);
      }
      at(entry.place, "labels", () => applyPairs(resources, pairs, specs, entry.place, (name) => placeAt(entry.place, "pairs", name)));
    }
    if (k.commonLabels !== undefined) {
      const place = placeAt(top, "commonLabels");
      at(place, "commonLabels", () =>
        applyPairs(resources, pairsOf(k.commonLabels), config.commonLabels, place, (name) => placeAt(place, name)),
      );
    }
    if (k.commonAnnotations !== undefined) {
      const place = placeAt(top, "commonAnnotations");
      at(place, "commonAnnotations", () =>
        applyPairs(resources, pairsOf(k.commonAnnotations), config.commonAnnotations, place, (name) => placeAt(place, name)),
      );
    }
    for (const entry of list(this.kustomization, "patchesJson6902", top)) {
      const object = asObject(entry.value);
      const target = object ? asObject(object.target) : undefined;
      if (!object || !target) throw errorAt(entry.place, "patchesJson6902", "a patchesJson6902 entry needs a target");
      const patch = this.readPatch(object, entry.place, "patchesJson6902");
      at(entry.place, "patchesJson6902", () => this.applyPatch(resources, patch, readSelector(target), noChange));
    }
    for (const entry of list(this.kustomization, "replicas", top)) {
      const object = asObject(entry.value) ?? {};
      const count = object.count;
      if (typeof object.name !== "string" || typeof count !== "number")
        throw errorAt(entry.place, "replicas", "a replicas entry needs a name and a count");
      at(entry.place, "replicas", () =>
        applyReplicas(resources, object.name as string, count, config.replicas, placeAt(entry.place, "count")),
      );
    }
    for (const entry of [...list(this.kustomization, "images", top), ...list(this.kustomization, "imageTags", top)]) {
      const object = asObject(entry.value) ?? {};
      const rule: ImageRule = { name: String(object.name ?? "") };
      for (const key of ["newName", "newTag", "digest", "tagSuffix"] as const)
        if (object[key] !== undefined && object[key] !== null) rule[key] = String(object[key]);
      at(entry.place, "images", () => applyImage(resources, rule, config.images, entry.place));
    }
    const replacements = this.replacementsOf(list(this.kustomization, "replacements", top));
    if (replacements.length > 0) at(placeAt(top, "replacements"), "replacements", () => applyReplacements(resources, replacements));
    for (const entry of list(this.kustomization, "transformers", top)) {
      for (const plugin of this.pluginConfigs(entry.value, entry.place, "transformers"))
        this.runTransformerPlugin(acc, plugin.object, plugin.place);
    }
  }

  private replacementsOf(entries: { value: JsonValue; place: Place }[]): JsonObject[] {
    const result: JsonObject[] = [];
    for (const entry of entries) {
      const object = asObject(entry.value);
      if (!object) throw errorAt(entry.place, "replacements", "a replacement must be a mapping");
      if (typeof object.path === "string") {
        const file = this.resolveFile(object.path, placeAt(entry.place, "path"), "replacements");
        for (const document of this.renderer.parse(file, "replacements", entry.place).documents) {
          if (Array.isArray(document)) result.push(...document.filter((item): item is JsonObject => asObject(item) !== undefined));
          else if (asObject(document)) result.push(document as JsonObject);
        }
      } else result.push(object);
    }
    return result;
  }

  /** A ValueAddTransformer's value (default: the name of this kustomization's directory) and targets. */
  private valueAddConfig(config: JsonObject, place: Place): ValueAddConfig {
    let value = typeof config.value === "string" ? config.value.trim() : "";
    if (config.value !== undefined && config.value !== null && typeof config.value !== "string")
      throw errorAt(place, "transformers", "ValueAddTransformer: value must be a string");
    if (value === "") {
      const name = this.directory.slice(this.directory.lastIndexOf("/") + 1);
      // kustomize takes the base name of the directory on disk; at the top of a repository we cannot know it.
      if (name === "")
        throw errorAt(
          place,
          "transformers",
          "ValueAddTransformer without `value:` at the top of the repository: the directory name it would use is unknown here; set `value:`",
        );
      value = name;
    }
    const targets = at(place, "transformers", () => readValueAddTargets(config.targets));
    if (config.targetFilePath !== undefined && config.targetFilePath !== null && config.targetFilePath !== "") {
      if (typeof config.targetFilePath !== "string")
        throw errorAt(place, "transformers", "ValueAddTransformer: targetFilePath must be a path");
      const file = this.resolveFile(config.targetFilePath, place, "transformers");
      for (const document of this.renderer.parse(file, "transformers", place).documents) {
        targets.push(...at(place, "transformers", () => readValueAddTargets(asObject(document)?.targets)));
      }
    }
    return { value, targets };
  }

  private runTransformerPlugin(acc: Accumulator, config: JsonObject, place: Place): void {
    const resources = acc.resources;
    const specsOf = (value: JsonValue | undefined): FieldSpec[] =>
      value === undefined || value === null ? [] : at(place, "transformers", () => parseSpecs(value, place));
    switch (config.kind) {
      case "PatchTransformer": {
        const patch = this.readPatch(config, place, "transformers");
        const target = asObject(config.target);
        const options = asObject(config.options) ?? {};
        at(place, "transformers", () =>
          this.applyPatch(resources, patch, target ? readSelector(target) : undefined, {
            allowNameChange: options.allowNameChange === true,
            allowKindChange: options.allowKindChange === true,
          }),
        );
        return;
      }
      case "PatchJson6902Transformer": {
        const target = asObject(config.target);
        if (!target) throw errorAt(place, "transformers", "PatchJson6902Transformer needs a target");
        const patch = this.readPatch({ path: config.path ?? null, patch: config.jsonOp ?? null }, place, "transformers");
        at(place, "transformers", () =>
          this.applyPatch(resources, patch, readSelector(target), { allowNameChange: false, allowKindChange: false }),
        );
        return;
      }
      case "PatchStrategicMergeTransformer": {
        const paths = Array.isArray(config.paths) ? config.paths : [];
        for (const path of paths) {
          if (typeof path !== "string") continue;
          const file = this.resolveFile(path, place, "transformers");
          const patch = at(place, "transformers", () => classifyPatch(this.renderer.parse(file, "transformers", place).documents, place));
          at(place, "transformers", () => this.applyPatch(resources, patch, undefined, { allowNameChange: false, allowKindChange: false }));
        }
        if (typeof config.patches === "string") {
          const patch = at(place, "transformers", () => classifyPatch(parseInline(config.patches as string, place, "transformers"), place));
          at(place, "transformers", () => this.applyPatch(resources, patch, undefined, { allowNameChange: false, allowKindChange: false }));
        }
        return;
      }
      case "LabelTransformer":
        at(place, "transformers", () => applyPairs(resources, pairsOf(config.labels), specsOf(config.fieldSpecs), place, () => place));
        return;
      case "AnnotationsTransformer":
        at(place, "transformers", () => applyPairs(resources, pairsOf(config.annotations), specsOf(config.fieldSpecs), place, () => place));
        return;
      case "PrefixSuffixTransformer":
      case "PrefixTransformer":
      case "SuffixTransformer": {
        const specs = specsOf(config.fieldSpecs);
        if (typeof config.prefix === "string" && config.prefix !== "")
          at(place, "transformers", () => applyNameAffix(resources, config.prefix as string, "prefix", specs, place));
        if (typeof config.suffix === "string" && config.suffix !== "")
          at(place, "transformers", () => applyNameAffix(resources, config.suffix as string, "suffix", specs, place));
        return;
      }
      case "NamespaceTransformer": {
        const namespace = asObject(config.metadata)?.namespace;
        if (typeof namespace === "string" && namespace !== "")
          at(place, "transformers", () => applyNamespace(resources, namespace, specsOf(config.fieldSpecs), place));
        return;
      }
      case "ImageTagTransformer": {
        const image = asObject(config.imageTag) ?? {};
        const rule: ImageRule = { name: String(image.name ?? "") };
        for (const key of ["newName", "newTag", "digest", "tagSuffix"] as const)
          if (image[key] !== undefined && image[key] !== null) rule[key] = String(image[key]);
        at(place, "transformers", () => applyImage(resources, rule, specsOf(config.fieldSpecs), place));
        return;
      }
      case "ReplicaCountTransformer": {
        const replica = asObject(config.replica) ?? {};
        if (typeof replica.name !== "string" || typeof replica.count !== "number")
          throw errorAt(place, "transformers", "ReplicaCountTransformer needs replica.name and replica.count");
        at(place, "transformers", () =>
          applyReplicas(resources, replica.name as string, replica.count as number, specsOf(config.fieldSpecs), place),
        );
        return;
      }
      case "ReplacementTransformer": {
        const entries = Array.isArray(config.replacements) ? config.replacements.map((value) => ({ value, place })) : [];
        at(place, "transformers", () => applyReplacements(resources, this.replacementsOf(entries)));
        return;
      }
      case "ValueAddTransformer": {
        const value = this.valueAddConfig(config, place);
        at(place, "transformers", () => applyValueAdd(resources, value, place));
        return;
      }
      default:
        throw errorAt(place, "transformers", `built-in transformer '${String(config.kind)}' is not supported`);
    }
  }
}

function mergeSpecs(specs: FieldSpec[], extra: readonly FieldSpec[]): FieldSpec[] {
  const result = [...specs];
  for (const spec of extra) {
    if (
      !result.some(
        (existing) =>
          existing.path === spec.path && existing.kind === spec.kind && existing.group === spec.group && existing.version === spec.version,
      )
    )
      result.push(spec);
  }
  return result;
}

/** kustomize's AbsorbAll: a generated object is added, or merged into / replaces the one it names. */
function absorb(resources: Resource[], resource: Resource): void {
  const id = resource.currentId();
  const matches = resources.filter((existing) => existing.allIds().some((candidate) => sameId(candidate, id)));
  if (matches.length === 0) {
    if (resource.behavior === "merge" || resource.behavior === "replace")
      throw new Error(`id ${idString(id)} does not exist; cannot merge or replace`);
    resources.push(resource);
    return;
  }
  if (matches.length > 1) throw new Error(`multiple resources match ${idString(id)}`);
  const old = matches[0] as Resource;
  if (resource.behavior !== "merge" && resource.behavior !== "replace") {
    throw new Error(
      `id ${idString(id)} exists; can not use behavior: '${resource.behavior ?? "create"}', behavior must be merge or replace`,
    );
  }
  const object = resource.object;
  const metadata = (asObject(object.metadata) ?? {}) as JsonObject;
  const oldMetadata = asObject(old.object.metadata) ?? {};
  for (const key of ["labels", "annotations"] as const) {
    const merged = { ...(asObject(oldMetadata[key]) ?? {}), ...(asObject(metadata[key]) ?? {}) };
    if (Object.keys(merged).length > 0)
      setField(metadata, key, merged, placeAt({ source: { file: old.file, locate: () => firstLine }, path: [] }));
  }
  metadata.name = oldMetadata.name ?? metadata.name ?? null;
  if (typeof oldMetadata.namespace === "string" && oldMetadata.namespace !== "") metadata.namespace = oldMetadata.namespace;
  else delete metadata.namespace;
  if (resource.behavior === "merge") {
    for (const key of ["data", "binaryData"] as const) {
      const merged = { ...(asObject(old.object[key]) ?? {}), ...(asObject(object[key]) ?? {}) };
      if (Object.keys(merged).length > 0) object[key] = merged;
    }
  }
  resource.previous = old.previous.map((previous) => ({ ...previous }));
  resource.prefixes = [...old.prefixes];
  resource.suffixes = [...old.suffixes];
  resource.refVarNames = [...old.refVarNames];
  resource.needsHash = resource.needsHash && old.needsHash;
  resources[resources.indexOf(old)] = resource;
}

/** The root-only steps: hashes, name references, vars, local-config removal, order. */
function finish(acc: Accumulator, sortOptions?: JsonValue): JsonObject[] {
  for (const resource of acc.resources) {
    if (!resource.needsHash) continue;
    const hash = contentHash(resource.object);
    resource.storePreviousId();
    const metadata = asObject(resource.object.metadata);
    if (metadata) metadata.name = `${resource.name}-${hash}`;
  }
  fixNameReferences(acc.resources, acc.config.nameReference);
  resolveVars(acc.resources, acc.vars, acc.config.varReference);
  for (const resource of acc.resources) {
    // kustomize keeps its bookkeeping in annotations and drops the map when nothing else is left in it.
    const metadata = asObject(resource.object.metadata);
    const annotations = metadata?.annotations;
    if (metadata && (annotations === null || (asObject(annotations) && Object.keys(annotations as JsonObject).length === 0)))
      delete metadata.annotations;
  }
  let resources = acc.resources.filter((resource) => resource.annotations()["config.kubernetes.io/local-config"] !== "true");
  const options = asObject(sortOptions);
  if (!options || options.order === "legacy") {
    const legacy = asObject(options?.legacySortOptions);
    const first = Array.isArray(legacy?.orderFirst) ? legacy.orderFirst.map(String) : undefined;
    const last = Array.isArray(legacy?.orderLast) ? legacy.orderLast.map(String) : undefined;
    resources = legacySort(resources, first, last);
  } else if (options.order !== "fifo") throw new Error("the field 'sortOptions.order' must be one of [fifo, legacy]");
  return resources.map((resource) => resource.object);
}

/** Renders the kustomization in `directory` (a path relative to the file system's root). */
export function renderKustomization(fs: RenderFileSystem, directory: string, options: RenderOptions = {}): RenderResult {
  const renderer = new Renderer(fs, options);
  let kustomization: Kustomization;
  try {
    kustomization = renderer.readKustomization(directory);
  } catch (error) {
    if (error instanceof KustomizeError) error.filesRead = [...renderer.filesRead].sort();
    throw error;
  }
  try {
    const target = new Target(renderer, kustomization, [directory]);
    const acc = target.accumulate({ resources: [], config: withDefaults([]), vars: [] });
    const top: Place = { source: kustomization.source, path: [] };
    const canonical = new Set(acc.resources.filter((resource) => resource.canonicalScalars).map((resource) => resource.object));
    const objects = at(top, "kustomization", () => finish(acc, kustomization.value.sortOptions));
    stringifyAnnotations(objects, canonical, (file) => renderer.readText(file));
    return { objects, files: [...renderer.filesRead].sort() };
  } catch (error) {
    // A root that fails still has a closure: a pull request that fixes one of its files re-renders it.
    if (error instanceof KustomizeError) error.filesRead = [...renderer.filesRead].sort();
    throw error;
  }
}
