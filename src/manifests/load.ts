/**
 * From a file to the Kubernetes objects in it: every document that is an object, the items of a
 * `List` (or `PodList`, `ConfigMapList`, ...) as objects of their own, and the object under review
 * of an `AdmissionReview` with its request, each with its positions.
 * A document or item that Kubernetes could not take as an object is an error, never skipped.
 */
import { describeValue } from "./describe-value.js";
import { isAdmissionReview, unwrapAdmissionReview } from "./admission-review.js";
import type { LoadLimits } from "./limits.js";
import { parseDocuments } from "./yaml.js";
import type { FieldPath, InputError, JsonValue, LoadedFile, Locator, Manifest } from "./types.js";
import { isObject } from "./json.js";

export { DEFAULT_LIMITS, type LoadLimits } from "./limits.js";

export function loadManifestFile(file: string, content: string | Uint8Array, limits?: Partial<LoadLimits>): LoadedFile {
  const parsed = parseDocuments(file, content, limits);
  const manifests: Manifest[] = [];
  const errors: InputError[] = [...parsed.errors];
  for (const document of parsed.documents) {
    collect({ file, manifests, errors }, document.value, document.locate, `document ${document.index + 1}`, { document: document.index, path: [] });
  }
  return { file, manifests, errors };
}

interface Collector {
  file: string;
  manifests: Manifest[];
  errors: InputError[];
}

function collect(into: Collector, value: JsonValue, locate: Locator, what: string, written: { document: number; path: FieldPath }): void {
  const fail = (path: readonly (string | number)[], message: string) => {
    const at = locate(path);
    into.errors.push({ file: into.file, line: at.line, column: at.column, message });
  };

  if (!isObject(value)) {
    fail([], `${what} is ${describeValue(value)}, not a Kubernetes object (a mapping with apiVersion and kind)`);
    return;
  }
  const apiVersion = value["apiVersion"];
  const kind = value["kind"];
  let valid = true;
  if (typeof apiVersion !== "string" || apiVersion === "") {
    fail(["apiVersion"], apiVersion === undefined ? `${what} has no apiVersion` : `${what}: apiVersion must be a non-empty string, not ${describeValue(apiVersion)}`);
    valid = false;
  }
  if (typeof kind !== "string" || kind === "") {
    fail(["kind"], kind === undefined ? `${what} has no kind` : `${what}: kind must be a non-empty string, not ${describeValue(kind)}`);
    valid = false;
  }
  if (!valid) return;

  if (isAdmissionReview(apiVersion as string, kind as string)) {
    const unwrapped = unwrapAdmissionReview(value, what, fail);
    if (!unwrapped) return;
    const { object, objectPath, request } = unwrapped;
    into.manifests.push({ file: into.file, object, locate: (path) => locate([...objectPath, ...path]), review: request });
    return;
  }

  const items = value["items"];
  if (isListKind(kind as string, items)) {
    if (items === undefined || items === null) return; // an empty list holds no objects
    if (!Array.isArray(items)) {
      fail(["items"], `${what}: items of a ${kind as string} must be a list of objects, not ${describeValue(items)}`);
      return;
    }
    // kubectl flattens lists, nested ones included.
    items.forEach((item, index) => {
      const itemWritten = { document: written.document, path: [...written.path, "items", index] };
      collect(into, item, (path) => locate(["items", index, ...path]), `item ${index} of ${kind as string} (${what})`, itemWritten);
    });
    return;
  }
  into.manifests.push({ file: into.file, object: value, locate, written });
}

/**
 * `kind: List` (the generic one kubectl understands), or a typed list such as `PodList`. A custom
 * kind that merely ends in "List" and has no `items` (say an `AllowList`) stays an ordinary object.
 */
function isListKind(kind: string, items: JsonValue | undefined): boolean {
  if (kind === "List") return true;
  return kind.endsWith("List") && items !== undefined;
}
