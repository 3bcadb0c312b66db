/**
 * One resource while a kustomization is rendered: the object, plus the bookkeeping kustomize keeps in
 * internal annotations (previous ids for name references, prefixes/suffixes applied, generator
 * behaviour, whether its name gets a content hash). None of it ends up in the rendered object.
 */
import type { JsonObject, JsonValue } from "../../manifests/types.js";
import { cloneTagged, isCollection } from "./provenance.js";
import { effectiveNamespace, splitApiVersion, type Gvk, type ResId } from "./resource-id.js";

export type GeneratorBehavior = "create" | "merge" | "replace";

export class Resource {
  /** Earlier (kind, name, namespace) of this resource, oldest first; the group/version are the current ones. */
  previous: { kind: string; name: string; namespace: string }[] = [];
  prefixes: string[] = [];
  suffixes: string[] = [];
  /** Set by generators: the name gets a content-hash suffix at the end of the render. */
  needsHash = false;
  behavior: GeneratorBehavior | undefined;
  /** Names of the vars whose objRef resolved to this resource. */
  refVarNames: string[] = [];
  /** Set on a patch whose options let it rename (or re-kind) its target. */
  allowNameChange = false;
  allowKindChange = false;
  /**
   * Set once a JSON 6902 patch has changed the resource: kustomize applies those to the object's
   * JSON, so every scalar is written in canonical form afterwards (`010` is `8`, `True` is `true`).
   */
  canonicalScalars = false;

  constructor(
    public object: JsonObject,
    /** The file the resource was read from or the kustomization that generated it. */
    readonly file: string,
  ) {}

  get apiVersion(): string {
    return typeof this.object.apiVersion === "string" ? this.object.apiVersion : "";
  }

  get kind(): string {
    return typeof this.object.kind === "string" ? this.object.kind : "";
  }

  get metadata(): JsonObject | undefined {
    const metadata = this.object.metadata;
    return isCollection(metadata) && !Array.isArray(metadata) ? metadata : undefined;
  }

  get name(): string {
    const name = this.metadata?.name;
    return typeof name === "string" ? name : name === undefined || name === null ? "" : String(name);
  }

  get namespace(): string {
    const namespace = this.metadata?.namespace;
    return typeof namespace === "string" ? namespace : namespace === undefined || namespace === null ? "" : String(namespace);
  }

  private cachedGvk: { apiVersion: string; kind: string; gvk: Gvk } | undefined;

  /** Group, version and kind; cached, since every transformer asks for every resource's. */
  gvk(): Gvk {
    const apiVersion = this.apiVersion;
    const kind = this.kind;
    const cached = this.cachedGvk;
    if (cached && cached.apiVersion === apiVersion && cached.kind === kind) return cached.gvk;
    const gvk = { ...splitApiVersion(apiVersion), kind };
    this.cachedGvk = { apiVersion, kind, gvk };
    return gvk;
  }

  currentId(): ResId {
    const { group, version, kind } = this.gvk();
    return { group, version, kind, name: this.name, namespace: this.namespace };
  }

  previousIds(): ResId[] {
    const { group, version } = splitApiVersion(this.apiVersion);
    return this.previous.map((id) => ({ group, version, kind: id.kind, name: id.name, namespace: id.namespace }));
  }

  /** The id the resource had before any transformer renamed it. */
  originalId(): ResId {
    return this.previousIds()[0] ?? this.currentId();
  }

  /** Every id the resource has had, oldest first, the current one last. */
  allIds(): ResId[] {
    return [...this.previousIds(), this.currentId()];
  }

  /** Remembers the current id before a transformer changes it (name references follow renames). */
  storePreviousId(): void {
    const id = this.currentId();
    this.previous.push({ kind: id.kind, name: id.name, namespace: effectiveNamespace(id) });
  }

  labels(): Record<string, string> {
    return stringMap(this.metadata?.labels);
  }

  annotations(): Record<string, string> {
    return stringMap(this.metadata?.annotations);
  }

  clone(): Resource {
    const copy = new Resource(cloneTagged(this.object), this.file);
    copy.previous = this.previous.map((id) => ({ ...id }));
    copy.prefixes = [...this.prefixes];
    copy.suffixes = [...this.suffixes];
    copy.needsHash = this.needsHash;
    copy.behavior = this.behavior;
    copy.refVarNames = [...this.refVarNames];
    copy.allowNameChange = this.allowNameChange;
    copy.allowKindChange = this.allowKindChange;
    copy.canonicalScalars = this.canonicalScalars;
    return copy;
  }
}

function stringMap(value: JsonValue | undefined): Record<string, string> {
  const result: Record<string, string> = {};
  if (!isCollection(value) || Array.isArray(value)) return result;
  for (const [key, item] of Object.entries(value))
    result[key] = item === null ? "" : typeof item === "string" ? item : JSON.stringify(item);
  return result;
}
