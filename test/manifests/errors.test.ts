/**
 * Bad input never crashes and is never skipped silently: every case becomes an InputError with the
 * file, line and column.
 */
import { describe, expect, it } from "@jest/globals";
import fc from "fast-check";
import { DEFAULT_LIMITS, loadManifestFile } from "../../src/manifests/load.js";
import { parseDocuments } from "../../src/manifests/yaml.js";
import { errorsOf, lines } from "./support.js";

const errorsOfManifests = (text: string | Uint8Array): string[] =>
  loadManifestFile("m.yaml", text).errors.map((error) => `${error.line}:${error.column} ${error.message}`);

describe("YAML that cannot be read", () => {
  it("a syntax error is reported at js-yaml's mark", () => {
    expect(errorsOf(lines("apiVersion: v1", "kind: Pod", "metadata:", "  name: a", " labels: {}"))).toEqual([
      "5:2 YAML syntax error: bad indentation of a mapping entry",
    ]);
    expect(errorsOf(lines("a: [1, 2"))).toEqual([expect.stringMatching(/^2:1 YAML syntax error: /)]);
  });

  it("carries the file name", () => {
    expect(parseDocuments("deploy/app.yaml", "a: b: c\n").errors).toEqual([
      { file: "deploy/app.yaml", line: 1, column: 5, message: expect.stringContaining("YAML syntax error") },
    ]);
  });

  it("a duplicate key is reported on its second occurrence", () => {
    expect(errorsOf(lines("metadata:", "  name: a", "  labels: {}", "  name: b"))).toEqual([
      '4:3 duplicate key "name" (first at line 2): Kubernetes would silently keep only one of the values',
    ]);
    expect(errorsOf('{"a": 1, "b": {"c": 1, "c": 2}}')).toEqual([
      '1:24 duplicate key "c" (first at line 1): Kubernetes would silently keep only one of the values',
    ]);
  });

  it("tags without a JSON meaning are refused", () => {
    for (const tag of ["!!binary", "!!set", "!!omap", "!!pairs", "!foo", "!<tag:example.com,2000:app>"]) {
      expect(errorsOf(lines("a: 1", `b: ${tag} x`))).toEqual([
        `2:4 unsupported YAML tag ${tag}: Kubernetes reads manifests as plain JSON values, where this tag has no meaning; remove it`,
      ]);
    }
    expect(errorsOf(lines("s: !!set", "  ? a", "  ? b"))).toHaveLength(1);
    expect(errorsOf("a: !!seq {x: 1}\n")).toHaveLength(1);
  });

  it("keys that are collections or null are refused, with a hint for unrendered templates", () => {
    expect(errorsOf(lines("? [a, b]", ": c"))).toEqual(["1:3 a sequence cannot be a mapping key: JSON object keys are strings"]);
    expect(errorsOf(lines("stringData:", "  token: {{TOKEN}}"))).toEqual([
      "2:11 a mapping cannot be a mapping key: JSON object keys are strings (is this an unrendered template placeholder like {{VALUE}}?)",
    ]);
    expect(errorsOf(lines("a: 1", ": no key"))).toEqual([expect.stringMatching(/^2:1 a mapping key is empty \(null\)/)]);
  });

  it("values JSON cannot carry are refused", () => {
    expect(errorsOf(lines("a: 1", "b: .inf"))).toEqual(["2:4 .inf cannot be represented in JSON: Kubernetes rejects this value"]);
    expect(errorsOf("b: -.Inf\n")).toEqual(["1:4 -.inf cannot be represented in JSON: Kubernetes rejects this value"]);
    expect(errorsOf("b: .NaN\n")).toEqual(["1:4 .nan cannot be represented in JSON: Kubernetes rejects this value"]);
  });

  it("an error drops its own document only", () => {
    const parsed = parseDocuments("three.yaml", lines("a: 1", "---", "b: 1", "b: 2", "---", "c: 1"));
    expect(parsed.documents.map((document) => document.value)).toEqual([{ a: 1 }, { c: 1 }]);
    expect(parsed.errors.map((error) => error.line)).toEqual([4]);
  });
});

describe("content that is not YAML text", () => {
  it("binary content (a NUL byte)", () => {
    const message = "the file is binary (it contains a NUL byte), not YAML or JSON text";
    expect(errorsOf(new Uint8Array([0x61, 0x3a, 0x20, 0x0a, 0x62, 0x00, 0x01]))).toEqual([`2:2 ${message}`]);
    expect(errorsOf("a: 1\nb: \u0000\n")).toEqual([`2:4 ${message}`]);
  });

  it("bytes that are not UTF-8", () => {
    const latin1 = new Uint8Array([...Buffer.from("name: caf"), 0xe9, 0x0a]);
    expect(errorsOf(latin1)).toEqual(["1:10 the file is not valid UTF-8 text (Kubernetes manifests must be UTF-8)"]);
    const utf16 = new Uint8Array([0xff, 0xfe, 0x61, 0x00, 0x3a, 0x00]);
    expect(errorsOf(utf16)).toEqual(["1:1 the file is UTF-16 encoded (it starts with a UTF-16 byte-order mark); save it as UTF-8"]);
  });

  it("valid UTF-8 beyond ASCII is fine", () => {
    expect(parseDocuments("u.yaml", new Uint8Array(Buffer.from("name: café ☕ 𝄞\n"))).documents[0]?.value).toEqual({ name: "café ☕ 𝄞" });
  });

  it("non-printable characters are a syntax error", () => {
    expect(errorsOf("a: b\u0007\n")).toEqual([
      expect.stringMatching(/^1:5 YAML syntax error: the stream contains non-printable characters/),
    ]);
  });

  it("an oversized file, by the default limit or a configured one", () => {
    expect(DEFAULT_LIMITS.maxBytes).toBe(5 * 1024 * 1024);
    const big = "a: b\n".repeat(DEFAULT_LIMITS.maxBytes / 5 + 1);
    expect(errorsOf(big)).toEqual([`1:1 the file is too large to check (${big.length} bytes; the limit is ${DEFAULT_LIMITS.maxBytes})`]);
    expect(errorsOf(new Uint8Array(Buffer.from(big)))).toHaveLength(1);
    expect(parseDocuments("f.yaml", "a: bcdef\n", { maxBytes: 8 }).errors[0]?.message).toBe(
      "the file is too large to check (9 bytes; the limit is 8)",
    );
    // bytes, not characters, count
    expect(parseDocuments("f.yaml", "a: ééé\n", { maxBytes: 8 }).errors).toHaveLength(1);
  });

  it("absurd nesting", () => {
    const deep = `a: ${"[".repeat(150)}${"]".repeat(150)}\n`;
    expect(errorsOf(deep)).toEqual([
      expect.stringMatching(/^1:\d+ nesting deeper than 100 levels: refusing to read a document this deep$/),
    ]);
    // a scalar inside N collections sits at level N + 1
    expect(parseDocuments("d.yaml", "a: [[1]]\n", { maxDepth: 3 }).errors).toHaveLength(1);
    expect(parseDocuments("d.yaml", "a: [[1]]\n", { maxDepth: 4 }).errors).toEqual([]);
  });
});

describe("documents that are not Kubernetes objects", () => {
  it("empty and comment-only documents are skipped silently, as kubectl does", () => {
    const loaded = loadManifestFile(
      "m.yaml",
      lines("---", "# only a comment", "---", "apiVersion: v1", "kind: Namespace", "metadata: {name: a}", "---", "---", "null", "---"),
    );
    expect(loaded.errors).toEqual([]);
    expect(loaded.manifests).toHaveLength(1);
    expect(loadManifestFile("empty.yaml", "").errors).toEqual([]);
    expect(loadManifestFile("comments.yaml", "# nothing here\n").manifests).toEqual([]);
  });

  it("a document that is not a mapping", () => {
    expect(
      errorsOfManifests(lines("apiVersion: v1", "kind: Namespace", "metadata: {name: a}", "---", "- a", "- b", "---", "just text")),
    ).toEqual([
      "5:1 document 2 is a sequence, not a Kubernetes object (a mapping with apiVersion and kind)",
      '8:1 document 3 is the string "just text", not a Kubernetes object (a mapping with apiVersion and kind)',
    ]);
  });

  it("a document lacking a string apiVersion or kind", () => {
    expect(
      errorsOfManifests(lines("metadata:", "  name: a", "---", "apiVersion: v1", "kind: 7", "---", "apiVersion: ''", "kind: Pod")),
    ).toEqual([
      "1:1 document 1 has no apiVersion",
      "1:1 document 1 has no kind",
      "5:1 document 2: kind must be a non-empty string, not the number 7",
      '7:1 document 3: apiVersion must be a non-empty string, not the string ""',
    ]);
  });

  it("List items that are not objects", () => {
    const list = lines(
      "apiVersion: v1",
      "kind: List",
      "items:",
      "  - apiVersion: v1",
      "    kind: Namespace",
      "  - 42",
      "  - [a]",
      "  - kind: Pod",
    );
    expect(errorsOfManifests(list)).toEqual([
      "6:5 item 1 of List (document 1) is the number 42, not a Kubernetes object (a mapping with apiVersion and kind)",
      "7:5 item 2 of List (document 1) is a sequence, not a Kubernetes object (a mapping with apiVersion and kind)",
      "8:5 item 3 of List (document 1) has no apiVersion",
    ]);
    expect(errorsOfManifests(lines("apiVersion: v1", "kind: List", "items: {a: 1}"))).toEqual([
      "3:1 document 1: items of a List must be a list of objects, not a mapping",
    ]);
  });
});

describe("robustness", () => {
  const arbitraryText = fc.oneof(
    fc.string({ unit: "binary", maxLength: 200 }),
    fc
      .array(
        fc.constantFrom(
          "a",
          ": ",
          "- ",
          "\n",
          "  ",
          "&x ",
          "*x",
          "<<",
          "[",
          "]",
          "{",
          "}",
          ",",
          "'",
          '"',
          "!!",
          "? ",
          "#",
          "---\n",
          "|",
          ">",
          "%YAML 1.1\n",
          "\t",
          "1",
          "~",
          "\r\n",
        ),
        { maxLength: 80 },
      )
      .map((parts) => parts.join("")),
  );

  it("never throws on arbitrary text, and every error has a line", () => {
    fc.assert(
      fc.property(arbitraryText, (text) => {
        const loaded = loadManifestFile("fuzz.yaml", text);
        for (const error of loaded.errors) {
          expect(error.line).toBeGreaterThanOrEqual(1);
          expect(error.column).toBeGreaterThanOrEqual(1);
          expect(error.file).toBe("fuzz.yaml");
        }
        for (const manifest of loaded.manifests) expect(manifest.locate(["spec", "x", 3]).line).toBeGreaterThanOrEqual(1);
      }),
      { numRuns: 1000 },
    );
  });

  it("never throws on arbitrary bytes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        for (const error of loadManifestFile("fuzz.yaml", bytes).errors) expect(error.line).toBeGreaterThanOrEqual(1);
      }),
      { numRuns: 500 },
    );
  });
});
