/**
 * kustomize rewrites every resource's `metadata.annotations` through a string map when it removes its
 * own bookkeeping annotations, so what it prints (and a cluster receives) has every annotation value
 * as a string: the scalar's text as written (`8080`, `true`, `1e3`, `~`), `""` for a collection. A
 * manifest applied alone with `prometheus.io/port: 8080` is rejected; the same file in an overlay
 * deploys. Only the object's own annotations: a pod template's keep their types (and are rejected).
 */
import type { JsonObject, JsonValue } from "../../manifests/types.js";
import { asObject } from "../../manifests/json.js";
import { plainScalarValue } from "../../manifests/scalars.js";
import { isCollection, locatePlace, provenanceOf } from "./provenance.js";

/**
 * `canonical`: objects a JSON 6902 patch went through, whose scalars kustomize writes in canonical
 * form from then on; `read` gives a file's text by path (the render's own reads).
 */
export function stringifyAnnotations(
  objects: readonly JsonObject[],
  canonical: ReadonlySet<JsonObject>,
  read: (file: string) => string | undefined,
): void {
  const linesOf = new Map<string, string[] | undefined>();
  const lines = (file: string): string[] | undefined => {
    if (!linesOf.has(file)) linesOf.set(file, read(file)?.split(/\r?\n|\r/));
    return linesOf.get(file);
  };
  for (const object of objects) {
    const annotations = asObject(asObject(object.metadata)?.annotations);
    if (!annotations) continue;
    for (const [key, value] of Object.entries(annotations)) {
      if (typeof value === "string") continue;
      if (isCollection(value)) annotations[key] = "";
      else annotations[key] = canonical.has(object) ? canonicalText(value) : writtenText(object, key, value, lines);
    }
  }
}

const ENTRY = /^(?:"(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|[^\s:][^:]*?)\s*:(?:[ \t]+(.*))?$/;

/** The scalar's text where it was written; its canonical form when the text is not at hand (an inline patch). */
function writtenText(object: JsonObject, key: string, value: JsonValue, lines: (file: string) => string[] | undefined): string {
  const place = provenanceOf(object, ["metadata", "annotations", key]);
  if (place) {
    const { file, range } = locatePlace(place);
    // The place is the `key: value` entry; the value is the rest of its line, without a comment.
    const entry = ENTRY.exec(lines(file)?.[range.line - 1]?.slice(range.column - 1) ?? "");
    const text = entry?.[1]?.replace(/\s+#.*$/, "").trim();
    // It may instead be a whole kustomization entry (an inline patch): use the text only if it reads back.
    if (text !== undefined && Object.is(plainScalarValue(text, "kustomize"), value)) return text;
  }
  return canonicalText(value);
}

function canonicalText(value: JsonValue): string {
  return value === null ? "null" : String(value);
}
