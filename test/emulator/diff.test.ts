import { describe, expect, test } from "@jest/globals";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import fc from "fast-check";
import { diffLines, splitLines } from "../../emulator/diff.js";

/** Applies a unified patch (GitHub `patch` format) to `before`; used to check patches are real. */
function applyPatch(before: string, patch: string): string {
  const old = splitLines(before);
  const out: string[] = [];
  let cursor = 0;
  const lines = patch.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    const header = /^@@ -(\d+)(?:,(\d+))? \+\d+(?:,\d+)? @@/.exec(line);
    if (header) {
      const start = Number(header[1]);
      const len = header[2] === undefined ? 1 : Number(header[2]);
      const from = len === 0 ? start : start - 1;
      while (cursor < from) out.push(old[cursor++] as string);
      continue;
    }
    const noEol = lines[i + 1] === "\\ No newline at end of file";
    const text = line.slice(1) + (noEol ? "" : "\n");
    if (line.startsWith(" ")) {
      out.push(text);
      cursor++;
    } else if (line.startsWith("-")) cursor++;
    else if (line.startsWith("+")) out.push(text);
    if (noEol) i++;
  }
  while (cursor < old.length) out.push(old[cursor++] as string);
  return out.join("");
}

function gitDiff(before: string, after: string): string | undefined {
  const dir = mkdtempSync(path.join(tmpdir(), "emulator-diff-"));
  try {
    writeFileSync(path.join(dir, "a"), before);
    writeFileSync(path.join(dir, "b"), after);
    let out = "";
    try {
      execFileSync("git", ["diff", "--no-index", "--no-color", "-U3", "a", "b"], { cwd: dir });
    } catch (error) {
      // git diff --no-index exits 1 when the files differ.
      out = String((error as { stdout?: Buffer }).stdout ?? "");
    }
    const at = out.indexOf("@@");
    return at === -1 ? undefined : out.slice(at).replace(/\n$/, "");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function hasGit(): boolean {
  try {
    execFileSync("git", ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

const CASES: Array<[string, string, string]> = [
  ["one changed line", "a\nb\nc\n", "a\nB\nc\n"],
  ["added file", "", "x\ny\n"],
  ["removed file", "x\ny\n", ""],
  [
    "two distant hunks",
    Array.from({ length: 30 }, (_, i) => `line ${i}\n`).join(""),
    Array.from({ length: 30 }, (_, i) => (i === 2 || i === 25 ? `changed ${i}\n` : `line ${i}\n`)).join(""),
  ],
  [
    "nearby changes merge into one hunk",
    Array.from({ length: 20 }, (_, i) => `l${i}\n`).join(""),
    Array.from({ length: 20 }, (_, i) => (i === 5 || i === 11 ? `x${i}\n` : `l${i}\n`)).join(""),
  ],
  ["missing final newline", "a\nb", "a\nb\n"],
  ["insertion at top", "b\nc\n", "a\nb\nc\n"],
  [
    "manifest edit deep in a spec (function context is the nearest top-level key)",
    "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: app\n      image: nginx\n      securityContext:\n        runAsNonRoot: true\n        privileged: false\n        readOnlyRootFilesystem: true\n",
    "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: app\n      image: nginx\n      securityContext:\n        runAsNonRoot: true\n        privileged: true\n        readOnlyRootFilesystem: true\n",
  ],
];

describe("unified diff like git's", () => {
  test.each(CASES)("%s: same patch as git diff -U3", (_label, before, after) => {
    if (!hasGit()) {
      console.warn("git binary not found: skipping comparison with git diff");
      return;
    }
    expect(diffLines(before, after).patch).toBe(gitDiff(before, after));
  });

  test("identical content has no patch and no counts", () => {
    expect(diffLines("a\n", "a\n")).toEqual({ additions: 0, deletions: 0, patch: undefined });
  });

  test("any patch turns the old text into the new one, and counts match its lines", () => {
    const line = fc.constantFrom("a", "b", "c", "key: value", "", "  - x");
    const text = fc
      .array(line, { maxLength: 25 })
      .chain((ls) => fc.boolean().map((eol) => (ls.length === 0 ? "" : ls.join("\n") + (eol ? "\n" : ""))));
    fc.assert(
      fc.property(text, text, (before, after) => {
        const d = diffLines(before, after);
        if (before === after) return d.patch === undefined;
        const patch = d.patch as string;
        const body = patch.split("\n").filter((l) => !l.startsWith("@@") && !l.startsWith("\\"));
        expect(body.filter((l) => l.startsWith("+"))).toHaveLength(d.additions);
        expect(body.filter((l) => l.startsWith("-"))).toHaveLength(d.deletions);
        expect(applyPatch(before, patch)).toBe(after);
        return true;
      }),
      { seed: 20240101, numRuns: 300 },
    );
  });
});
