/**
 * From a file to the Kubernetes objects in it: every document that is an object, the items of a
 * list (any object with `items`, as kubectl reads it) as objects of their own, and the object under review
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
    collect({ file, manifests, errors }, document.value, document.locate, `document ${document.index + 1}`, {
      document: document.index,
      path: [],
    });
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
    fail(
      ["apiVersion"],
      apiVersion === undefined
        ? `${what} has no apiVersion`
        : `${what}: apiVersion must be a non-empty string, not ${describeValue(apiVersion)}`,
    );
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

  // apimachinery's unstructured decoding makes any object with an `items` field a list, whatever its
  // kind, and kubectl creates its items (cli-runtime flattens lists, nested ones included).
  if (Object.hasOwn(value, "items")) {
    const items = value["items"] as JsonValue;
    if (items === null) return; // an empty list holds no objects
    if (!Array.isArray(items)) {
      fail(["items"], `${what}: items of a ${kind as string} must be a list of objects, not ${describeValue(items)}`);
      return;
    }
    const inherited = { apiVersion: apiVersion as string, kind: (kind as string).replace(/List$/, "") };
    items.forEach((item, index) => {
      const itemWritten = { document: written.document, path: [...written.path, "items", index] };
      collect(
        into,
        withListType(item, inherited),
        (path) => locate(["items", index, ...path]),
        `item ${index} of ${kind as string} (${what})`,
        itemWritten,
      );
    });
    return;
  }
  into.manifests.push({ file: into.file, object: value, locate, written });
}

/**
 * An item with neither apiVersion nor kind is of the list's type, less "List" (apimachinery does
 * this for typed lists such as a `PodList`, and for any other list alike).
 */
function withListType(item: JsonValue, inherited: { apiVersion: string; kind: string }): JsonValue {
  if (!isObject(item) || isNonEmptyString(item["apiVersion"]) || isNonEmptyString(item["kind"])) return item;
  return { ...item, apiVersion: inherited.apiVersion, kind: inherited.kind };
}

function isNonEmptyString(value: JsonValue | undefined): boolean {
  return typeof value === "string" && value !== "";
}
