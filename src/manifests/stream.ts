/**
 * How `kubectl apply -f` cuts a file into documents before any YAML is parsed (apimachinery's
 * `YAMLOrJSONDecoder`, as cli-runtime's stream visitor uses it):
 *
 * - A file whose first non-blank character (within the first 4096 bytes) is `{` is a JSON stream:
 *   values one after another, as Go's `json.Decoder` reads them.
 * - Anything else is a YAML stream, cut into chunks by lines (apimachinery's `YAMLReader`): every
 *   line whose first three characters are `---` ends a chunk, whatever YAML would make of it (inside
 *   a quoted scalar, before a comment: `---# worker`). After the dashes only blanks or a comment may
 *   follow; anything else (`--- |`, `----`) stops the file with an error. A separator line that would
 *   begin an empty chunk stays part of it, where the YAML parser sees it.
 *
 * Lines end at "\n" only: a lone "\r", U+0085, U+2028 or U+2029 is a line break to the YAML parser
 * but not to this splitter. Pure; offsets are UTF-16 indexes into the text.
 */

export interface StreamChunk {
  /** Offset of the chunk's first character. */
  start: number;
  /** Offset after its last character (the "\n" of its last line, when it has one). */
  end: number;
}

export interface StreamProblem {
  offset: number;
  message: string;
}

export type SplitStream =
  { format: "yaml"; chunks: StreamChunk[]; problem?: StreamProblem } | { format: "json"; chunks: StreamChunk[]; problem?: StreamProblem };

/** How far apimachinery looks for the `{` of a JSON stream (cli-runtime's buffer size). */
const SNIFF_BYTES = 4096;

export function splitStream(text: string): SplitStream {
  return startsJsonStream(text) ? splitJsonStream(text) : splitYamlStream(text);
}

/** Go's `unicode.IsSpace`, which apimachinery uses to skip to the first character. */
function isGoSpace(code: number): boolean {
  return (
    (code >= 9 && code <= 13) ||
    code === 32 ||
    code === 0x85 ||
    code === 0xa0 ||
    code === 0x1680 ||
    (code >= 0x2000 && code <= 0x200a) ||
    code === 0x2028 ||
    code === 0x2029 ||
    code === 0x202f ||
    code === 0x205f ||
    code === 0x3000
  );
}

function startsJsonStream(text: string): boolean {
  let bytes = 0;
  for (let at = 0; at < text.length && bytes < SNIFF_BYTES; at++) {
    const code = text.charCodeAt(at);
    if (!isGoSpace(code)) return code === 123; // `{`
    bytes += code < 0x80 ? 1 : code < 0x800 ? 2 : 3;
  }
  return false;
}

function splitYamlStream(text: string): SplitStream {
  const chunks: StreamChunk[] = [];
  let chunkStart = 0;
  let lineStart = 0;
  while (lineStart < text.length) {
    const newline = text.indexOf("\n", lineStart);
    const lineEnd = newline === -1 ? text.length : newline + 1;
    if (text.startsWith("---", lineStart)) {
      const after = trimGoSpace(text.slice(lineStart + 3, lineEnd));
      if (after !== "" && !after.startsWith("#")) {
        return {
          format: "yaml",
          chunks: closeChunk(chunks, chunkStart, lineStart),
          problem: {
            offset: lineStart,
            message: `invalid document separator "${firstLine(text.slice(lineStart, lineEnd))}": kubectl cuts documents at every line starting with \`---\` and allows only a comment after the dashes, so it refuses this file`,
          },
        };
      }
      if (lineStart > chunkStart) {
        chunks.push({ start: chunkStart, end: lineStart });
        chunkStart = lineEnd;
      }
    }
    lineStart = lineEnd;
  }
  return { format: "yaml", chunks: closeChunk(chunks, chunkStart, text.length) };
}

/** Go's `strings.TrimSpace`. */
function trimGoSpace(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && isGoSpace(text.charCodeAt(start))) start++;
  while (end > start && isGoSpace(text.charCodeAt(end - 1))) end--;
  return text.slice(start, end);
}

function closeChunk(chunks: StreamChunk[], start: number, end: number): StreamChunk[] {
  if (end > start) chunks.push({ start, end });
  return chunks;
}

function firstLine(text: string): string {
  const line = text.replace(/\r?\n$/, "");
  return line.length > 60 ? `${line.slice(0, 60)}…` : line;
}

/**
 * The extent of each top-level JSON value. Only the structure is scanned here (strings, nesting);
 * each value is then read by the YAML machinery like any document, which reports what is wrong
 * inside it.
 */
function splitJsonStream(text: string): SplitStream {
  const chunks: StreamChunk[] = [];
  let at = 0;
  for (;;) {
    at = skipJsonSpace(text, at);
    if (at >= text.length) return { format: "json", chunks };
    const start = at;
    const end = jsonValueEnd(text, at);
    if (end === -1) {
      return {
        format: "json",
        chunks,
        problem: {
          offset: start,
          message: "the file is a JSON stream (it starts with `{`), and this value is not complete JSON: kubectl refuses the file here",
        },
      };
    }
    chunks.push({ start, end });
    at = end;
  }
}

function skipJsonSpace(text: string, from: number): number {
  let at = from;
  for (;;) {
    const code = text.charCodeAt(at);
    if (code === 32 || code === 9 || code === 10 || code === 13) at++;
    else return at;
  }
}

const JSON_LITERAL = /^(?:true|false|null|-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?)/;

/** The offset after the JSON value starting at `from`, or -1 when it is not one. */
function jsonValueEnd(text: string, from: number): number {
  const first = text.charCodeAt(from);
  if (first === 123 || first === 91) {
    let depth = 0;
    for (let at = from; at < text.length; at++) {
      const code = text.charCodeAt(at);
      if (code === 34) {
        at = stringEnd(text, at);
        if (at === -1) return -1;
        at--; // the loop steps past the closing quote
      } else if (code === 123 || code === 91) depth++;
      else if (code === 125 || code === 93) {
        depth--;
        if (depth === 0) return at + 1;
      }
    }
    return -1;
  }
  if (first === 34) return stringEnd(text, from);
  const literal = JSON_LITERAL.exec(text.slice(from, from + 400));
  return literal ? from + (literal[0] as string).length : -1;
}

/** The offset after the closing quote of the string starting at `from`, or -1. */
function stringEnd(text: string, from: number): number {
  for (let at = from + 1; at < text.length; at++) {
    const code = text.charCodeAt(at);
    if (code === 92) at++;
    else if (code === 34) return at + 1;
  }
  return -1;
}
