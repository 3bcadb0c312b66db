/**
 * Dotted field paths as replacements and vars write them: `spec.template.spec.containers.[name=app].image`,
 * `metadata.annotations.[a.b/c]`, `spec.ports.0.port`, `*` for every item of a list.
 */
import type { JsonObject, JsonValue } from "../../manifests/types.js";
import { isCollection, tagNew, type Place } from "./provenance.js";

/** Splits on `.` outside brackets; `[a.b]` names a key with dots, `[k=v]` selects list items. */
export function splitDottedPath(path: string): string[] {
  const segments: string[] = [];
  let current = "";
  let depth = 0;
  for (const char of path) {
    if (char === "[") depth++;
    if (char === "]") depth--;
    if (char === "." && depth === 0) {
      segments.push(current);
      current = "";
    } else current += char;
  }
  segments.push(current);
  return segments
    .filter((segment) => segment !== "")
    .map((segment) => (segment.startsWith("[") && segment.endsWith("]") && !segment.includes("=") ? segment.slice(1, -1) : segment));
}

function textOf(value: JsonValue | undefined): string {
  return value === undefined || value === null ? "" : typeof value === "object" ? JSON.stringify(value) : String(value);
}

export interface FieldSlot {
  parent: JsonObject | JsonValue[];
  key: string | number;
}

/** Every slot the path reaches; with `create`, missing mappings (and `[k=v]` items) are created on the way. */
export function resolveSlots(root: JsonValue, segments: readonly string[], create: boolean, createdAt?: Place): FieldSlot[] {
  let frontier: JsonValue[] = [root];
  let slots: FieldSlot[] = [];
  segments.forEach((segment, index) => {
    const last = index === segments.length - 1;
    const next: JsonValue[] = [];
    slots = [];
    for (const node of frontier) {
      const match = segment.match(/^\[(.*?)=(.*)\]$/);
      if (Array.isArray(node)) {
        if (match) {
          const [, key, value] = match as unknown as [string, string, string];
          let found = false;
          node.forEach((item, itemIndex) => {
            const actual = key === "" ? item : isCollection(item) && !Array.isArray(item) ? item[key] : undefined;
            if (textOf(actual) === value) {
              found = true;
              slots.push({ parent: node, key: itemIndex });
              next.push(item);
            }
          });
          if (!found && create && key !== "") {
            const item: JsonObject = { [key]: value };
            if (createdAt) tagNew(item, createdAt);
            node.push(item);
            slots.push({ parent: node, key: node.length - 1 });
            next.push(item);
          }
        } else if (segment === "*" || segment === "-") {
          node.forEach((item, itemIndex) => {
            slots.push({ parent: node, key: itemIndex });
            next.push(item);
          });
        } else if (/^(0|[1-9][0-9]*)$/.test(segment)) {
          const itemIndex = Number(segment);
          if (itemIndex < node.length) {
            slots.push({ parent: node, key: itemIndex });
            next.push(node[itemIndex] as JsonValue);
          }
        }
        continue;
      }
      if (!isCollection(node) || match) continue;
      let value = node[segment];
      if ((value === undefined || value === null) && create && !last) {
        value = createdAt ? tagNew({}, createdAt) : {};
        node[segment] = value;
      }
      if (value === undefined && !(create && last)) continue;
      slots.push({ parent: node, key: segment });
      if (value !== undefined) next.push(value);
    }
    frontier = next;
  });
  return slots;
}

export function readSlot(slot: FieldSlot): JsonValue | undefined {
  return (slot.parent as Record<string | number, JsonValue>)[slot.key];
}
