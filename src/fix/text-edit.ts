/**
 * One field edit as one change of the file's text, touching only the lines of that field: a scalar is
 * rewritten in place in its own quoting style, a new key goes after the last entry of its mapping at
 * that mapping's indentation, a removed entry takes its lines (or, in flow style, its comma) with it.
 *
 * Where a minimal edit cannot be made safely, it refuses with the reason: an anchor, tag, alias or
 * merge key on the way (the field is shared or not written where it seems), a block scalar, an empty
 * value standing for a mapping, or a removal that would leave an empty block collection.
 */
import type { FieldPath, JsonValue } from "../manifests/types.js";
import { blockEntryLines, blockItemLine, flowText, keyText, multilineFlowText, scalarText, type FlowStyle } from "./render.js";
import { nodeEnd, type MappingNode, type ScalarNode, type SequenceNode, type SyntaxDocument, type SyntaxNode } from "./syntax.js";
import type { FieldEdit } from "./types.js";
import { isObject } from "./model.js";

export interface TextChange {
  start: number;
  end: number;
  text: string;
}

export type TextEditPlan = { change: TextChange } | { refused: string };

const DEFAULT_STEP = 2;

export function planTextEdit(text: string, document: SyntaxDocument, edit: FieldEdit): TextEditPlan {
  if (!document.root) return { refused: "the document is empty" };
  return new Planner(text, document.root).plan(edit);
}

interface Step {
  node: SyntaxNode;
  /** Index of the entry or item that leads to the next step. */
  slot: number;
}

class Planner {
  private readonly newline: string;
  private readonly json: boolean;

  constructor(
    private readonly text: string,
    private readonly root: SyntaxNode,
  ) {
    this.newline = text.includes("\r\n") ? "\r\n" : "\n";
    // A document written as one JSON object keeps JSON's quoting for everything added to it.
    this.json = root.kind === "mapping" && root.flow && root.entries.every((entry) => entry.keyStyle === "double");
  }

  plan(edit: FieldEdit): TextEditPlan {
    const walked = this.walk(edit.path);
    if ("refused" in walked) return walked;
    const { steps, found } = walked;
    const missing = edit.path.slice(steps.length);
    switch (edit.op) {
      case "set":
        return missing.length === 0 ? this.replace(found, edit.value) : this.create(found, missing, edit.value);
      case "append":
        if (missing.length > 0) return this.create(found, missing, [edit.value]);
        if (found.kind !== "sequence") return { refused: `${describe(edit.path)} is not a sequence` };
        return this.appendItem(found, edit.value);
      case "pull":
        return { refused: "a pull is planned as removals of single items" };
      case "remove": {
        if (missing.length > 0) return { refused: `${describe(edit.path)} is not there to remove` };
        const parent = steps[steps.length - 1];
        if (!parent) return { refused: "cannot remove a whole document" };
        if (containsAnchorOrAlias(found)) return { refused: `${describe(edit.path)} holds an anchor or alias used elsewhere` };
        if (isLastInBlock(parent.node)) return this.emptyBlock(parent.node, steps[steps.length - 2]);
        return parent.node.kind === "mapping"
          ? this.removeEntry(parent.node, parent.slot)
          : this.removeItem(parent.node as SequenceNode, parent.slot);
      }
    }
  }

  /** Follows the path as far as it is written; refuses to go through anything shared or merged. */
  private walk(path: FieldPath): { steps: Step[]; found: SyntaxNode } | { refused: string } {
    const steps: Step[] = [];
    let node = this.root;
    for (const segment of path) {
      const problem = unsafeToEnter(node);
      if (problem) return { refused: `${describe(path.slice(0, steps.length))}: ${problem}` };
      let slot = -1;
      if (node.kind === "mapping" && typeof segment === "string") slot = node.entries.findIndex((entry) => entry.key === segment);
      else if (node.kind === "sequence" && typeof segment === "number" && segment < node.items.length) slot = segment;
      if (slot < 0) {
        if (node.kind === "mapping" && node.irregular)
          return { refused: `${describe(path.slice(0, steps.length))} has a merge key: the field may come from it` };
        break;
      }
      steps.push({ node, slot });
      node = node.kind === "mapping" ? (node.entries[slot]?.value as SyntaxNode) : ((node as SequenceNode).items[slot] as SyntaxNode);
    }
    const problem = unsafeToEnter(node);
    if (problem) return { refused: `${describe(path.slice(0, steps.length))}: ${problem}` };
    return { steps, found: node };
  }

  private replace(node: SyntaxNode, value: JsonValue): TextEditPlan {
    if (node.kind !== "scalar") return { refused: `the field is a ${node.kind}; only a scalar is replaced in place` };
    if (node.start < 0) return { refused: "the field has an empty value" };
    if (node.style === "block") return this.replaceLiteral(node, value);
    if (isObject(value) || Array.isArray(value)) return { refused: "a scalar is not replaced by a collection" };
    return { change: { start: node.start, end: node.end, text: scalarText(value, node.style, { json: this.json }) } };
  }

  /**
   * A literal block scalar (`|`, `|-`: an inline Kustomize patch) given a new text: the same header,
   * each line at the block's indentation. Not a folded block (its line breaks mean spaces), a kept
   * chomping (`|+`), a text whose end the chomping cannot say, or one whose first line starts with a
   * blank (the block's indentation would be read from it).
   */
  private replaceLiteral(node: ScalarNode, value: JsonValue): TextEditPlan {
    const block = node.block;
    if (!block?.literal || block.chomping === "keep" || typeof value !== "string") return { refused: "the field is a block scalar" };
    const body = block.chomping === "strip" ? value : value.endsWith("\n") ? value.slice(0, -1) : undefined;
    if (body === undefined || body.endsWith("\n") || body === "" || /^[ \t]/.test(body))
      return { refused: "the new text cannot be written as this block scalar" };
    const indent = " ".repeat(block.indent);
    const lines = body.split("\n").map((line) => (line === "" ? "" : indent + line));
    return { change: { start: node.start, end: node.end, text: `${lines.join(this.newline)}${this.newline}` } };
  }

  /** Adds the missing part of a path, as nested mappings, under the deepest mapping that exists. */
  private create(node: SyntaxNode, missing: FieldPath, value: JsonValue): TextEditPlan {
    if (node.kind !== "mapping")
      return { refused: node.kind === "scalar" && node.start < 0 ? "the parent field has an empty value" : `the parent is a ${node.kind}` };
    if (missing.some((segment) => typeof segment !== "string")) return { refused: "a sequence item cannot be created by index" };
    let nested: JsonValue = value;
    for (let index = missing.length - 1; index >= 1; index--) nested = { [missing[index] as string]: nested };
    return this.insertEntry(node, missing[0] as string, nested);
  }

  private insertEntry(mapping: MappingNode, key: string, value: JsonValue): TextEditPlan {
    const last = mapping.entries[mapping.entries.length - 1];
    if (mapping.flow) {
      const style = this.flowStyle(mapping);
      if (!last)
        return { change: { start: mapping.end - 1, end: mapping.end - 1, text: `${keyText(key, style)}: ${flowText(value, style)}` } };
      const after = nodeEnd(last.value, last.keyEnd);
      if (this.startsLine(last.keyStart)) {
        const indent = this.indentAt(last.keyStart);
        const rendered = multilineFlowText(value, indent, this.step(), this.newline, style);
        return { change: { start: after, end: after, text: `,${this.newline}${indent}${keyText(key, style)}: ${rendered}` } };
      }
      return { change: { start: after, end: after, text: `, ${keyText(key, style)}: ${flowText(value, style)}` } };
    }
    if (!last) return { refused: "an empty block mapping" };
    const at = this.lineEndAfter(nodeEnd(last.value, last.keyEnd));
    const lead = at === this.text.length && !this.endsWithNewline() ? this.newline : "";
    const indent = " ".repeat(this.column(mapping.entries[0]?.keyStart ?? last.keyStart));
    return { change: { start: at, end: at, text: lead + blockEntryLines(key, value, indent, this.step(), this.newline) } };
  }

  private appendItem(sequence: SequenceNode, value: JsonValue): TextEditPlan {
    const last = sequence.items[sequence.items.length - 1];
    if (sequence.flow) {
      const style = { json: this.json };
      if (!last) return { change: { start: sequence.end - 1, end: sequence.end - 1, text: flowText(value, style) } };
      if (last.start < 0) return { refused: "the last item is empty" };
      if (this.startsLine(last.start)) {
        const indent = this.indentAt(last.start);
        return {
          change: {
            start: last.end,
            end: last.end,
            text: `,${this.newline}${indent}${multilineFlowText(value, indent, this.step(), this.newline, style)}`,
          },
        };
      }
      return { change: { start: last.end, end: last.end, text: `, ${flowText(value, style)}` } };
    }
    if (!last) return { refused: "an empty block sequence" };
    const at = this.lineEndAfter(nodeEnd(last, sequence.start));
    const lead = at === this.text.length && !this.endsWithNewline() ? this.newline : "";
    return { change: { start: at, end: at, text: lead + blockItemLine(value, " ".repeat(this.column(sequence.start)), this.newline) } };
  }

  private removeEntry(mapping: MappingNode, slot: number): TextEditPlan {
    const entry = mapping.entries[slot];
    if (!entry) return { refused: "no such entry" };
    const end = nodeEnd(entry.value, entry.keyEnd);
    const next = mapping.entries[slot + 1];
    const previous = mapping.entries[slot - 1];
    if (mapping.flow) {
      if (next) return { change: { start: entry.keyStart, end: next.keyStart, text: "" } };
      if (previous) return { change: { start: nodeEnd(previous.value, previous.keyEnd), end, text: "" } };
      return { change: { start: entry.keyStart, end, text: "" } };
    }
    if (mapping.entries.length === 1) return { refused: "removing the only key would leave an empty block mapping" };
    if (this.startsLine(entry.keyStart))
      return { change: { start: this.lineStart(entry.keyStart), end: this.lineEndAfter(end), text: "" } };
    // The first key of a sequence item (`- name: x`): the next key moves up onto the `- ` line.
    if (next) return { change: { start: entry.keyStart, end: next.keyStart, text: "" } };
    return { refused: "the entry shares its line with another node" };
  }

  /**
   * Removing the last key or item of a block collection leaves `key: {}` or `key: []` (not `key:`,
   * which would read as null): the collection's lines become the empty flow collection.
   */
  private emptyBlock(collection: SyntaxNode, owner: Step | undefined): TextEditPlan {
    const what = collection.kind === "mapping" ? "mapping" : "sequence";
    if (!owner || owner.node.kind !== "mapping" || owner.node.flow)
      return { refused: `removing the only entry would leave an empty block ${what}` };
    const entry = owner.node.entries[owner.slot];
    if (!entry || entry.value !== collection) return { refused: "no such entry" };
    let colon = entry.keyEnd;
    while (this.text[colon] === " " || this.text[colon] === "\t") colon++;
    if (this.text[colon] !== ":") return { refused: "the key is not followed by its colon" };
    const empty = collection.kind === "mapping" ? " {}" : " []";
    // A comment after the key stays with it: `add: [] # why`.
    const between = this.text.slice(colon + 1, collection.start);
    const comment = /^[ \t]*(#[^\r\n]*)\r?\n\s*$/.exec(between);
    if (between.trim() !== "" && !comment) return { refused: "something other than a comment sits between the key and its value" };
    return { change: { start: colon + 1, end: collection.end, text: comment ? `${empty} ${comment[1]}` : empty } };
  }

  private removeItem(sequence: SequenceNode, slot: number): TextEditPlan {
    const item = sequence.items[slot];
    if (!item || item.start < 0) return { refused: "the item is empty" };
    const next = sequence.items[slot + 1];
    const previous = sequence.items[slot - 1];
    if (sequence.flow) {
      if (next && next.start >= 0) return { change: { start: item.start, end: next.start, text: "" } };
      if (previous && previous.end >= 0) return { change: { start: previous.end, end: item.end, text: "" } };
      if (!next && !previous) return { change: { start: item.start, end: item.end, text: "" } };
      return { refused: "a neighbouring item is empty" };
    }
    if (sequence.items.length === 1) return { refused: "removing the only item would leave an empty block sequence" };
    const dash = this.dashBefore(item.start);
    if (dash < 0 || !this.startsLine(dash)) return { refused: "the item shares its line with another node" };
    return { change: { start: this.lineStart(dash), end: this.lineEndAfter(item.end), text: "" } };
  }

  // --- layout ----------------------------------------------------------------------------------

  private flowStyle(mapping: MappingNode): FlowStyle {
    const first = mapping.entries[0];
    return { json: this.json || (first !== undefined && first.keyStyle === "double") };
  }

  /** The indentation step of the document: how far a nested mapping's keys sit from their parent's key. */
  private step(): string {
    return " ".repeat(this.findStep(this.root) ?? DEFAULT_STEP);
  }

  private findStep(node: SyntaxNode): number | undefined {
    if (node.kind === "sequence") {
      for (const item of node.items) {
        const found = this.findStep(item);
        if (found !== undefined) return found;
      }
    }
    if (node.kind !== "mapping") return undefined;
    for (const entry of node.entries) {
      const child = entry.value;
      if (child.kind === "mapping" && child.entries[0] && this.startsLine(entry.keyStart) && this.startsLine(child.entries[0].keyStart)) {
        const step = this.column(child.entries[0].keyStart) - this.column(entry.keyStart);
        if (step > 0) return step;
      }
      const found = this.findStep(child);
      if (found !== undefined) return found;
    }
    return undefined;
  }

  private lineStart(offset: number): number {
    let at = offset;
    while (at > 0 && this.text[at - 1] !== "\n" && this.text[at - 1] !== "\r") at--;
    return at;
  }

  /** After the line break ending the line that holds `offset - 1` (a block scalar already ends with its break). */
  private lineEndAfter(offset: number): number {
    if (offset > 0 && this.text[offset - 1] === "\n") return offset;
    const newline = this.text.indexOf("\n", offset);
    return newline === -1 ? this.text.length : newline + 1;
  }

  private column(offset: number): number {
    return offset - this.lineStart(offset);
  }

  private indentAt(offset: number): string {
    return " ".repeat(this.column(offset));
  }

  private startsLine(offset: number): boolean {
    return this.text.slice(this.lineStart(offset), offset).trim() === "";
  }

  private endsWithNewline(): boolean {
    return this.text.endsWith("\n") || this.text.endsWith("\r");
  }

  /** The `-` indicator of a block sequence item starting at `offset`, or -1. */
  private dashBefore(offset: number): number {
    let at = offset - 1;
    while (at >= 0 && (this.text[at] === " " || this.text[at] === "\t")) at--;
    return at >= 0 && this.text[at] === "-" ? at : -1;
  }
}

function isLastInBlock(node: SyntaxNode): boolean {
  if (node.kind === "mapping") return !node.flow && node.entries.length === 1;
  if (node.kind === "sequence") return !node.flow && node.items.length === 1;
  return false;
}

function unsafeToEnter(node: SyntaxNode): string | undefined {
  if (node.kind === "alias") return "is an alias of an anchored node";
  if (node.decorated) return "has an anchor or tag: changing it would change every use";
  return undefined;
}

function containsAnchorOrAlias(node: SyntaxNode): boolean {
  if (node.kind === "alias" || node.decorated) return true;
  if (node.kind === "mapping") return node.irregular || node.entries.some((entry) => containsAnchorOrAlias(entry.value));
  if (node.kind === "sequence") return node.items.some(containsAnchorOrAlias);
  return false;
}

function describe(path: FieldPath): string {
  if (path.length === 0) return "the document";
  return path
    .map((segment) => (typeof segment === "number" ? `[${segment}]` : `.${segment}`))
    .join("")
    .replace(/^\./, "");
}
