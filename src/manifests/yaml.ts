/**
 * Reads a YAML or JSON file into documents of plain JSON values with source positions, the way
 * `kubectl apply -f` reads it: the stream is cut into documents first (stream.ts, apimachinery's
 * reader), then each is read as sigs.k8s.io/yaml (go-yaml v2) reads it. Generic: manifests, policies
 * and config all come through here. A JSON file goes through the same YAML machinery, as in
 * sigs.k8s.io/yaml, so its positions work the same way.
 *
 * Nothing here throws on bad input: every problem becomes an InputError with file, line and column.
 */
import { EVENT_ID, YAMLException, parseEvents, type Event } from "js-yaml";
import { ChunkText } from "./chunk-text.js";
import { constructDocuments } from "./construct.js";
import { aliasBudget, resolveLimits, type LoadLimits } from "./limits.js";
import { LineIndex, makeLocator } from "./positions.js";
import type { ScalarDialect } from "./scalars.js";
import { splitStream, type StreamChunk } from "./stream.js";
import type { InputError, ParsedFile, SourceDocument } from "./types.js";

/**
 * How many of js-yaml's indentation complaints one file may have bridged (chunk-text.ts), each
 * costing a re-parse of its chunk; a file needing more is reported as js-yaml reads it.
 */
const MAX_REPAIRS = 200;

/** js-yaml's complaint about text after a complete document that is not the start of another. */
const TRAILING_CONTENT = "end of the stream or a document separator is expected";
const IGNORED_REST =
  "YAML syntax error: the text from here on does not continue the document above (it is indented less than the document's first line, or follows its end): kubectl (go-yaml v2) silently ignores it, other tools refuse the file; fix the indentation or start a new document with a line `---`";

const SECOND_DOCUMENT =
  'a second YAML document without a line `---` before it (after `...`, or after a `---` that follows a line break other than "\\n"): kubectl silently ignores it while kustomize and Flux apply it; separate documents with a line `---`';

/** `dialect`: whose reading of plain scalars (see scalars.ts); kustomize's for the files a render reads. */
export function parseDocuments(
  file: string,
  content: string | Uint8Array,
  limits?: Partial<LoadLimits>,
  dialect: ScalarDialect = "kubernetes",
): ParsedFile {
  const resolved = resolveLimits(limits);
  const decoded = decodeText(file, content, resolved.maxBytes);
  if (typeof decoded !== "string") return { file, documents: [], errors: [decoded] };

  const lines = new LineIndex(decoded);
  const errorAt = (offset: number, message: string): InputError => ({ file, ...lines.position(offset), message });
  const stream = splitStream(decoded);
  const state: ReadState = {
    file,
    lines,
    limits: resolved,
    documents: [],
    errors: [],
    nodesLeft: resolved.maxNodes,
    aliasNodesLeft: aliasBudget(resolved, decoded.length),
    repairsLeft: MAX_REPAIRS,
    nextIndex: 0,
    dialect,
  };
  for (const chunk of stream.chunks) {
    if (!readChunk(state, decoded, chunk, stream.format === "json")) break;
  }
  if (stream.problem) state.errors.push(errorAt(stream.problem.offset, stream.problem.message));
  return { file, documents: state.documents, errors: state.errors };
}

interface ReadState {
  file: string;
  lines: LineIndex;
  limits: LoadLimits;
  documents: SourceDocument[];
  errors: InputError[];
  nodesLeft: number;
  aliasNodesLeft: number;
  repairsLeft: number;
  /** Index of the next document in the file, empty ones included. */
  nextIndex: number;
  dialect: ScalarDialect;
}

/** Reads one chunk; false when the file must not be read further (a limit was reached). */
function readChunk(state: ReadState, decoded: string, chunk: StreamChunk, json: boolean): boolean {
  const text = new ChunkText(decoded.slice(chunk.start, chunk.end));
  const toFile = (offset: number): number => chunk.start + text.toOriginal(offset);
  const errorAt = (offset: number, message: string): InputError => ({ file: state.file, ...state.lines.position(toFile(offset)), message });

  let events: Event[] | undefined;
  let parsedUpTo = Infinity;
  while (events === undefined) {
    try {
      events = parseEvents(parsedUpTo === Infinity ? text.text : text.text.slice(0, parsedUpTo), {
        filename: state.file,
        maxDepth: state.limits.maxDepth,
      });
    } catch (error) {
      const offset = error instanceof YAMLException ? (error.mark?.position ?? 0) : 0;
      const reason = error instanceof YAMLException ? error.reason : "";
      if (
        reason === "deficient indentation" &&
        state.repairsLeft > 0 &&
        parsedUpTo === Infinity &&
        text.repairDeficientIndentation(offset)
      ) {
        state.repairsLeft--;
        continue;
      }
      if (parsedUpTo === Infinity) {
        // go-yaml v2 (sigs.k8s.io/yaml) reads the first document of a chunk and never looks further:
        // a problem after its end does not stop kubectl, it silently drops the rest.
        const end = reason === TRAILING_CONTENT && offset > 0 ? offset : firstDocumentEnd(text.text, offset);
        if (end > 0) {
          parsedUpTo = end;
          state.errors.push(errorAt(end, reason === TRAILING_CONTENT ? IGNORED_REST : SECOND_DOCUMENT));
          continue;
        }
      }
      state.errors.push(syntaxError(error, errorAt, state.limits.maxDepth));
      state.nextIndex++;
      return true;
    }
  }

  const { nodes, documents: yamlDocuments, secondDocument } = surveyEvents(events);
  if (nodes > state.nodesLeft) {
    const tooMany = nodeLimitProblem(events, state.nodesLeft, state.limits.maxNodes);
    state.errors.push(errorAt(tooMany.offset, tooMany.message));
    return false;
  }
  state.nodesLeft -= nodes;

  const { documents, problems, aliasNodesLeft } = constructDocuments(text.text, events, {
    maxDepth: state.limits.maxDepth,
    aliasBudget: state.aliasNodesLeft,
    lines: { position: (offset: number) => state.lines.position(toFile(offset)) },
    dialect: state.dialect,
  });
  state.aliasNodesLeft = aliasNodesLeft;
  const base = state.nextIndex;
  state.nextIndex += Math.max(1, yamlDocuments);
  // sigs.k8s.io/yaml reads the first YAML document of a chunk and drops the rest without a word;
  // other tools (kustomize, Flux) apply them. Reading them either way would be a guess.
  const second = secondDocument === -1 ? undefined : secondDocumentStart(events, secondDocument);
  for (const document of documents) {
    if (document.index > 0) continue;
    state.documents.push({ index: base, value: document.value, locate: makeLocator(state.lines, document.position, toFile) });
  }
  for (const problem of problems) {
    if (second === undefined || problem.offset < second) state.errors.push(errorAt(problem.offset, problem.message));
  }
  if (second !== undefined)
    state.errors.push(errorAt(second, json ? "a second document inside one JSON value: kubectl reads only the first" : SECOND_DOCUMENT));
  return true;
}

/**
 * One pass over a chunk's events (there is one per scalar of every file): how many nodes they hold,
 * how many YAML documents, and the index of the second document's event (-1: none).
 */
function surveyEvents(events: readonly Event[]): { nodes: number; documents: number; secondDocument: number } {
  let nodes = 0;
  let documents = 0;
  let secondDocument = -1;
  for (let index = 0; index < events.length; index++) {
    const type = (events[index] as Event).type;
    if (type === EVENT_ID.SCALAR || type === EVENT_ID.MAPPING || type === EVENT_ID.SEQUENCE || type === EVENT_ID.ALIAS) nodes++;
    else if (type === EVENT_ID.DOCUMENT && ++documents === 2) secondDocument = index;
  }
  return { nodes, documents, secondDocument };
}

/** Where the content of a second YAML document starts, from its event on; undefined if every later document is empty. */
function secondDocumentStart(events: readonly Event[], from: number): number | undefined {
  for (let index = from; index < events.length; index++) {
    if ((events[index] as Event).type !== EVENT_ID.DOCUMENT) continue;
    const node = events[index + 1];
    if (node === undefined) return undefined;
    if (node.type === EVENT_ID.SCALAR) {
      if (node.valueStart !== -1) return node.valueStart;
      if (node.tagStart !== -1 || node.anchorStart !== -1) return Math.max(node.tagStart, node.anchorStart);
      continue; // an empty document (a trailing `...` or comments)
    }
    if (node.type === EVENT_ID.MAPPING || node.type === EVENT_ID.SEQUENCE) return node.start;
    if (node.type === EVENT_ID.ALIAS) return node.anchorStart - 1;
  }
  return undefined;
}

/**
 * Where the first YAML document of a chunk ends when a marker (`...`, or `---` after a line break
 * the stream splitter does not see: "\r" or a Unicode one) comes before `offset`; 0 when none does.
 */
function firstDocumentEnd(text: string, offset: number): number {
  const marker = /(?:^|[\n\r])((?:\.\.\.|---)(?=[\s]|$))/g;
  let match: RegExpExecArray | null;
  let found = 0;
  while ((match = marker.exec(text)) !== null && match.index < offset) {
    const at = match.index + match[0].length - 3;
    // A leading `---` begins the first document rather than ending it.
    if (text.slice(0, at).trim() !== "" && at < offset) {
      found = at;
      break;
    }
  }
  return found;
}

/** The node past the limit (the caller knows there is one), before anything is built from the events. */
function nodeLimitProblem(events: readonly Event[], nodesLeft: number, maxNodes: number): { offset: number; message: string } {
  const message = `more than ${maxNodes} YAML nodes (keys, values, items) in one file: refusing to read it; split it into smaller files`;
  let nodes = 0;
  for (const event of events) {
    const type = event.type;
    if (type !== EVENT_ID.SCALAR && type !== EVENT_ID.MAPPING && type !== EVENT_ID.SEQUENCE && type !== EVENT_ID.ALIAS) continue;
    if (++nodes > nodesLeft) {
      const offset = type === EVENT_ID.SCALAR ? event.valueStart : type === EVENT_ID.ALIAS ? event.anchorStart : event.start;
      return { offset: Math.max(0, offset), message };
    }
  }
  return { offset: 0, message };
}

function syntaxError(error: unknown, errorAt: (offset: number, message: string) => InputError, maxDepth: number): InputError {
  if (error instanceof YAMLException) {
    const offset = error.mark?.position ?? 0;
    if (error.reason.startsWith("nesting exceeded maxDepth")) {
      return errorAt(offset, `nesting deeper than ${maxDepth} levels: refusing to read a document this deep`);
    }
    return errorAt(offset, `YAML syntax error: ${error.reason}`);
  }
  // js-yaml guards its recursion with maxDepth; anything else is still bad input, not a crash.
  return errorAt(0, `could not parse the file: ${error instanceof Error ? error.message : String(error)}`);
}

/** The file as text, or why it cannot be read as YAML at all. A UTF-8 byte-order mark is dropped. */
function decodeText(file: string, content: string | Uint8Array, maxBytes: number): string | InputError {
  if (typeof content === "string") {
    if (content.length > maxBytes || (content.length * 3 > maxBytes && Buffer.byteLength(content, "utf8") > maxBytes)) {
      return tooLarge(file, Buffer.byteLength(content, "utf8"), maxBytes);
    }
    const text = content.charCodeAt(0) === 0xfeff ? content.slice(1) : content;
    const nul = text.indexOf("\0");
    if (nul !== -1) return { file, ...new LineIndex(text).position(nul), message: BINARY_MESSAGE };
    return text;
  }

  if (content.byteLength > maxBytes) return tooLarge(file, content.byteLength, maxBytes);
  if ((content[0] === 0xff && content[1] === 0xfe) || (content[0] === 0xfe && content[1] === 0xff)) {
    return { file, line: 1, column: 1, message: "the file is UTF-16 encoded (it starts with a UTF-16 byte-order mark); save it as UTF-8" };
  }
  const nul = content.indexOf(0);
  if (nul !== -1) return { file, ...bytePosition(content, nul), message: BINARY_MESSAGE };
  try {
    // fatal: a stray Latin-1 byte must not silently become U+FFFD; ignoreBOM false drops a UTF-8 BOM.
    return new TextDecoder("utf-8", { fatal: true }).decode(content);
  } catch {
    const bad = firstInvalidUtf8(content);
    return { file, ...bytePosition(content, bad), message: "the file is not valid UTF-8 text (Kubernetes manifests must be UTF-8)" };
  }
}

const BINARY_MESSAGE = "the file is binary (it contains a NUL byte), not YAML or JSON text";

function tooLarge(file: string, bytes: number, maxBytes: number): InputError {
  return { file, line: 1, column: 1, message: `the file is too large to check (${bytes} bytes; the limit is ${maxBytes})` };
}

/** 1-based line and column (in bytes) of a byte offset. */
function bytePosition(bytes: Uint8Array, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let index = 0; index < offset; index++) {
    if (bytes[index] === 10) {
      line++;
      lineStart = index + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

/** Offset of the first byte that does not start or continue a valid UTF-8 sequence. */
function firstInvalidUtf8(bytes: Uint8Array): number {
  let index = 0;
  while (index < bytes.length) {
    const lead = bytes[index] as number;
    let length: number;
    let min: number;
    if (lead < 0x80) {
      index++;
      continue;
    } else if (lead >= 0xc2 && lead <= 0xdf) [length, min] = [2, 0x80];
    else if (lead >= 0xe0 && lead <= 0xef) [length, min] = [3, 0x800];
    else if (lead >= 0xf0 && lead <= 0xf4) [length, min] = [4, 0x10000];
    else return index;
    let code = lead & (0xff >> (length + 1));
    for (let next = 1; next < length; next++) {
      const byte = bytes[index + next];
      if (byte === undefined || (byte & 0xc0) !== 0x80) return index;
      code = (code << 6) | (byte & 0x3f);
    }
    if (code < min || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return index;
    index += length;
  }
  return 0;
}
