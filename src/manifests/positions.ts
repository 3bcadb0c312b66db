/**
 * Source positions, recorded cheaply while values are built and turned into lines and columns only
 * when a finding is reported.
 *
 * Each mapping or sequence gets a flat "position table" built alongside it: per entry, the offset
 * where it starts, the offset where its value ends, and the table of its value when that is itself a
 * collection. Locating a path walks these tables in step with the path; nothing is keyed by path
 * string and nothing is computed for fields nobody asks about.
 */
import type { FieldPath, Locator, PathSegment, SourceRange } from "./types.js";

/** First slot of a table: what kind of collection it describes. */
export const MAPPING_TABLE = 0;
export const SEQUENCE_TABLE = 1;

/**
 * `[MAPPING_TABLE, key, start, end, child, key, start, end, child, ...]` or
 * `[SEQUENCE_TABLE, start, end, child, ...]`; offsets are UTF-16 indexes into the decoded text,
 * `end` is exclusive, `child` is the value's own table or null for a scalar.
 * A mapping entry starts at its key, so `privileged: true` is reported on `privileged`.
 */
export type PositionTable = unknown[];

export const MAPPING_SLOTS = 4;
export const SEQUENCE_SLOTS = 3;

/** Where the value of one document (or any node) sits: its span and its table, if a collection. */
export interface NodePosition {
  start: number;
  end: number;
  table: PositionTable | null;
}

/** Line starts of a text, computed on first use: most files never need a position. */
export class LineIndex {
  private starts: number[] | undefined;

  constructor(private readonly text: string) {}

  /** 1-based line and column of an offset. A line break is LF, CRLF or a lone CR, as in YAML. */
  position(offset: number): { line: number; column: number } {
    const starts = this.lineStarts();
    const at = Math.max(0, Math.min(offset, this.text.length));
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if ((starts[middle] as number) <= at) low = middle;
      else high = middle - 1;
    }
    return { line: low + 1, column: at - (starts[low] as number) + 1 };
  }

  /** The range from `start` to the last character before `end`. */
  range(start: number, end: number): SourceRange {
    const from = this.position(start);
    const to = end > start ? this.position(end - 1) : from;
    return { line: from.line, column: from.column, endLine: to.line, endColumn: to.column };
  }

  private lineStarts(): number[] {
    if (this.starts) return this.starts;
    const text = this.text;
    const starts = [0];
    const hasCarriageReturn = text.indexOf("\r") !== -1;
    if (!hasCarriageReturn) {
      for (let index = text.indexOf("\n"); index !== -1; index = text.indexOf("\n", index + 1)) starts.push(index + 1);
    } else {
      for (let index = 0; index < text.length; index++) {
        const code = text.charCodeAt(index);
        if (code === 10) starts.push(index + 1);
        else if (code === 13) {
          if (text.charCodeAt(index + 1) === 10) index++;
          starts.push(index + 1);
        }
      }
    }
    this.starts = starts;
    return starts;
  }
}

/** The slot of a path segment in a table, or -1 when the value has no such field or item. */
function slotOf(table: PositionTable, segment: PathSegment): number {
  if (table[0] === MAPPING_TABLE) {
    const key = typeof segment === "string" ? segment : String(segment);
    for (let slot = 1; slot < table.length; slot += MAPPING_SLOTS) if (table[slot] === key) return slot + 1;
    return -1;
  }
  const index = typeof segment === "number" ? segment : /^(0|[1-9][0-9]*)$/.test(segment) ? Number(segment) : -1;
  if (!Number.isInteger(index) || index < 0) return -1;
  const slot = 1 + index * SEQUENCE_SLOTS;
  return slot < table.length ? slot : -1;
}

/** Follows a path as far as it exists; a missing field resolves to its deepest existing ancestor. */
export function descend(node: NodePosition, path: FieldPath): NodePosition {
  let { start, end, table } = node;
  for (const segment of path) {
    if (table === null) break;
    const slot = slotOf(table, segment);
    if (slot < 0) break;
    start = table[slot] as number;
    end = table[slot + 1] as number;
    table = table[slot + 2] as PositionTable | null;
  }
  return { start, end, table };
}

/**
 * `toFile` turns offsets of the text that was parsed (one document's chunk, see stream.ts) into
 * offsets of the file.
 */
export function makeLocator(lines: LineIndex, root: NodePosition, toFile: (offset: number) => number = (offset) => offset): Locator {
  return (path: FieldPath): SourceRange => {
    const node = descend(root, path);
    const start = toFile(node.start);
    return lines.range(start, node.end > node.start ? toFile(node.end - 1) + 1 : start);
  };
}
