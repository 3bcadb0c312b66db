/** The `validate.cel` API the Kyverno ClusterPolicy kind uses: expressions and variables in, failures out. */
import { describe, expect, test } from "@jest/globals";
import { compileCelRule } from "../../../src/policy/vpol/cel-rule.js";

const context = { inventory: [], namespaces: new Map() };
const pod = {
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name: "web" },
  spec: { containers: [{ name: "a", image: "nginx:1.27" }, { name: "b", image: "nginx:latest" }] },
};

describe("compileCelRule", () => {
  test("failing expressions report their message and the offending field", () => {
    const compiled = compileCelRule(
      {
        variables: [{ name: "images", expression: "object.spec.containers.map(c, image(c.image))" }],
        expressions: [
          { expression: "object.spec.containers.all(c, !c.image.endsWith(':latest'))", message: "no latest tags" },
          { expression: "variables.images.all(i, i.registry() == 'docker.io')", message: "docker.io only" },
        ],
      },
      ["spec", "rules", 0, "validate", "cel"],
    );
    if ("errors" in compiled) throw new Error(JSON.stringify(compiled.errors));
    expect(compiled.rule(pod, context)).toEqual([{ kind: "violation", message: "no latest tags", path: ["spec", "containers", 1] }]);
  });

  test("errors point into validate.cel, and cluster lookups are refused", () => {
    const at = ["spec", "rules", 0, "validate", "cel"];
    const compiled = compileCelRule({ expressions: [{ expression: "resource.List('v1', 'pods', '').items.size() < 10" }, { expression: "1 +" }] }, at);
    expect(compiled).toEqual({
      errors: [
        { path: [...at, "expressions", 0, "expression"], message: expect.stringMatching(/needs a live cluster: the cluster's objects/) },
        { path: [...at, "expressions", 1, "expression"], message: expect.stringMatching(/invalid CEL expression "1 \+"/) },
      ],
    });
  });
});
