/**
 * Kyverno ClusterPolicy/Policy documents through the real pipeline: loadPolicies reads them from policy
 * files, evaluate judges manifests, and the findings carry the Kyverno policy and rule, the action of
 * the rule, and the line of the offending field.
 */
import { describe, expect, it } from "@jest/globals";
import { loadManifestFile } from "../../../src/manifests/load.js";
import { evaluate } from "../../../src/policy/engine.js";
import { loadPolicies } from "../../../src/config/policy-files.js";
import { ruleDoc } from "../../../src/report/rule-docs.js";

const load = (content: string) => loadPolicies([{ file: "policies/kyverno.yaml", content }]);
const check = (policy: string, manifests: string) => {
  const loaded = load(policy);
  expect(loaded.errors).toEqual([]);
  return evaluate([loadManifestFile("apps/app.yaml", manifests)], loaded.policies).findings;
};

const requireLabels = (action = "Enforce", extra = "") => `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: require-labels
  annotations:
    policies.kyverno.io/title: Require Labels
spec:
  validationFailureAction: ${action}
  rules:
  - name: check-team
    match:
      any:
      - resources:
          kinds: [Pod]
    validate:
${extra}      message: "label team is required on {{ request.object.metadata.name }}"
      pattern:
        metadata:
          labels:
            team: "?*"
`;

const pod = (labels: string, containers = "  - name: app\n    image: nginx:1.25\n") => `apiVersion: v1
kind: Pod
metadata:
  name: web
  namespace: shop
  labels:
${labels}spec:
  containers:
${containers}`;

const deployment = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  namespace: shop
spec:
  template:
    metadata:
      labels:
        app: api
    spec:
      containers:
      - name: api
        image: nginx:latest
`;

describe("Kyverno validate rules", () => {
  it("a failed pattern is a finding of the policy and rule, on the offending field's line, with the message substituted", () => {
    const findings = check(requireLabels(), pod("    app: web\n"));
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      policy: "require-labels",
      policyKind: "ClusterPolicy",
      rule: "check-team",
      action: "deny",
      line: 6,
      message: "validation error: label team is required on web. rule check-team failed at path /metadata/labels/team/",
    });
    expect(check(requireLabels(), pod("    team: shop\n"))).toEqual([]);
  });

  it("findings carry the policy's own documentation, which reports show as the rule's help", () => {
    const [finding] = check(requireLabels(), pod("    app: web\n"));
    expect(finding?.docs).toEqual({ title: "Require Labels" });
    expect(ruleDoc("ClusterPolicy", "check-team", finding?.docs).title).toBe("Require Labels (check-team)");
  });

  it("Audit warns; a rule's own failureAction overrides the policy's", () => {
    expect(check(requireLabels("Audit"), pod("    app: web\n"))[0]?.action).toBe("warn");
    expect(check(requireLabels("Audit", "      failureAction: Enforce\n"), pod("    app: web\n"))[0]?.action).toBe("deny");
  });

  it("Pod rules also judge Pod controllers through the generated autogen rules, on the template's lines", () => {
    const findings = check(requireLabels(), deployment);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ rule: "autogen-check-team", resource: { kind: "Deployment", name: "api" }, line: 9 });
    // The message reads the template's name, which it lacks: upstream then falls back to its own wording.
    expect(findings[0]?.message).toBe(
      "validation error: variables substitution error in rule autogen-check-team execution error: " +
        "resource value '<nil>' does not match '?*' at path /spec/template/metadata/labels/team/",
    );
  });

  it("deny conditions with JMESPath; foreach findings land on the element's line and may name it", () => {
    const policy = `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: no-latest
spec:
  validationFailureAction: Enforce
  rules:
  - name: pin-images
    match:
      any:
      - resources:
          kinds: [Pod]
    validate:
      message: "image {{ element.image }} must be pinned"
      foreach:
      - list: "request.object.spec.containers"
        deny:
          conditions:
            any:
            - key: "{{ element.image }}"
              operator: Equals
              value: "*:latest"
`;
    const findings = check(policy, pod("    team: a\n", "  - name: ok\n    image: nginx:1.25\n  - name: bad\n    image: nginx:latest\n"));
    expect(findings).toMatchObject([{ rule: "pin-images", line: 12, message: "validation failure: image nginx:latest must be pinned" }]);
  });

  it("anyPattern passes when one pattern matches", () => {
    const policy = `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: run-as-non-root
spec:
  validationFailureAction: Enforce
  rules:
  - name: non-root
    match:
      any:
      - resources:
          kinds: [Pod]
    validate:
      anyPattern:
      - spec:
          securityContext:
            runAsNonRoot: true
      - spec:
          containers:
          - securityContext:
              runAsNonRoot: true
`;
    expect(check(policy, pod("    team: a\n"))).toHaveLength(1);
    expect(
      check(policy, pod("    team: a\n", "  - name: app\n    image: nginx\n    securityContext:\n      runAsNonRoot: true\n")),
    ).toEqual([]);
  });

  it("podSecurity runs the Pod Security Standards, with exclusions by control and image", () => {
    const policy = (exclude: string) => `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: pss
spec:
  validationFailureAction: Enforce
  rules:
  - name: baseline
    match:
      any:
      - resources:
          kinds: [Pod]
    validate:
      podSecurity:
        level: baseline
        version: latest
${exclude}`;
    const privileged = pod("    team: a\n", "  - name: app\n    image: nginx\n    securityContext:\n      privileged: true\n");
    const findings = check(policy(""), privileged);
    expect(findings).toMatchObject([{ policy: "pss", rule: "baseline", line: 13 }]);
    expect(findings[0]?.message).toContain('violates PodSecurity "baseline:latest"');
    expect(
      check(policy("        exclude:\n        - controlName: Privileged Containers\n          images: [nginx]\n"), privileged),
    ).toEqual([]);
  });
});

describe("validate.cel rules", () => {
  const celPolicy = (validate: string, extra = "") => `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: cel-images
spec:
  validationFailureAction: Enforce
  rules:
  - name: no-latest
    match:
      any:
      - resources:
          kinds: [Pod]
${extra}    validate:
      message: "images must not use the latest tag"
      cel:
${validate}`;
  const noLatest = `        variables:
        - name: containers
          expression: "object.spec.containers"
        expressions:
        - expression: "variables.containers.all(c, !c.image.endsWith(':latest'))"
`;
  const containers = "  - name: app\n    image: nginx:1.25\n  - name: sidecar\n    image: busybox:latest\n";
  const cronJob = `apiVersion: batch/v1
kind: CronJob
metadata:
  name: nightly
  namespace: shop
spec:
  schedule: "0 0 * * *"
  jobTemplate:
    spec:
      template:
        spec:
          containers:
          - name: job
            image: busybox:latest
`;

  it("fails on the offending container with the rule's message, for Pods and, through autogen, their controllers", () => {
    const policy = celPolicy(noLatest);
    expect(check(policy, pod("    team: a\n", containers))).toEqual([
      expect.objectContaining({
        policy: "cel-images",
        rule: "no-latest",
        action: "deny",
        line: 12,
        message: "images must not use the latest tag",
      }),
    ]);
    // The Deployment's container is on line 13; the CronJob starts on line 16, its container on line 28.
    const generated = check(policy, `${deployment}---\n${cronJob}`);
    expect(generated.map((finding) => [finding.rule, finding.resource.kind, finding.line])).toEqual([
      ["autogen-no-latest", "Deployment", 13],
      ["autogen-cronjob-no-latest", "CronJob", 28],
    ]);
    expect(check(policy, pod("    team: a\n"))).toEqual([]);
  });

  it("celPreconditions that do not hold skip the rule", () => {
    const guarded = celPolicy(
      noLatest,
      "    celPreconditions:\n    - name: shop-only\n      expression: \"object.metadata.namespace == 'other'\"\n",
    );
    expect(check(guarded, pod("    team: a\n", containers))).toEqual([]);
  });

  it("JMESPath preconditions and context variables gate a CEL rule too, as Kyverno's engine checks them before any handler", () => {
    const gated = celPolicy(
      noLatest,
      '    context:\n    - name: tier\n      variable:\n        value: "{{ request.object.metadata.labels.tier || \'none\' }}"\n    preconditions:\n      all:\n      - key: "{{ tier }}"\n        operator: Equals\n        value: web\n',
    );
    expect(check(gated, pod("    team: a\n", containers))).toEqual([]);
    expect(check(gated, pod("    tier: web\n", containers))).toEqual([expect.objectContaining({ rule: "no-latest", line: 12 })]);
  });

  it("an expression that errs fails the rule, as under Kyverno's failurePolicy Fail", () => {
    const erring = celPolicy('        expressions:\n        - expression: "object.spec.missing.size() == 0"\n');
    expect(check(erring, pod("    team: a\n"))[0]?.message).toMatch(/^expression 'object.spec.missing.size\(\) == 0' resulted in error/);
  });

  const withParams = celPolicy(`        paramKind:
          apiVersion: v1
          kind: ConfigMap
        paramRef:
          name: allowed-tags
          namespace: shop
          parameterNotFoundAction: Deny
        expressions:
        - expression: "object.spec.containers.all(c, c.image.split(':')[1] in params.data.tags.split(','))"
          messageExpression: "'tags allowed: ' + params.data.tags"
`);
  const configMap = "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: allowed-tags\n  namespace: shop\ndata:\n  tags: '1.25'\n";

  it("params come from the policy files; a named param that is not there leaves the rule not evaluated", () => {
    expect(check(withParams + configMap, pod("    team: a\n", containers))).toEqual([
      expect.objectContaining({ rule: "no-latest", line: 12, message: "tags allowed: 1.25" }),
    ]);
    expect(check(withParams + configMap, pod("    team: a\n"))).toEqual([]);
    expect(check(withParams, pod("    team: a\n"))[0]?.message).toMatch(
      /^not evaluated: needs the ConfigMap "allowed-tags" in namespace "shop"/,
    );
  });

  it("celPreconditions belong to validate.cel rules: elsewhere they are a load error, as Kyverno refuses them", () => {
    const misplaced = requireLabels().replace(
      "    validate:\n",
      '    celPreconditions:\n    - name: x\n      expression: "true"\n    validate:\n',
    );
    expect(load(misplaced).errors).toEqual([
      expect.objectContaining({ line: 15, message: expect.stringMatching(/^celPreconditions can only be used with validate.cel/) }),
    ]);
  });

  it("what needs the cluster's authorizer is not evaluated; a mistake is a load error at its line", () => {
    const authorizer = celPolicy(
      "        expressions:\n        - expression: \"authorizer.group('').resource('pods').check('create').allowed()\"\n",
    );
    expect(check(authorizer, pod("    team: a\n"))[0]?.message).toMatch(/^not evaluated: needs the cluster's authorizer/);
    const broken = load(celPolicy('        expressions:\n        - expression: "object.spec.containers.all(c,"\n'));
    expect(broken.policies).toEqual([]);
    expect(broken.errors).toEqual([expect.objectContaining({ line: 17, message: expect.stringMatching(/invalid CEL expression/) })]);
  });
});

describe("rules that cannot be judged from the files", () => {
  const mixed = `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: mixed
spec:
  validationFailureAction: Enforce
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
  - name: clock
    match:
      any:
      - resources:
          kinds: [Pod]
    validate:
      failureAction: Audit
      deny:
        conditions:
          any:
          - key: "{{ time_now_utc() }}"
            operator: Equals
            value: "never"
`;

  it("are reported as not evaluated, naming the need and the rule's line; mutate only warns", () => {
    const findings = check(mixed, pod("    team: a\n"));
    const byRule = new Map(findings.map((finding) => [finding.rule, finding]));
    expect(byRule.get("lookup")).toMatchObject({
      action: "deny",
      line: 1,
      message: 'not evaluated: needs a cluster or service lookup (context apiCall) (rule "lookup" at policies/kyverno.yaml:8)',
    });
    expect(byRule.get("add-label")?.action).toBe("warn");
    expect(byRule.get("add-label")?.message).toMatch(/^not evaluated: needs a mutating webhook/);
    expect(byRule.get("clock")).toMatchObject({ action: "warn" });
    expect(byRule.get("clock")?.message).toMatch(/^not evaluated: needs the time of admission/);
  });

  it("an org may choose how not-evaluated rules are reported", () => {
    const annotated = mixed.replace("  name: mixed\n", "  name: mixed\n  annotations:\n    kube-policy-bot.dev/not-evaluated: dryrun\n");
    expect(new Set(check(annotated, pod("    team: a\n")).map((finding) => finding.action))).toEqual(new Set(["dryrun"]));
  });

  it("an Audit policy annotated to block on what it cannot evaluate blocks, while its failures still warn", () => {
    const audit = mixed
      .replace("  name: mixed\n", "  name: mixed\n  annotations:\n    kube-policy-bot.dev/not-evaluated: deny\n")
      .replace("validationFailureAction: Enforce", "validationFailureAction: Audit");
    const findings = check(
      audit + requireLabels("Audit").replace("name: require-labels", "name: audit-labels").replace(/^/, "---\n"),
      pod("    app: a\n"),
    );
    expect(findings.filter((finding) => finding.message.startsWith("not evaluated")).map((finding) => finding.action)).toEqual([
      "deny",
      "deny",
      "deny",
    ]);
    expect(findings.find((finding) => finding.policy === "audit-labels")?.action).toBe("warn");
  });

  it("user info is unknown for a manifest, so a rule that reads it is not evaluated", () => {
    const policy = requireLabels().replace(
      'message: "label team is required on {{ request.object.metadata.name }}"',
      'message: "{{ request.userInfo.username }} may not"',
    );
    expect(check(policy, pod("    app: web\n"))[0]?.message).toMatch(/^not evaluated: needs who applies the change/);
  });
});

describe("match, exclude and scope", () => {
  const scoped = (match: string, extra = "") => requireLabels().replace("      - resources:\n          kinds: [Pod]\n", match) + extra;

  it("kinds in Group/Version/Kind form, namespaces and names with wildcards, exclude", () => {
    const byGvk = scoped("      - resources:\n          kinds: [v1/Pod]\n          namespaces: [sh*]\n");
    expect(check(byGvk, pod("    app: web\n"))).toHaveLength(1);
    const otherNamespace = scoped("      - resources:\n          kinds: [Pod]\n          namespaces: [prod]\n");
    expect(check(otherNamespace, pod("    app: web\n"))).toEqual([]);
    const excluded = scoped("      - resources:\n          kinds: [Pod]\n").replace(
      "    validate:\n",
      "    exclude:\n      any:\n      - resources:\n          names: [we?]\n    validate:\n",
    );
    expect(check(excluded, pod("    app: web\n"))).toEqual([]);
  });

  it("a namespaced Policy judges only its namespace", () => {
    const policy = requireLabels()
      .replace("kind: ClusterPolicy", "kind: Policy")
      .replace("  name: require-labels\n", "  name: require-labels\n  namespace: prod\n");
    expect(check(policy, pod("    app: web\n"))).toEqual([]);
  });

  it("a rule that reads request.operation is judged for CREATE and UPDATE; a failure either way is reported", () => {
    const policy = `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: frozen
spec:
  validationFailureAction: Enforce
  rules:
  - name: no-updates
    match:
      any:
      - resources:
          kinds: [Pod]
    validate:
      message: updates are not allowed
      deny:
        conditions:
          any:
          - key: "{{ request.operation }}"
            operator: Equals
            value: UPDATE
`;
    expect(check(policy, pod("    app: web\n"))[0]?.message).toBe("updates are not allowed (if this change updates an existing object)");
  });
});

describe("loading", () => {
  it("reports mistakes at their line", () => {
    const broken = `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: broken
spec:
  validationFailureAction: Block
  rules:
  - name: r
    match:
      any:
      - resources:
          kinds: [Pod]
    validate:
      mesage: typo
      deny:
        conditions:
          any:
          - key: "{{ request.object.metadata.name | }}"
            operator: Equal
            value: x
          - key: a
            operator: Matches
            value: b
`;
    const { errors, policies } = load(broken);
    expect(policies).toEqual([]);
    expect(errors.map((error) => [error.line, error.message.split(";")[0]])).toEqual([
      [6, 'must be Enforce or Audit, not "Block"'],
      [14, 'unknown field "mesage" in spec.rules.0.validate (did you mean "message"?)'],
      [22, 'unknown condition operator "Matches"'],
      [18, expect.stringContaining("invalid JMESPath")],
    ]);
  });

  it("a policy without rules, or a rule without a validate kind, is an error", () => {
    expect(
      load("apiVersion: kyverno.io/v1\nkind: ClusterPolicy\nmetadata:\n  name: empty\nspec:\n  rules: []\n").errors[0]?.message,
    ).toContain("non-empty spec.rules");
    const noKind =
      "apiVersion: kyverno.io/v1\nkind: ClusterPolicy\nmetadata:\n  name: x\nspec:\n  rules:\n  - name: r\n    match:\n      any:\n      - resources:\n          kinds: [Pod]\n";
    expect(load(noKind).errors[0]).toMatchObject({
      line: 7,
      message: expect.stringContaining("exactly one of validate, mutate, generate, verifyImages"),
    });
  });
});
