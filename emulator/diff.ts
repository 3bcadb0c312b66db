/**
 * Line diff in git's unified format, as GitHub returns it in the `patch` field of pull request files
 * (hunks only, no file headers, 3 lines of context, ",1" counts omitted, "\ No newline at end of file",
 * function context after the hunk header).
 * An app may map annotations onto changed lines from this patch, so the hunks must be real ones.
 */

export interface LineDiff {
  additions: number;
  deletions: number;
  /** Undefined when there is nothing to show (identical or both empty). */
  patch: string | undefined;
}

type Op = { kind: "eq" | "del" | "ins"; line: string };

const CONTEXT = 3;
/**
 * The Myers trace keeps one V array per edit; past this many cells the middle of the file is shown as
 * one replacement instead (still a valid patch, just not minimal), to bound memory.
 */
const MAX_TRACE_CELLS = 16_000_000;

/** Lines keep their terminator so "a" (no final newline) and "a\n" differ, exactly as in git. */
export function splitLines(text: string): string[] {
  if (text === "") return [];
  const lines = text.split("\n").map((l) => `${l}\n`);
  if (text.endsWith("\n")) lines.pop();
  else lines[lines.length - 1] = (lines[lines.length - 1] as string).slice(0, -1);
  return lines;
}

function myers(a: readonly string[], b: readonly string[]): Op[] | undefined {
  const n = a.length;
  const m = b.length;
  const max = n + m;
  const offset = max;
  let v = new Int32Array(2 * max + 2);
  const trace: Int32Array[] = [];
  for (let d = 0; d <= max; d++) {
    if ((d + 1) * v.length > MAX_TRACE_CELLS) return undefined;
    trace.push(v.slice());
    const next = v.slice();
    for (let k = -d; k <= d; k += 2) {
      let x: number;
      if (k === -d || (k !== d && (v[offset + k - 1] as number) < (v[offset + k + 1] as number))) x = v[offset + k + 1] as number;
      else x = (v[offset + k - 1] as number) + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      next[offset + k] = x;
      if (x >= n && y >= m) {
        trace.push(next);
        return backtrack(a, b, trace, offset);
      }
    }
    v = next;
  }
  return undefined;
}

function backtrack(a: readonly string[], b: readonly string[], trace: Int32Array[], offset: number): Op[] {
  const ops: Op[] = [];
  let x = a.length;
  let y = b.length;
  // trace[d] holds V before round d; the final V is the last element.
  for (let d = trace.length - 2; d >= 0; d--) {
    const v = trace[d] as Int32Array;
    const k = x - y;
    let prevK: number;
    if (k === -d || (k !== d && (v[offset + k - 1] as number) < (v[offset + k + 1] as number))) prevK = k + 1;
    else prevK = k - 1;
    const prevX = d === 0 ? 0 : (v[offset + prevK] as number);
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY && x > 0 && y > 0) {
      ops.push({ kind: "eq", line: a[x - 1] as string });
      x--;
      y--;
    }
    if (d === 0) break;
    if (x === prevX) ops.push({ kind: "ins", line: b[y - 1] as string });
    else ops.push({ kind: "del", line: a[x - 1] as string });
    x = prevX;
    y = prevY;
  }
  while (x > 0 && y > 0) {
    ops.push({ kind: "eq", line: a[x - 1] as string });
    x--;
    y--;
  }
  return ops.reverse();
}

function editScript(a: readonly string[], b: readonly string[]): Op[] {
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const midA = a.slice(start, endA);
  const midB = b.slice(start, endB);
  const middle = myers(midA, midB) ?? [
    ...midA.map((line): Op => ({ kind: "del", line })),
    ...midB.map((line): Op => ({ kind: "ins", line })),
  ];
  return [
    ...a.slice(0, start).map((line): Op => ({ kind: "eq", line })),
    ...middle,
    ...a.slice(endA).map((line): Op => ({ kind: "eq", line })),
  ];
}

function rangeHeader(start: number, length: number): string {
  // git prints the line before the hunk when it is empty, and omits a length of 1.
  const shown = length === 0 ? start - 1 : start;
  return length === 1 ? `${shown}` : `${shown},${length}`;
}

/**
 * git's default hunk-header context: the nearest line above the hunk that starts with a letter, "_"
 * or "$", trailing whitespace dropped, cut to 80 bytes (GitHub shows the same, e.g. "@@ ... @@ spec:").
 */
function functionContext(oldLines: readonly string[], hunkStart: number): string {
  for (let i = hunkStart - 2; i >= 0; i--) {
    const line = (oldLines[i] as string).replace(/\n$/, "");
    if (/^[A-Za-z_$]/.test(line)) {
      const bytes = Buffer.from(line.replace(/\s+$/, ""));
      return ` ${bytes
        .subarray(0, 80)
        .toString("utf8")
        .replace(/\uFFFD+$/, "")}`;
    }
  }
  return "";
}

function renderLine(prefix: string, line: string): string[] {
  return line.endsWith("\n") ? [prefix + line.slice(0, -1)] : [prefix + line, "\\ No newline at end of file"];
}

export function diffLines(before: string, after: string): LineDiff {
  const oldLines = splitLines(before);
  const ops = editScript(oldLines, splitLines(after));
  const additions = ops.filter((o) => o.kind === "ins").length;
  const deletions = ops.filter((o) => o.kind === "del").length;
  if (additions === 0 && deletions === 0) return { additions, deletions, patch: undefined };

  const changed = ops.map((o, i) => (o.kind === "eq" ? -1 : i)).filter((i) => i >= 0);
  const hunks: Array<[number, number]> = [];
  for (const i of changed) {
    const last = hunks[hunks.length - 1];
    if (last && i - last[1] <= 2 * CONTEXT + 1) last[1] = i;
    else hunks.push([i, i]);
  }

  // Line numbers before each op, so a hunk knows where it starts in both files.
  const aLineAt: number[] = [];
  const bLineAt: number[] = [];
  let aLine = 1;
  let bLine = 1;
  for (const o of ops) {
    aLineAt.push(aLine);
    bLineAt.push(bLine);
    if (o.kind !== "ins") aLine++;
    if (o.kind !== "del") bLine++;
  }

  const out: string[] = [];
  for (const [first, last] of hunks) {
    const from = Math.max(0, first - CONTEXT);
    const to = Math.min(ops.length - 1, last + CONTEXT);
    const slice = ops.slice(from, to + 1);
    const aLen = slice.filter((o) => o.kind !== "ins").length;
    const bLen = slice.filter((o) => o.kind !== "del").length;
    const header = `@@ -${rangeHeader(aLineAt[from] as number, aLen)} +${rangeHeader(bLineAt[from] as number, bLen)} @@`;
    out.push(header + functionContext(oldLines, aLineAt[from] as number));
    for (const o of slice) out.push(...renderLine(o.kind === "eq" ? " " : o.kind === "del" ? "-" : "+", o.line));
  }
  return { additions, deletions, patch: out.join("\n") };
}
