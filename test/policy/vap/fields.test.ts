/**
 * Every field of ValidatingAdmissionPolicy and its binding, one behaviour each: fixtures in, findings
 * (or load errors and notices) out, through the real loader and engine.
 */
import { describe, expect, test } from "@jest/globals";
import { brief, judge } from "./judge.js";

interface PolicyOptions {
  name?: string;
  rules?: string;
  extra?: string;
  validations?: string;
}

function policy(options: PolicyOptions = {}): string {
  return `apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata:
  name: ${options.name ?? "replicas"}
spec:
  matchConstraints:
${(
  options.rules ??
  `resourceRules:
- apiGroups: ["apps"]
  apiVersions: ["v1"]
  operations: ["CREATE", "UPDATE"]
  resources: ["deployments"]`
).replace(/^/gm, "    ")}
${(options.extra ?? "").replace(/^/gm, "  ")}
  validations:
${(
  options.validations ??
  `- expression: "object.spec.replicas <= 5"
  message: "at most 5 replicas"`
).replace(/^/gm, "  ")}
`;
}

function binding(spec = "validationActions: [Deny]", policyName = "replicas", name = "replicas-binding"): string {
  return `apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata:
  name: ${name}
spec:
  policyName: ${policyName}
${spec.replace(/^/gm, "  ")}
`;
}

function deployment(
  replicas: number,
  options: { name?: string; namespace?: string; labels?: string; apiVersion?: string; containers?: string } = {},
): string {
  return `apiVersion: ${options.apiVersion ?? "apps/v1"}
kind: Deployment
metadata:
  name: ${options.name ?? "web"}
  namespace: ${options.namespace ?? "default"}
  labels: {${options.labels ?? "app: web"}}
spec:
  replicas: ${replicas}
  template:
    spec:
      containers:
${(options.containers ?? "- name: web\n  image: registry.example.com/web:1.0").replace(/^/gm, "      ")}
`;
}

const messages = (policies: Record<string, string>, manifests: Record<string, string>): string[] =>
  judge(policies, manifests).findings.map(brief);

describe("validationActions", () => {
  test.each([
    ["[Deny]", "deny"],
    ["[Warn]", "warn"],
    ["[Audit]", "dryrun"],
    ["[Deny, Audit]", "deny"],
    ["[Warn, Audit]", "warn"],
  ])("%s reports as %s", (actions, action) => {
    const found = judge({ "p.yaml": policy(), "b.yaml": binding(`validationActions: ${actions}`) }, { "d.yaml": deployment(6) }).findings;
    expect(found.map((f) => f.action)).toEqual([action]);
  });

  test("Deny with Warn, unknown actions and a missing list are load errors at the field", () => {
    for (const [spec, line] of [
      ["validationActions: [Deny, Warn]", 7],
      ["validationActions: [Block]", 7],
      ["matchResources: {}", 5],
    ] as const) {
      const result = judge({ "p.yaml": policy(), "b.yaml": binding(spec) }, {});
      expect(result.errors).toEqual([
        expect.objectContaining({
          file: "b.yaml",
          line,
          message: expect.stringMatching(/^ValidatingAdmissionPolicyBinding "replicas-binding": .*validationActions/),
        }),
      ]);
    }
  });
});

describe("validations", () => {
  test("message, messageExpression and reason", () => {
    const validations = `- expression: "object.spec.replicas <= 5"
  messageExpression: "'replicas ' + string(object.spec.replicas) + ' > 5'"
  message: "too many replicas"
  reason: Invalid
- expression: "object.metadata.name.startsWith('app-')"
  messageExpression: "object.metadata.missing + 'x'"
  message: "names start with app-"
- expression: "has(object.metadata.labels.team)"`;
    expect(messages({ "p.yaml": policy({ validations }), "b.yaml": binding() }, { "d.yaml": deployment(6) })).toEqual(
      [
        "d.yaml:6 deny replicas [replicas-binding] metadata.labels.team: failed expression: has(object.metadata.labels.team)",
        "d.yaml:8 deny replicas [replicas-binding] spec.replicas: replicas 6 > 5 (reason: Invalid)",
        "d.yaml:4 deny replicas [replicas-binding] metadata.name: names start with app-",
      ].sort((a, b) => Number(a.split(":")[1]!.split(" ")[0]) - Number(b.split(":")[1]!.split(" ")[0])),
    );
  });

  test("an expression that does not compile is a load error on its line, quoting it", () => {
    const result = judge({ "p.yaml": policy({ validations: `- expression: "object.spec.replicas <="` }), "b.yaml": binding() }, {});
    expect(result.errors).toEqual([
      expect.objectContaining({
        file: "p.yaml",
        line: 14,
        message: expect.stringMatching(/invalid CEL expression "object.spec.replicas <="/),
      }),
    ]);
  });

  test("a name that is not a binding is a load error, as the API server refuses it", () => {
    const result = judge({ "p.yaml": policy({ validations: `- expression: "objct.spec.replicas <= 5"` }), "b.yaml": binding() }, {});
    expect(result.errors).toEqual([
      expect.objectContaining({
        line: 14,
        message: expect.stringMatching(/refers to undeclared "objct"; available: object, oldObject, request/),
      }),
    ]);
  });

  test("the authorizer needs a live cluster: a load error naming the expression", () => {
    const validations = `- expression: "authorizer.group('apps').resource('deployments').namespace('default').check('delete').allowed()"`;
    const result = judge({ "p.yaml": policy({ validations }), "b.yaml": binding() }, {});
    expect(result.errors).toEqual([
      expect.objectContaining({ line: 14, message: expect.stringMatching(/"authorizer\.group.*" needs a live cluster/) }),
    ]);
  });
});

describe("failurePolicy", () => {
  const validations = `- expression: "object.spec.strategy.type == 'Recreate'"`;
  test("Fail (the default): an expression that errors blocks, saying why", () => {
    expect(messages({ "p.yaml": policy({ validations }), "b.yaml": binding() }, { "d.yaml": deployment(1) })).toEqual([
      "d.yaml:1 deny replicas [replicas-binding] -: policy could not be evaluated: expression 'object.spec.strategy.type == 'Recreate'' resulted in error: No such key: strategy",
    ]);
  });

  test("Ignore: an expression that errors is skipped", () => {
    expect(
      messages({ "p.yaml": policy({ validations, extra: "failurePolicy: Ignore" }), "b.yaml": binding() }, { "d.yaml": deployment(1) }),
    ).toEqual([]);
  });
});

describe("matchConditions and variables", () => {
  test("a false match condition skips the object", () => {
    const extra = `matchConditions:
- name: not-system
  expression: "!object.metadata.name.startsWith('system-')"`;
    const p = policy({ extra });
    expect(
      messages({ "p.yaml": p, "b.yaml": binding() }, { "a.yaml": deployment(9, { name: "system-web" }), "b.yaml": deployment(9) }),
    ).toEqual(["b.yaml:8 deny replicas [replicas-binding] spec.replicas: at most 5 replicas"]);
  });

  test("request fields are available to match conditions (a manifest is a CREATE)", () => {
    const extra = `matchConditions:
- name: updates-only
  expression: "request.operation == 'UPDATE'"`;
    expect(messages({ "p.yaml": policy({ extra }), "b.yaml": binding() }, { "d.yaml": deployment(9) })).toEqual([]);
  });

  test("variables feed validations, and a variable over containers places the finding on the container", () => {
    const extra = `variables:
- name: untrusted
  expression: "object.spec.template.spec.containers.filter(c, !c.image.startsWith('registry.example.com/'))"`;
    const validations = `- expression: "size(variables.untrusted) == 0"
  messageExpression: "'untrusted images: ' + variables.untrusted.map(c, c.image).join(', ')"`;
    const containers = "- name: ok\n  image: registry.example.com/ok:1\n- name: bad\n  image: docker.io/bad:1";
    expect(
      messages({ "p.yaml": policy({ extra, validations }), "b.yaml": binding() }, { "d.yaml": deployment(1, { containers }) }),
    ).toEqual(["d.yaml:14 deny replicas [replicas-binding] spec.template.spec.containers[1]: untrusted images: docker.io/bad:1"]);
  });

  test("an all(...) over containers places the finding on the first container that fails it", () => {
    const validations = `- expression: "object.spec.template.spec.containers.all(c, has(c.resources))"
  message: "every container sets resources"`;
    const containers = "- name: a\n  image: a\n  resources: {}\n- name: b\n  image: b";
    expect(messages({ "p.yaml": policy({ validations }), "b.yaml": binding() }, { "d.yaml": deployment(1, { containers }) })).toEqual([
      "d.yaml:15 deny replicas [replicas-binding] spec.template.spec.containers[1]: every container sets resources",
    ]);
  });
});

describe("matchConstraints and matchResources", () => {
  test("operations: a rule for UPDATE only does not judge a manifest (a CREATE)", () => {
    const rules = `resourceRules:
- apiGroups: ["apps"]
  apiVersions: ["v1"]
  operations: ["UPDATE"]
  resources: ["deployments"]`;
    expect(messages({ "p.yaml": policy({ rules }), "b.yaml": binding() }, { "d.yaml": deployment(9) })).toEqual([]);
  });

  test("excludeResourceRules with resourceNames, objectSelector and scope", () => {
    const rules = `resourceRules:
- apiGroups: ["*"]
  apiVersions: ["*"]
  operations: ["*"]
  resources: ["deployments"]
  scope: Namespaced
excludeResourceRules:
- apiGroups: ["apps"]
  apiVersions: ["v1"]
  operations: ["CREATE"]
  resources: ["deployments"]
  resourceNames: ["legacy"]
objectSelector:
  matchExpressions:
  - {key: exempt, operator: DoesNotExist}`;
    const found = messages(
      { "p.yaml": policy({ rules }), "b.yaml": binding() },
      {
        "legacy.yaml": deployment(9, { name: "legacy" }),
        "exempt.yaml": deployment(9, { labels: "exempt: 'yes'" }),
        "judged.yaml": deployment(9),
      },
    );
    expect(found).toEqual(["judged.yaml:8 deny replicas [replicas-binding] spec.replicas: at most 5 replicas"]);
  });

  test("matchPolicy: Equivalent (the default) also judges the same resource in an older group; Exact does not", () => {
    const old = deployment(9, { apiVersion: "extensions/v1beta1" });
    expect(messages({ "p.yaml": policy(), "b.yaml": binding() }, { "d.yaml": old })).toHaveLength(1);
    const exact = `resourceRules:
- apiGroups: ["apps"]
  apiVersions: ["v1"]
  operations: ["CREATE"]
  resources: ["deployments"]
matchPolicy: Exact`;
    expect(messages({ "p.yaml": policy({ rules: exact }), "b.yaml": binding() }, { "d.yaml": old })).toEqual([]);
  });

  test("a binding's matchResources narrows by namespace labels; without the Namespace object the policy applies", () => {
    const spec = "validationActions: [Deny]\nmatchResources:\n  namespaceSelector:\n    matchLabels: {tier: prod}";
    const namespaces =
      "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: dev\n  labels: {tier: dev}\n---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: prod\n  labels: {tier: prod}\n";
    const found = messages(
      { "p.yaml": policy(), "b.yaml": binding(spec) },
      {
        "ns.yaml": namespaces,
        "dev.yaml": deployment(9, { namespace: "dev" }),
        "prod.yaml": deployment(9, { namespace: "prod" }),
        "unknown.yaml": deployment(9, { namespace: "elsewhere" }),
      },
    );
    expect(found).toEqual([
      "prod.yaml:8 deny replicas [replicas-binding] spec.replicas: at most 5 replicas",
      "unknown.yaml:8 deny replicas [replicas-binding] spec.replicas: at most 5 replicas",
    ]);
  });
});

describe("paramKind and paramRef", () => {
  const paramPolicy = (paramKind: string): string =>
    policy({
      extra: `paramKind:\n${paramKind.replace(/^/gm, "  ")}`,
      validations: `- expression: "object.spec.replicas <= int(params.data.maxReplicas)"
  messageExpression: "'at most ' + params.data.maxReplicas + ' replicas'"`,
    });
  const configMap = (name: string, max: number, labels = "{}"): string =>
    `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  labels: ${labels}\ndata:\n  maxReplicas: "${max}"\n`;

  test("a ConfigMap among the policy files, by name", () => {
    const p = paramPolicy("apiVersion: v1\nkind: ConfigMap");
    const b = binding("validationActions: [Deny]\nparamRef:\n  name: limits\n  parameterNotFoundAction: Deny");
    const result = judge({ "p.yaml": p, "b.yaml": b, "params.yaml": configMap("limits", 3) }, { "d.yaml": deployment(4) });
    expect(result.errors).toEqual([]);
    expect(result.findings.map(brief)).toEqual(["d.yaml:8 deny replicas [replicas-binding] spec.replicas: at most 3 replicas"]);
  });

  test("a custom resource by label selector: every selected params object is applied", () => {
    const p = policy({
      extra: "paramKind:\n  apiVersion: rules.example.com/v1\n  kind: ReplicaLimit",
      validations: `- expression: "object.spec.replicas <= params.maxReplicas"\n  messageExpression: "'at most ' + string(params.maxReplicas) + ' replicas'"`,
    });
    const limit = (name: string, max: number, env: string): string =>
      `apiVersion: rules.example.com/v1\nkind: ReplicaLimit\nmetadata:\n  name: ${name}\n  labels: {env: ${env}}\nmaxReplicas: ${max}\n`;
    const b = binding("validationActions: [Deny]\nparamRef:\n  selector:\n    matchLabels: {env: prod}\n  parameterNotFoundAction: Deny");
    const params = [limit("a", 3, "prod"), limit("b", 5, "prod"), limit("c", 1, "test")].join("---\n");
    expect(messages({ "p.yaml": p, "b.yaml": b, "limits.yaml": params }, { "d.yaml": deployment(4) })).toEqual([
      "d.yaml:8 deny replicas [replicas-binding] spec.replicas: at most 3 replicas",
    ]);
  });

  test("parameterNotFoundAction: Deny blocks, Allow lets the object through", () => {
    const p = paramPolicy("apiVersion: v1\nkind: ConfigMap");
    const deny = binding("validationActions: [Deny]\nparamRef:\n  name: absent\n  parameterNotFoundAction: Deny");
    expect(messages({ "p.yaml": p, "b.yaml": deny }, { "d.yaml": deployment(1) })).toEqual([
      'd.yaml:1 deny replicas [replicas-binding] -: no ConfigMap named "absent" among the policy files, and parameterNotFoundAction is Deny',
    ]);
    const allow = binding("validationActions: [Deny]\nparamRef:\n  name: absent\n  parameterNotFoundAction: Allow");
    expect(messages({ "p.yaml": p, "b.yaml": allow }, { "d.yaml": deployment(1) })).toEqual([]);
  });

  test("a paramKind without paramRef, and a binding without its policy, are load errors at the binding", () => {
    const p = paramPolicy("apiVersion: v1\nkind: ConfigMap");
    expect(judge({ "p.yaml": p, "b.yaml": binding() }, {}).errors).toEqual([
      expect.objectContaining({
        file: "b.yaml",
        message: expect.stringMatching(/declares paramKind ConfigMap, so the binding needs a paramRef/),
      }),
    ]);
    expect(judge({ "b.yaml": binding("validationActions: [Deny]", "nowhere") }, {}).errors).toEqual([
      expect.objectContaining({ file: "b.yaml", line: 6, message: expect.stringMatching(/no ValidatingAdmissionPolicy named "nowhere"/) }),
    ]);
  });
});

describe("auditAnnotations", () => {
  test("are not evaluated, and the check says so at the field", () => {
    const extra = `auditAnnotations:\n- key: high-replica-count\n  valueExpression: "'replicas: ' + string(object.spec.replicas)"`;
    const result = judge({ "p.yaml": policy({ extra }), "b.yaml": binding() }, { "d.yaml": deployment(9) });
    expect(result.notices).toEqual([
      expect.objectContaining({
        file: "p.yaml",
        line: 12,
        message: expect.stringMatching(/auditAnnotations only write the cluster's audit log/),
      }),
    ]);
    expect(result.findings).toHaveLength(1);
  });
});
