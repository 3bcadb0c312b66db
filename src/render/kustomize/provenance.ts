/**
 * Where every field of a rendered object came from.
 *
 * Each collection (mapping or list) of a rendered object carries a tag: the place in a source file
 * it was read from (a base resource, a patch, a kustomization entry). A scalar's place is its
 * collection's place plus its key, unless a transformer or patch set it, in which case the collection
 * records the scalar's own place. Tags live in a WeakMap keyed by the collection, so the rendered
 * objects stay plain JSON for everything downstream; positions are resolved only when a finding is
 * reported.
 */
import type { FieldPath, JsonObject, JsonValue, Locator, PathSegment, SourceRange } from "../../manifests/types.js";
import { KustomizeError } from "./errors.js";

/** A parsed source file: its repository path and the positions of its fields. */
export interface SourceFile {
  file: string;
  locate: Locator;
  /**
   * The document's index in the file's stream (as the manifest reader numbers it), for a document
   * read from a file of its own; absent for text inside another file (an inline patch).
   */
  document?: number;
  /**
   * For text inside another file (an inline patch): the entry holding it, the text as it was read,
   * and the document's index in that text.
   */
  within?: { place: Place; text: string; document: number };
}

/** A node of a source file: the file, and the path to the node inside the document. */
export interface Place {
  source: SourceFile;
  path: FieldPath;
}

interface Tag {
  at: Place;
  /** Scalars (or missing values) of this collection whose place is not `at` + key. */
  fields?: Map<PathSegment, Place>;
  /** Keys written with no value at all (`key:`), which kustomize's merge drops, unlike an explicit `null`. */
  bareNulls?: Set<string>;
}

const tags = new WeakMap<object, Tag>();

export function isCollection(value: JsonValue | undefined): value is JsonObject | JsonValue[] {
  return typeof value === "object" && value !== null;
}

export function placeAt(place: Place, ...segments: PathSegment[]): Place {
  return { source: place.source, path: [...place.path, ...segments] };
}

/** A place below another one whose path is built only if someone asks (most never are). */
class ChildPlace implements Place {
  private built: FieldPath | undefined;

  constructor(
    readonly source: SourceFile,
    private readonly parent: Place,
    private readonly segment: PathSegment,
  ) {}

  get path(): FieldPath {
    return (this.built ??= [...this.parent.path, this.segment]);
  }
}

/** Tags a collection and every collection inside it with where they sit, in place. */
export function tagTree(value: JsonValue, place: Place): void {
  if (!isCollection(value)) return;
  tags.set(value, { at: place });
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index++) {
      const item = value[index] as JsonValue;
      if (isCollection(item)) tagTree(item, new ChildPlace(place.source, place, index));
    }
  } else {
    for (const key in value) {
      const item = value[key] as JsonValue;
      if (isCollection(item)) tagTree(item, new ChildPlace(place.source, place, key));
    }
  }
}

/** A deep copy that keeps every tag (each render of a base gets its own objects). */
export function cloneTagged<T extends JsonValue>(value: T): T {
  if (!isCollection(value)) return value;
  let copy: JsonValue;
  if (Array.isArray(value)) {
    copy = new Array<JsonValue>(value.length);
    for (let index = 0; index < value.length; index++) {
      const item = value[index] as JsonValue;
      copy[index] = typeof item === "object" && item !== null ? cloneTagged(item) : item;
    }
  } else {
    const object: JsonObject = {};
    for (const key in value) {
      const item = value[key] as JsonValue;
      object[key] = typeof item === "object" && item !== null ? cloneTagged(item) : item;
    }
    copy = object;
  }
  const tag = tags.get(value);
  if (tag) {
    const copied: Tag = { at: tag.at };
    if (tag.fields) copied.fields = new Map(tag.fields);
    if (tag.bareNulls) copied.bareNulls = tag.bareNulls;
    tags.set(copy, copied);
  }
  return copy as T;
}

/**
 * Records which null fields of a parsed document were written bare (`key:`), looking at the text
 * of each null entry. Only null entries are examined, so this costs nothing for ordinary files.
 */
export function markBareNulls(value: JsonValue, source: SourceFile, lines: readonly string[], path: PathSegment[] = []): void {
  if (!isCollection(value)) return;
  if (Array.isArray(value)) {
    value.forEach((item, index) => markBareNulls(item, source, lines, [...path, index]));
    return;
  }
  for (const key of Object.keys(value)) {
    const item = value[key] as JsonValue;
    if (item === null) {
      const range = source.locate([...path, key]);
      const written = (lines[range.line - 1] ?? "")
        .slice(range.column - 1)
        .replace(/\s+#.*$/, "")
        .trimEnd();
      if (range.endLine === range.line && written.endsWith(":")) {
        const tag = tags.get(value);
        if (tag) (tag.bareNulls ??= new Set()).add(key);
      }
    } else markBareNulls(item, source, lines, [...path, key]);
  }
}

/** True when `container[key]` is null because it was written with no value (`key:`). */
export function isBareNull(container: JsonObject, key: string): boolean {
  return tags.get(container)?.bareNulls?.has(key) === true;
}

/** The place a collection was read from, if known. */
export function placeOf(value: JsonValue): Place | undefined {
  return isCollection(value) ? tags.get(value)?.at : undefined;
}

/** Records that `container[key]` (a scalar, or a collection built here) came from `place`. */
export function markField(container: JsonObject | JsonValue[], key: PathSegment, place: Place): void {
  let tag = tags.get(container);
  if (!tag) {
    tag = { at: place };
    tags.set(container, tag);
  }
  (tag.fields ??= new Map()).set(key, place);
}

/** Sets `container[key]` and records where the value came from. */
export function setField(container: JsonObject, key: string, value: JsonValue, place: Place): void {
  container[key] = value;
  if (isCollection(value) && !tags.has(value)) tagTree(value, place);
  markField(container, key, place);
}

/** Gives a collection built by a transformer (a created `labels:` map) the place of what built it. */
export function tagNew<T extends JsonObject | JsonValue[]>(value: T, place: Place): T {
  if (!tags.has(value)) tags.set(value, { at: place });
  return value;
}

/** The place of the field at `path` of a rendered object; a missing field resolves to its nearest ancestor. */
export function provenanceOf(root: JsonValue, path: FieldPath): Place | undefined {
  let node: JsonValue | undefined = root;
  let place = placeOf(root);
  for (const segment of path) {
    if (!isCollection(node)) break;
    const child: JsonValue | undefined = Array.isArray(node)
      ? typeof segment === "number"
        ? node[segment]
        : undefined
      : (node as JsonObject)[String(segment)];
    if (child === undefined) break;
    const childTag = isCollection(child) ? tags.get(child) : undefined;
    const override = tags.get(node)?.fields?.get(segment);
    if (childTag) place = childTag.at;
    else if (override) place = override;
    else if (place) place = placeAt(place, segment);
    node = child;
  }
  return place;
}

/** File and range of a place. */
export function locatePlace(place: Place): { file: string; range: SourceRange } {
  return { file: place.source.file, range: place.source.locate(place.path) };
}

/** An error at a place of a source file. */
export function errorAt(place: Place, feature: string, message: string): KustomizeError {
  const { file, range } = locatePlace(place);
  return new KustomizeError(file, range.line, range.column, feature, message);
}

/** Every scalar (and empty collection) of a rendered object with `file:line` of where it came from, keyed by dotted path. */
export function listProvenance(root: JsonValue, describe: (place: Place) => string = describePlace): Record<string, string> {
  const result: Record<string, string> = {};
  const walk = (value: JsonValue, path: PathSegment[], label: string): void => {
    const isLeaf = !isCollection(value) || (Array.isArray(value) ? value.length === 0 : Object.keys(value).length === 0);
    if (isLeaf) {
      const place = provenanceOf(root, path);
      if (place) result[label] = describe(place);
      return;
    }
    if (Array.isArray(value)) value.forEach((item, index) => walk(item, [...path, index], `${label}[${index}]`));
    else for (const key of Object.keys(value)) walk(value[key] as JsonValue, [...path, key], label === "" ? key : `${label}.${key}`);
  };
  walk(root, [], "");
  return result;
}

function describePlace(place: Place): string {
  const { file, range } = locatePlace(place);
  return `${file}:${range.line}`;
}
