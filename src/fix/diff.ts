/**
 * A file's change as a unified diff, as `git diff` shows it (`a/` and `b/` prefixes, three lines of
 * context), for `--fix --dry-run`. Uses jsdiff (`diff` on npm), the diff library most JavaScript
 * tooling relies on, rather than a home-made line differ.
 */
import { createTwoFilesPatch } from "diff";

export function unifiedDiff(file: string, before: string, after: string): string {
  const [from, to] = file.startsWith("/") ? [file, file] : [`a/${file}`, `b/${file}`];
  return createTwoFilesPatch(from, to, before, after, undefined, undefined, { context: 3 }).replace(/^=+\n/, "");
}
