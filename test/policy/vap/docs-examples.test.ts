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
    const result = judge(
      { "policy.yaml": demoPolicy, "binding.yaml": demoBinding },
      { "ns.yaml": testNamespace, "deploy.yaml": deployment(6) },
    );
    expect(result.errors).toEqual([]);
    expect(result.findings.map(brief)).toEqual([
      "deploy.yaml:7 deny demo-policy.example.com [demo-binding-test.example.com] spec.replicas: failed expression: object.spec.replicas <= 5",
    ]);
  });

  test("within the limit, or in a namespace the binding does not select, nothing is found", () => {
    const other = `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: prod\n  labels: {environment: prod}\n`;
    const result = judge(
      { "policy.yaml": demoPolicy, "binding.yaml": demoBinding },
      { "ns.yaml": `${testNamespace}---\n${other}`, "ok.yaml": deployment(5), "prod.yaml": deployment(9, "prod") },
    );
    expect(result.findings).toEqual([]);
  });

  test("a policy without a binding does nothing, and the check says so at its line", () => {
    const result = judge({ "policy.yaml": demoPolicy }, { "deploy.yaml": deployment(6) });
    expect(result.findings).toEqual([]);
    expect(result.errors).toEqual([]);
    expect(result.notices).toEqual([
      {
        file: "policy.yaml",
        line: 1,
        column: 1,
        message: expect.stringMatching(
          /ValidatingAdmissionPolicy "demo-policy.example.com": no ValidatingAdmissionPolicyBinding .* binds it; in a cluster it does nothing/,
        ),
      },
    ]);
  });
});

describe("Kubernetes documentation: match conditions", () => {
  const policy = `apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata:
  name: demo-policy.example.com
spec:
  matchConstraints:
    resourceRules:
    - apiGroups: ["*"]
      apiVersions: ["*"]
      operations: ["CREATE", "UPDATE"]
      resources: ["*"]
  matchConditions:
  - name: exclude-leases
    expression: '!(request.resource.group == "coordination.k8s.io" && request.resource.resource == "leases")'
  - name: exclude-kubelet-requests
    expression: '!("system:nodes" in request.userInfo.groups)'
  - name: rbac
    expression: 'request.resource.group != "rbac.authorization.k8s.io"'
  validations:
  - expression: "!object.metadata.name.contains('demo') || object.metadata.namespace == 'demo'"
`;
  const binding = `apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata:
  name: demo-binding
spec:
  policyName: demo-policy.example.com
  validationActions: [Deny]
`;
  const object = (apiVersion: string, kind: string, name: string, namespace: string): string =>
    `apiVersion: ${apiVersion}\nkind: ${kind}\nmetadata:\n  name: ${name}\n  namespace: ${namespace}\n`;

  test("leases and RBAC objects are excluded; other objects named demo outside the demo namespace are denied", () => {
    const result = judge(
      { "policy.yaml": policy, "binding.yaml": binding },
      {
        "lease.yaml": object("coordination.k8s.io/v1", "Lease", "demo-lease", "shop"),
        "role.yaml": object("rbac.authorization.k8s.io/v1", "Role", "demo-role", "shop"),
        "cm.yaml": object("v1", "ConfigMap", "demo-config", "shop"),
        "ok.yaml": object("v1", "ConfigMap", "demo-config", "demo"),
      },
    );
    expect(result.errors).toEqual([]);
    expect(result.findings.map(brief)).toEqual([
      "cm.yaml:4 deny demo-policy.example.com [demo-binding] metadata.name: failed expression: !object.metadata.name.contains('demo') || object.metadata.namespace == 'demo'",
    ]);
  });
});

describe("Kubernetes documentation: variables and params", () => {
  const policy = `apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata:
  name: image-matches-namespace-environment.policy.example.com
spec:
  failurePolicy: Fail
  matchConstraints:
    resourceRules:
    - apiGroups: ["apps"]
      apiVersions: ["v1"]
      operations: ["CREATE", "UPDATE"]
      resources: ["deployments"]
  variables:
  - name: environment
    expression: "'environment' in namespaceObject.metadata.labels ? namespaceObject.metadata.labels['environment'] : 'prod'"
  - name: exempt
    expression: "has(object.metadata.labels) && 'exempt' in object.metadata.labels && object.metadata.labels['exempt'] == 'true'"
  - name: containers
    expression: "object.spec.template.spec.containers"
  - name: containersToCheck
    expression: "variables.containers.filter(c, c.image.contains('example.com/'))"
  validations:
  - expression: "variables.exempt || variables.containersToCheck.all(c, c.image.startsWith(variables.environment + '.'))"
    messageExpression: "'only ' + variables.environment + ' images are allowed in namespace ' + namespaceObject.metadata.name"
`;
  const binding = `apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata:
  name: image-matches-namespace-environment.binding
spec:
  policyName: image-matches-namespace-environment.policy.example.com
  validationActions: [Deny]
`;
  const namespace = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: staging-apps\n  labels: {environment: staging}\n";

  test("a prod image in a staging namespace is denied on the container, naming the environment", () => {
    const deploy = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: staging-apps
spec:
  template:
    spec:
      containers:
      - name: ok
        image: staging.example.com/web:1
      - name: bad
        image: prod.example.com/web:1
`;
    const result = judge({ "policy.yaml": policy, "binding.yaml": binding }, { "ns.yaml": namespace, "deploy.yaml": deploy });
    expect(result.findings.map(brief)).toEqual([
      "deploy.yaml:12 deny image-matches-namespace-environment.policy.example.com [image-matches-namespace-environment.binding] spec.template.spec.containers[1]: only staging images are allowed in namespace staging-apps",
    ]);
  });

  test("the documentation's ReplicaLimit params: a custom resource among the policy files", () => {
    const withParams = `apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata:
  name: replicalimit-policy.example.com
spec:
  failurePolicy: Fail
  paramKind:
    apiVersion: rules.example.com/v1
    kind: ReplicaLimit
  matchConstraints:
    resourceRules:
    - apiGroups: ["apps"]
      apiVersions: ["v1"]
      operations: ["CREATE", "UPDATE"]
      resources: ["deployments"]
  validations:
  - expression: "object.spec.replicas <= params.maxReplicas"
    messageExpression: "'object.spec.replicas must be no greater than ' + string(params.maxReplicas)"
    reason: Invalid
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata:
  name: replicalimit-binding-test.example.com
spec:
  policyName: replicalimit-policy.example.com
  validationActions: [Deny]
  paramRef:
    name: replica-limit-test.example.com
    namespace: default
    parameterNotFoundAction: Deny
  matchResources:
    namespaceSelector:
      matchLabels:
        environment: test
---
apiVersion: rules.example.com/v1
kind: ReplicaLimit
metadata:
  name: replica-limit-test.example.com
  namespace: default
maxReplicas: 3
`;
    const result = judge({ "policy.yaml": withParams }, { "ns.yaml": testNamespace, "deploy.yaml": deployment(4) });
    expect(result.errors).toEqual([]);
    expect(result.findings.map(brief)).toEqual([
      "deploy.yaml:7 deny replicalimit-policy.example.com [replicalimit-binding-test.example.com] spec.replicas: object.spec.replicas must be no greater than 3 (reason: Invalid)",
    ]);
  });
});
