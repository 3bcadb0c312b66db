/**
 * Builds plain JSON values from js-yaml's parser events, the way sigs.k8s.io/yaml would read them
 * (go-yaml v2 into interface{}, then to JSON), and records where every field sits as it goes.
 *
 * Whatever Kubernetes would read differently from what the text seems to say, or could not read at
 * all, is an error rather than a guess: duplicate keys, non-scalar keys, tags without a JSON meaning,
 * values JSON cannot carry, self-referencing or exploding aliases.
 */
import { CHOMPING_MODE, EVENT_ID, SCALAR_STYLE, getScalarValue } from "js-yaml";
import type { DocumentDirective, DocumentEvent, Event, MappingEvent, ScalarEvent, SequenceEvent } from "js-yaml";
import {
  MAPPING_SLOTS,
  MAPPING_TABLE,
  SEQUENCE_SLOTS,
  SEQUENCE_TABLE,
  type LineIndex,
  type NodePosition,
  type PositionTable,
} from "./positions.js";
import { ScalarError, keyString, plainScalarValue, resolveScalar, type ScalarDialect, type ScalarTag } from "./scalars.js";
import type { JsonObject, JsonValue } from "./types.js";
import { isObject } from "./json.js";

export interface ConstructedDocument {
  /** 0-based index of the document in the stream, empty documents included. */
  index: number;
  value: JsonValue;
  position: NodePosition;
}

/** A document that cannot be read; `offset` points at the offending node. */
export interface ConstructionProblem {
  offset: number;
  message: string;
}

export interface ConstructionOptions {
  /** Deepest nesting allowed once aliases are expanded. */
  maxDepth: number;
  /** Nodes aliases may add to the whole file. */
  aliasBudget: number;
  /** Line numbers of offsets, for messages that point at a second place. */
  lines: Pick<LineIndex, "position">;
  /** How plain scalars read (default: as Kubernetes reads them). */
  dialect?: ScalarDialect;
}

class ConstructionError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

interface Anchor {
  value: JsonValue;
  start: number;
  end: number;
  table: PositionTable | null;
  /** Nodes in the anchored value, aliases inside it expanded: what each use of it costs. */
  nodes: number;
  /** Collection levels in the anchored value (0 for a scalar). */
  height: number;
  /** False while the anchored collection is still open: an alias to it would contain itself. */
  complete: boolean;
  /** The scalar itself, so an alias used as a mapping key is converted like the original. */
  scalar: ScalarEvent | null;
  scalarText: string;
}

const NO_RANGE = -1;
const YAML_TAG_PREFIX = "tag:yaml.org,2002:";
const SCALAR_TAGS = new Set<string>(["str", "int", "float", "bool", "null", "timestamp"]);
const DEFAULT_TAG_HANDLES: Readonly<Record<string, string>> = { "!": "!", "!!": YAML_TAG_PREFIX };
const hasOwn = Object.prototype.hasOwnProperty;

/**
 * A block scalar with "clip" chomping keeps its final line break only if it has one: one that runs
 * to the end of a file that does not end with a newline has none (YAML 1.2 8.1.1.2, and go-yaml,
 * which Kubernetes and kustomize use). js-yaml adds a newline there; this takes it back off.
 */
function clipAtEndOfInput(source: string, event: ScalarEvent, text: string): string {
  if (event.style !== SCALAR_STYLE.LITERAL_BLOCK && event.style !== SCALAR_STYLE.FOLDED_BLOCK) return text;
  if (event.chomping !== CHOMPING_MODE.CLIP || !text.endsWith("\n")) return text;
  const rest = source.slice(event.valueEnd);
  const last = source.charCodeAt(event.valueEnd - 1);
  if (/^[ \t]*$/.test(rest) && last !== 10 && last !== 13) return text.slice(0, -1);
  return text;
}

export function constructDocuments(
  source: string,
  events: readonly Event[],
  options: ConstructionOptions,
): { documents: ConstructedDocument[]; problems: ConstructionProblem[]; aliasNodesLeft: number } {
  return new Constructor(source, events, options).run();
}

/**
 * One pass over the events with an explicit stack (parallel arrays, no per-node frame objects):
 * this runs once per scalar of every file, so it is kept allocation-lean.
 */
class Constructor {
  private readonly documents: ConstructedDocument[] = [];
  private readonly problems: ConstructionProblem[] = [];
  private aliasNodesLeft: number;

  // The stack of open collections.
  private depth = 0;
  private readonly containers: (JsonObject | JsonValue[])[] = [];
  /**
   * Position-table entries of all open collections, innermost last: a collection's entries sit from
   * its `bases` index to `scratchTop`, and are copied out into an exact-size table when it closes.
   * Growing one reused array instead of one array per collection saves both the reallocations and
   * the slack capacity that would otherwise stay alive with every parsed file.
   */
  private readonly scratch: unknown[] = [];
  private scratchTop = 0;
  private readonly bases: number[] = [];
  private readonly isMapping: boolean[] = [];
  private readonly starts: number[] = [];
  private readonly ends: number[] = [];
  private readonly nodeCounts: number[] = [];
  private readonly heights: number[] = [];
  private readonly anchorsOpen: (Anchor | null)[] = [];
  // Mapping state: the key waiting for its value.
  private readonly pendingKeys: (string | null)[] = [];
  private readonly keyStarts: number[] = [];
  private readonly keyEnds: number[] = [];
  private readonly keyIsMerge: boolean[] = [];
  /** Keys that came from a merge (`<<`), which an explicit key may still override. */
  private readonly mergedKeys: (Set<string> | null)[] = [];
  private readonly hasMerge: boolean[] = [];

  // The current document.
  private documentIndex = -1;
  private anchors = new Map<string, Anchor>();
  private tagHandles: Record<string, string> = DEFAULT_TAG_HANDLES;
  private root: { value: JsonValue; position: NodePosition } | null = null;

  constructor(
    private readonly source: string,
    private readonly events: readonly Event[],
    private readonly options: ConstructionOptions,
  ) {
    this.aliasNodesLeft = options.aliasBudget;
  }

  run(): { documents: ConstructedDocument[]; problems: ConstructionProblem[]; aliasNodesLeft: number } {
    const events = this.events;
    let index = 0;
    while (index < events.length) {
      const event = events[index] as Event;
      if (event.type !== EVENT_ID.DOCUMENT) {
        index++; // not produced by parseEvents; tolerated rather than trusted
        continue;
      }
      index = this.document(index);
    }
    return { documents: this.documents, problems: this.problems, aliasNodesLeft: Math.max(0, this.aliasNodesLeft) };
  }

  /** Builds the document starting at `index`; returns the index after its closing event. */
  private document(index: number): number {
    const events = this.events;
    const start = events[index] as DocumentEvent;
    this.startDocument(start.directives);
    let at = index + 1;
    try {
      for (; at < events.length; at++) {
        const event = events[at] as Event;
        switch (event.type) {
          case EVENT_ID.SCALAR:
            this.scalar(event);
            break;
          case EVENT_ID.MAPPING:
            this.open(event, true);
            break;
          case EVENT_ID.SEQUENCE:
            this.open(event, false);
            break;
          case EVENT_ID.ALIAS:
            this.alias(event.anchorStart, event.anchorEnd);
            break;
          case EVENT_ID.POP:
            if (this.depth === 0) {
              this.finishDocument();
              return at + 1;
            }
            this.close();
            break;
          default:
            throw new ConstructionError("unexpected document start inside a document", this.lastOffset());
        }
      }
      throw new ConstructionError("unexpected end of the event stream", this.source.length);
    } catch (error) {
      if (!(error instanceof ConstructionError)) throw error;
      this.problems.push({ offset: error.offset, message: error.message });
      return this.skipDocument(at + 1);
    }
  }

  private startDocument(directives: readonly DocumentDirective[]): void {
    this.documentIndex++;
    this.depth = 0;
    this.scratchTop = 0;
    this.root = null;
    this.anchors = new Map();
    this.tagHandles = DEFAULT_TAG_HANDLES;
    for (const directive of directives) {
      if (directive.kind !== "tag") continue;
      if (this.tagHandles === DEFAULT_TAG_HANDLES) this.tagHandles = { ...DEFAULT_TAG_HANDLES };
      this.tagHandles[directive.handle] = directive.prefix;
    }
  }

  private finishDocument(): void {
    const root = this.root;
    // Empty documents (a trailing `---`, only comments) and `null` ones are skipped, as kubectl does.
    if (root === null || root.value === null) return;
    this.documents.push({ index: this.documentIndex, value: root.value, position: root.position });
  }

  /** After an error: drops the rest of the document, keeping the stream in step. */
  private skipDocument(index: number): number {
    const events = this.events;
    let open = this.depth;
    this.depth = 0;
    for (let at = index; at < events.length; at++) {
      const type = (events[at] as Event).type;
      if (type === EVENT_ID.MAPPING || type === EVENT_ID.SEQUENCE) open++;
      else if (type === EVENT_ID.POP) {
        if (open === 0) return at + 1;
        open--;
      } else if (type === EVENT_ID.DOCUMENT) return at;
    }
    return events.length;
  }

  private lastOffset(): number {
    const top = this.depth - 1;
    return top >= 0 ? Math.max(this.starts[top] as number, this.ends[top] as number) : 0;
  }

  // --- nodes -----------------------------------------------------------------------------------

  private scalar(event: ScalarEvent): void {
    const text = event.valueStart === NO_RANGE ? "" : clipAtEndOfInput(this.source, event, getScalarValue(this.source, event));
    const quoted = event.style === SCALAR_STYLE.SINGLE_QUOTED || event.style === SCALAR_STYLE.DOUBLE_QUOTED;
    let start = event.valueStart;
    let end = event.valueEnd;
    if (quoted) {
      start--;
      end++;
    }
    if (event.tagStart !== NO_RANGE || event.anchorStart !== NO_RANGE) start = propertiesStart(event, start);

    const top = this.depth - 1;
    if (top >= 0 && this.isMapping[top] === true && this.pendingKeys[top] === null) {
      this.mappingKey(top, event, text, start, end);
      if (event.anchorStart !== NO_RANGE) this.anchorScalar(event, text, this.scalarValue(event, text, start), start, end);
      return;
    }
    const value = this.scalarValue(event, text, start);
    if (event.anchorStart !== NO_RANGE) this.anchorScalar(event, text, value, start, end);
    this.add(value, start, end, null, 1, 0);
  }

  private scalarValue(event: ScalarEvent, text: string, start: number): JsonValue {
    if (event.tagStart !== NO_RANGE) return this.taggedScalar(event, text, start);
    return event.style === SCALAR_STYLE.PLAIN ? plainScalarValue(text, this.options.dialect) : text;
  }

  private open(event: MappingEvent | SequenceEvent, mapping: boolean): void {
    const start = event.tagStart !== NO_RANGE || event.anchorStart !== NO_RANGE ? propertiesStart(event, event.start) : event.start;
    const top = this.depth - 1;
    const isKey = top >= 0 && this.isMapping[top] === true && this.pendingKeys[top] === null;

    // Pushed before any check, so that an error leaves the stack in step with the events.
    const level = this.depth++;
    const container = mapping ? {} : [];
    this.containers[level] = container;
    this.bases[level] = this.scratchTop;
    this.scratch[this.scratchTop++] = mapping ? MAPPING_TABLE : SEQUENCE_TABLE;
    this.isMapping[level] = mapping;
    this.starts[level] = start;
    this.ends[level] = start;
    this.nodeCounts[level] = 1;
    this.heights[level] = 1;
    this.pendingKeys[level] = null;
    this.keyIsMerge[level] = false;
    this.mergedKeys[level] = null;
    this.hasMerge[level] = false;
    this.anchorsOpen[level] = null;

    if (isKey) {
      // `key: {{ VALUE }}` is the usual way to get here: a template that was never rendered.
      const hint = this.source.startsWith("{{", start - 1) ? " (is this an unrendered template placeholder like {{VALUE}}?)" : "";
      throw new ConstructionError(
        `a ${mapping ? "mapping" : "sequence"} cannot be a mapping key: JSON object keys are strings${hint}`,
        start,
      );
    }
    if (event.tagStart !== NO_RANGE) {
      const tag = this.tagOf(event.tagStart, event.tagEnd);
      const expected = mapping ? `${YAML_TAG_PREFIX}map` : `${YAML_TAG_PREFIX}seq`;
      if (tag !== "!" && tag !== expected) throw this.unsupportedTag(event.tagStart, event.tagEnd);
    }
    if (event.anchorStart !== NO_RANGE) {
      const anchor: Anchor = {
        value: container,
        start,
        end: start,
        table: null,
        nodes: 0,
        height: 0,
        complete: false,
        scalar: null,
        scalarText: "",
      };
      this.anchors.set(this.source.slice(event.anchorStart, event.anchorEnd), anchor);
      this.anchorsOpen[level] = anchor;
    }
  }

  private close(): void {
    const level = --this.depth;
    const container = this.containers[level] as JsonObject | JsonValue[];
    const base = this.bases[level] as number;
    const table: PositionTable = this.scratch.slice(base, this.scratchTop);
    this.scratchTop = base;
    const start = this.starts[level] as number;
    let end = this.ends[level] as number;
    if (end <= start) end = this.emptyFlowEnd(start);
    const nodes = this.nodeCounts[level] as number;
    const height = this.heights[level] as number;
    const anchor = this.anchorsOpen[level];
    if (anchor) {
      anchor.end = end;
      anchor.table = table;
      anchor.nodes = nodes;
      anchor.height = height;
      anchor.complete = true;
      this.anchorsOpen[level] = null;
    }
    this.mergedKeys[level] = null;
    this.add(container, start, end, table, nodes, height);
  }

  private alias(nameStart: number, nameEnd: number): void {
    const name = this.source.slice(nameStart, nameEnd);
    const start = nameStart - 1; // the `*`
    const anchor = this.anchors.get(name);
    if (!anchor) throw new ConstructionError(`unknown anchor '${name}' referenced by an alias`, start);
    if (!anchor.complete)
      throw new ConstructionError(`alias *${name} is inside the value of anchor &${name}: the value would contain itself`, start);

    this.aliasNodesLeft -= anchor.nodes;
    if (this.aliasNodesLeft < 0) {
      this.aliasNodesLeft = -Infinity; // stays exhausted for the rest of the file
      throw new ConstructionError(
        `aliases expand to more nodes than this file may use (${this.options.aliasBudget}): refusing a possible "billion laughs" document`,
        start,
      );
    }
    // Same count as the parser's: the collections open here, those in the anchored value, and its leaves.
    if (this.depth + anchor.height >= this.options.maxDepth) {
      throw new ConstructionError(`alias *${name} nests the document deeper than ${this.options.maxDepth} levels`, start);
    }

    const top = this.depth - 1;
    if (top >= 0 && this.isMapping[top] === true && this.pendingKeys[top] === null) {
      if (anchor.scalar === null)
        throw new ConstructionError(`alias *${name} used as a mapping key is not a scalar: JSON object keys are strings`, start);
      // go-yaml v2 sees an alias node here, never a merge key, even when its anchor is a `<<`.
      this.mappingKey(top, anchor.scalar, anchor.scalarText, start, nameEnd, false);
      return;
    }
    this.add(anchor.value, start, nameEnd, anchor.table, anchor.nodes, anchor.height);
  }

  private anchorScalar(event: ScalarEvent, text: string, value: JsonValue, start: number, end: number): void {
    this.anchors.set(this.source.slice(event.anchorStart, event.anchorEnd), {
      value,
      start,
      end,
      table: null,
      nodes: 1,
      height: 0,
      complete: true,
      scalar: event,
      scalarText: text,
    });
  }

  // --- adding to the open collection -----------------------------------------------------------

  /** Places a finished value (scalar, collection or alias) in the open collection or as the root. */
  private add(value: JsonValue, start: number, end: number, table: PositionTable | null, nodes: number, height: number): void {
    if (typeof value === "number" && !Number.isFinite(value)) {
      throw new ConstructionError(
        `${value > 0 ? ".inf" : value < 0 ? "-.inf" : ".nan"} cannot be represented in JSON: Kubernetes rejects this value`,
        start,
      );
    }
    const top = this.depth - 1;
    if (top < 0) {
      this.root = { value, position: { start, end: Math.max(start, end), table } };
      return;
    }
    this.nodeCounts[top] = (this.nodeCounts[top] as number) + nodes;
    if (height >= (this.heights[top] as number)) this.heights[top] = height + 1;

    if (this.isMapping[top] !== true) {
      if (start === NO_RANGE) start = end = this.ends[top] as number; // an empty item: `-` alone
      (this.containers[top] as JsonValue[]).push(value);
      const scratch = this.scratch;
      scratch[this.scratchTop++] = start;
      scratch[this.scratchTop++] = end;
      scratch[this.scratchTop++] = table;
      this.ends[top] = end;
      return;
    }

    const key = this.pendingKeys[top] as string;
    this.pendingKeys[top] = null;
    const keyStart = this.keyStarts[top] as number;
    if (end === NO_RANGE) end = this.keyEnds[top] as number; // `key:` with no value
    this.ends[top] = end;
    if (this.keyIsMerge[top] === true) {
      this.merge(top, value, table, keyStart);
      return;
    }

    const object = this.containers[top] as JsonObject;
    const scratch = this.scratch;
    if (object[key] !== undefined && hasOwn.call(object, key)) {
      const slot = this.slotOfKey(top, key);
      const merged = this.mergedKeys[top];
      if (!merged || !merged.has(key)) {
        throw new ConstructionError(
          `duplicate key "${key}" (first at ${this.describeOffset(scratch[slot + 1] as number)}): Kubernetes would silently keep only one of the values`,
          keyStart,
        );
      }
      // An explicit key overrides what a merge brought in.
      merged.delete(key);
      setProperty(object, key, value);
      scratch[slot + 1] = keyStart;
      scratch[slot + 2] = end;
      scratch[slot + 3] = table;
      return;
    }
    setProperty(object, key, value);
    scratch[this.scratchTop++] = key;
    scratch[this.scratchTop++] = keyStart;
    scratch[this.scratchTop++] = end;
    scratch[this.scratchTop++] = table;
  }

  /** Where the entry of `key` sits in the open mapping at `level` (it must have one). */
  private slotOfKey(level: number, key: string): number {
    const scratch = this.scratch;
    for (let slot = (this.bases[level] as number) + 1; slot < this.scratchTop; slot += MAPPING_SLOTS)
      if (scratch[slot] === key) return slot;
    return -1;
  }

  private mappingKey(top: number, event: ScalarEvent, text: string, start: number, end: number, mayMerge = true): void {
    if (start === NO_RANGE) {
      // `? ` or `: value` with an empty key: go-yaml reads a null key, which JSON cannot carry.
      throw new ConstructionError("a mapping key is empty (null): JSON object keys are strings", this.nextContent(this.lastOffset()));
    }
    this.keyStarts[top] = start;
    this.keyEnds[top] = end === NO_RANGE ? start : end;
    const isMerge = mayMerge && text === "<<" && this.isMergeKey(event);
    const key = isMerge ? text : this.keyValue(event, text);
    if (isMerge) {
      if (this.hasMerge[top] === true)
        throw new ConstructionError('duplicate merge key "<<" in one mapping: put all sources in one list, `<<: [*a, *b]`', start);
      this.hasMerge[top] = true;
    }
    this.pendingKeys[top] = key;
    this.keyIsMerge[top] = isMerge;
  }

  /**
   * go-yaml v2's `isMerge`: a `<<` key that is "implicit" or tagged `!!merge`. Implicit means plain
   * and untagged, or carrying the non-specific tag `!` whatever its style: `! <<`, `! "<<"` and
   * `!<!> <<` are merge keys, while a quoted "<<" alone is an ordinary key.
   */
  private isMergeKey(event: ScalarEvent): boolean {
    if (event.tagStart === NO_RANGE) return event.style === SCALAR_STYLE.PLAIN;
    const tag = this.tagOf(event.tagStart, event.tagEnd);
    return tag === "!" || tag === `${YAML_TAG_PREFIX}merge`;
  }

  /** The JSON key sigs.k8s.io/yaml makes of a scalar key: `1` -> "1", `true` -> "true". */
  private keyValue(event: ScalarEvent, text: string): string {
    const offset = event.valueStart === NO_RANGE ? this.lastOffset() : propertiesStart(event, event.valueStart);
    try {
      if (event.tagStart === NO_RANGE) {
        if (event.style !== SCALAR_STYLE.PLAIN) return text;
        const value = plainScalarValue(text, this.options.dialect);
        if (typeof value === "string") return value;
        return keyString(resolveScalar(text), text);
      }
      return keyString(resolveScalar(text, this.scalarTag(event)), text);
    } catch (error) {
      if (error instanceof ScalarError) throw new ConstructionError(error.message, offset);
      throw error;
    }
  }

  private taggedScalar(event: ScalarEvent, text: string, start: number): JsonValue {
    try {
      return resolveScalar(text, this.scalarTag(event)).value;
    } catch (error) {
      if (error instanceof ScalarError) throw new ConstructionError(error.message, start);
      throw error;
    }
  }

  /** The standard scalar tag an explicitly tagged scalar carries; anything else is refused. */
  private scalarTag(event: ScalarEvent): ScalarTag | "str" {
    const tag = this.tagOf(event.tagStart, event.tagEnd);
    if (tag === "!") return "str"; // go-yaml keeps the text of a `! value` as a string
    if (tag.startsWith(YAML_TAG_PREFIX)) {
      const name = tag.slice(YAML_TAG_PREFIX.length);
      if (SCALAR_TAGS.has(name)) return name as ScalarTag;
    }
    throw this.unsupportedTag(event.tagStart, event.tagEnd);
  }

  // --- merge keys ------------------------------------------------------------------------------

  /**
   * `<<: *base` or `<<: [*a, *b]`. Earlier sources win over later ones, explicit keys written after
   * the `<<` win over merged ones (YAML merge spec; go-yaml v2 agrees). A key written *before* the
   * `<<` that a source also brings is an error: go-yaml v2 (what Kubernetes runs) lets the merged
   * value overwrite it while the YAML spec and go-yaml v3 keep it (the switch showed up as
   * hairyhenderson/gomplate#1441), so the file means different things to different readers.
   * Two `<<` keys in one mapping are a duplicate key, as go-yaml v3 also says.
   */
  private merge(top: number, value: JsonValue, table: PositionTable | null, keyStart: number): void {
    if (isObject(value) && table !== null) {
      this.mergeMapping(top, value, table, keyStart);
      return;
    }
    if (Array.isArray(value) && table !== null) {
      for (let index = 0; index < value.length; index++) {
        const source = value[index] as JsonValue;
        const sourceTable = table[1 + index * SEQUENCE_SLOTS + 2] as PositionTable | null;
        if (!isObject(source) || sourceTable === null) break;
        this.mergeMapping(top, source, sourceTable, keyStart);
      }
      if (value.every(isObject)) return;
    }
    throw new ConstructionError("the value of a merge key `<<` must be a mapping or a list of mappings", keyStart);
  }

  private mergeMapping(top: number, source: JsonObject, sourceTable: PositionTable, keyStart: number): void {
    const object = this.containers[top] as JsonObject;
    const scratch = this.scratch;
    const merged = (this.mergedKeys[top] ??= new Set());
    for (let slot = 1; slot < sourceTable.length; slot += MAPPING_SLOTS) {
      const key = sourceTable[slot] as string;
      if (hasOwn.call(object, key)) {
        if (merged.has(key)) continue; // an earlier source already brought it, and wins
        const explicitAt = scratch[this.slotOfKey(top, key) + 1] as number;
        throw new ConstructionError(
          `key "${key}" (at ${this.describeOffset(explicitAt)}) is also brought in by the merge \`<<\` after it: Kubernetes (go-yaml v2) would use the merged value, the YAML spec the explicit one; move the \`<<\` first`,
          keyStart,
        );
      }
      setProperty(object, key, source[key] as JsonValue);
      scratch[this.scratchTop++] = key;
      scratch[this.scratchTop++] = sourceTable[slot + 1];
      scratch[this.scratchTop++] = sourceTable[slot + 2];
      scratch[this.scratchTop++] = sourceTable[slot + 3];
      merged.add(key);
    }
  }

  // --- tags ------------------------------------------------------------------------------------

  /** The full name of a tag as written (`!!str` -> `tag:yaml.org,2002:str`), `%TAG` handles applied. */
  private tagOf(tagStart: number, tagEnd: number): string {
    const raw = this.source.slice(tagStart, tagEnd);
    if (raw === "!") return "!";
    if (raw.startsWith("!<") && raw.endsWith(">")) return percentDecode(raw.slice(2, -1));
    const handleEnd = raw.indexOf("!", 1);
    const handle = handleEnd === -1 ? "!" : raw.slice(0, handleEnd + 1);
    const prefix = this.tagHandles[handle];
    if (prefix === undefined) throw new ConstructionError(`undeclared tag handle ${handle}`, tagStart);
    return prefix + percentDecode(raw.slice(handle.length));
  }

  private unsupportedTag(tagStart: number, tagEnd: number): ConstructionError {
    const raw = this.source.slice(tagStart, tagEnd);
    return new ConstructionError(
      `unsupported YAML tag ${raw}: Kubernetes reads manifests as plain JSON values, where this tag has no meaning; remove it`,
      tagStart,
    );
  }

  // --- positions -------------------------------------------------------------------------------

  /** An empty flow collection `{}`/`[]` has no children to end it: find its closing bracket. */
  private emptyFlowEnd(start: number): number {
    const source = this.source;
    const open = source.charCodeAt(start);
    const close = open === 123 ? 125 : open === 91 ? 93 : -1;
    if (close === -1) return start + 1;
    for (let at = start + 1; at < source.length; at++) {
      const code = source.charCodeAt(at);
      if (code === close) return at + 1;
      if (code !== 32 && code !== 9 && code !== 10 && code !== 13) break;
    }
    return start + 1;
  }

  /** The first offset from `from` on that is neither blank nor comment: where an empty node is written. */
  private nextContent(from: number): number {
    const source = this.source;
    let at = from;
    while (at < source.length) {
      const code = source.charCodeAt(at);
      if (code === 35 && (at === 0 || isBlank(source.charCodeAt(at - 1)))) {
        while (at < source.length && source.charCodeAt(at) !== 10 && source.charCodeAt(at) !== 13) at++;
      } else if (isBlank(code)) at++;
      else break;
    }
    return Math.min(at, Math.max(0, source.length - 1));
  }

  /** "line N" of an offset, for messages that point at a second place. */
  private describeOffset(offset: number): string {
    return `line ${this.options.lines.position(offset).line}`;
  }
}

function propertiesStart(event: { tagStart: number; anchorStart: number }, start: number): number {
  let result = start === NO_RANGE ? Infinity : start;
  if (event.tagStart !== NO_RANGE && event.tagStart < result) result = event.tagStart;
  // anchorStart points after the `&`
  if (event.anchorStart !== NO_RANGE && event.anchorStart - 1 < result) result = event.anchorStart - 1;
  return result === Infinity ? NO_RANGE : result;
}

function isBlank(code: number): boolean {
  return code === 32 || code === 9 || code === 10 || code === 13;
}

/** `__proto__` is an ordinary JSON key; assigning it would change the object's prototype instead. */
function setProperty(object: JsonObject, key: string, value: JsonValue): void {
  if (key === "__proto__") Object.defineProperty(object, key, { value, writable: true, enumerable: true, configurable: true });
  else object[key] = value;
}

function percentDecode(text: string): string {
  if (text.indexOf("%") === -1) return text;
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
