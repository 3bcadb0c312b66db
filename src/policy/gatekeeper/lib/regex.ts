/**
 * Rego's `regex.match(pattern, value)`: Go RE2 syntax, unanchored (a match anywhere counts).
 * JavaScript's RegExp reads almost all RE2 patterns the same way; the few RE2-only spellings that
 * appear in real constraints are translated: leading inline flags `(?i)`, `(?s)`, `(?m)`,
 * named groups `(?P<name>...)`, `\A` / `\z`, and POSIX classes like `[[:alnum:]]`.
 */

const POSIX_CLASSES: Readonly<Record<string, string>> = {
  alnum: "0-9A-Za-z",
  alpha: "A-Za-z",
  ascii: "\\x00-\\x7F",
  blank: "\\t ",
  cntrl: "\\x00-\\x1F\\x7F",
  digit: "0-9",
  graph: "!-~",
  lower: "a-z",
  print: " -~",
  punct: "!-/:-@[-`{-~",
  space: "\\t\\n\\v\\f\\r ",
  upper: "A-Z",
  word: "0-9A-Za-z_",
  xdigit: "0-9A-Fa-f",
};

/** Compiles an RE2 pattern, or returns the reason it cannot be used. */
export function compileRe2(pattern: string): RegExp | { error: string } {
  let source = pattern;
  let flags = "";
  const inline = /^\(\?([ims]+)\)/.exec(source);
  if (inline) {
    flags = [...new Set(inline[1])].join("");
    source = source.slice(inline[0].length);
  }
  source = source
    .replace(/\(\?P</g, "(?<")
    .replace(/\\A/g, "^")
    .replace(/\\z/g, "$(?![\\s\\S])")
    .replace(/\[:([a-z]+):\]/g, (whole, name: string) => POSIX_CLASSES[name] ?? whole);
  try {
    return new RegExp(source, flags);
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  }
}
