import { describe, expect, it } from "@jest/globals";
import fc from "fast-check";
import { applyExceptions, covers, isBlocking } from "../../src/exceptions/apply.js";
import type { PolicyException } from "../../src/exceptions/model.js";
import { bindingOf } from "../../src/exceptions/scope.js";
import type { Finding } from "../../src/policy/types.js";
import { baselineFindings, fluentBit } from "./support.js";

const NOW = new Date("2026-03-02T10:00:00Z");
const LATER = new Date("2026-03-10T00:00:00Z");

const exception = (fields: Partial<PolicyException>): PolicyException => ({
  id: "E1",
  policies: [{ name: "pod-security-baseline" }],
  resources: [{ kinds: ["DaemonSet"], namespaces: ["logging"], names: ["fluent-bit"] }],
  reason: "why",
  approver: "alice",
  expires: LATER,
  source: { kind: "comment", commentId: 1, url: "https://github.example/c/1" },
  ...fields,
});

const findings = () => baselineFindings({ file: "deploy/fb.yaml", content: fluentBit() });
const ruleOf = (finding: Finding) => finding.rule;

describe("applying exceptions", () => {
  it("marks what an exception covers, keeps order, and leaves the rest untouched", () => {
    const all = findings();
    const applied = applyExceptions(all, [exception({ policies: [{ name: "pod-security-baseline", rules: ["privileged"] }] })], NOW);
    expect(applied.map(ruleOf)).toEqual(all.map(ruleOf));
    expect(applied.filter((finding) => finding.exception).map(ruleOf)).toEqual(["privileged"]);
    expect(applied.filter(isBlocking).map(ruleOf)).toEqual(["hostPathVolumes"]);
    expect(applied.find((finding) => !finding.exception)).toEqual(all.find((finding) => finding.rule === "hostPathVolumes"));
  });

  it("never covers more than it names: another policy, rule, kind, namespace, name or container", () => {
    const all = findings();
    const none = (fields: Partial<PolicyException>) =>
      expect(applyExceptions(all, [exception(fields)], NOW).filter((finding) => finding.exception)).toEqual([]);
    none({ policies: [{ name: "pod-security-restricted" }] });
    none({ policies: [{ name: "pod-security-baseline", rules: ["hostPorts"] }] });
    none({ resources: [{ kinds: ["Deployment"], namespaces: ["logging"], names: ["fluent-bit"] }] });
    none({ resources: [{ kinds: ["DaemonSet"], namespaces: ["default"], names: ["fluent-bit"] }] });
    none({ resources: [{ kinds: ["DaemonSet"], namespaces: ["logging"], names: ["fluent"] }] });
    none({ resources: [{ kinds: ["DaemonSet"], names: ["fluent-bit"], clusterScoped: true }] });
    none({ containers: ["sidecar"] });
  });

  it("a container narrows it to that container's findings (pod-level findings stay)", () => {
    const applied = applyExceptions(findings(), [exception({ containers: ["fluent-bit"] })], NOW);
    expect(applied.filter((finding) => finding.exception).map(ruleOf)).toEqual(["privileged"]);
  });

  it("a bound exception covers only the findings it was bound to", () => {
    const all = findings();
    const hostPath = all.find((finding) => finding.rule === "hostPathVolumes") as Finding;
    const bound = exception({ bindings: [bindingOf(hostPath)] });
    expect(
      applyExceptions(all, [bound], NOW)
        .filter((finding) => finding.exception)
        .map(ruleOf),
    ).toEqual(["hostPathVolumes"]);
    const changed = baselineFindings({ file: "deploy/fb.yaml", content: fluentBit({ hostPath: "/var/run/docker.sock" }) });
    expect(applyExceptions(changed, [bound], NOW).filter((finding) => finding.exception)).toEqual([]);
  });

  it("an expired exception covers nothing; of several, the one lasting longest is named", () => {
    const all = findings();
    expect(applyExceptions(all, [exception({ expires: NOW })], NOW).filter((finding) => finding.exception)).toEqual([]);
    const applied = applyExceptions(
      all,
      [exception({ id: "short" }), exception({ id: "long", expires: new Date("2026-05-01T00:00:00Z") })],
      NOW,
    );
    expect(applied.every((finding) => finding.exception?.id === "long")).toBe(true);
  });

  it("replaces a stale mark rather than keeping it", () => {
    const marked = applyExceptions(findings(), [exception({})], NOW);
    expect(applyExceptions(marked, [], NOW).filter((finding) => finding.exception)).toEqual([]);
  });
});

const word = fc.constantFrom("a", "b", "c");
const syntheticFinding = fc
  .record({
    policy: word,
    rule: word,
    kind: fc.constantFrom("Pod", "Deployment"),
    namespace: fc.option(word, { nil: undefined }),
    name: word,
    container: fc.option(word, { nil: undefined }),
    fingerprint: word,
  })
  .map((fields): Finding => ({
    policy: fields.policy,
    policyKind: "PodSecurity",
    rule: fields.rule,
    action: "deny",
    message: "m",
    file: "f.yaml",
    line: 1,
    column: 1,
    endLine: 1,
    endColumn: 1,
    resource: {
      apiVersion: "v1",
      kind: fields.kind,
      name: fields.name,
      ...(fields.namespace === undefined ? {} : { namespace: fields.namespace }),
    },
    path: "spec",
    fingerprint: fields.fingerprint,
    ...(fields.container === undefined ? {} : { container: fields.container }),
  }));
const list = fc.option(fc.uniqueArray(fc.oneof(word, fc.constantFrom("Pod", "Deployment")), { minLength: 1, maxLength: 2 }), {
  nil: undefined,
});
const syntheticException = fc
  .record({
    policies: fc.array(
      fc.record({ name: word, rules: fc.option(fc.uniqueArray(word, { minLength: 1, maxLength: 2 }), { nil: undefined }) }),
      { minLength: 1, maxLength: 2 },
    ),
    resources: fc.array(fc.record({ kinds: list, namespaces: list, names: list }), { minLength: 1, maxLength: 2 }),
    containers: fc.option(fc.uniqueArray(word, { minLength: 1, maxLength: 2 }), { nil: undefined }),
    expiresInDays: fc.integer({ min: -2, max: 2 }),
  })
  .map(({ expiresInDays, policies, resources, containers }): PolicyException => ({
    id: "X",
    policies: policies.map((policy) => (policy.rules ? { name: policy.name, rules: policy.rules } : { name: policy.name })),
    resources: resources.map((selector) => Object.fromEntries(Object.entries(selector).filter(([, value]) => value !== undefined))),
    ...(containers ? { containers } : {}),
    reason: "r",
    approver: "a",
    expires: new Date(NOW.getTime() + expiresInDays * 86_400_000),
    source: { kind: "document", file: "x.yaml", line: 1 },
  }));

describe("applying exceptions, for any findings and exceptions", () => {
  it("an excused finding matches, literally, a policy, rule, resource and container some live exception names", () => {
    fc.assert(
      fc.property(fc.array(syntheticFinding, { maxLength: 12 }), fc.array(syntheticException, { maxLength: 3 }), (all, exceptions) => {
        const applied = applyExceptions(all, exceptions, NOW);
        expect(applied).toHaveLength(all.length);
        applied.forEach((finding, index) => {
          const original = all[index] as Finding;
          if (!finding.exception) {
            expect(exceptions.some((candidate) => covers(candidate, original, NOW))).toBe(false);
            return;
          }
          const witnesses = exceptions.filter((candidate) => {
            if (candidate.expires.getTime() <= NOW.getTime()) return false;
            const policy = candidate.policies.some(
              (scope) => scope.name === original.policy && (!scope.rules || scope.rules.includes(original.rule)),
            );
            const resource = candidate.resources.some(
              (selector) =>
                (!selector.kinds || selector.kinds.includes(original.resource.kind)) &&
                (!selector.names || selector.names.includes(original.resource.name)) &&
                (!selector.namespaces ||
                  (original.resource.namespace !== undefined && selector.namespaces.includes(original.resource.namespace))),
            );
            const container =
              !candidate.containers || (original.container !== undefined && candidate.containers.includes(original.container));
            return policy && resource && container;
          });
          expect(witnesses.length).toBeGreaterThan(0);
        });
      }),
      { numRuns: 1000 },
    );
  });
});
