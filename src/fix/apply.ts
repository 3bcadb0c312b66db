/**
 * Applies fixes to the text of one file. Each field edit becomes one minimal text change, and is kept
 * only if the file, read again exactly as the checks read it, holds the same documents as before
 * except for that one field. A fix whose edits cannot all be made that way is refused as a whole, and
 * the file is left as it was for that fix: the finding stays, flagged, never half-fixed.
 */
import { parseDocuments } from "../manifests/yaml.js";
import type { JsonValue } from "../manifests/types.js";
import { applyToValue, deepEqual, isNoop, isObject, valueAt } from "./model.js";
import { readSyntax } from "./syntax.js";
import { planTextEdit } from "./text-edit.js";
import type { DocumentFix, FieldEdit } from "./types.js";

export interface RefusedFix {
  fix: DocumentFix;
  reason: string;
}

export interface FileFixResult {
  /** The file's text with every applied fix. */
  text: string;
  applied: DocumentFix[];
  /** Fixes with nothing left to do (already in place, or done by an earlier fix). */
  unchanged: DocumentFix[];
  refused: RefusedFix[];
}

type Documents = Map<number, JsonValue>;

export function applyFixes(file: string, text: string, fixes: readonly DocumentFix[]): FileFixResult {
  const result: FileFixResult = { text, applied: [], unchanged: [], refused: [] };
  let documents = readDocuments(file, text);
  if (typeof documents === "string") {
    result.refused = fixes.map((fix) => ({ fix, reason: documents as string }));
    return result;
  }
  for (const fix of fixes) {
    const outcome = applyGuarded(file, result.text, documents, fix);
    if ("refused" in outcome) result.refused.push({ fix, reason: outcome.refused });
    else if (outcome.text === result.text) result.unchanged.push(fix);
    else {
      result.text = outcome.text;
      documents = outcome.documents;
      result.applied.push(fix);
    }
  }
  return result;
}

/** An edit that does not fit the value (a field below a scalar) is a refusal, never a crash. */
function applyGuarded(
  file: string,
  text: string,
  documents: Documents,
  fix: DocumentFix,
): { text: string; documents: Documents } | { refused: string } {
  try {
    return applyOne(file, text, documents, fix);
  } catch (error) {
    return { refused: error instanceof Error ? error.message : String(error) };
  }
}

function applyOne(
  file: string,
  text: string,
  documents: Documents,
  fix: DocumentFix,
): { text: string; documents: Documents } | { refused: string } {
  let current = { text, documents };
  for (const edit of fix.fix.edits) {
    // One text change at a time, each planned on the text as it is now, until the edit is in place.
    for (let steps = 0; ; steps++) {
      const value = current.documents.get(fix.document);
      if (value === undefined) return { refused: `document ${fix.document + 1} is not in the file` };
      const step = nextStep(edit, value);
      if (!step) break;
      if (steps >= MAX_STEPS_PER_EDIT) return { refused: "the edit did not converge" };
      const next = applyEdit(file, current.text, current.documents, fix.document, step);
      if ("refused" in next) return next;
      current = next;
      // A removal by index is done once: asking again would remove the item that moved up.
      if (step === edit) break;
    }
  }
  return current;
}

const MAX_STEPS_PER_EDIT = 64;

/**
 * The next single-field change an edit still needs, or undefined when it is in place. A mapping set
 * onto an existing mapping is a set of each of its keys (the others stay as written); a pull removes
 * the first equal item, then the next.
 */
function nextStep(edit: FieldEdit, value: JsonValue): FieldEdit | undefined {
  if (edit.op === "set" && isObject(edit.value) && isObject(valueAt(value, edit.path))) {
    for (const [key, child] of Object.entries(edit.value)) {
      const step = nextStep({ op: "set", path: [...edit.path, key], value: child }, value);
      if (step) return step;
    }
    return undefined;
  }
  if (edit.op === "pull") {
    const sequence = valueAt(value, edit.path);
    const index = Array.isArray(sequence) ? sequence.findIndex((item) => deepEqual(item, edit.value)) : -1;
    return index < 0 ? undefined : { op: "remove", path: [...edit.path, index] };
  }
  return isNoop(value, edit) ? undefined : edit;
}

function applyEdit(
  file: string,
  text: string,
  documents: Documents,
  index: number,
  edit: FieldEdit,
): { text: string; documents: Documents } | { refused: string } {
  const value = documents.get(index) as JsonValue;
  if (isNoop(value, edit)) return { text, documents };
  const syntax = readSyntax(text)?.find((document) => document.index === index);
  if (!syntax) return { refused: `document ${index + 1} cannot be read for editing` };
  const plan = planTextEdit(text, syntax, edit);
  if ("refused" in plan) return plan;
  const { start, end, text: replacement } = plan.change;
  const edited = text.slice(0, start) + replacement + text.slice(end);

  const expected = applyToValue(value, edit);
  const reread = readDocuments(file, edited);
  if (typeof reread === "string") return { refused: `the edited file would not read back cleanly (${reread})` };
  if (!sameDocumentsExcept(documents, reread, index) || !deepEqual(reread.get(index), expected)) {
    return { refused: "the edited file would not read back as the original with only this field changed" };
  }
  return { text: edited, documents: reread };
}

/** The values of a file's documents by index, or why the file cannot be fixed. */
function readDocuments(file: string, text: string): Documents | string {
  const parsed = parseDocuments(file, text);
  const first = parsed.errors[0];
  if (first) return `the file has errors (line ${first.line}: ${first.message})`;
  return new Map(parsed.documents.map((document) => [document.index, document.value]));
}

function sameDocumentsExcept(before: Documents, after: Documents, except: number): boolean {
  if (before.size !== after.size) return false;
  for (const [index, value] of before) {
    if (!after.has(index)) return false;
    if (index !== except && !deepEqual(value, after.get(index))) return false;
  }
  return true;
}
