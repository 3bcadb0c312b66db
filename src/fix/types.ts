/**
 * What a rule's fix produces: edits of fields, in the coordinates of the judged object's own document.
 * A fix says *what* to change; `src/fix` decides *how* to write it into the file (or refuses).
 */
import type { FieldPath, JsonObject, JsonValue } from "../manifests/types.js";

export type FieldEdit =
  /** Give the field this value; missing parents are created. A mapping value is merged into an existing mapping. */
  | { op: "set"; path: FieldPath; value: JsonValue }
  /** Remove a mapping key or a sequence item. Removing what is absent does nothing. */
  | { op: "remove"; path: FieldPath }
  /** Add an item at the end of the sequence at `path` (created when absent), unless an equal item is already there. */
  | { op: "append"; path: FieldPath; value: JsonValue }
  /**
   * Remove every item equal to `value` from the sequence at `path`. By value, not index: fixes of
   * several findings in one list are applied one after another, and indexes shift.
   */
  | { op: "pull"; path: FieldPath; value: JsonValue };

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

/**
 * A rule's fix: from the judged object and the finding's path (both as the rule saw them) to the
 * edits that make the finding go away, or undefined when there is no safe mechanical fix. Pure.
 */
export type RuleFix = (object: JsonObject, path: FieldPath) => Fix | undefined;
