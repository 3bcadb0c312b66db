/**
 * Which lines of a file a pull request review comment may sit on, read from the file's `patch` (the
 * unified diff GitHub lists with the pull request's files). GitHub accepts a comment on a line of the
 * new file (`side: RIGHT`) only inside a hunk of that diff, and a multi-line comment only when its
 * first and last line are in the same hunk.
 */

export interface PatchLines {
  /** Lines of the new file the pull request added or changed. */
  added: ReadonlySet<number>;
  /** Each hunk's lines of the new file (added and context), first to last. */
  hunks: readonly { first: number; last: number }[];
}

const HUNK_HEADER = /^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@/;

export function readPatch(patch: string | undefined): PatchLines {
  const added = new Set<number>();
  const hunks: { first: number; last: number }[] = [];
  if (patch === undefined) return { added, hunks };
  let line = 0;
  let current: { first: number; last: number } | undefined;
  for (const text of patch.split("\n")) {
    const header = HUNK_HEADER.exec(text);
    if (header) {
      line = Number(header[1]);
      current = { first: line, last: line - 1 };
      hunks.push(current);
      continue;
    }
    if (!current) continue;
    const marker = text[0];
    if (marker === "+" || marker === " ") {
      if (marker === "+") added.add(line);
      current.last = line;
      line++;
    }
    // "-" lines exist only on the left side; "\ No newline at end of file" is not a line.
  }
  return { added, hunks: hunks.filter((hunk) => hunk.last >= hunk.first) };
}

/** Whether a comment on lines `first`..`last` of the new file is inside one hunk. */
export function commentable(lines: PatchLines, first: number, last: number): boolean {
  return lines.hunks.some((hunk) => hunk.first <= first && last <= hunk.last);
}
