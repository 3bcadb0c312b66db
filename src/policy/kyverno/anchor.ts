/**
 * Kyverno pattern anchors on map keys (kyverno pkg/engine/anchor): `(key)` condition, `<(key)` global
 * condition, `=(key)` equality (check if present), `^(key)` existence (some list item matches),
 * `X(key)` negation (must be absent) and `+(key)` add-if-not-present (a mutate anchor: in a validate
 * pattern Kyverno treats it as a plain key named `+(key)`).
 */

export type AnchorType = "condition" | "global" | "equality" | "existence" | "negation" | "addIfNotPresent";

export interface Anchor {
  type: AnchorType;
  key: string;
}

const ANCHOR = /^([+<=X^])?\((.+)\)$/s;
const MODIFIERS: Readonly<Record<string, AnchorType>> = {
  "": "condition",
  "<": "global",
  "=": "equality",
  "^": "existence",
  X: "negation",
  "+": "addIfNotPresent",
};

/** Pattern keys repeat across every object judged: each is parsed once. */
const parsed = new Map<string, Anchor | null>();

export function parseAnchor(text: string): Anchor | undefined {
  let anchor = parsed.get(text);
  if (anchor === undefined) {
    const match = ANCHOR.exec(text.trim());
    anchor = match ? { type: MODIFIERS[match[1] ?? ""] as AnchorType, key: match[2] as string } : null;
    if (parsed.size > 10000) parsed.clear();
    parsed.set(text, anchor);
  }
  return anchor ?? undefined;
}

export function anchorText(type: AnchorType, key: string): string {
  const modifier = Object.entries(MODIFIERS).find(([, name]) => name === type)?.[0] ?? "";
  return `${modifier}(${key})`;
}

/** The key of a pattern map entry without its anchor, as it appears in the resource. */
export function plainKey(text: string): string {
  return parseAnchor(text)?.key ?? text;
}
