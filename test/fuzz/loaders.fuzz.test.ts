/**
 * Hostile input for every reader of untrusted text: the manifest loader, the policy loader and the
 * config parsers (policy and config files come from repositories too). Whatever the input — random
 * text, random bytes, YAML token soup, structured documents with wrong types, inputs at and beyond
 * the limits — none throws, every problem has a line, and nothing that is refused yields objects
 * from the refused document. Time and memory are measured by `npm run bench:hostile`, not here.
 */
import { describe, expect, test } from "@jest/globals";
import fc from "fast-check";
import { parseOrgConfig, parseRepoConfig } from "../../src/config/parse.js";
import { DEFAULT_LIMITS } from "../../src/manifests/limits.js";
import { loadPolicies } from "../../src/config/policy-files.js";
import { load } from "./support.js";

/** Pieces of YAML syntax, scalars that are not what they seem, and characters that are trouble. */
const TOKENS = [
  "apiVersion: v1\n",
  "kind: Pod\n",
  "kind: List\nitems:\n",
  "metadata:\n  name: x\n",
  "spec:\n",
  "  containers:\n",
  "  - name: a\n",
  "    securityContext: {privileged: true}\n",
  "---\n",
  "...\n",
  "%YAML 1.1\n",
  "%TAG !e! tag:example.com,2000:\n",
  "&a ",
  "*a ",
  "&b [*a, *a, *a]\n",
  "<<: *a\n",
  "<<: [*a, *b]\n",
  "? ",
  ": ",
  "- ",
  "-\n",
  "{",
  "}",
  "[",
  "]",
  ",",
  "|",
  "|-\n",
  ">+\n",
  "'",
  '"',
  "\\",
  "#",
  "!",
  "!!str ",
  "!!int ",
  "!!binary ",
  "!!python/object ",
  "!<tag:yaml.org,2002:str> ",
  "0755",
  "1e3",
  "0x1F",
  "0o17",
  "yes",
  "on",
  "~",
  ".inf",
  "-.nan",
  "1_000",
  "08",
  "1:30",
  "2001-12-14t21:59:43.10-05:00",
  "9223372036854775808",
  "null",
  "\t",
  "  ",
  "    ",
  "\n",
  "\r\n",
  "\r",
  "\uFEFF",
  "\u2028",
  "\u0085",
  "\u0000",
  "\uD800",
  "é",
  "𝕂",
  "\u202E",
];
const soup = fc.array(fc.oneof(fc.constantFrom(...TOKENS), fc.string({ maxLength: 8 })), { maxLength: 80 }).map((parts) => parts.join(""));

function checkErrors(errors: ReadonlyArray<{ line: number; column: number; message: string }>, lines: number): void {
  for (const error of errors) {
    expect(error.line).toBeGreaterThanOrEqual(1);
    expect(error.line).toBeLessThanOrEqual(lines + 1);
    expect(error.column).toBeGreaterThanOrEqual(1);
    expect(error.message.length).toBeGreaterThan(0);
  }
}

const lineCount = (text: string | Uint8Array): number =>
  (typeof text === "string" ? text : Buffer.from(text).toString("latin1")).split(/\r\n|\r|\n/).length;

describe("the manifest loader", () => {
  test("never throws on token soup, text or bytes; every error has a line; every object has apiVersion and kind", () => {
    fc.assert(
      fc.property(fc.oneof(soup, fc.string({ maxLength: 300 }), fc.uint8Array({ maxLength: 300 })), (input) => {
        const loaded = load(input);
        checkErrors(loaded.errors, lineCount(input));
        for (const manifest of loaded.manifests) {
          expect(typeof manifest.object["apiVersion"]).toBe("string");
          expect(typeof manifest.object["kind"]).toBe("string");
          expect(manifest.locate([]).line).toBeGreaterThanOrEqual(1);
        }
      }),
      { numRuns: 3000 },
    );
  });

  test("inputs at the limits: refused with an error at a line, never a crash", () => {
    const big = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: big\ndata:\n  x: "${"a".repeat(DEFAULT_LIMITS.maxBytes)}"\n`;
    expect(load(big).errors.map((error) => [error.line, error.message])).toEqual([[1, expect.stringMatching(/too large to check/)]]);
    // Just under the size limit: one 4 MiB scalar is a legitimate (if odd) ConfigMap.
    const scalar = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: s\ndata:\n  x: ${"b".repeat(4 * 1024 * 1024)}\n`;
    expect(load(scalar)).toMatchObject({ errors: [], manifests: [expect.anything()] });
    // 1 MiB of "[": refused at the depth limit, without blowing the stack.
    expect(load("[".repeat(1024 * 1024)).errors).toEqual([
      expect.objectContaining({ line: 1, message: expect.stringMatching(/nesting deeper than 100/) }),
    ]);
    // 100,000 empty documents: nothing to check.
    expect(load("---\n".repeat(100_000))).toMatchObject({ errors: [], manifests: [] });
    // A mapping of 150,000 keys (about 3 MB): read in full.
    const keys = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: k\ndata:\n${Array.from({ length: 150_000 }, (_, index) => `  k${index}: v\n`).join("")}`;
    const loaded = load(keys);
    expect(loaded.errors).toEqual([]);
    expect(Object.keys(loaded.manifests[0]?.object["data"] as object)).toHaveLength(150_000);
    // Denser: 300,000 keys on one line (600,000 nodes in 4.9 MB) pass the byte limit but not the node limit.
    const dense = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: d\ndata:\n  m: {${Array.from({ length: 300_000 }, (_, index) => `k${index}: ${index}`).join(", ")}}\n`;
    expect(load(dense).errors).toEqual([
      expect.objectContaining({ line: 6, message: expect.stringMatching(/more than 400000 YAML nodes/) }),
    ]);
  });

  test("an alias bomb at any scale is refused where the budget broke, not expanded", () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 12 }), fc.integer({ min: 2, max: 12 }), (fanout, levels) => {
        const lines = ['a0: &a0 "x"'];
        for (let level = 1; level < levels; level++)
          lines.push(`a${level}: &a${level} [${Array.from({ length: fanout }, () => `*a${level - 1}`).join(", ")}]`);
        const loaded = load(`apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\ndata:\n  ${lines.join("\n  ")}\n`);
        // Nodes the aliases add: level L holds `fanout` copies of level L-1 (size(0) = 1, size(L) = 1 + fanout * size(L-1)).
        let size = 1;
        let added = 0;
        for (let level = 1; level < levels; level++) {
          added += fanout * size;
          size = 1 + fanout * size;
        }
        // The budget for a small file is 10,000 added nodes; well past it is refused, well within it is read.
        if (added >= 20_000)
          expect(loaded.errors).toEqual([
            expect.objectContaining({ line: expect.any(Number), message: expect.stringMatching(/aliases expand to more nodes/) }),
          ]);
        if (added <= 5_000) expect(loaded.errors).toEqual([]);
      }),
      { numRuns: 60 },
    );
  });
});

describe("the policy loader", () => {
  const policyish = fc
    .record({
      apiVersion: fc.constantFrom("constraints.gatekeeper.sh/v1beta1", "kube-policy-bot.dev/v1", "v1", "", "templates.gatekeeper.sh/v1"),
      kind: fc.constantFrom("K8sPSPPrivilegedContainer", "PodSecurity", "K8sAllowedRepos", "PolicyException", "Nope", ""),
      name: fc.oneof(fc.constantFrom("p", "", "UPPER", "a".repeat(300)), fc.string({ maxLength: 10 })),
      spec: fc.jsonValue({ maxDepth: 4 }),
    })
    .map(({ apiVersion, kind, name, spec }) => JSON.stringify({ apiVersion, kind, metadata: { name }, spec }));

  test("never throws on soup, arbitrary JSON values or policy-shaped documents with wrong types; every error has a line", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            soup,
            policyish,
            fc.jsonValue({ maxDepth: 5 }).map((value) => JSON.stringify(value)),
          ),
          { minLength: 1, maxLength: 4 },
        ),
        (texts) => {
          const result = loadPolicies(texts.map((content, index) => ({ file: `p${index}.yaml`, content })));
          checkErrors(result.errors, Math.max(...texts.map(lineCount)));
          for (const policy of result.policies) expect(policy.name.length).toBeGreaterThan(0);
        },
      ),
      { numRuns: 1500 },
    );
  });
});

describe("the config parsers", () => {
  const configish = fc
    .record({
      manifests: fc.jsonValue({ maxDepth: 3 }),
      policies: fc.oneof(
        fc.jsonValue({ maxDepth: 3 }),
        fc.record({ overrides: fc.dictionary(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 2 })) }),
      ),
      check: fc.oneof(
        fc.jsonValue({ maxDepth: 2 }),
        fc.record({ name: fc.string({ maxLength: 150 }), failureMode: fc.constantFrom("fail-open", "fail-closed", "open", 1) }),
      ),
      exceptions: fc.jsonValue({ maxDepth: 3 }),
    })
    .map((config) => JSON.stringify(config));

  test("never throw, and either give a config or problems with lines", () => {
    fc.assert(
      fc.property(fc.oneof(soup, configish, fc.uint8Array({ maxLength: 200 })), (content) => {
        for (const parsed of [parseOrgConfig(".github/kube-policy.yml", content), parseRepoConfig(".github/kube-policy.yml", content)]) {
          if (parsed.config === undefined) {
            expect(parsed.problems.length).toBeGreaterThan(0);
            checkErrors(parsed.problems, lineCount(content));
          } else expect(parsed.problems).toEqual([]);
        }
      }),
      { numRuns: 1500 },
    );
  });
});
