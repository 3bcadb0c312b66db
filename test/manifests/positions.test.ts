import { describe, expect, it } from "@jest/globals";
import { loadManifestFile } from "../../src/manifests/load.js";
import { parseDocuments } from "../../src/manifests/yaml.js";
import { lines, onlyDocument } from "./support.js";

const pod = lines(
  "apiVersion: v1", // 1
  "kind: Pod", // 2
  "metadata:", // 3
  "  name: web", // 4
  "spec:", // 5
  "  containers:", // 6
  "    - name: app", // 7
  "      image: nginx", // 8
  "      securityContext:", // 9
  "        privileged: true", // 10
  "    - name: sidecar", // 11
  "      image: busybox", // 12
  "      command:", // 13
  "        - sh", // 14
  "        - -c", // 15
);

describe("locate: where a field sits", () => {
  const { locate } = onlyDocument(pod);

  it("a mapping entry spans from its key to the end of its value", () => {
    expect(locate(["spec", "containers", 0, "securityContext", "privileged"])).toEqual({ line: 10, column: 9, endLine: 10, endColumn: 24 });
    expect(locate(["metadata", "name"])).toEqual({ line: 4, column: 3, endLine: 4, endColumn: 11 });
  });

  it("an entry whose value is a collection ends where the collection ends", () => {
    expect(locate(["spec", "containers", 0, "securityContext"])).toEqual({ line: 9, column: 7, endLine: 10, endColumn: 24 });
  });

  it("a sequence item starts at the item: a mapping item on its first key, on the dash's line", () => {
    expect(locate(["spec", "containers", 1])).toMatchObject({ line: 11, column: 7 });
    expect(locate(["spec", "containers", 1, "command", 1])).toEqual({ line: 15, column: 11, endLine: 15, endColumn: 12 });
  });

  it("a missing field resolves to its nearest existing parent", () => {
    // the container's `- name:` line
    expect(locate(["spec", "containers", 1, "securityContext", "runAsNonRoot"])).toMatchObject({ line: 11, column: 7 });
    // the `securityContext:` line
    expect(locate(["spec", "containers", 0, "securityContext", "runAsNonRoot"])).toMatchObject({ line: 9, column: 7 });
    // an index past the end: the sequence's entry
    expect(locate(["spec", "containers", 7, "image"])).toMatchObject({ line: 6, column: 3 });
    expect(locate(["spec", "hostNetwork"])).toMatchObject({ line: 5, column: 1 });
  });

  it("a path through a scalar stops at the scalar", () => {
    expect(locate(["metadata", "name", "first"])).toMatchObject({ line: 4, column: 3 });
  });

  it("the empty path is the document root", () => {
    expect(locate([])).toMatchObject({ line: 1, column: 1, endLine: 15 });
  });

  it("a key with no value spans the key", () => {
    const document = onlyDocument(lines("a: 1", "securityContext:", "b: 2"));
    expect(document.locate(["securityContext"])).toEqual({ line: 2, column: 1, endLine: 2, endColumn: 15 });
    expect(document.locate(["securityContext", "privileged"])).toEqual({ line: 2, column: 1, endLine: 2, endColumn: 15 });
  });

  it("quoted keys and values include their quotes, block scalars end on their last line", () => {
    const document = onlyDocument(lines('"image": "nginx:1.25"', "script: |", "  echo one", "  echo two", "other: x"));
    expect(document.locate(["image"])).toEqual({ line: 1, column: 1, endLine: 1, endColumn: 21 });
    expect(document.locate(["script"])).toMatchObject({ line: 2, column: 1, endLine: 4 });
  });

  it("flow collections locate their members", () => {
    const document = onlyDocument(lines("ports: [{containerPort: 80}, {containerPort: 443, hostPort: 443}]", "empty: {}"));
    expect(document.locate(["ports", 1, "hostPort"])).toEqual({ line: 1, column: 51, endLine: 1, endColumn: 63 });
    expect(document.locate(["empty"])).toEqual({ line: 2, column: 1, endLine: 2, endColumn: 9 });
  });

  it("numeric-looking path segments address sequence items and string keys alike", () => {
    const document = onlyDocument(lines("data:", '  "8080": web', "list:", "  - a", "  - b"));
    expect(document.locate(["data", "8080"])).toMatchObject({ line: 2, column: 3 });
    expect(document.locate(["list", "1"])).toMatchObject({ line: 5, column: 5 });
  });
});

describe("positions across files and encodings", () => {
  it("every document of a stream keeps the lines of the file", () => {
    const parsed = parseDocuments("multi.yaml", lines("a: 1", "---", "# a comment", "b:", "  c: 2", "---", "d: 3"));
    expect(parsed.documents.map((document) => document.index)).toEqual([0, 1, 2]);
    expect(parsed.documents[1]?.locate(["b", "c"])).toMatchObject({ line: 5, column: 3 });
    expect(parsed.documents[2]?.locate([])).toMatchObject({ line: 7, column: 1 });
  });

  it("a JSON file gets positions too", () => {
    const json = [
      "{",
      '  "apiVersion": "v1",',
      '  "kind": "Pod",',
      '  "spec": {',
      '    "containers": [',
      '      {"name": "app", "image": "nginx"}',
      "    ]",
      "  }",
      "}",
    ].join("\n");
    const document = onlyDocument(json);
    expect(document.locate(["kind"])).toEqual({ line: 3, column: 3, endLine: 3, endColumn: 15 });
    expect(document.locate(["spec", "containers", 0, "image"])).toMatchObject({ line: 6, column: 23 });
    expect(document.locate(["spec", "containers", 0, "securityContext"])).toMatchObject({ line: 6, column: 7 });
  });

  it("CRLF line endings count as one line break", () => {
    const document = onlyDocument(pod.replace(/\n/g, "\r\n"));
    expect(document.locate(["spec", "containers", 0, "securityContext", "privileged"])).toEqual({
      line: 10,
      column: 9,
      endLine: 10,
      endColumn: 24,
    });
    expect(document.value).toEqual(onlyDocument(pod).value);
  });

  it("a UTF-8 byte-order mark is dropped and does not shift columns", () => {
    const bytes = new Uint8Array([0xef, 0xbb, 0xbf, ...Buffer.from(pod, "utf8")]);
    for (const input of [bytes, `\ufeff${pod}`]) {
      const document = onlyDocument(input);
      expect(document.locate(["apiVersion"])).toEqual({ line: 1, column: 1, endLine: 1, endColumn: 14 });
      expect(document.locate(["spec", "containers", 0, "securityContext", "privileged"])).toMatchObject({ line: 10, column: 9 });
      expect(Object.keys(document.value as object)[0]).toBe("apiVersion");
    }
  });

  it("each item of a List locates inside the item", () => {
    const list = lines(
      "apiVersion: v1", // 1
      "kind: List", // 2
      "items:", // 3
      "  - apiVersion: v1", // 4
      "    kind: ConfigMap", // 5
      "    metadata: {name: one}", // 6
      "  - apiVersion: v1", // 7
      "    kind: Pod", // 8
      "    spec:", // 9
      "      containers: []", // 10
    );
    const loaded = loadManifestFile("list.yaml", list);
    expect(loaded.errors).toEqual([]);
    const [configMap, podItem] = loaded.manifests;
    expect(configMap?.locate(["metadata", "name"])).toMatchObject({ line: 6, column: 16 });
    expect(podItem?.locate([])).toMatchObject({ line: 7, column: 5 });
    expect(podItem?.locate(["spec", "containers"])).toMatchObject({ line: 10, column: 7 });
    expect(podItem?.locate(["spec", "securityContext"])).toMatchObject({ line: 9, column: 5 });
    expect(podItem?.locate(["metadata", "name"])).toMatchObject({ line: 7, column: 5 });
  });
});
