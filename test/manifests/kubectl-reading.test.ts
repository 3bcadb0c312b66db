/**
 * Where js-yaml and the reader of `kubectl apply -f` (apimachinery's stream splitting, go-yaml v2)
 * disagree, we read what kubectl reads. Each expectation here was checked against the differential
 * oracle (tools/oracle).
 */
import { describe, expect, it } from "@jest/globals";
import { loadManifestFile } from "../../src/manifests/load.js";
import { parseDocuments } from "../../src/manifests/yaml.js";
import { lines } from "./support.js";

const values = (text: string, file = "test.yaml") => parseDocuments(file, text).documents.map((document) => document.value);
const errors = (text: string, file = "test.yaml") =>
  parseDocuments(file, text).errors.map((error) => `${error.line}:${error.column} ${error.message}`);

describe("line breaks go-yaml knows", () => {
  it.each([
    ["U+0085", "\u0085"],
    ["U+2028", "\u2028"],
    ["U+2029", "\u2029"],
  ])("%s ends a comment, and the field after it is a field", (_name, lineBreak) => {
    const text = `apiVersion: v1\nkind: Pod\nspec: # note${lineBreak}  hostPID: true\n  containers: []\n`;
    expect(values(text)).toEqual([{ apiVersion: "v1", kind: "Pod", spec: { hostPID: true, containers: [] } }]);
  });

  it("ends a plain scalar too: a second namespace is a duplicate key", () => {
    expect(errors("metadata:\n  namespace: team-a\u2028  namespace: kube-system\n")[0]).toMatch(/^2:\d+ duplicate key "namespace"/);
  });

  it("positions stay on the file's own lines", () => {
    const [document] = parseDocuments("test.yaml", "a: 1 # x\u2028b: 2\nc: 3\n").documents;
    expect(document?.locate(["c"])).toMatchObject({ line: 2, column: 1 });
  });
});

describe("tagged merge keys", () => {
  it.each(["! <<", '! "<<"', "!<!> <<", "!!merge <<", '!!merge "<<"'])("`%s` merges, as in go-yaml v2", (key) => {
    const text = lines("base: &b {privileged: true}", "securityContext:", `  ${key}: *b`, "  runAsUser: 1000");
    expect(values(text)[0]).toEqual({ base: { privileged: true }, securityContext: { privileged: true, runAsUser: 1000 } });
  });

  it.each(['"<<"', "'<<'", "!!str <<"])("`%s` is an ordinary key", (key) => {
    expect(values(lines("a:", `  ${key}: 1`))[0]).toEqual({ a: { "<<": 1 } });
  });

  it("an alias whose anchor is a `<<` key is an ordinary key", () => {
    expect(values(lines("a: {&m <<: {x: 1}}", "b: {*m : 2}"))[0]).toEqual({ a: { x: 1 }, b: { "<<": 2 } });
  });
});

describe("document separators, as apimachinery cuts the stream", () => {
  it("every line starting with `---` and a comment ends a document", () => {
    const text = lines("apiVersion: v1", "kind: ConfigMap", "---# worker pod", "apiVersion: v1", "kind: Pod", "--- # c", "a: 1");
    expect(values(text)).toEqual([{ apiVersion: "v1", kind: "ConfigMap" }, { apiVersion: "v1", kind: "Pod" }, { a: 1 }]);
  });

  it("cuts inside a quoted scalar, where YAML would not", () => {
    const text = lines('a: "one', "--- # two", 'three"');
    expect(errors(text)).toEqual(["2:1 YAML syntax error: unexpected end of the stream within a double quoted scalar"]);
    expect(values(text)).toEqual(['three"']);
  });

  it("anything but a comment after the dashes stops the file", () => {
    expect(errors(lines("a: 1", "--- |", "  text"))).toEqual([
      '2:1 invalid document separator "--- |": kubectl cuts documents at every line starting with `---` and allows only a comment after the dashes, so it refuses this file',
    ]);
    expect(errors(lines("a: 1", "----", "b: 2"))[0]).toMatch(/^2:1 invalid document separator "----"/);
  });

  it("a second YAML document kubectl would silently drop is reported, not read", () => {
    const text = lines("apiVersion: v1", "kind: ConfigMap", "...", "apiVersion: v1", "kind: Pod");
    expect(values(text)).toEqual([{ apiVersion: "v1", kind: "ConfigMap" }]);
    expect(errors(text)[0]).toMatch(/^4:1 a second YAML document without a line `---`/);
  });

  it("text after a complete document is reported; the document is read as kubectl reads it", () => {
    const text = lines("    apiVersion: v1", "    kind: ConfigMap", "  hostPID: true");
    expect(values(text)).toEqual([{ apiVersion: "v1", kind: "ConfigMap" }]);
    expect(errors(text)[0]).toMatch(/^3:3 YAML syntax error: the text from here on does not continue the document above/);
  });
});

describe("JSON streams", () => {
  it("reads concatenated JSON objects in one file", () => {
    const text = '{"apiVersion": "v1", "kind": "ConfigMap"}\n{"apiVersion": "v1",\n "kind": "Pod"}{"a": null}\nnull\n';
    expect(values(text, "objects.json")).toEqual([{ apiVersion: "v1", kind: "ConfigMap" }, { apiVersion: "v1", kind: "Pod" }, { a: null }]);
    const [, pod] = parseDocuments("objects.json", text).documents;
    expect(pod?.locate(["kind"])).toMatchObject({ line: 3, column: 2 });
  });

  it("stops at text that is not JSON", () => {
    expect(errors('{"a": 1} x', "bad.json")).toEqual([
      "1:10 the file is a JSON stream (it starts with `{`), and this value is not complete JSON: kubectl refuses the file here",
    ]);
  });
});

describe("what go-yaml accepts and js-yaml alone refuses", () => {
  it("flow collections closed at their key's indentation (deficient indentation)", () => {
    const text = lines("spec:", "  args: [", "  --verbose,", "  ]", "  env: {", "a: 1", "}", "  next: 2");
    expect(values(text)).toEqual([{ spec: { args: ["--verbose"], env: { a: 1 }, next: 2 } }]);
    const [document] = parseDocuments("test.yaml", text).documents;
    expect(document?.locate(["spec", "args", 0])).toMatchObject({ line: 3, column: 3 });
    expect(document?.locate(["spec", "next"])).toMatchObject({ line: 8, column: 3 });
  });

  it("a quoted scalar continued at column 1", () => {
    expect(values(lines('a: "one', 'two"'))).toEqual([{ a: "one two" }]);
  });

  it("tabs inside flow collections", () => {
    expect(values("a: {b: 1,\tc: 2}\nd: [\t1,\n\t2]\n")).toEqual([{ a: { b: 1, c: 2 }, d: [1, 2] }]);
  });

  it("a block scalar at the end of a file without a final newline has none, as kustomize (and so Flux, Argo CD) reads it", () => {
    // apimachinery's LineReader (kubectl) would end it in "\n"; GitOps deploys through kustomize, and a
    // `:latest` image written this way must be judged as `:latest`.
    expect(values("a: |\n  nginx:latest")).toEqual([{ a: "nginx:latest" }]);
    expect(values("a: |-\n  nginx:latest")).toEqual([{ a: "nginx:latest" }]);
  });
});

describe("lists", () => {
  const kinds = (text: string) => loadManifestFile("list.yaml", text).manifests.map((manifest) => manifest.object["kind"]);

  it("any object with an items array is a list whose items are created, whatever its kind", () => {
    const text = lines("apiVersion: v1", "kind: ConfigMap", "items:", "- apiVersion: v1", "  kind: Pod", "  metadata: {name: p}");
    expect(kinds(text)).toEqual(["Pod"]);
  });

  it("an item without apiVersion and kind takes the list's, less `List`", () => {
    const loaded = loadManifestFile("list.yaml", lines("apiVersion: v1", "kind: PodList", "items:", "- metadata: {name: p}"));
    expect(loaded.manifests.map((manifest) => [manifest.object["apiVersion"], manifest.object["kind"]])).toEqual([["v1", "Pod"]]);
    expect(loaded.manifests[0]?.locate(["metadata", "name"])).toMatchObject({ line: 4, column: 14 });
  });

  it("`items: null` is an empty list; items that are not a list are an error", () => {
    expect(kinds(lines("apiVersion: v1", "kind: Thing", "items: null"))).toEqual([]);
    expect(
      loadManifestFile("list.yaml", lines("apiVersion: v1", "kind: Thing", "items: {a: 1}")).errors.map((error) => error.message),
    ).toEqual(["document 1: items of a Thing must be a list of objects, not a mapping"]);
  });
});
