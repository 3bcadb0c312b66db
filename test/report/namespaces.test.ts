/** The "Pod Security by namespace" section: one row per namespace, policy and mode; untrusted names stay inert. */
import { describe, expect, it } from "@jest/globals";
import type { NamespaceSummary } from "../../src/policy/engine.js";
import { MAX_NAMESPACE_ROWS, namespaceMarkdown, namespaceTextLines } from "../../src/report/namespaces.js";

const prod: NamespaceSummary = {
  namespace: "prod",
  policy: "pod-security-baseline",
  judgements: [
    { mode: "enforce", level: "restricted:v1.30", source: "label pod-security.kubernetes.io/enforce of Namespace prod (ns/prod.yaml:3)" },
  ],
};

describe("namespace summary", () => {
  it("is absent when no policy depends on the namespace", () => {
    expect(namespaceMarkdown([])).toBe("");
    expect(namespaceTextLines(undefined)).toEqual([]);
  });

  it("renders a table row per judgement, and the workloads without a namespace by that name", () => {
    const markdown = namespaceMarkdown([
      prod,
      {
        ...prod,
        namespace: undefined,
        judgements: [{ mode: "enforce", level: "baseline:latest", source: "default (policy parameters): no namespace declared" }],
      },
    ]);
    expect(markdown.split("\n")).toEqual([
      "#### Pod Security by namespace",
      "| Namespace | Policy | Mode | Level | From |",
      "|---|---|---|---|---|",
      "| `prod` | `pod-security-baseline` | enforce | `restricted:v1.30` | label pod-security.kubernetes.io/enforce of Namespace prod (ns/prod.yaml:3) |",
      "| `(no namespace declared)` | `pod-security-baseline` | enforce | `baseline:latest` | default (policy parameters): no namespace declared |",
    ]);
  });

  it("keeps a hostile source from breaking the table or injecting markup, and bounds the rows", () => {
    const hostile = { ...prod, judgements: [{ mode: "enforce", level: "x", source: "a | b <img src=x> [link](http://e)" }] };
    expect(namespaceMarkdown([hostile])).toContain("a \\| b \\<img src=x\\> \\[link\\](http://e)");
    const many = Array.from({ length: MAX_NAMESPACE_ROWS + 3 }, (_, index) => ({ ...prod, namespace: `ns-${index}` }));
    const lines = namespaceMarkdown(many).split("\n");
    expect(lines.filter((line) => line.startsWith("| `ns-"))).toHaveLength(MAX_NAMESPACE_ROWS);
    expect(lines.at(-1)).toBe("_3 more rows not shown._");
  });
});
