/**
 * `$(...)` references in Kyverno patterns (kyverno pkg/engine/variables): a value of the pattern taken
 * by path, relative or absolute, with or without an operator; `\$(...)` is literal; a reference that
 * names nothing is a rule error (fail closed), never a pass or a silent literal comparison.
 */
import { describe, expect, it } from "@jest/globals";
import fc from "fast-check";
import type { JsonValue } from "../../../src/manifests/types.js";
import { loadManifestFile } from "../../../src/manifests/load.js";
import { evaluate } from "../../../src/policy/engine.js";
import { loadPolicies } from "../../../src/config/policy-files.js";
import { ReferenceError, substituteReferences } from "../../../src/policy/kyverno/references.js";

describe("substituteReferences", () => {
  it("a relative reference with an operator takes the sibling value, after the operator", () => {
    const pattern = {
      spec: { containers: [{ resources: { requests: { memory: "$(<=./../../limits/memory)" }, limits: { memory: "2Gi" } } }] },
    };
    expect(substituteReferences(pattern)).toEqual({
      spec: { containers: [{ resources: { requests: { memory: "<=2Gi" }, limits: { memory: "2Gi" } } }] },
    });
  });

  it("an absolute reference is a path from the pattern's root; anchors in the path are ignored", () => {
    const pattern = { metadata: { "=(labels)": { app: "$(/metadata/name)" }, name: "web" } };
    expect(substituteReferences(pattern)).toEqual({ metadata: { "=(labels)": { app: "web" }, name: "web" } });
  });

  it("a reference inside a longer string is spliced in; an escaped one stays literal", () => {
    expect(substituteReferences({ a: "x", b: "pre-$(./../a)", c: "\\$(./../a)" })).toEqual({ a: "x", b: "pre-x", c: "$(./../a)" });
  });

  it("a number read with an operator is printed as Kyverno prints a float", () => {
    expect(substituteReferences({ max: 3, replicas: "$(<=./../max)" })).toEqual({ max: 3, replicas: "<=3.000000" });
  });

  it("a path that names nothing, a map, or a non-string without an operator is an error", () => {
    expect(() => substituteReferences({ labels: { app: "$(../../name)" } })).toThrow(ReferenceError);
    expect(() => substituteReferences({ labels: { app: "$(../../name)" } })).toThrow(
      "got nil resolved variable $(../../name) at path /labels/app: <nil>",
    );
    expect(() => substituteReferences({ max: 3, replicas: "$(./../max)" })).toThrow("NotResolvedReferenceErr");
    expect(() => substituteReferences({ a: "$(<=)" })).toThrow("expected path, found empty reference");
  });

  it("a pattern without references is returned as it is", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        fc.pre(!JSON.stringify(value).includes("$("));
        expect(substituteReferences(value as JsonValue)).toBe(value);
      }),
    );
  });
});

const policy = (pattern: string) => `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: memory
spec:
  validationFailureAction: Enforce
  rules:
  - name: requests-within-limits
    match:
      any:
      - resources:
          kinds: [Pod]
    validate:
      message: "memory requests must not exceed the limit"
      pattern:
${pattern}`;

const pod = (name: string, request: string) => `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
spec:
  containers:
  - name: app
    image: nginx:1.25
    resources:
      requests:
        memory: ${request}
      limits:
        memory: 2Gi
`;

const check = (pattern: string, manifest: string) => {
  const loaded = loadPolicies([{ file: "policies/memory.yaml", content: policy(pattern) }]);
  expect(loaded.errors).toEqual([]);
  return evaluate([loadManifestFile("apps/pod.yaml", manifest)], loaded.policies).findings;
};

describe("references in a ClusterPolicy, through the engine", () => {
  const withinLimit = `        spec:
          containers:
          - resources:
              requests:
                memory: "$(<=./../../limits/memory)"
              limits:
                memory: "2Gi"
`;

  it("judges the resource against the referenced value, on the offending line", () => {
    expect(check(withinLimit, pod("small", "1Gi"))).toEqual([]);
    const findings = check(withinLimit, pod("big", "3Gi"));
    expect(findings).toMatchObject([{ action: "deny", line: 11, path: "spec.containers[0].resources.requests.memory" }]);
  });

  it("a reference that cannot be resolved is a rule error that blocks, naming the reference", () => {
    const broken = `        spec:
          containers:
          - resources:
              requests:
                memory: "$(<=./../../missing/memory)"
`;
    const findings = check(broken, pod("small", "1Gi"));
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ action: "deny", line: 1 });
    // Kyverno's words: with an operator, the missing value fails the operator.
    expect(findings[0]?.message).toContain(
      "could not be evaluated: variable substitution failed: failed to resolve $(<=./../../missing/memory) at path " +
        "/spec/containers/0/resources/requests/memory: incorrect expression: operator <= does not match with value <nil>",
    );
  });
});

describe("references where they are not resolved", () => {
  it("a $(...) in deny conditions makes the rule not evaluated (with its action), never a literal comparison", () => {
    const loaded = loadPolicies([
      {
        file: "policies/replicas.yaml",
        content: `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: replicas
spec:
  validationFailureAction: Enforce
  rules:
  - name: at-most-max
    match:
      any:
      - resources:
          kinds: [Deployment]
    validate:
      message: "too many replicas"
      deny:
        conditions:
          any:
          - key: "{{ request.object.spec.replicas }}"
            operator: GreaterThan
            value: "$(./../max)"
`,
      },
    ]);
    expect(loaded.errors).toEqual([]);
    const deployment = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 3
  template:
    spec:
      containers:
      - name: app
        image: nginx:1.25
`;
    const findings = evaluate([loadManifestFile("apps/web.yaml", deployment)], loaded.policies).findings;
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ action: "deny", rule: "at-most-max" });
    expect(findings[0]?.message).toContain("not evaluated: needs `$(...)` references in conditions resolved");
  });
});
