/**
 * Hostile CEL policy documents: any field of a ValidatingAdmissionPolicy, its binding, a Kyverno
 * ValidatingPolicy or a CEL ConstraintTemplate replaced by an arbitrary JSON value. Loading never throws,
 * and whatever loads judges a manifest without throwing; a document that does not load says why.
 */
import { describe, expect, test } from "@jest/globals";
import fc from "fast-check";
import { loadManifestFile } from "../../src/manifests/load.js";
import { evaluate } from "../../src/policy/engine.js";
import { loadPolicies } from "../../src/config/policy-files.js";

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const VAP: Json = {
  apiVersion: "admissionregistration.k8s.io/v1",
  kind: "ValidatingAdmissionPolicy",
  metadata: { name: "p" },
  spec: {
    paramKind: { apiVersion: "v1", kind: "ConfigMap" },
    matchConstraints: {
      resourceRules: [{ apiGroups: ["*"], apiVersions: ["*"], operations: ["*"], resources: ["*"] }],
      namespaceSelector: { matchLabels: { a: "b" } },
    },
    matchConditions: [{ name: "m", expression: "true" }],
    variables: [{ name: "v", expression: "object.metadata.name" }],
    validations: [{ expression: "variables.v != ''", messageExpression: "'x'", reason: "Invalid" }],
  },
};
const BINDING: Json = {
  apiVersion: "admissionregistration.k8s.io/v1",
  kind: "ValidatingAdmissionPolicyBinding",
  metadata: { name: "b" },
  spec: {
    policyName: "p",
    validationActions: ["Deny"],
    paramRef: { name: "c", parameterNotFoundAction: "Deny" },
    matchResources: { objectSelector: {} },
  },
};
const VPOL: Json = {
  apiVersion: "policies.kyverno.io/v1",
  kind: "ValidatingPolicy",
  metadata: { name: "k" },
  spec: {
    validationActions: ["Audit"],
    matchConstraints: { resourceRules: [{ apiGroups: [""], apiVersions: ["v1"], operations: ["CREATE"], resources: ["pods"] }] },
    validations: [{ expression: "has(object.spec)" }],
  },
};
const TEMPLATE: Json = {
  apiVersion: "templates.gatekeeper.sh/v1",
  kind: "ConstraintTemplate",
  metadata: { name: "t" },
  spec: {
    crd: { spec: { names: { kind: "FuzzKind" } } },
    targets: [
      {
        target: "admission.k8s.gatekeeper.sh",
        code: [{ engine: "K8sNativeValidation", source: { validations: [{ expression: "true" }] } }],
      },
    ],
  },
};
const CONSTRAINT: Json = {
  apiVersion: "constraints.gatekeeper.sh/v1beta1",
  kind: "FuzzKind",
  metadata: { name: "c" },
  spec: { parameters: { a: 1 } },
};

/** Every path of a JSON value. */
function paths(value: Json, prefix: (string | number)[] = []): (string | number)[][] {
  const out = [prefix];
  if (Array.isArray(value)) value.forEach((item, i) => out.push(...paths(item, [...prefix, i])));
  else if (value && typeof value === "object") for (const [key, item] of Object.entries(value)) out.push(...paths(item, [...prefix, key]));
  return out;
}

function replaced(value: Json, path: readonly (string | number)[], by: Json): Json {
  if (path.length === 0) return by;
  const [head, ...rest] = path;
  if (Array.isArray(value)) return value.map((item, i) => (i === head ? replaced(item, rest, by) : item));
  if (value && typeof value === "object")
    return { ...value, [head as string]: replaced((value as Record<string, Json>)[head as string] as Json, rest, by) };
  return value;
}

const manifest = loadManifestFile(
  "pod.yaml",
  "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  containers:\n  - name: a\n    image: nginx\n",
);

describe("hostile CEL policy documents", () => {
  test.each([
    ["ValidatingAdmissionPolicy", VAP],
    ["ValidatingAdmissionPolicyBinding", BINDING],
    ["ValidatingPolicy", VPOL],
    ["ConstraintTemplate", TEMPLATE],
  ] as const)("any field of a %s replaced: no throw", (_name, document) => {
    const all = paths(document);
    fc.assert(
      fc.property(fc.constantFrom(...all), fc.jsonValue() as fc.Arbitrary<Json>, (path, value) => {
        const mutated = replaced(document, path, value);
        const docs = [VAP, BINDING, VPOL, TEMPLATE, CONSTRAINT].map((d) => (d === document ? mutated : d));
        const content = docs.map((d) => JSON.stringify(d)).join("\n---\n");
        const loaded = loadPolicies([{ file: "policies.yaml", content }]);
        for (const error of loaded.errors) expect(error.message.length).toBeGreaterThan(0);
        expect(() => evaluate([manifest], loaded.policies)).not.toThrow();
      }),
      { numRuns: 150 },
    );
  });
});
