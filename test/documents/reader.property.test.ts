/**
 * The document reader under random input: valid documents of every kind it reads (PolicyException, a
 * PodSecurity policy, a Gatekeeper constraint, the Pod Security admission configuration, the org
 * config), mutated at random (a key removed, renamed with a typo, added, a value replaced by any JSON
 * value), and random JSON documents. Reading never throws; every problem has a stable code from the
 * code list and a line and column inside the file; a document with problems yields nothing.
 */
import { describe, expect, test } from "@jest/globals";
import fc from "fast-check";
import { dump } from "js-yaml";
import { loadPolicies } from "../../src/config/policy-files.js";
import { parseOrgConfig } from "../../src/config/parse.js";
import { PROBLEM_CODES } from "../../src/documents/codes.js";
import type { InputError, JsonObject, JsonValue } from "../../src/manifests/types.js";

const EXCEPTION: JsonObject = {
  apiVersion: "kube-policy-bot.dev/v1",
  kind: "PolicyException",
  metadata: { name: "fluent-bit" },
  spec: {
    policies: [{ name: "pss", rules: ["hostPathVolumes"] }],
    resources: [{ kinds: ["DaemonSet"], namespaces: ["logging"], names: ["fluent-bit"] }],
    containers: ["fluent-bit"],
    reason: "log shipping",
    approver: "alice",
    expires: "2026-12-31",
  },
};
const POD_SECURITY: JsonObject = {
  apiVersion: "kube-policy-bot.dev/v1",
  kind: "PodSecurity",
  metadata: { name: "pss" },
  spec: {
    enforcementAction: "scoped",
    scopedEnforcementActions: [{ action: "warn", enforcementPoints: [{ name: "gator.gatekeeper.sh" }] }],
    match: {
      kinds: [{ apiGroups: [""], kinds: ["Pod"] }],
      namespaceSelector: { matchExpressions: [{ key: "team", operator: "In", values: ["a"] }] },
    },
    parameters: { level: "restricted", version: "v1.30", namespaceLabels: ["enforce", "warn"] },
  },
};
const CONSTRAINT: JsonObject = {
  apiVersion: "constraints.gatekeeper.sh/v1beta1",
  kind: "K8sRequiredLabels",
  metadata: { name: "owner" },
  spec: {
    match: { labelSelector: { matchLabels: { tier: "web" } }, excludedNamespaces: ["kube-system"], scope: "Namespaced" },
    parameters: { labels: [{ key: "owner", allowedRegex: "^[a-z]+$" }], message: "needs an owner" },
  },
};
const ADMISSION: JsonObject = {
  apiVersion: "apiserver.config.k8s.io/v1",
  kind: "AdmissionConfiguration",
  plugins: [
    {
      name: "PodSecurity",
      configuration: {
        apiVersion: "pod-security.admission.config.k8s.io/v1",
        kind: "PodSecurityConfiguration",
        defaults: { enforce: "baseline", "enforce-version": "latest", warn: "restricted" },
        exemptions: { namespaces: ["kube-system"], runtimeClasses: ["kata"] },
      },
    },
  ],
};
const ORG_CONFIG: JsonObject = {
  manifests: { include: ["deploy/**/*.yaml"] },
  policies: { shipped: true, paths: ["policies/*.yaml"] },
  check: { name: "policy", failureMode: "fail-closed", gate: "new" },
  exceptions: { approvers: [{ team: "platform", policies: ["pss"] }], maxDuration: "30d" },
};

type Mutation =
  | { kind: "remove" }
  | { kind: "rename"; suffix: string }
  | { kind: "add"; key: string; value: JsonValue }
  | { kind: "replace"; value: JsonValue };

const anyValue = fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<JsonValue>;
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.constant<Mutation>({ kind: "remove" }),
  fc.string({ minLength: 1, maxLength: 2 }).map((suffix): Mutation => ({ kind: "rename", suffix })),
  fc.record({ key: fc.string({ maxLength: 12 }), value: anyValue }).map(({ key, value }): Mutation => ({ kind: "add", key, value })),
  anyValue.map((value): Mutation => ({ kind: "replace", value })),
);

/** Every place in a value: mapping keys and list items, as paths. */
function places(value: JsonValue, at: (string | number)[] = []): (string | number)[][] {
  if (Array.isArray(value)) return value.flatMap((item, index) => [[...at, index], ...places(item, [...at, index])]);
  if (value !== null && typeof value === "object")
    return Object.entries(value).flatMap(([key, item]) => [[...at, key], ...places(item, [...at, key])]);
  return [];
}

/** Applies a mutation at the place picked by `choice` (a fraction of the places). */
function mutate(document: JsonObject, change: Mutation, choice: number): JsonObject {
  const copy = structuredClone(document) as JsonObject;
  const all = places(copy);
  const path = all[Math.floor(choice * all.length)] ?? [];
  const key = path[path.length - 1];
  let parent: JsonValue = copy;
  for (const step of path.slice(0, -1)) parent = (parent as Record<string | number, JsonValue>)[step] as JsonValue;
  const container = parent as Record<string | number, JsonValue>;
  if (key === undefined) return copy;
  switch (change.kind) {
    case "remove":
      if (Array.isArray(parent)) parent.splice(Number(key), 1);
      else delete container[key];
      break;
    case "rename":
      if (!Array.isArray(parent)) {
        container[`${String(key)}${change.suffix}`] = container[key] as JsonValue;
        delete container[key];
      }
      break;
    case "add": {
      const target = container[key];
      if (target !== null && typeof target === "object" && !Array.isArray(target)) (target as JsonObject)[change.key] = change.value;
      break;
    }
    case "replace":
      container[key] = change.value;
      break;
  }
  return copy;
}

const CODES = Object.keys(PROBLEM_CODES);
/** YAML text of a value (through JSON: fast-check may build objects without a prototype, which js-yaml refuses). */
const yaml = (value: JsonValue): string => dump(JSON.parse(JSON.stringify(value)));

function expectPlaced(errors: readonly InputError[], text: string): void {
  const lines = text.split("\n");
  for (const error of errors) {
    expect(CODES).toContain(error.code);
    expect(error.line).toBeGreaterThanOrEqual(1);
    expect(error.line).toBeLessThanOrEqual(Math.max(1, lines.length));
    expect(error.column).toBeGreaterThanOrEqual(1);
    expect(error.column).toBeLessThanOrEqual((lines[error.line - 1] ?? "").length + 1);
    expect(error.message.length).toBeGreaterThan(0);
    if (error.suggestion !== undefined) expect(error.message).toContain(`did you mean "${error.suggestion}"?`);
  }
}

describe("the document reader, on random documents", () => {
  test.each([
    ["a PolicyException", EXCEPTION],
    ["a PodSecurity policy", POD_SECURITY],
    ["a Gatekeeper constraint", CONSTRAINT],
    ["an AdmissionConfiguration", ADMISSION],
  ])("%s, mutated: no throw; every problem coded and placed in the file; nothing loaded from a refused document", (_what, valid) => {
    const clean = loadPolicies([{ file: "p.yaml", content: dump(valid) }]);
    expect(clean.errors).toEqual([]);
    let refused = 0;
    fc.assert(
      fc.property(
        fc.array(fc.tuple(mutation, fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true })), { minLength: 1, maxLength: 3 }),
        (changes) => {
          const document = changes.reduce((current, [change, choice]) => mutate(current, change, choice), valid);
          const text = yaml(document);
          const loaded = loadPolicies([{ file: "p.yaml", content: text }]);
          expectPlaced(loaded.errors, text);
          if (loaded.errors.length > 0) {
            refused++;
            expect(loaded.policies).toEqual([]);
            expect(loaded.exceptions).toEqual([]);
          }
        },
      ),
      { numRuns: 300 },
    );
    // The mutations reach the reader: most mutated documents are refused (some mutations are harmless).
    expect(refused).toBeGreaterThan(100);
  });

  test("the org config, mutated: no throw; every problem coded and placed; no config from a refused file", () => {
    fc.assert(
      fc.property(mutation, fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (change, choice) => {
        const text = yaml(mutate(ORG_CONFIG, change, choice));
        const parsed = parseOrgConfig("org.yml", text);
        expectPlaced(parsed.problems, text);
        if (parsed.problems.length > 0) expect(parsed.config).toBeUndefined();
      }),
      { numRuns: 300 },
    );
  });

  test("any JSON document among policies: no throw, every problem coded and placed", () => {
    const kinds = fc.constantFrom(
      "PolicyException",
      "PodSecurity",
      "PodSecurityEnforceFloor",
      "K8sAllowedRepos",
      "ConstraintTemplate",
      "PodSecurityConfiguration",
      "AdmissionConfiguration",
    );
    const apiVersions = fc.constantFrom(
      "kube-policy-bot.dev/v1",
      "constraints.gatekeeper.sh/v1",
      "templates.gatekeeper.sh/v1",
      "pod-security.admission.config.k8s.io/v1",
      "apiserver.config.k8s.io/v1",
    );
    const document = fc.record(
      { apiVersion: apiVersions, kind: kinds, metadata: anyValue, spec: anyValue, plugins: anyValue, defaults: anyValue },
      { requiredKeys: ["apiVersion", "kind"] },
    );
    fc.assert(
      fc.property(document, (value) => {
        const text = yaml(value as JsonValue);
        expectPlaced(loadPolicies([{ file: "p.yaml", content: text }]).errors, text);
      }),
      { numRuns: 500 },
    );
  });
});
