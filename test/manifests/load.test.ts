import { describe, expect, it } from "@jest/globals";
import { loadManifestFile } from "../../src/manifests/load.js";
import { lines } from "./support.js";

describe("loadManifestFile", () => {
  it("returns every object of a multi-document file, with its file", () => {
    const loaded = loadManifestFile(
      "app.yaml",
      lines(
        "apiVersion: v1",
        "kind: Namespace",
        "metadata: {name: shop}",
        "---",
        "apiVersion: apps/v1",
        "kind: Deployment",
        "metadata: {name: web, namespace: shop}",
      ),
    );
    expect(loaded.errors).toEqual([]);
    expect(loaded.file).toBe("app.yaml");
    expect(loaded.manifests.map((manifest) => [manifest.file, manifest.object["kind"]])).toEqual([
      ["app.yaml", "Namespace"],
      ["app.yaml", "Deployment"],
    ]);
    expect(loaded.manifests[1]?.locate(["metadata", "name"])).toMatchObject({ line: 7, column: 12 });
  });

  it("reads JSON files with the same machinery", () => {
    const loaded = loadManifestFile("pod.json", '{\n  "apiVersion": "v1",\n  "kind": "Pod",\n  "metadata": {"name": "p"}\n}\n');
    expect(loaded.manifests.map((manifest) => manifest.object)).toEqual([{ apiVersion: "v1", kind: "Pod", metadata: { name: "p" } }]);
    expect(loaded.manifests[0]?.locate(["metadata", "name"])).toMatchObject({ line: 4, column: 16 });
  });

  it("reads JSON as JSON: tab indentation, escapes, numbers", () => {
    const json =
      '{\n\t"apiVersion": "v1",\n\t"kind": "ConfigMap",\n\t"data": {\n\t\t"path": "a\\/b\\u00e9\\n",\n\t\t"n": "1e3"\n\t},\n\t"x": [1,\t2.5, -0, 1e3, true, null]\n}\n';
    const loaded = loadManifestFile("cm.json", json);
    expect(loaded.errors).toEqual([]);
    expect(loaded.manifests[0]?.object).toEqual({
      apiVersion: "v1",
      kind: "ConfigMap",
      data: { path: "a/bé\n", n: "1e3" },
      x: [1, 2.5, 0, 1000, true, null],
    });
    expect(loaded.manifests[0]?.locate(["data", "n"])).toMatchObject({ line: 6, column: 3 });
  });

  it("expands kind: List and typed lists (PodList, ConfigMapList), nested ones too", () => {
    const loaded = loadManifestFile(
      "list.yaml",
      lines(
        "apiVersion: v1",
        "kind: List",
        "items:",
        "  - apiVersion: v1",
        "    kind: ConfigMap",
        "    metadata: {name: a}",
        "  - apiVersion: v1",
        "    kind: PodList",
        "    items:",
        "      - apiVersion: v1",
        "        kind: Pod",
        "        metadata: {name: b}",
        "---",
        "apiVersion: v1",
        "kind: ServiceList",
        "items: []",
        "---",
        "apiVersion: v1",
        "kind: List",
        "items: null",
      ),
    );
    expect(loaded.errors).toEqual([]);
    expect(
      loaded.manifests.map((manifest) => `${manifest.object["kind"]}/${(manifest.object["metadata"] as { name: string }).name}`),
    ).toEqual(["ConfigMap/a", "Pod/b"]);
    expect(loaded.manifests[1]?.locate(["metadata"])).toMatchObject({ line: 12, column: 9 });
  });

  it("a custom kind that only ends in List, without items, is an ordinary object", () => {
    const loaded = loadManifestFile("allow.yaml", lines("apiVersion: example.com/v1", "kind: AllowList", "spec: {entries: [a]}"));
    expect(loaded.manifests.map((manifest) => manifest.object["kind"])).toEqual(["AllowList"]);
  });

  it("keeps the objects of good documents when another document is broken", () => {
    const loaded = loadManifestFile(
      "mixed.yaml",
      lines(
        "apiVersion: v1",
        "kind: Namespace",
        "metadata: {name: a}",
        "---",
        "kind: Pod",
        "---",
        "apiVersion: v1",
        "kind: Namespace",
        "metadata: {name: b}",
      ),
    );
    expect(loaded.manifests).toHaveLength(2);
    expect(loaded.errors.map((error) => `${error.line}: ${error.message}`)).toEqual(["5: document 2 has no apiVersion"]);
  });

  it("objects are plain JSON values", () => {
    const loaded = loadManifestFile(
      "plain.yaml",
      lines("apiVersion: v1", "kind: ConfigMap", "data:", "  __proto__: x", "  constructor: y"),
    );
    const object = loaded.manifests[0]?.object;
    expect(Object.getPrototypeOf(object)).toBe(Object.prototype);
    expect(JSON.parse(JSON.stringify(object))).toEqual(object);
    const data = object?.["data"] as Record<string, unknown>;
    expect(Object.keys(data)).toEqual(["__proto__", "constructor"]);
    expect(Object.getPrototypeOf(data)).toBe(Object.prototype);
  });
});
