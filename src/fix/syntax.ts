/**
 * The layout of a YAML/JSON file as the fix engine needs it: for every node its span, its style (block
 * or flow, plain or quoted) and whether an anchor, tag or alias is involved. `src/manifests` records
 * only where fields start and end (all a finding needs); an edit also needs to know how a node is
 * written, so this reads the same js-yaml parser events a second time, only for files being fixed.
 */
import { CHOMPING_MODE, COLLECTION_STYLE, EVENT_ID, SCALAR_STYLE, getScalarValue, parseEvents, type Event } from "js-yaml";
import { splitStream } from "../manifests/stream.js";

export interface ScalarNode {
  kind: "scalar";
  /** Span of the scalar as written: quotes included, anchor and tag excluded; -1 for an empty (null) value. */
  start: number;
  end: number;
  style: "plain" | "single" | "double" | "block";
  /** Has an anchor or a tag: editing it would change more than this one field. */
  decorated: boolean;
  text: string;
  /** For a block scalar: literal (`|`) or folded (`>`), its chomping, and its content's indentation. */
  block?: { literal: boolean; chomping: "clip" | "strip" | "keep"; indent: number };
}

export interface MappingEntry {
  key: string;
  keyStart: number;
  keyEnd: number;
  keyStyle: ScalarNode["style"];
  value: SyntaxNode;
}

export interface MappingNode {
  kind: "mapping";
  /** The first key (block) or the `{` (flow). */
  start: number;
  /** After the last value (block) or after the `}` (flow). */
  end: number;
  flow: boolean;
  decorated: boolean;
  /** A merge key (`<<`) or a key that is not a scalar: the mapping's fields are not all written in it. */
  irregular: boolean;
  entries: MappingEntry[];
}

export interface SequenceNode {
  kind: "sequence";
  /** The first `-` (block) or the `[` (flow). */
  start: number;
  end: number;
  flow: boolean;
  decorated: boolean;
  items: SyntaxNode[];
}

export interface AliasNode {
  kind: "alias";
  start: number;
  end: number;
}

export type SyntaxNode = ScalarNode | MappingNode | SequenceNode | AliasNode;

export interface SyntaxDocument {
  /** 0-based index in the stream, empty documents included (as `SourceDocument.index`). */
  index: number;
  root: SyntaxNode | null;
  /** Anchors defined anywhere in the document: an edit must never remove one. */
  anchors: number;
}

const ABSENT = -1;

/**
 * The documents of a text, numbered as the manifest reader numbers them (src/manifests/yaml.ts): the
 * stream is cut into chunks the way kubectl cuts it, and each chunk holds one document (the first
 * YAML document in it; a chunk counts as many documents as it has). A chunk that js-yaml cannot read
 * as written (the reader may have bridged an indentation slip) has no syntax, so no fix is attempted
 * in it. Undefined when nothing in the text parses.
 */
export function readSyntax(text: string): SyntaxDocument[] | undefined {
  const documents: SyntaxDocument[] = [];
  let nextIndex = 0;
  let parsedAny = false;
  for (const chunk of splitStream(text).chunks) {
    const chunkText = text.slice(chunk.start, chunk.end);
    let events: Event[];
    try {
      events = parseEvents(chunkText, { maxDepth: 100 });
    } catch {
      nextIndex++;
      continue;
    }
    parsedAny = true;
    const found = new SyntaxBuilder(chunkText, events).documents();
    const first = found[0];
    if (first) documents.push({ ...first, index: nextIndex, root: first.root && shifted(first.root, chunk.start) });
    nextIndex += Math.max(1, found.length);
  }
  return parsedAny || text.trim() === "" ? documents : undefined;
}

/** A node of a chunk, at its offsets in the whole text. */
function shifted<T extends SyntaxNode>(node: T, by: number): T {
  const at = (offset: number): number => (offset === ABSENT ? ABSENT : offset + by);
  switch (node.kind) {
    case "scalar":
    case "alias":
      return { ...node, start: at(node.start), end: at(node.end) };
    case "sequence":
      return { ...node, start: at(node.start), end: at(node.end), items: node.items.map((item) => shifted(item, by)) };
    case "mapping":
      return {
        ...node,
        start: at(node.start),
        end: at(node.end),
        entries: node.entries.map((entry) => ({
          ...entry,
          keyStart: at(entry.keyStart),
          keyEnd: at(entry.keyEnd),
          value: shifted(entry.value, by),
        })),
      };
  }
}

class SyntaxBuilder {
  private at = 0;
  private anchors = 0;

  constructor(
    private readonly text: string,
    private readonly events: readonly Event[],
  ) {}

  documents(): SyntaxDocument[] {
    const documents: SyntaxDocument[] = [];
    while (this.at < this.events.length) {
      const event = this.events[this.at++] as Event;
      if (event.type !== EVENT_ID.DOCUMENT) continue;
      this.anchors = 0;
      const next = this.events[this.at] as Event | undefined;
      const root = next && next.type !== EVENT_ID.POP ? this.node() : null;
      this.at++; // the document's POP
      documents.push({ index: documents.length, root, anchors: this.anchors });
    }
    return documents;
  }

  private node(): SyntaxNode {
    const event = this.events[this.at++] as Event;
    switch (event.type) {
      case EVENT_ID.SCALAR: {
        if (event.anchorStart !== ABSENT) this.anchors++;
        const quoted = event.style === SCALAR_STYLE.SINGLE_QUOTED || event.style === SCALAR_STYLE.DOUBLE_QUOTED;
        const start = event.valueStart === ABSENT ? ABSENT : quoted ? event.valueStart - 1 : event.valueStart;
        const end = event.valueEnd === ABSENT ? ABSENT : quoted ? event.valueEnd + 1 : event.valueEnd;
        const node: ScalarNode = {
          kind: "scalar",
          start,
          end,
          style: scalarStyle(event.style),
          decorated: event.anchorStart !== ABSENT || event.tagStart !== ABSENT,
          text: event.valueStart === ABSENT ? "" : getScalarValue(this.text, event),
        };
        if (node.style === "block") {
          const chomping = event.chomping === CHOMPING_MODE.STRIP ? "strip" : event.chomping === CHOMPING_MODE.KEEP ? "keep" : "clip";
          node.block = { literal: event.style === SCALAR_STYLE.LITERAL_BLOCK, chomping, indent: event.indent };
        }
        return node;
      }
      case EVENT_ID.ALIAS:
        return { kind: "alias", start: event.anchorStart - 1, end: event.anchorEnd };
      case EVENT_ID.MAPPING:
      case EVENT_ID.SEQUENCE: {
        if (event.anchorStart !== ABSENT) this.anchors++;
        const flow = event.style === COLLECTION_STYLE.FLOW;
        const decorated = event.anchorStart !== ABSENT || event.tagStart !== ABSENT;
        const children: SyntaxNode[] = [];
        while ((this.events[this.at] as Event).type !== EVENT_ID.POP) children.push(this.node());
        this.at++;
        // A mapping's last value may be empty (`emptyDir:`): its content then ends with its key.
        const last = children[children.length - 1];
        const lastKey = event.type === EVENT_ID.MAPPING ? children[children.length - 2] : undefined;
        const contentEnd = last ? nodeEnd(last, lastKey ? nodeEnd(lastKey, event.start) : event.start) : event.start + (flow ? 1 : 0);
        const end = flow ? closingBracketEnd(this.text, contentEnd) : contentEnd;
        if (event.type === EVENT_ID.SEQUENCE) return { kind: "sequence", start: event.start, end, flow, decorated, items: children };
        return { kind: "mapping", start: event.start, end, flow, decorated, ...entriesOf(children) };
      }
      default:
        throw new Error(`unexpected parser event ${event.type}`);
    }
  }
}

function entriesOf(children: readonly SyntaxNode[]): { irregular: boolean; entries: MappingEntry[] } {
  const entries: MappingEntry[] = [];
  let irregular = false;
  for (let index = 0; index + 1 < children.length; index += 2) {
    const key = children[index] as SyntaxNode;
    const value = children[index + 1] as SyntaxNode;
    if (key.kind !== "scalar" || key.start === ABSENT || key.decorated || (key.style === "plain" && key.text === "<<")) {
      irregular = true;
      continue;
    }
    entries.push({ key: key.text, keyStart: key.start, keyEnd: key.end, keyStyle: key.style, value });
  }
  return { irregular, entries };
}

/** Where a node's text ends; an empty scalar has no text, so its owner's position stands in. */
export function nodeEnd(node: SyntaxNode, fallback: number): number {
  return node.end === ABSENT ? fallback : node.end;
}

function scalarStyle(style: number): ScalarNode["style"] {
  if (style === SCALAR_STYLE.SINGLE_QUOTED) return "single";
  if (style === SCALAR_STYLE.DOUBLE_QUOTED) return "double";
  if (style === SCALAR_STYLE.PLAIN) return "plain";
  return "block";
}

/** After the `]` or `}` closing a flow collection whose content ends at `from`. */
function closingBracketEnd(text: string, from: number): number {
  let at = from;
  while (at < text.length) {
    const char = text[at];
    if (char === "]" || char === "}") return at + 1;
    if (char === "#") {
      while (at < text.length && text[at] !== "\n" && text[at] !== "\r") at++;
      continue;
    }
    at++;
  }
  return text.length;
}
