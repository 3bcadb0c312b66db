/**
 * Property test of the edit engine: pods written in the many ways people write YAML (block or flow
 * collections, 2 or 4 spaces, sequences indented or not, quoted or plain strings, trailing comments)
 * and as JSON (compact or indented). For every fix a rule makes, the engine writes the edit (it never
 * refuses these layouts), the file then reads as the expected object, every comment survives, and
 * every line the edit does not touch is kept byte for byte.
 */
import { describe, expect, it } from "@jest/globals";
import fc from "fast-check";
import { applyFixes } from "../../src/fix/apply.js";
import type { FieldEdit } from "../../src/fix/types.js";
import type { JsonObject, JsonValue } from "../../src/manifests/types.js";
import { parseDocuments } from "../../src/manifests/yaml.js";

interface Layout {
  json: "no" | "compact" | "indented";
  indent: number;
  indentSequences: boolean;
  /** Which mappings are written in flow style, by key. */
  flowKeys: readonly string[];
  quote: "plain" | "single" | "double";
  comments: boolean;
}

const CAPABILITIES = ["NET_ADMIN", "SYS_TIME", "CHOWN", "NET_BIND_SERVICE"];

const containerArb = fc.record(
  {
    name: fc.constantFrom("app", "side-car", "init"),
    image: fc.constantFrom("nginx:1.27", "registry.example/app:v2"),
    securityContext: fc.record(
      {
        privileged: fc.boolean(),
        runAsUser: fc.integer({ min: 0, max: 2000 }),
        capabilities: fc.record(
          { add: fc.uniqueArray(fc.constantFrom(...CAPABILITIES), { minLength: 1, maxLength: 3 }), drop: fc.constant(["NET_RAW"]) },
          { requiredKeys: [] },
        ),
      },
      { requiredKeys: [] },
    ),
    ports: fc.array(fc.record({ containerPort: fc.integer({ min: 1, max: 9000 }), hostPort: fc.integer({ min: 1, max: 9000 }) }), {
      maxLength: 2,
    }),
  },
  { requiredKeys: ["name", "image"] },
);

const podArb = fc.record({
  hostPID: fc.option(fc.boolean(), { nil: undefined }),
  containers: fc.array(containerArb, { minLength: 1, maxLength: 2 }),
});

const layoutArb: fc.Arbitrary<Layout> = fc.record({
  json: fc.constantFrom("no", "no", "no", "compact", "indented"),
  indent: fc.constantFrom(2, 4),
  indentSequences: fc.boolean(),
  flowKeys: fc.subarray(["securityContext", "capabilities", "add", "drop", "ports"]),
  quote: fc.constantFrom("plain", "single", "double"),
  comments: fc.boolean(),
});

function podObject(pod: { hostPID: boolean | undefined; containers: JsonObject[] }): JsonObject {
  const spec: JsonObject = { containers: pod.containers };
  if (pod.hostPID !== undefined) spec["hostPID"] = pod.hostPID;
  return { apiVersion: "v1", kind: "Pod", metadata: { name: "p" }, spec };
}

/** YAML as a person might write it, in the given layout. */
function writeYaml(value: JsonValue, layout: Layout): string {
  const lines: string[] = [];
  let comment = 0;
  const tail = (): string => (layout.comments ? ` # note ${++comment}` : "");
  const scalar = (v: JsonValue): string => {
    if (typeof v !== "string") return JSON.stringify(v);
    if (layout.quote === "single") return `'${v}'`;
    if (layout.quote === "double") return JSON.stringify(v);
    return /^[a-z][a-z0-9./:-]*$/i.test(v) && !/^(y|n|yes|no|on|off|true|false|null)$/i.test(v) ? v : JSON.stringify(v);
  };
  const flow = (v: JsonValue): string => {
    if (Array.isArray(v)) return `[${v.map(flow).join(", ")}]`;
    if (v !== null && typeof v === "object")
      return `{${Object.entries(v)
        .map(([k, c]) => `${k}: ${flow(c)}`)
        .join(", ")}}`;
    return scalar(v);
  };
  const mapping = (object: JsonObject, indent: number, firstPrefix: string | undefined): void => {
    Object.entries(object).forEach(([key, child], index) => {
      const lead = index === 0 && firstPrefix !== undefined ? firstPrefix : " ".repeat(indent);
      const isCollection = child !== null && typeof child === "object";
      const empty = isCollection && (Array.isArray(child) ? child.length === 0 : Object.keys(child).length === 0);
      if (!isCollection || empty || layout.flowKeys.includes(key))
        lines.push(`${lead}${key}: ${isCollection ? flow(child) : scalar(child)}${tail()}`);
      else {
        lines.push(`${lead}${key}:${tail()}`);
        if (Array.isArray(child)) sequence(child, layout.indentSequences ? indent + layout.indent : indent);
        else mapping(child, indent + layout.indent, undefined);
      }
    });
  };
  const sequence = (items: JsonValue[], indent: number): void => {
    for (const item of items) {
      if (item !== null && typeof item === "object" && !Array.isArray(item) && Object.keys(item).length > 0) {
        mapping(item, indent + 2, `${" ".repeat(indent)}- `);
      } else lines.push(`${" ".repeat(indent)}- ${item !== null && typeof item === "object" ? flow(item) : scalar(item)}${tail()}`);
    }
  };
  if (layout.comments) lines.push("# a pod");
  mapping(value as JsonObject, 0, undefined);
  return `${lines.join("\n")}\n`;
}

function write(value: JsonValue, layout: Layout): string {
  if (layout.json === "compact") return JSON.stringify(value);
  if (layout.json === "indented") return `${JSON.stringify(value, null, layout.indent)}\n`;
  return writeYaml(value, layout);
}

/** The fixes the rules make, for this pod (each as the rule would emit it). */
function fixesFor(pod: JsonObject): FieldEdit[][] {
  const spec = pod["spec"] as JsonObject;
  const fixes: FieldEdit[][] = [[{ op: "set", path: ["spec", "securityContext", "seccompProfile"], value: { type: "RuntimeDefault" } }]];
  if (spec["hostPID"] !== undefined) fixes.push([{ op: "set", path: ["spec", "hostPID"], value: false }]);
  (spec["containers"] as JsonObject[]).forEach((container, index) => {
    const at = ["spec", "containers", index];
    fixes.push([{ op: "set", path: [...at, "securityContext", "allowPrivilegeEscalation"], value: false }]);
    fixes.push([{ op: "append", path: [...at, "securityContext", "capabilities", "drop"], value: "ALL" }]);
    const context = container["securityContext"] as JsonObject | undefined;
    if (context?.["privileged"] !== undefined) fixes.push([{ op: "set", path: [...at, "securityContext", "privileged"], value: false }]);
    const add = (context?.["capabilities"] as JsonObject | undefined)?.["add"] as string[] | undefined;
    for (const capability of add ?? [])
      fixes.push([{ op: "pull", path: [...at, "securityContext", "capabilities", "add"], value: capability }]);
    ((container["ports"] as JsonObject[] | undefined) ?? []).forEach((_port, port) =>
      fixes.push([{ op: "remove", path: [...at, "ports", port, "hostPort"] }]),
    );
  });
  return fixes;
}

/** The same edits done on plain data, independently of the engine. */
function expected(value: JsonObject, edits: readonly FieldEdit[]): JsonValue {
  const copy = structuredClone(value);
  for (const edit of edits) {
    const parentPath = edit.path.slice(0, -1);
    const last = edit.path[edit.path.length - 1] as string | number;
    let parent: JsonValue = copy;
    for (const segment of parentPath) {
      const holder = parent as Record<string | number, JsonValue>;
      if (holder[segment] === undefined) holder[segment] = {};
      parent = holder[segment] as JsonValue;
    }
    const holder = parent as Record<string | number, JsonValue>;
    if (edit.op === "set")
      holder[last] =
        typeof edit.value === "object" && edit.value !== null && typeof holder[last] === "object"
          ? { ...(holder[last] as JsonObject), ...(edit.value as JsonObject) }
          : edit.value;
    else if (edit.op === "remove") delete holder[last];
    else if (edit.op === "append") {
      const list = (holder[last] as JsonValue[] | undefined) ?? [];
      holder[last] = list.includes(edit.value) ? list : [...list, edit.value];
    } else if (edit.op === "pull") holder[last] = ((holder[last] as JsonValue[] | undefined) ?? []).filter((item) => item !== edit.value);
  }
  return copy;
}

const comments = (text: string): string[] => text.match(/# [a-z]+ ?\d*/g) ?? [];

describe("the edit engine on pods written in every common layout", () => {
  it("writes each rule's fix, reads back as expected, keeps every comment and every untouched line", () => {
    fc.assert(
      fc.property(podArb, layoutArb, fc.nat(), (generated, layout, pick) => {
        const pod = podObject(generated as unknown as { hostPID: boolean | undefined; containers: JsonObject[] });
        const text = write(pod, layout);
        const fixes = fixesFor(pod);
        const edits = fixes[pick % fixes.length] as FieldEdit[];
        const result = applyFixes("pod.yaml", text, [{ document: 0, fix: { description: "", edits } }]);
        expect(result.refused).toEqual([]);
        const reread = parseDocuments("pod.yaml", result.text);
        expect(reread.errors).toEqual([]);
        expect(reread.documents[0]?.value).toEqual(expected(pod, edits));
        // Comments on lines the edit removes may go; a removed hostPort takes its own line's comment.
        const removedLine = edits.some((edit) => edit.op === "remove" || edit.op === "pull");
        if (!removedLine) expect(comments(result.text)).toEqual(expect.arrayContaining(comments(text)));
        // Untouched lines are kept: every original line is still there, except the edited ones.
        const before = text.split("\n");
        const after = new Set(result.text.split("\n"));
        const lost = before.filter((line) => !after.has(line));
        expect(lost.length).toBeLessThanOrEqual(layout.json === "compact" ? 1 : 2);
      }),
      { numRuns: 1000 },
    );
  });
});
