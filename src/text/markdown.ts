/**
 * Putting untrusted text (file names, resource names, messages from manifests) into Markdown safely:
 * a name like `a|b` must not break a table, and a crafted message must not inject links or HTML into
 * the check page.
 */

/** Inline code that survives any content, including backticks: GitHub's variable-length fences. */
export function code(text: string): string {
  const clean = oneLine(text);
  if (clean === "") return "` `";
  const longestRun = Math.max(0, ...(clean.match(/`+/g) ?? []).map((run) => run.length));
  const fence = "`".repeat(longestRun + 1);
  const pad = clean.startsWith("`") || clean.endsWith("`") ? " " : "";
  return `${fence}${pad}${clean}${pad}${fence}`;
}

/**
 * Plain text: the characters that start Markdown or HTML constructs inline are escaped, one line.
 * (`#`, `-`, `+` and `1.` only matter at the start of a line, and the text is never put there.)
 */
export function escape(text: string): string {
  return oneLine(text).replace(/[\\`*_[\]|<>~&]/g, (char) => `\\${char}`);
}

/** A table cell: pipes inside inline code must still be escaped for GitHub's table parser. */
export function cell(markdown: string): string {
  return markdown.replace(/\|/g, "\\|");
}

function oneLine(text: string): string {
  return text.replace(/[\r\n\t]+/g, " ");
}
