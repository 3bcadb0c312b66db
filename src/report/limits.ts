/**
 * GitHub's check-run size limits, and cutting text to fit them without breaking characters or
 * Markdown. A check-run write that is too large is rejected with 422, which would leave the check
 * without its result: everything we send is cut to size first.
 */

/** `output.summary` and `output.text`: 65,535 characters each. */
export const MAX_OUTPUT_CHARS = 65_535;
/** `output.title` and annotation `title`. */
export const MAX_TITLE_CHARS = 255;
/** Annotation `message` and `raw_details`: 64 KB. */
export const MAX_ANNOTATION_BYTES = 64 * 1024;
/** GitHub accepts at most 50 annotations per create/update request; further requests append. */
export const ANNOTATIONS_PER_REQUEST = 50;

/**
 * Cuts `text` to at most `limit` UTF-16 units (never more characters than GitHub counts), preferring
 * the last line break so a Markdown table row or list item is never cut in half, and says so.
 */
export function truncateText(text: string, limit: number, notice = "\n\n… (truncated to fit GitHub's size limit)"): string {
  if (text.length <= limit) return text;
  const room = Math.max(0, limit - notice.length);
  let cut = safeCut(text, room);
  const lineBreak = text.lastIndexOf("\n", cut);
  if (lineBreak > room / 2) cut = lineBreak;
  return text.slice(0, cut) + notice.slice(0, limit - cut);
}

/** Cuts a one-line value (a title) to `limit` characters with an ellipsis. */
export function truncateLine(text: string, limit: number): string {
  const line = text.replace(/\s+/g, " ").trim();
  if (line.length <= limit) return line;
  return `${line.slice(0, safeCut(line, limit - 1))}…`;
}

/** Cuts `text` to at most `limit` bytes of UTF-8. */
export function truncateBytes(text: string, limit: number, notice = "\n… (truncated)"): string {
  if (Buffer.byteLength(text, "utf8") <= limit) return text;
  const room = limit - Buffer.byteLength(notice, "utf8");
  // Worst case is 3 bytes per UTF-16 unit, so this many units always fit; then grow while they do.
  let cut = safeCut(text, Math.floor(room / 3));
  let step = Math.max(1, Math.floor((room - Buffer.byteLength(text.slice(0, cut), "utf8")) / 3));
  while (step >= 1 && cut < text.length) {
    const next = safeCut(text, Math.min(text.length, cut + step));
    if (next > cut && Buffer.byteLength(text.slice(0, next), "utf8") <= room) cut = next;
    else step = Math.floor(step / 2);
  }
  return text.slice(0, cut) + notice;
}

/** Never split a surrogate pair: a lone surrogate is invalid UTF-8 on the wire. */
function safeCut(text: string, index: number): number {
  if (index <= 0) return 0;
  if (index >= text.length) return text.length;
  const code = text.charCodeAt(index - 1);
  return code >= 0xd800 && code <= 0xdbff ? index - 1 : index;
}
