/**
 * The ValidatingAdmissionPolicy examples of the Kubernetes documentation ("Validating Admission Policy"
 * page and its example files), rewritten as fixtures: policy, binding, params in; what the API server
 * would answer out.
 */
import { describe, expect, test } from "@jest/globals";
import { brief, judge } from "./judge.js";

const demoPolicy = `apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata:
  name: demo-policy.example.com
spec:
  failurePolicy: Fail
  matchConstraints:
    resourceRules:
    - apiGroups: ["apps"]
      apiVersions: ["v1"]
      operations: ["CREATE", "UPDATE"]
      resources: ["deployments"]
  validations:
  - expression: "object.spec.replicas <= 5"
`;

const demoBinding = `apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata:
  name: demo-binding-test.example.com
spec:
  policyName: demo-policy.example.com
  validationActions: [Deny]
  matchResources:
    namespaceSelector:
      matchLabels:
        environment: test
`;

const testNamespace = `apiVersion: v1
kind: Namespace
metadata:
  name: default
  labels:
    environment: test
`;

function deployment(replicas: number, namespace = "default", name = "nginx"): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  namespace: ${namespace}
spec:
  replicas: ${replicas}
  selector:
    matchLabels: {app: nginx}
  template:
    metadata:
      labels: {app: nginx}
    spec:
      containers:
      - name: nginx
        image: nginx:1.27
`;
}

describe("Kubernetes documentation: basic example", () => {
  test("a Deployment with too many replicas in a test namespace is denied, on the replicas line", () => {
    const result = judge({ "policy.yaml": demoPolicy, "binding.yaml": demoBinding }, { "ns.yaml": testNamespace, "deploy.yaml": deployment(6) });
    expect(result.errors).toEqual([]);
    expect(result.findings.map(brief)).toEqual(["deploy.yaml:7 deny demo-policy.example.com [demo-binding-test.example.com] spec.replicas: failed expression: object.spec.replicas <= 5"]);
  });

  test("within the limit, or in a namespace the binding does not select, nothing is found", () => {
    const other = `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: prod\n  labels: {environment: prod}\n`;
    const result = judge({ "policy.yaml": demoPolicy, "binding.yaml": demoBinding }, { "ns.yaml": `${testNamespace}---\n${other}`, "ok.yaml": deployment(5), "prod.yaml": deployment(9, "prod") });
    expect(result.findings).toEqual([]);
  });

  test("a policy without a binding does nothing, and the check says so at its line", () => {
    const result = judge({ "policy.yaml": demoPolicy }, { "deploy.yaml": deployment(6) });
    expect(result.findings).toEqual([]);
    expect(result.errors).toEqual([]);
    expect(result.notices).toEqual([{ file: "policy.yaml", line: 1, column: 1, message: expect.stringMatching(/ValidatingAdmissionPolicy "demo-policy.example.com": no ValidatingAdmissionPolicyBinding .* binds it; in a cluster it does nothing/) }]);
  });
});
