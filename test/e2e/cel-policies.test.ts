/**
 * CEL policies in an organisation's policy folder, through the real app and the GitHub emulator: a bound
 * ValidatingAdmissionPolicy and a Kyverno ValidatingPolicy judge the pull request's manifests; an
 * unbound ValidatingAdmissionPolicy is named in the check run as doing nothing.
 */
import { afterAll, beforeAll, expect, test } from "@jest/globals";
import { startE2E, type E2E } from "../../emulator/harness.js";

const VAP = `apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata:
  name: max-replicas
spec:
  matchConstraints:
    resourceRules:
    - apiGroups: ["apps"]
      apiVersions: ["v1"]
      operations: ["CREATE", "UPDATE"]
      resources: ["deployments"]
  validations:
  - expression: "object.spec.replicas <= 5"
    message: "at most 5 replicas"
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata:
  name: max-replicas-everywhere
spec:
  policyName: max-replicas
  validationActions: [Deny]
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata:
  name: forgotten
spec:
  matchConstraints:
    resourceRules:
    - apiGroups: [""]
      apiVersions: ["v1"]
      operations: ["CREATE"]
      resources: ["pods"]
  validations:
  - expression: "false"
`;

const VPOL = `apiVersion: policies.kyverno.io/v1
kind: ValidatingPolicy
metadata:
  name: require-team-label
spec:
  validationActions: [Warn]
  matchConstraints:
    resourceRules:
    - apiGroups: [""]
      apiVersions: ["v1"]
      operations: ["CREATE", "UPDATE"]
      resources: ["pods"]
  validations:
  - expression: "has(object.metadata.labels) && 'team' in object.metadata.labels"
    message: "pods need a team label"
`;

const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  replicas: 9
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: web
        image: registry.example.com/web:1.0
`;

let e2e: E2E;

beforeAll(async () => {
  e2e = await startE2E();
  e2e.github.createOrg("initech");
  e2e.github.createRepo("initech/.github", {
    files: {
      ".github/kube-policy.yml": "policies:\n  shipped: false\n  paths: ['policies/*.yaml']\n",
      "policies/vap.yaml": VAP,
      "policies/vpol.yaml": VPOL,
    },
  });
  e2e.github.install("initech");
});

afterAll(async () => {
  await e2e?.stop();
});

test("a bound ValidatingAdmissionPolicy blocks, a Kyverno ValidatingPolicy warns through autogen, an unbound policy is noted", async () => {
  e2e.github.createRepo("initech/gitops");
  const pr = await e2e.github.openPullRequest({ repo: "initech/gitops", files: { "deploy/web.yaml": DEPLOYMENT } });
  const run = await e2e.waitForCheckRun("initech/gitops", pr.headSha);
  expect(run.conclusion).toBe("failure");
  expect(run.annotations.map((a) => [a.annotation_level, a.path, a.start_line, a.title])).toEqual(
    expect.arrayContaining([
      ["failure", "deploy/web.yaml", 7, "max-replicas/max-replicas-everywhere"],
      ["warning", "deploy/web.yaml", 12, "require-team-label/require-team-label"],
    ]),
  );
  expect(run.output.summary).toMatch(/policies\/vap\.yaml:24`: ValidatingAdmissionPolicy "forgotten": no ValidatingAdmissionPolicyBinding/);
});
