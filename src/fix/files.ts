/**
 * Fixes for many findings across files: each file's fixes applied in the order given, the file read
 * once and written once. Generic over what carries a fix, so the same core serves the CLI's `--fix`
 * and the pull request's suggestions. A fix is written into its own `file` when it names one (a
 * Kustomize patch or base), else into the file of what carries it.
 */
import { applyFixes } from "./apply.js";
import type { DocumentFix } from "./types.js";

export interface Fixable {
  file: string;
  fix?: DocumentFix;
}

export interface FilesFixResult<T extends Fixable> {
  /** The new text of every file that changed. */
  texts: Map<string, string>;
  applied: T[];
  /** Nothing left to do: an earlier fix in the same run already made the change. */
  unchanged: T[];
  refused: { item: T; reason: string }[];
}

const BYTE_ORDER_MARK = "\uFEFF";

export function fixFiles<T extends Fixable>(texts: ReadonlyMap<string, string>, items: readonly T[]): FilesFixResult<T> {
  const result: FilesFixResult<T> = { texts: new Map(), applied: [], unchanged: [], refused: [] };
  const byFile = new Map<string, T[]>();
  for (const item of items) {
    if (!item.fix) continue;
    const file = fixedFile(item);
    const list = byFile.get(file) ?? [];
    list.push(item);
    byFile.set(file, list);
  }
  for (const [file, fileItems] of byFile) {
    const original = texts.get(file);
    if (original === undefined) {
      for (const item of fileItems) result.refused.push({ item, reason: "the file's text is not available" });
      continue;
    }
    // Positions are those of the text the loader reads, which drops a byte-order mark; it is kept on write.
    const bom = original.startsWith(BYTE_ORDER_MARK) ? BYTE_ORDER_MARK : "";
    const text = original.slice(bom.length);
    const outcome = applyFixes(
      file,
      text,
      fileItems.map((item) => item.fix as DocumentFix),
    );
    for (const item of fileItems) {
      const fix = item.fix as DocumentFix;
      const refusal = outcome.refused.find((refused) => refused.fix === fix);
      if (refusal) result.refused.push({ item, reason: refusal.reason });
      else if (outcome.applied.includes(fix)) result.applied.push(item);
      else result.unchanged.push(item);
    }
    if (outcome.text !== text) result.texts.set(file, bom + outcome.text);
  }
  return result;
}

/** The file a fix edits: its own, or the file of what carries it. */
export function fixedFile(item: Fixable): string {
  return item.fix?.file ?? item.file;
}
