/** The `validate.cel` API the Kyverno ClusterPolicy kind uses: a rule's CEL in, failures out. */
import { describe, expect, test } from "@jest/globals";
import { compileCelRule } from "../../../src/policy/vpol/cel-rule.js";

const context = { inventory: [], namespaces: new Map() };
const pod = {
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name: "web" },
  spec: {
    containers: [
      { name: "a", image: "nginx:1.27" },
      { name: "b", image: "nginx:latest" },
    ],
  },
};
const at = ["spec", "rules", 0];

describe("compileCelRule", () => {
  test("failing expressions report their message and the offending field", () => {
    const compiled = compileCelRule(
      {
        cel: {
          variables: [{ name: "containers", expression: "object.spec.containers" }],
          expressions: [
            { expression: "variables.containers.all(c, !c.image.endsWith(':latest'))", message: "no latest tags" },
            { expression: "object.spec.containers.all(c, c.name != 'a')" },
          ],
        },
        message: "the rule's message",
      },
      at,
    );
    if ("errors" in compiled) throw new Error(JSON.stringify(compiled.errors));
    expect(compiled.rule.evaluate(pod, context, null)).toEqual([
      { kind: "violation", message: "no latest tags", path: ["spec", "containers", 1] },
      // Kyverno gives an expression without a message the rule's validate.message.
      { kind: "violation", message: "the rule's message", path: ["spec", "containers", 0] },
    ]);
  });

  test("celPreconditions that do not hold skip the rule", () => {
    const compiled = compileCelRule(
      { cel: { expressions: [{ expression: "false" }] }, preconditions: [{ name: "only-jobs", expression: "object.kind == 'Job'" }] },
      at,
    );
    if ("errors" in compiled) throw new Error(JSON.stringify(compiled.errors));
    expect(compiled.rule.evaluate(pod, context, null)).toBeUndefined();
  });

  test("params are bound when the caller selects them", () => {
    const compiled = compileCelRule(
      {
        cel: {
          paramKind: { apiVersion: "v1", kind: "ConfigMap" },
          paramRef: { name: "registries" },
          expressions: [{ expression: "object.spec.containers.all(c, c.image.startsWith(params.data.registry))", message: "registry" }],
        },
      },
      at,
    );
    if ("errors" in compiled) throw new Error(JSON.stringify(compiled.errors));
    expect(compiled.rule.params).toEqual({
      kind: { apiVersion: "v1", kind: "ConfigMap" },
      ref: { name: "registries", parameterNotFoundAction: "Allow" },
    });
    const params = new Map([["data", new Map([["registry", "nginx"]])]]);
    expect(compiled.rule.evaluate(pod, context, params)).toEqual([]);
  });

  test("errors point into the rule as written; what needs a cluster says so", () => {
    const compiled = compileCelRule(
      {
        cel: { expressions: [{ expression: "authorizer.group('').resource('pods').check('get').allowed()" }, { expression: "1 +" }] },
        preconditions: [{ name: "x", expression: "resource.List('v1', 'pods', '')" }],
      },
      at,
    );
    expect(compiled).toEqual({
      errors: [
        { path: [...at, "celPreconditions", 0, "expression"], message: expect.stringMatching(/undeclared "resource"/) },
        {
          path: [...at, "validate", "cel", "expressions", 0, "expression"],
          message: expect.stringMatching(/needs a live cluster/),
          needs: expect.stringMatching(/authorizer/),
        },
        {
          path: [...at, "validate", "cel", "expressions", 1, "expression"],
          message: expect.stringMatching(/invalid CEL expression "1 \+"/),
        },
      ],
    });
  });
});
