/**
 * Fixes of objects rendered by Kustomize, made where the values come from: a value a patch sets is
 * fixed in that patch, a value of a base in the base; a field the fix adds goes into the file that
 * defines the mapping it is added to (the container, for `allowPrivilegeEscalation: false`).
 *
 * The place comes from the renderer's provenance; whether editing it is the fix is then checked the
 * only way that cannot be fooled by what a kustomization does (patch order, replacements, vars,
 * merges): the edited file is rendered again, in every root that reads it, and every rendered object
 * must be either unchanged or changed by exactly the fix, and only where the same finding is (its
 * field comes from the same place: one source line, one finding, however many roots render it).
 * Anything else leaves the finding flagged only, with the reason.
 */
import { applyFixes } from "../fix/apply.js";
import { applyToValue, deepEqual, isObject, valueAt } from "../fix/model.js";
import type { FieldEdit, FieldPath, JsonObject, JsonValue, PlacedEdits } from "../manifests/types.js";
import { parseDocuments } from "../manifests/yaml.js";
import {
  KustomizeError,
  KUSTOMIZATION_FILE_NAMES,
  locatePlace,
  provenanceOf,
  renderKustomization,
  type Place,
  type RenderFileSystem,
  type RenderOptions,
} from "./kustomize/index.js";

/** What the roots of a repository rendered: what a fix is checked against. */
export interface RenderedRoots {
  fs: RenderFileSystem;
  options: RenderOptions;
  /** How a repository path is shown in findings (and named in fixes). */
  show: (path: string) => string;
  /** Each root directory's objects, in kustomize's output order, and the files its render read. */
  roots: Map<string, { objects: JsonObject[]; files: readonly string[] }>;
  /** Renders of the roots with one file changed, by file and new text: shared by the findings on one line. */
  rerendered?: Map<string, Map<string, JsonObject[] | string>>;
}

type Placed = PlacedEdits | { unfixable: string };

/** The fix hook of the object at `index` of `root`'s output (`Manifest.fixAtSource`). */
export function sourceFixer(
  context: RenderedRoots,
  root: string,
  index: number,
): (edits: readonly FieldEdit[], finding: FieldPath) => Placed {
  return (edits, finding) => placeFix(context, root, index, edits, finding);
}

function placeFix(context: RenderedRoots, root: string, index: number, edits: readonly FieldEdit[], finding: FieldPath): Placed {
  const object = context.roots.get(root)?.objects[index];
  if (!object) return { unfixable: "the rendered object is not known" };
  const mapped: Target[] = [];
  for (const edit of edits) {
    const target = targetOf(context, object, edit);
    if ("unfixable" in target) return target;
    mapped.push(target);
  }
  const first = mapped[0];
  if (!first) return { unfixable: "the fix has no edits" };
  const places = [...new Set(mapped.map((target) => describeTarget(context, target)))];
  if (places.length > 1) return { unfixable: `the fix's fields come from several places (${places.join(", ")}); make it by hand` };
  const edited = mapped.map((target) => target.edit);
  const placed: PlacedEdits | { unfixable: string } = first.within
    ? inlinePlaced(context, first.within, edited)
    : { file: first.file, document: first.document, edits: edited };
  if ("unfixable" in placed) return placed;
  const problem = checkByRendering(
    context,
    { root, index, findingPath: finding, findingPlace: provenanceOf(object, finding) },
    edits,
    placed,
  );
  return problem ? { unfixable: problem } : { ...placed, file: context.show(placed.file) };
}

/** Where one edit goes: a document of a file, or of the text of an inline patch (`within`). */
interface Target {
  file: string;
  document: number;
  edit: FieldEdit;
  within?: InlineText;
}

type InlineText = NonNullable<Place["source"]["within"]>;

function describeTarget(context: RenderedRoots, target: Target): string {
  const inline = target.within ? ` of the inline patch at line ${locatePlace(target.within.place).range.line}` : "";
  return `${context.show(target.file)} (document ${target.document + 1}${inline})`;
}

/**
 * Where one edit goes: an existing field where its value was written, a new field under the mapping
 * that will hold it, in the file (or inline patch) that mapping was written in.
 */
function targetOf(context: RenderedRoots, object: JsonObject, edit: FieldEdit): Target | { unfixable: string } {
  let depth = edit.path.length;
  while (depth > 0 && valueAt(object, edit.path.slice(0, depth)) === undefined) depth--;
  const existing = edit.path.slice(0, depth);
  if (depth < edit.path.length && !isObject(valueAt(object, existing)))
    return { unfixable: "the fix adds a field below something that is not a mapping" };
  const place = provenanceOf(object, existing);
  if (!place) return { unfixable: "where the value comes from is not known" };
  const unwritable = unwritablePlace(context, place);
  if (unwritable) return { unfixable: unwritable };
  const path = [...place.path, ...edit.path.slice(depth)];
  const { within } = place.source;
  if (within) return { file: place.source.file, document: within.document, edit: { ...edit, path }, within };
  return { file: place.source.file, document: place.source.document as number, edit: { ...edit, path } };
}

/**
 * An inline patch is a string in the kustomization: the fix is made in that text (as in a patch
 * file), and the kustomization's field is set to the new text, written back in its block style.
 */
function inlinePlaced(context: RenderedRoots, within: InlineText, edits: FieldEdit[]): PlacedEdits | { unfixable: string } {
  const { source } = within.place;
  const where = `the inline patch at ${context.show(source.file)}:${locatePlace(within.place).range.line}`;
  const content = context.fs.contentOf(source.file);
  const parsed = content === undefined || source.document === undefined ? undefined : parseDocuments(source.file, content);
  const document = parsed?.documents.find((candidate) => candidate.index === source.document);
  const written = document ? valueAt(document.value, within.place.path) : undefined;
  const at = typeof written === "string" ? written.indexOf(within.text) : -1;
  if (typeof written !== "string" || at < 0) return { unfixable: `${where} cannot be read back` };
  const outcome = applyFixes(`${source.file} (inline patch)`, within.text, [
    { document: within.document, fix: { description: "", edits } },
  ]);
  const refused = outcome.refused[0];
  if (refused) return { unfixable: `the fix cannot be written into ${where}: ${refused.reason}` };
  // A line added at the end of the text brings a line break the block (`|-`) does not keep: the same YAML without it.
  const text = !within.text.endsWith("\n") && outcome.text.endsWith("\n") ? outcome.text.slice(0, -1) : outcome.text;
  const value = written.slice(0, at) + text + written.slice(at + within.text.length);
  return { file: source.file, document: source.document as number, edits: [{ op: "set", path: within.place.path, value }] };
}

/** Why a place is not one a fix edits, or undefined when it is a field of a manifest document of its own. */
function unwritablePlace(context: RenderedRoots, place: Place): string | undefined {
  const { file, range } = locatePlace(place);
  const at = `${context.show(file)}:${range.line}`;
  if (place.source.within) return undefined;
  if (place.source.document === undefined || isKustomizationFile(file)) {
    return `the value is set at ${at} by a kustomization entry (a generator, images, labels, namespace, a replacement); make the fix there by hand`;
  }
  if (typeof place.path[0] === "number") return `the value is set by a JSON 6902 patch operation at ${at}; change the operation by hand`;
  return undefined;
}

/**
 * Why the placed edits are not the fix, or undefined when they are: the file edited as the fix
 * engine writes it, every root reading it rendered again, and each object either unchanged or
 * changed exactly by the fix (`edits`, in rendered coordinates) where its finding's field comes from
 * the same place as the judged one's (the same finding); the judged object must change.
 */
function checkByRendering(
  context: RenderedRoots,
  judgedAt: { root: string; index: number; findingPath: FieldPath; findingPlace: Place | undefined },
  edits: readonly FieldEdit[],
  placed: PlacedEdits,
): string | undefined {
  const { root, index } = judgedAt;
  const findingPath = judgedAt.findingPath;
  const content = context.fs.contentOf(placed.file);
  if (content === undefined) return `${context.show(placed.file)} cannot be read`;
  const original = typeof content === "string" ? content : new TextDecoder().decode(content);
  const bom = original.startsWith("\uFEFF") ? "\uFEFF" : "";
  const outcome = applyFixes(placed.file, original.slice(bom.length), [
    { document: placed.document, fix: { description: "", edits: placed.edits } },
  ]);
  const refused = outcome.refused[0];
  if (refused) return `the fix cannot be written into ${context.show(placed.file)}: ${refused.reason}`;
  if (outcome.text === original.slice(bom.length))
    return `the fix is already written in ${context.show(placed.file)}, yet the rendered value differs: it comes from elsewhere`;
  const text = bom + outcome.text;
  for (const [name, rendered] of context.roots) {
    if (!rendered.files.includes(placed.file)) continue;
    const after = rerender(context, name, placed.file, text);
    if (typeof after === "string") return `with the fix, ${context.show(name)} no longer renders: ${after}`;
    if (after.length !== rendered.objects.length) return `the fix would change which objects ${context.show(name)} renders`;
    for (const [position, before] of rendered.objects.entries()) {
      const now = after[position] as JsonObject;
      const judged = name === root && position === index;
      if (!judged && deepEqual(now, before)) continue;
      const fixedLikeJudged = deepEqual(now, expectedAfter(before, edits)) && !deepEqual(now, before);
      if (fixedLikeJudged && (judged || samePlace(provenanceOf(before, findingPath), judgedAt.findingPlace))) continue;
      if (judged)
        return `editing ${context.show(placed.file)} would not render the fixed value (a later patch or transformer sets the field)`;
      return `editing ${context.show(placed.file)} would also change ${describe(before)} in ${context.show(name)}, which renders it too`;
    }
  }
  return undefined;
}

/** Two places are one when they are the same node of the same document of the same file. */
function samePlace(a: Place | undefined, b: Place | undefined): boolean {
  if (!a || !b) return false;
  return a.source.file === b.source.file && a.source.document === b.source.document && deepEqual([...a.path], [...b.path]);
}

function expectedAfter(object: JsonObject, edits: readonly FieldEdit[]): JsonValue {
  let value: JsonValue = object;
  try {
    for (const edit of edits) value = applyToValue(value, edit);
  } catch {
    return null;
  }
  return value;
}

function rerender(context: RenderedRoots, root: string, file: string, text: string): JsonObject[] | string {
  const cache = (context.rerendered ??= new Map());
  const key = `${file}\u0000${text}`;
  let byRoot = cache.get(key);
  if (!byRoot) {
    byRoot = new Map();
    cache.set(key, byRoot);
  }
  const known = byRoot.get(root);
  if (known !== undefined) return known;
  const fs: RenderFileSystem = {
    contentOf: (path) => (path === file ? text : context.fs.contentOf(path)),
    isDirectory: (path) => context.fs.isDirectory(path),
  };
  let result: JsonObject[] | string;
  try {
    result = renderKustomization(fs, root, context.options).objects;
  } catch (error) {
    if (!(error instanceof KustomizeError)) throw error;
    result = error.message;
  }
  byRoot.set(root, result);
  return result;
}

function isKustomizationFile(path: string): boolean {
  return (KUSTOMIZATION_FILE_NAMES as readonly string[]).includes(path.slice(path.lastIndexOf("/") + 1));
}

function describe(object: JsonObject): string {
  const metadata = object["metadata"];
  const name = isObject(metadata) ? metadata["name"] : undefined;
  return `${String(object["kind"])} ${typeof name === "string" ? name : "(unnamed)"}`;
}
