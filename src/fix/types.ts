/**
 * What a rule's fix produces: edits of fields, in the coordinates of the judged object's own document.
 * A fix says *what* to change; `src/fix` decides *how* to write it into the file (or refuses).
 */
import type { FieldEdit, FieldPath, JsonObject } from "../manifests/types.js";

export type { FieldEdit } from "../manifests/types.js";

/** A rule's fix for one finding: the edits, and a short description for people ("set privileged to false"). */
export interface Fix {
  description: string;
  edits: FieldEdit[];
}

/**
 * Edits of one document of a file: `document` is the document's 0-based index in the stream. `file`
 * is the file to edit when it is not the finding's own: for an object rendered by Kustomize, the
 * patch or base the fixed value comes from.
 */
export interface DocumentFix {
  file?: string;
  document: number;
  fix: Fix;
}

/**
 * A rule's mechanical fix, carried by the rule (`RuleDoc.mechanicalFix`): a one-line summary for
 * `kube-policy-bot rules`, and the edits for one finding, from the judged object and the finding's
 * path (both as the rule saw them), or undefined when this occurrence has no safe mechanical fix.
 * A rule without one is "flagged only": its fix needs a decision only a human can make.
 */
export interface RuleFix {
  summary: string;
  /** Pure. */
  fixFor(object: JsonObject, path: FieldPath): Fix | undefined;
}
