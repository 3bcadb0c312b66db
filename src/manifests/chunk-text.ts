/**
 * The text of one chunk (see stream.ts) as js-yaml must see it to read what go-yaml v2 reads, and
 * the way back from an offset in that text to one in the chunk as written.
 *
 * The text is not given a final "\n" where the file has none: apimachinery's line reader adds one
 * (kubectl), kustomize does not, and GitOps tools deploy through kustomize; see construct.ts for what
 * that changes (a block scalar at the very end of a file). Three differences between the parsers are
 * bridged here, each without changing what the text means:
 * - go-yaml breaks lines at U+0085, U+2028 and U+2029 as well; js-yaml keeps them inside a comment or
 *   scalar. Each becomes "\n" (same length, so offsets stay put): `# note<U+2028>hostPID: true` is a
 *   field for Kubernetes, and so it is for us.
 * - Inside a flow collection (`[...]`, `{...}`) or a multi-line quoted scalar go-yaml ignores
 *   indentation; js-yaml refuses a continuation line indented less than its parent ("deficient
 *   indentation"). Such a line gets leading spaces, which are separation in flow context and
 *   trimmed by line folding in a quoted scalar.
 * - go-yaml accepts tabs as separation inside flow collections; js-yaml does not once a line holds
 *   one. Such a tab is read as a space.
 * The last two are repaired only where js-yaml reports them, one place at a time, within a budget.
 */

const UNICODE_LINE_BREAKS = /[\u0085\u2028\u2029]/g;
const HAS_UNICODE_LINE_BREAK = /[\u0085\u2028\u2029]/;

export class ChunkText {
  /** The text js-yaml parses. */
  text: string;
  /** Original offsets before which spaces are inserted, ascending, and how many. */
  private readonly padAt: number[] = [];
  private readonly padCount: number[] = [];
  /** Where each insertion starts in `text`, and the spaces inserted up to and including it. */
  private padStart: number[] = [];
  private padTotal: number[] = [];
  /** Original offsets of tabs read as spaces. */
  private readonly tabs = new Set<number>();
  private readonly base: string;

  constructor(readonly original: string) {
    const text = HAS_UNICODE_LINE_BREAK.test(original) ? original.replace(UNICODE_LINE_BREAKS, "\n") : original;
    this.base = text;
    this.text = this.base;
  }

  /** The offset in the original chunk of an offset in `text` (inserted spaces map to the line's start). */
  toOriginal(offset: number): number {
    const starts = this.padStart;
    if (starts.length === 0 || offset < (starts[0] as number)) return offset;
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if ((starts[middle] as number) <= offset) low = middle;
      else high = middle - 1;
    }
    const start = starts[low] as number;
    if (offset < start + (this.padCount[low] as number)) return this.padAt[low] as number;
    return offset - (this.padTotal[low] as number);
  }

  /**
   * Bridges js-yaml's "deficient indentation" at `offset` (in `text`): the tabs right before it
   * become spaces, or else its line is indented further. False when neither applies.
   */
  repairDeficientIndentation(offset: number): boolean {
    const text = this.text;
    let runStart = offset;
    while (runStart > 0 && (text.charCodeAt(runStart - 1) === 32 || text.charCodeAt(runStart - 1) === 9)) runStart--;
    let tabFound = false;
    for (let at = runStart; at < offset; at++) {
      if (text.charCodeAt(at) === 9) {
        this.tabs.add(this.toOriginal(at));
        tabFound = true;
      }
    }
    if (tabFound) {
      this.rebuild();
      return true;
    }

    const atLineStart = runStart === 0 || text.charCodeAt(runStart - 1) === 10 || text.charCodeAt(runStart - 1) === 13;
    // A document marker at the start of a line ends a quoted scalar for go-yaml: that error stays.
    if (!atLineStart || (offset === runStart && /^(---|\.\.\.)(\s|$)/.test(text.slice(offset, offset + 4)))) return false;
    const indentation = offset - runStart;
    const wanted = Math.max(previousIndentation(text, runStart) + 1, 2 * indentation, indentation + 1);
    this.insertSpaces(this.toOriginal(runStart), wanted - indentation);
    return true;
  }

  private insertSpaces(at: number, count: number): void {
    let index = this.padAt.findIndex((offset) => offset >= at);
    if (index === -1) index = this.padAt.length;
    if (this.padAt[index] === at) this.padCount[index] = (this.padCount[index] as number) + count;
    else {
      this.padAt.splice(index, 0, at);
      this.padCount.splice(index, 0, count);
    }
    this.rebuild();
  }

  private rebuild(): void {
    const base = this.base;
    const parts: string[] = [];
    const starts: number[] = [];
    const totals: number[] = [];
    let from = 0;
    let total = 0;
    const tabs = [...this.tabs].sort((a, b) => a - b);
    let tab = 0;
    const copy = (to: number): void => {
      while (tab < tabs.length && (tabs[tab] as number) < to) {
        const at = tabs[tab++] as number;
        if (at < from) continue;
        parts.push(base.slice(from, at), " ");
        from = at + 1;
      }
      parts.push(base.slice(from, to));
      from = to;
    };
    for (let index = 0; index < this.padAt.length; index++) {
      const at = this.padAt[index] as number;
      const count = this.padCount[index] as number;
      copy(at);
      starts.push(at + total);
      total += count;
      totals.push(total);
      parts.push(" ".repeat(count));
    }
    copy(base.length);
    this.text = parts.join("");
    this.padStart = starts;
    this.padTotal = totals;
  }
}

/** Indentation (spaces) of the nearest non-blank line before the line starting at `lineStart`. */
function previousIndentation(text: string, lineStart: number): number {
  let end = lineStart - 1;
  while (end > 0) {
    let start = end;
    while (start > 0 && text.charCodeAt(start - 1) !== 10 && text.charCodeAt(start - 1) !== 13) start--;
    const line = text.slice(start, end);
    if (line.trim() !== "") {
      let spaces = 0;
      while (line.charCodeAt(spaces) === 32) spaces++;
      return spaces;
    }
    end = start - 1;
  }
  return 0;
}
