/**
 * Names that are properties of every JavaScript object (`constructor`, `__proto__`, `toString`...)
 * are ordinary strings in a manifest. Used as a kind, an API group, a name, a namespace, a label or
 * any field, they must neither crash the check (an internal error) nor hide the violating Pod
 * written beside them.
 */
import { beforeAll, describe, expect, test } from "@jest/globals";
import fc from "fast-check";
import { evaluate } from "../../src/policy/engine.js";
import type { Policy } from "../../src/policy/types.js";
import { load, shippedPolicies } from "./support.js";

let policies: Policy[];
beforeAll(async () => {
  policies = await shippedPolicies();
});

const objectName = fc.constantFrom(
  "constructor",
  "__proto__",
  "toString",
  "valueOf",
  "hasOwnProperty",
  "isPrototypeOf",
  "propertyIsEnumerable",
  "toLocaleString",
  "__defineGetter__",
  "__lookupGetter__",
);
const apiVersion = fc.oneof(
  fc.constantFrom("v1", "apps/v1", "batch/v1", "argoproj.io/v1alpha1"),
  objectName.map((name) => `${name}/v1`),
  objectName,
);
const kind = fc.oneof(objectName, fc.constantFrom("Pod", "Deployment", "CronJob", "List", "Rollout", "Workflow"));

const hostileDocument = fc
  .record({ apiVersion, kind, name: objectName, key: objectName, value: objectName, items: fc.boolean() })
  .map(({ apiVersion, kind, name, key, value, items }) =>
    [
      `apiVersion: ${apiVersion}`,
      `kind: ${kind}`,
      `metadata: {name: ${name}, namespace: ${value}, labels: {${key}: ${value}}, annotations: {${key}: ${value}}}`,
      `spec: {${key}: ${value}, template: {metadata: {labels: {${key}: x}}, spec: {${key}: 1, containers: [{name: ${name}, image: ${value}, ${key}: 1}]}}}`,
      items ? `items: [{apiVersion: v1, kind: ${kind}, metadata: {name: ${name}}}, {${key}: 1}]` : "",
    ]
      .filter(Boolean)
      .join("\n"),
  );

const privilegedPod =
  "apiVersion: v1\nkind: Pod\nmetadata: {name: breakout}\nspec:\n  containers:\n  - name: c\n    image: nginx\n    securityContext: {privileged: true}\n";

describe("object property names in manifests", () => {
  test("never crash the check, and never hide the privileged Pod beside them", () => {
    fc.assert(
      fc.property(fc.array(hostileDocument, { minLength: 1, maxLength: 4 }), (documents) => {
        const text = [...documents, privilegedPod].join("\n---\n");
        const loaded = load(text);
        const result = evaluate([loaded], policies);
        const pod = result.findings.filter((finding) => finding.resource.name === "breakout" && finding.action === "deny");
        expect(pod.map((finding) => finding.path)).toContain("spec.containers[0].securityContext.privileged");
      }),
      { numRuns: 300, seed: 17 },
    );
  });
});
