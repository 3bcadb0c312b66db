import { describe, expect, it } from "@jest/globals";
import { parseDocuments } from "../../src/manifests/yaml.js";
import { errorsOf, lines, onlyDocument } from "./support.js";

describe("anchors and aliases", () => {
  const document = onlyDocument(
    lines(
      "resources: &limits", // 1
      "  cpu: 100m", // 2
      "  memory: 64Mi", // 3
      "containers:", // 4
      "  - name: a", // 5
      "    resources: *limits", // 6
      "  - name: b", // 7
      "    image: &img nginx", // 8
      "    sidecarImage: *img", // 9
    ),
  );

  it("an alias repeats the anchored value", () => {
    expect(document.value).toEqual({
      resources: { cpu: "100m", memory: "64Mi" },
      containers: [
        { name: "a", resources: { cpu: "100m", memory: "64Mi" } },
        { name: "b", image: "nginx", sidecarImage: "nginx" },
      ],
    });
  });

  it("the aliased field sits at the alias; fields inside it sit where the anchor wrote them", () => {
    expect(document.locate(["containers", 0, "resources"])).toEqual({ line: 6, column: 5, endLine: 6, endColumn: 22 });
    expect(document.locate(["containers", 0, "resources", "memory"])).toMatchObject({ line: 3, column: 3 });
    expect(document.locate(["containers", 1, "sidecarImage"])).toMatchObject({ line: 9, column: 5 });
  });

  it("an anchor may be redefined; an alias takes the latest definition", () => {
    expect(onlyDocument(lines("a: &x Foo", "b: *x", "c: &x Bar", "d: *x")).value).toEqual({ a: "Foo", b: "Foo", c: "Bar", d: "Bar" });
  });

  it("an alias may be a mapping key when it names a scalar", () => {
    expect(onlyDocument(lines("a: &k name", "*k : value")).value).toEqual({ a: "name", name: "value" });
  });

  it("anchors do not cross documents", () => {
    const parsed = parseDocuments("two.yaml", lines("a: &x 1", "---", "b: *x"));
    expect(parsed.documents).toHaveLength(1);
    expect(parsed.errors.map((error) => `${error.line}:${error.column} ${error.message}`)).toEqual([
      "3:4 unknown anchor 'x' referenced by an alias",
    ]);
  });

  it("an alias inside its own anchor is an error", () => {
    expect(errorsOf(lines("a: &a", "  b: *a"))).toEqual(["2:6 alias *a is inside the value of anchor &a: the value would contain itself"]);
  });

  it("an alias to a collection cannot be a mapping key", () => {
    expect(errorsOf(lines("a: &m {x: 1}", "*m : 2"))).toEqual([
      "2:1 alias *m used as a mapping key is not a scalar: JSON object keys are strings",
    ]);
  });
});

describe("merge keys", () => {
  const base = ["base: &base", "  name: base", "  image: nginx", "  pullPolicy: Always"]; // lines 1-4

  it("merges the keys of a mapping, explicit keys written after `<<` win", () => {
    const document = onlyDocument(lines(...base, "app:", "  <<: *base", "  name: app")); // 5-7
    expect((document.value as Record<string, unknown>)["app"]).toEqual({ name: "app", image: "nginx", pullPolicy: "Always" });
    // a merged key is not a duplicate of the explicit one; positions follow the winning value
    expect(document.locate(["app", "name"])).toMatchObject({ line: 7, column: 3 });
    expect(document.locate(["app", "image"])).toMatchObject({ line: 3, column: 3 });
  });

  it("from a list of mappings, earlier sources win over later ones", () => {
    const document = onlyDocument(lines("a: &a {x: 1, v: 1}", "b: &b {v: 2, z: 2}", "c:", "  <<: [*a, *b, {z: 3, w: 3}]"));
    expect((document.value as Record<string, unknown>)["c"]).toEqual({ x: 1, v: 1, z: 2, w: 3 });
    expect(document.locate(["c", "w"])).toMatchObject({ line: 4, column: 23 });
  });

  it("follows the YAML merge examples (yaml.org/type/merge.html)", () => {
    const document = onlyDocument(
      lines(
        // `y` unquoted would be the bool key "true" to go-yaml v2, hence the quotes (as in go-yaml's own test)
        '- &CENTER { x: 1, "y": 2 }',
        '- &LEFT { x: 0, "y": 2 }',
        "- &BIG { r: 10 }",
        "- &SMALL { r: 1 }",
        "- # Explicit keys",
        "  x: 1",
        '  "y": 2',
        "  r: 10",
        "  label: center/big",
        "- # Merge one map",
        "  << : *CENTER",
        "  r: 10",
        "  label: center/big",
        "- # Merge multiple maps",
        "  << : [ *CENTER, *BIG ]",
        "  label: center/big",
        "- # Override",
        "  << : [ *BIG, *LEFT, *SMALL ]",
        "  x: 1",
        "  label: center/big",
        "- # Explicit merge tag",
        '  !!merge "<<" : [ *CENTER, *BIG ]',
        "  label: center/big",
      ),
    );
    const expected = { x: 1, y: 2, r: 10, label: "center/big" };
    expect((document.value as unknown[]).slice(4)).toEqual([expected, expected, expected, expected, expected]);
  });

  it('a quoted "<<" is an ordinary key', () => {
    expect(onlyDocument(lines('"<<": {a: 1}')).value).toEqual({ "<<": { a: 1 } });
  });

  it("a key written before `<<` that the merge also brings is an error: go-yaml v2 and the YAML spec disagree on it", () => {
    expect(errorsOf(lines(...base, "app:", "  name: app", "  <<: *base"))).toEqual([
      '7:3 key "name" (at line 6) is also brought in by the merge `<<` after it: Kubernetes (go-yaml v2) would use the merged value, the YAML spec the explicit one; move the `<<` first',
    ]);
  });

  it("two `<<` in one mapping, or a `<<` of something else than mappings, are errors", () => {
    expect(errorsOf(lines(...base, "app:", "  <<: *base", "  <<: {x: 1}"))).toEqual([
      '7:3 duplicate merge key "<<" in one mapping: put all sources in one list, `<<: [*a, *b]`',
    ]);
    expect(errorsOf(lines("a: &x null", "b:", "  <<: [*x]"))).toEqual([
      "3:3 the value of a merge key `<<` must be a mapping or a list of mappings",
    ]);
    expect(errorsOf(lines("b:", "  <<: text"))).toEqual(["2:3 the value of a merge key `<<` must be a mapping or a list of mappings"]);
  });
});

describe("alias bombs", () => {
  it('refuses a "billion laughs" document, quickly, with the line of the alias that broke the budget', () => {
    let text = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n';
    const names = "abcdefghi";
    for (let level = 1; level < names.length; level++) {
      const previous = names[level - 1] as string;
      text += `${names[level]}: &${names[level]} [${Array(9).fill(`*${previous}`).join(",")}]\n`;
    }
    const errors = parseDocuments("bomb.yaml", text).errors;
    expect(errors).toHaveLength(1);
    expect(errors[0]?.message).toMatch(
      /aliases expand to more nodes than this file may use \(10000\): refusing a possible "billion laughs" document/,
    );
    expect(errors[0]?.line).toBeGreaterThan(1);
  });

  it("the budget is configurable and grows with the file", () => {
    const text = lines("a: &a [1, 2, 3, 4, 5, 6, 7, 8, 9]", "b: [*a, *a, *a]");
    expect(parseDocuments("small.yaml", text).errors).toEqual([]);
    expect(parseDocuments("small.yaml", text, { maxAliasNodes: 15 }).errors.map((error) => error.line)).toEqual([2]);
  });

  it("refuses aliases that nest a document deeper than maxDepth", () => {
    let text = "x0: &x0 [1]\n";
    for (let level = 1; level < 20; level++) text += `x${level}: &x${level} [*x${level - 1}]\n`;
    expect(parseDocuments("deep.yaml", text).errors).toEqual([]);
    const errors = parseDocuments("deep.yaml", text, { maxDepth: 10 }).errors;
    expect(errors.map((error) => `${error.line}: ${error.message}`)).toEqual(["9: alias *x7 nests the document deeper than 10 levels"]);
    // the same count as for the value written out: `x8` holds a scalar 11 levels deep
    const writtenOut = `x8: ${"[".repeat(9)}1${"]".repeat(9)}\n`;
    expect(parseDocuments("deep.yaml", writtenOut, { maxDepth: 10 }).errors).toHaveLength(1);
    expect(parseDocuments("deep.yaml", writtenOut, { maxDepth: 11 }).errors).toEqual([]);
  });
});
