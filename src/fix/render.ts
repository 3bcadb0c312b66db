/**
 * Writing new values into a file in the style around them. Strings are written plain only when
 * every YAML reader Kubernetes tooling uses (go-yaml v2's YAML 1.1, YAML 1.2) reads them back as the
 * same string; otherwise double-quoted, which means the same in YAML and JSON.
 */
import { plainScalarValue } from "../manifests/scalars.js";
import type { JsonValue } from "../manifests/types.js";
import { isObject } from "./model.js";

const SAFE_PLAIN = /^[A-Za-z_/][A-Za-z0-9_./-]*$/;

export interface FlowStyle {
  /** Keys and strings in double quotes, as in a JSON file. */
  json: boolean;
}

/** A scalar as written in place of one of the given style (keeps single or double quotes for strings). */
export function scalarText(value: JsonValue, quote: "plain" | "single" | "double", style: FlowStyle): string {
  if (typeof value === "string") {
    if (quote === "single" && !style.json) return `'${value.replaceAll("'", "''")}'`;
    if (quote === "double" || style.json || !isSafePlain(value)) return JSON.stringify(value);
    return value;
  }
  if (value === null || typeof value === "boolean" || typeof value === "number") return JSON.stringify(value);
  return flowText(value, style);
}

export function keyText(key: string, style: FlowStyle): string {
  return style.json || !isSafePlain(key) ? JSON.stringify(key) : key;
}

/** A value on one line: `{type: RuntimeDefault}`, `["ALL"]`. */
export function flowText(value: JsonValue, style: FlowStyle): string {
  if (Array.isArray(value)) return `[${value.map((item) => flowText(item, style)).join(", ")}]`;
  if (isObject(value)) {
    const entries = Object.entries(value).map(([key, child]) => `${keyText(key, style)}: ${flowText(child, style)}`);
    return `{${entries.join(", ")}}`;
  }
  // Strings inside a new flow collection are always double-quoted: unambiguous in YAML and JSON alike.
  if (typeof value === "string") return JSON.stringify(value);
  return scalarText(value, "plain", style);
}

/**
 * `key: value` lines at an indentation, nested mappings as block mappings one step deeper, sequences in
 * flow style (`drop: ["ALL"]`), each line ending in `newline`.
 */
export function blockEntryLines(key: string, value: JsonValue, indent: string, step: string, newline: string): string {
  const head = `${indent}${keyText(key, { json: false })}:`;
  if (isObject(value) && Object.keys(value).length > 0) {
    return `${head}${newline}${Object.entries(value)
      .map(([childKey, child]) => blockEntryLines(childKey, child, indent + step, step, newline))
      .join("")}`;
  }
  return `${head} ${isObject(value) || Array.isArray(value) ? flowText(value, { json: false }) : scalarText(value, "plain", { json: false })}${newline}`;
}

/**
 * A value as multi-line flow text, for a flow collection laid out one entry per line (a formatted
 * JSON file): nested mappings open a new indented level like their neighbours.
 */
export function multilineFlowText(value: JsonValue, indent: string, step: string, newline: string, style: FlowStyle): string {
  if (!isObject(value) || Object.keys(value).length === 0) return flowText(value, style);
  const inner = indent + step;
  const entries = Object.entries(value).map(
    ([key, child]) => `${inner}${keyText(key, style)}: ${multilineFlowText(child, inner, step, newline, style)}`,
  );
  return `{${newline}${entries.join(`,${newline}`)}${newline}${indent}}`;
}

/** A sequence item line: `- value`. */
export function blockItemLine(value: JsonValue, indent: string, newline: string): string {
  const text = isObject(value) || Array.isArray(value) ? flowText(value, { json: false }) : scalarText(value, "plain", { json: false });
  return `${indent}- ${text}${newline}`;
}

function isSafePlain(value: string): boolean {
  return SAFE_PLAIN.test(value) && plainScalarValue(value) === value;
}
