/**
 * The organisation-wide action of findings about rules that were not judged (`policies.notEvaluated`,
 * `--not-evaluated`): policy files and manifests in, findings and the conclusion out, through the real
 * loader and the one verdict function, for Kyverno and for the other policy kinds.
 */
import { describe, expect, test } from "@jest/globals";
import { loadPolicies } from "../../src/config/policy-files.js";
import { loadManifestFile } from "../../src/manifests/load.js";
import type { NotEvaluatedSetting } from "../../src/policy/not-evaluated.js";
import { decideVerdict } from "../../src/verdict/verdict.js";

const NOW = new Date("2026-01-01T00:00:00Z");
const ORG_DENY: NotEvaluatedSetting = { action: "deny", source: "policies.notEvaluated in acme/.github" };

function judge(policies: Record<string, string>, manifest: string, notEvaluated?: NotEvaluatedSetting) {
  const loaded = loadPolicies(Object.entries(policies).map(([file, content]) => ({ file, content })));
  expect(loaded.errors).toEqual([]);
  return decideVerdict({
    files: [loadManifestFile("apps/app.yaml", manifest)],
    policies: loaded.policies,
    exceptionDocuments: [],
    ...(notEvaluated ? { notEvaluated } : {}),
    now: NOW,
  });
}

/** An Audit policy with a rule that needs the cluster (apiCall) and one that can be judged here. */
const auditPolicy = (annotations = "") => `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: quota-and-labels
${annotations}spec:
  validationFailureAction: Audit
  rules:
  - name: lookup
    match:
      any:
      - resources:
          kinds: [Pod]
    context:
    - name: quota
      apiCall:
        urlPath: "/api/v1/namespaces/{{ request.namespace }}/resourcequotas"
    validate:
      deny:
        conditions:
          any:
          - key: "{{ quota.items | length(@) }}"
            operator: Equals
            value: 0
  - name: team-label
    match:
      any:
      - resources:
          kinds: [Pod]
    validate:
      message: "label team is required"
      pattern:
        metadata:
          labels:
            team: "?*"
`;

const pod = `apiVersion: v1
kind: Pod
metadata:
  name: web
  namespace: shop
  labels:
    app: web
spec:
  containers:
  - name: app
    image: nginx:1.25
`;

const actions = (verdict: ReturnType<typeof judge>) => verdict.findings.map((finding) => `${finding.rule}: ${finding.action}`).sort();

describe("Kyverno: a rule that needs the cluster, in an Audit policy", () => {
  test("warns by default, like the policy's failures", () => {
    const verdict = judge({ "policies/kyverno.yaml": auditPolicy() }, pod);
    expect(actions(verdict)).toEqual(["lookup: warn", "team-label: warn"]);
    expect(verdict.findings.find((finding) => finding.rule === "lookup")?.basis).toBeUndefined();
    expect(verdict.conclusion).toBe("pass");
  });

  test("blocks with the organisation's deny, saying so; the policy's failures still only warn", () => {
    const verdict = judge({ "policies/kyverno.yaml": auditPolicy() }, pod, ORG_DENY);
    expect(actions(verdict)).toEqual(["lookup: deny", "team-label: warn"]);
    expect(verdict.findings.find((finding) => finding.rule === "lookup")).toMatchObject({
      message: expect.stringMatching(/^not evaluated: needs a cluster or service lookup/),
      basis: "deny set by policies.notEvaluated in acme/.github",
    });
    expect(verdict.conclusion).toBe("block");
  });

  test("the policy's own kube-policy-bot.dev/not-evaluated annotation wins over the organisation's setting", () => {
    const annotated = auditPolicy("  annotations:\n    kube-policy-bot.dev/not-evaluated: dryrun\n");
    const verdict = judge({ "policies/kyverno.yaml": annotated }, pod, ORG_DENY);
    expect(actions(verdict)).toEqual(["lookup: dryrun", "team-label: warn"]);
    expect(verdict.conclusion).toBe("pass");
  });

  test("an organisation's warn lowers what an Enforce policy cannot judge, and only that", () => {
    const enforce = auditPolicy().replace("validationFailureAction: Audit", "validationFailureAction: Enforce");
    expect(actions(judge({ "policies/kyverno.yaml": enforce }, pod))).toEqual(["lookup: deny", "team-label: deny"]);
    const verdict = judge({ "policies/kyverno.yaml": enforce }, pod, { action: "warn", source: "--not-evaluated" });
    expect(actions(verdict)).toEqual(["lookup: warn", "team-label: deny"]);
  });

  test("a mutate rule, which only warns by default, blocks with the organisation's deny", () => {
    const mutate = `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: add-owner
spec:
  validationFailureAction: Enforce
  rules:
  - name: add-label
    match:
      any:
      - resources:
          kinds: [Pod]
    mutate:
      patchStrategicMerge:
        metadata:
          labels:
            owner: platform
`;
    expect(actions(judge({ "policies/mutate.yaml": mutate }, pod))).toEqual(["add-label: warn"]);
    expect(actions(judge({ "policies/mutate.yaml": mutate }, pod, ORG_DENY))).toEqual(["add-label: deny"]);
  });
});

describe("other policy kinds follow the same setting", () => {
  const deployment = (replicas: string) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: default
spec:
${replicas}  template:
    spec:
      containers:
      - name: web
        image: registry.example.com/web:1.0
`;
  const vap = (paramKind: string, expression: string) => `apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata:
  name: replicas
spec:
${paramKind}  matchConstraints:
    resourceRules:
    - apiGroups: ["apps"]
      apiVersions: ["v1"]
      operations: ["CREATE", "UPDATE"]
      resources: ["deployments"]
  validations:
  - expression: "${expression}"
    message: "too many replicas"
`;
  const binding = (extra = "") => `apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata:
  name: replicas-binding
spec:
  policyName: replicas
  validationActions: [Warn]
${extra}`;

  test("a ValidatingAdmissionPolicy whose params are not among the policy files: warn as bound, deny with the setting", () => {
    const policies = {
      "policies/vap.yaml": vap("  paramKind:\n    apiVersion: v1\n    kind: ConfigMap\n", "object.spec.replicas <= int(params.data.max)"),
      "policies/binding.yaml": binding("  paramRef:\n    name: replica-limits\n    parameterNotFoundAction: Deny\n"),
    };
    const manifest = deployment("  replicas: 3\n");
    expect(actions(judge(policies, manifest))).toEqual(["replicas-binding: warn"]);
    const verdict = judge(policies, manifest, ORG_DENY);
    expect(verdict.findings).toEqual([
      expect.objectContaining({
        action: "deny",
        message: 'no ConfigMap named "replica-limits" among the policy files, and parameterNotFoundAction is Deny',
        basis: "deny set by policies.notEvaluated in acme/.github",
      }),
    ]);
    expect(verdict.conclusion).toBe("block");
  });

  test("a ValidatingAdmissionPolicy expression that fails (failurePolicy: Fail) is a rule error of the same family", () => {
    const policies = { "policies/vap.yaml": vap("", "object.spec.replicas <= 5"), "policies/binding.yaml": binding() };
    const noReplicas = deployment("");
    expect(actions(judge(policies, noReplicas))).toEqual(["replicas-binding: warn"]);
    const verdict = judge(policies, noReplicas, ORG_DENY);
    expect(verdict.findings).toEqual([
      expect.objectContaining({ action: "deny", message: expect.stringMatching(/^policy could not be evaluated: /) }),
    ]);
    // A validation that fails on what the object says is a violation, not a rule error: it keeps the binding's action.
    expect(actions(judge(policies, deployment("  replicas: 9\n"), ORG_DENY))).toEqual(["replicas-binding: warn"]);
  });

  test("a Kyverno ValidatingPolicy whose expression fails: a notice under Audit, blocking with the setting", () => {
    const vpol = `apiVersion: policies.kyverno.io/v1
kind: ValidatingPolicy
metadata:
  name: replicas
spec:
  validationActions: [Audit]
  matchConstraints:
    resourceRules:
    - apiGroups: ["apps"]
      apiVersions: ["v1"]
      operations: ["CREATE", "UPDATE"]
      resources: ["deployments"]
  validations:
  - expression: "object.spec.replicas <= 5"
    message: "too many replicas"
`;
    expect(actions(judge({ "policies/vpol.yaml": vpol }, deployment("")))).toEqual(["replicas: dryrun"]);
    const verdict = judge({ "policies/vpol.yaml": vpol }, deployment(""), ORG_DENY);
    expect(verdict.findings).toEqual([
      expect.objectContaining({ action: "deny", message: expect.stringMatching(/^policy could not be evaluated: /) }),
    ]);
  });

  test("an organisation's dryrun turns a rule error of a Deny binding into a notice", () => {
    const policies = {
      "policies/vap.yaml": vap("", "object.spec.replicas <= 5"),
      "policies/binding.yaml": binding().replace("[Warn]", "[Deny]"),
    };
    expect(judge(policies, deployment("")).conclusion).toBe("block");
    const verdict = judge(policies, deployment(""), { action: "dryrun", source: "--not-evaluated" });
    expect(actions(verdict)).toEqual(["replicas-binding: dryrun"]);
    expect(verdict.findings[0]?.basis).toBe("dryrun set by --not-evaluated");
    expect(verdict.conclusion).toBe("pass");
  });
});
