import { describe, expect, it } from "@jest/globals";
import { applyFixes } from "../../src/fix/apply.js";
import { fixFiles } from "../../src/fix/files.js";
import type { FieldEdit } from "../../src/fix/types.js";

/** The file after one fix made of these edits on document 0, or the reason it was refused. */
function fixed(text: string, edits: FieldEdit[], document = 0): string {
  const result = applyFixes("file.yaml", text, [{ document, fix: { description: "test", edits } }]);
  const refused = result.refused[0];
  return refused ? `REFUSED: ${refused.reason}` : result.text;
}

const POD = `apiVersion: v1
kind: Pod
metadata:
  name: r00t   # the attacker's pod
spec:
  hostPID: true
  containers:
  - name: "1"
    image: alpine
    securityContext:
      privileged: true
`;

describe("scalars are rewritten in place, in their own style", () => {
  it("keeps the comment and the indentation of a block mapping", () => {
    expect(fixed(POD, [{ op: "set", path: ["spec", "hostPID"], value: false }])).toBe(POD.replace("hostPID: true", "hostPID: false"));
  });

  it("keeps single and double quotes of a string", () => {
    expect(fixed("a: 'x'\nb: \"y\"\n", [{ op: "set", path: ["a"], value: "it's" }])).toBe("a: 'it''s'\nb: \"y\"\n");
    expect(fixed("a: 'x'\nb: \"y\"\n", [{ op: "set", path: ["b"], value: "z" }])).toBe("a: 'x'\nb: \"z\"\n");
  });

  it("quotes a string that YAML 1.1 would read as something else", () => {
    expect(fixed("a: x\n", [{ op: "set", path: ["a"], value: "yes" }])).toBe('a: "yes"\n');
  });

  it("edits JSON as JSON", () => {
    const json = '{\n  "spec": {\n    "hostNetwork": true,\n    "containers": []\n  }\n}\n';
    expect(fixed(json, [{ op: "set", path: ["spec", "hostNetwork"], value: false }])).toBe(json.replace("true", "false"));
  });
});

describe("new keys go after the last entry of their mapping", () => {
  it("adds nested mappings at the file's indentation step", () => {
    expect(fixed(POD, [{ op: "set", path: ["spec", "containers", 0, "securityContext", "allowPrivilegeEscalation"], value: false }])).toBe(
      POD + "      allowPrivilegeEscalation: false\n",
    );
    const fourSpaces = "spec:\n    containers:\n    -   name: a\n        image: b\n";
    expect(fixed(fourSpaces, [{ op: "set", path: ["spec", "securityContext", "seccompProfile", "type"], value: "RuntimeDefault" }])).toBe(
      fourSpaces + "    securityContext:\n        seccompProfile:\n            type: RuntimeDefault\n",
    );
  });

  it("adds a sequence in flow style", () => {
    const text = "c:\n  securityContext:\n    runAsUser: 1\nafter: 1\n";
    expect(fixed(text, [{ op: "append", path: ["c", "securityContext", "capabilities", "drop"], value: "ALL" }])).toBe(
      'c:\n  securityContext:\n    runAsUser: 1\n    capabilities:\n      drop: ["ALL"]\nafter: 1\n',
    );
  });

  it("adds to a flow mapping on one line and to a JSON object laid out one key per line", () => {
    expect(fixed("sc: {runAsUser: 1}\n", [{ op: "set", path: ["sc", "runAsNonRoot"], value: true }])).toBe(
      "sc: {runAsUser: 1, runAsNonRoot: true}\n",
    );
    expect(fixed("sc: {}\n", [{ op: "set", path: ["sc", "runAsNonRoot"], value: true }])).toBe("sc: {runAsNonRoot: true}\n");
    const json = '{\n  "spec": {\n    "hostNetwork": true\n  }\n}';
    expect(fixed(json, [{ op: "set", path: ["spec", "securityContext", "seccompProfile", "type"], value: "RuntimeDefault" }])).toBe(
      '{\n  "spec": {\n    "hostNetwork": true,\n    "securityContext": {\n      "seccompProfile": {\n        "type": "RuntimeDefault"\n      }\n    }\n  }\n}',
    );
  });

  it("merges a mapping into an existing one, key by key", () => {
    const text = "sc:\n  seccompProfile:\n    type: Unconfined\n";
    expect(fixed(text, [{ op: "set", path: ["sc", "seccompProfile"], value: { type: "RuntimeDefault" } }])).toBe(
      "sc:\n  seccompProfile:\n    type: RuntimeDefault\n",
    );
  });

  it("appends to a block and to a flow sequence, once", () => {
    expect(fixed("drop:\n- NET_RAW\n", [{ op: "append", path: ["drop"], value: "ALL" }])).toBe("drop:\n- NET_RAW\n- ALL\n");
    expect(fixed("drop: [NET_RAW]\n", [{ op: "append", path: ["drop"], value: "ALL" }])).toBe('drop: [NET_RAW, "ALL"]\n');
    expect(fixed("drop: [ALL]\n", [{ op: "append", path: ["drop"], value: "ALL" }])).toBe("drop: [ALL]\n");
  });
});

describe("removals take their lines or their comma with them", () => {
  it("removes a key's lines, its comment included", () => {
    expect(fixed("a: 1\nb: 2 # why\nc: 3\n", [{ op: "remove", path: ["b"] }])).toBe("a: 1\nc: 3\n");
    expect(fixed("l:\n- a: 1\n  b: 2\n", [{ op: "remove", path: ["l", 0, "a"] }])).toBe("l:\n- b: 2\n");
  });

  it("removes sequence items in block and flow style", () => {
    expect(fixed("add:\n- SYS_ADMIN\n- NET_BIND_SERVICE\n", [{ op: "remove", path: ["add", 0] }])).toBe("add:\n- NET_BIND_SERVICE\n");
    expect(fixed("add: [SYS_ADMIN, NET_BIND_SERVICE]\n", [{ op: "remove", path: ["add", 1] }])).toBe("add: [SYS_ADMIN]\n");
    expect(fixed("add: [SYS_ADMIN, NET_BIND_SERVICE]\n", [{ op: "remove", path: ["add", 0] }])).toBe("add: [NET_BIND_SERVICE]\n");
    expect(fixed('add: ["SYS_ADMIN"]\n', [{ op: "remove", path: ["add", 0] }])).toBe("add: []\n");
  });

  it("leaves an empty flow collection where the last key or item of a block one goes", () => {
    expect(fixed("sc:\n  add:\n  - SYS_ADMIN # bad\nx: 1\n", [{ op: "remove", path: ["sc", "add", 0] }])).toBe(
      "sc:\n  add: [] # bad\nx: 1\n",
    );
    expect(fixed("sc:\n  privileged: true\n", [{ op: "remove", path: ["sc", "privileged"] }])).toBe("sc: {}\n");
    expect(fixed("add:\n- A\n- B\n- A\n", [{ op: "pull", path: ["add"], value: "A" }])).toBe("add:\n- B\n");
  });
});

describe("line ends and byte-order marks", () => {
  it("keeps CRLF line ends, new lines included", () => {
    const text = "spec:\r\n  hostPID: true\r\n  containers: []\r\n";
    expect(fixed(text, [{ op: "set", path: ["spec", "hostPID"], value: false }])).toBe(text.replace("true", "false"));
    expect(fixed(text, [{ op: "set", path: ["spec", "securityContext", "runAsNonRoot"], value: true }])).toBe(
      `${text}  securityContext:\r\n    runAsNonRoot: true\r\n`,
    );
  });

  it("keeps a byte-order mark", () => {
    const text = "\uFEFFspec:\n  hostPID: true\n";
    const result = fixFiles(new Map([["f.yaml", text]]), [
      { file: "f.yaml", fix: { document: 0, fix: { description: "", edits: [{ op: "set", path: ["spec", "hostPID"], value: false }] } } },
    ]);
    expect(result.texts.get("f.yaml")).toBe("\uFEFFspec:\n  hostPID: false\n");
  });

  it("adds a line break before a key added at the end of a file without one", () => {
    expect(fixed("a:\n  b: 1", [{ op: "set", path: ["a", "c"], value: 2 }])).toBe("a:\n  b: 1\n  c: 2\n");
  });
});

describe("refuses what cannot be edited safely", () => {
  it("anchors, aliases and merge keys", () => {
    expect(fixed("a: &x true\nb: *x\n", [{ op: "set", path: ["a"], value: false }])).toMatch(/^REFUSED: .*anchor/);
    expect(fixed("a: &x true\nb: *x\n", [{ op: "set", path: ["b"], value: false }])).toMatch(/^REFUSED: .*alias/);
    expect(fixed("base: &b {x: 1}\nm:\n  <<: *b\n  y: 2\n", [{ op: "set", path: ["m", "x"], value: 3 }])).toMatch(/^REFUSED/);
    expect(fixed("base: &b {x: 1}\nm:\n  <<: *b\n  y: 2\n", [{ op: "set", path: ["m", "z"], value: 3 }])).toMatch(/^REFUSED: .*merge/);
  });

  it("a removal that would empty a block collection not owned by a key, a file with errors", () => {
    expect(fixed("- privileged: true\n", [{ op: "remove", path: [0, "privileged"] }])).toMatch(/^REFUSED: .*empty block mapping/);
    expect(fixed("a: 1\na: 2\n", [{ op: "set", path: ["a"], value: 3 }])).toMatch(/^REFUSED: the file has errors/);
  });

  it("edits the right document of a stream and leaves the others alone", () => {
    const stream = "a: true\n---\na: true\n";
    expect(fixed(stream, [{ op: "set", path: ["a"], value: false }], 1)).toBe("a: true\n---\na: false\n");
  });
});

describe("documents are numbered as the manifest reader numbers them", () => {
  // kubectl cuts the stream at `---` lines before YAML sees it: a leading comment is a document of its
  // own (index 0) there, while one YAML stream would make the comment part of the first document.
  it("edits the document the finding is on when a comment comes before the first ---", () => {
    const text = `# Source: chart/templates/pod.yaml\n---\n${POD}---\n${POD.replace("r00t", "second")}`;
    expect(fixed(text, [{ op: "set", path: ["spec", "hostPID"], value: false }], 1)).toBe(
      `# Source: chart/templates/pod.yaml\n---\n${POD.replace("hostPID: true", "hostPID: false")}---\n${POD.replace("r00t", "second")}`,
    );
    expect(fixed(text, [{ op: "set", path: ["spec", "hostPID"], value: false }], 2)).toBe(
      `# Source: chart/templates/pod.yaml\n---\n${POD}---\n${POD.replace("r00t", "second").replace("hostPID: true", "hostPID: false")}`,
    );
  });
});

describe("a mapping whose last value is empty", () => {
  it("gets a new key after the line of that empty value, not inside the item before it", () => {
    const text = "spec:\n  containers: []\n  volumes:\n    - name: cache\n      emptyDir:\n";
    expect(fixed(text, [{ op: "set", path: ["spec", "securityContext", "seccompProfile"], value: { type: "RuntimeDefault" } }])).toBe(
      `${text}  securityContext:\n    seccompProfile:\n      type: RuntimeDefault\n`,
    );
  });
});
