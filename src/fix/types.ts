/**
 * What a rule's fix produces: edits of fields, in the coordinates of the judged object's own document.
 * A fix says *what* to change; `src/fix` decides *how* to write it into the file (or refuses).
 */
import type { FieldPath, JsonValue } from "../manifests/types.js";

export type FieldEdit =
  /** Give the field this value; missing parents are created. A mapping value is merged into an existing mapping. */
  | { op: "set"; path: FieldPath; value: JsonValue }
  /** Remove a mapping key or a sequence item. Removing what is absent does nothing. */
  | { op: "remove"; path: FieldPath }
  /** Add an item at the end of the sequence at `path` (created when absent), unless an equal item is already there. */
  | { op: "append"; path: FieldPath; value: JsonValue };

/** A rule's fix for one finding: the edits, and a short description for people ("set privileged to false"). */
export interface Fix {
  description: string;
  edits: FieldEdit[];
}

/** Edits of one document of a file: `document` is the document's 0-based index in the stream. */
export interface DocumentFix {
  document: number;
  fix: Fix;
}
