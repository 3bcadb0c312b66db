import { describe, expect, it } from "@jest/globals";
import { loadPolicies } from "../../src/config/policy-files.js";

const load = (content: string, file = "policies/p.yaml") => loadPolicies([{ file, content }]);

const podSecurity = (spec: string) => `apiVersion: kube-policy-bot.dev/v1
kind: PodSecurity
metadata:
  name: pss
spec:
${spec}`;

describe("loading policy files", () => {
  it("reads a PodSecurity policy with its defaults", () => {
    const { policies, errors } = load(podSecurity("  parameters:\n    level: baseline\n"));
    expect(errors).toEqual([]);
    expect(policies).toHaveLength(1);
    expect(policies[0]).toMatchObject({ name: "pss", kind: "PodSecurity", enforcementAction: "deny", match: {}, target: "pod" });
  });

  it("reads the Gatekeeper seed constraint verbatim", () => {
    const { policies, errors } = load(`apiVersion: constraints.gatekeeper.sh/v1beta1
kind: K8sAllowedRepos
metadata:
  name: allowed-repos
spec:
  match:
    kinds:
      - apiGroups: [""]
        kinds: ["Pod"]
    namespaces:
      - "sbx"
      - "prd"
  parameters:
    repos:
      - "open-policy-agent"
      - "ubuntu"
`);
    expect(errors).toEqual([]);
    expect(policies[0]).toMatchObject({
      name: "allowed-repos",
      kind: "K8sAllowedRepos",
      match: { kinds: [{ apiGroups: [""], kinds: ["Pod"] }], namespaces: ["sbx", "prd"] },
    });
  });

  it("an unknown kind names file, line and the supported kinds", () => {
    const { policies, errors } = load("apiVersion: kube-policy-bot.dev/v1\nkind: PodSecurty\nmetadata:\n  name: x\n");
    expect(policies).toEqual([]);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ file: "policies/p.yaml", line: 2 });
    expect(errors[0]?.message).toMatch(/unknown policy kind "PodSecurty" \(did you mean "PodSecurity"\?\)/);
    expect(errors[0]?.message).toMatch(/supported kinds: .*K8sAllowedRepos.*PodSecurity/);
  });

  it("a typo'd key is an error on its line with a suggestion", () => {
    const { policies, errors } = load(podSecurity("  enforcmentAction: warn\n  parameters:\n    level: baseline\n"));
    expect(policies).toEqual([]);
    expect(errors[0]).toMatchObject({ line: 6 });
    expect(errors[0]?.message).toMatch(/unknown field "enforcmentAction".*did you mean "enforcementAction"/);
  });

  it("a bad level or version is an error on its line", () => {
    const bad = load(podSecurity("  parameters:\n    level: strict\n    version: v1.99\n"));
    expect(bad.policies).toEqual([]);
    expect(bad.errors.map((e) => e.line).sort()).toEqual([7, 8]);
    expect(bad.errors.map((e) => e.message).join("\n")).toMatch(/level/);
    expect(bad.errors.map((e) => e.message).join("\n")).toMatch(/version/);
  });

  it("a bad enforcementAction and a malformed match are errors", () => {
    const { errors } = load(
      podSecurity("  enforcementAction: block\n  match:\n    kinds: Pod\n    scope: Everything\n  parameters:\n    level: baseline\n"),
    );
    expect(errors.map((e) => [e.line, e.message.split(" ")[0]])).toEqual([
      [6, "spec.enforcementAction"],
      [8, "spec.match.kinds"],
      [9, "spec.match.scope"],
    ]);
  });

  it("policy names must be unique across files", () => {
    const source = podSecurity("  parameters:\n    level: baseline\n");
    const { policies, errors } = loadPolicies([
      { file: "a.yaml", content: source },
      { file: "b.yaml", content: source },
    ]);
    expect(policies).toHaveLength(1);
    expect(errors[0]).toMatchObject({ file: "b.yaml", line: 1 });
    expect(errors[0]?.message).toMatch(/already used at a.yaml:1/);
  });

  it("scoped enforcement answers to gator.gatekeeper.sh and kube-policy-bot.dev, strictest wins", () => {
    const scoped = (points: string) =>
      load(
        podSecurity(`  enforcementAction: scoped
  scopedEnforcementActions:
${points}
  parameters:
    level: baseline
`),
      );
    const gator = scoped(
      "    - action: warn\n      enforcementPoints: [{name: gator.gatekeeper.sh}]\n    - action: deny\n      enforcementPoints: [{name: kube-policy-bot.dev}]",
    );
    expect(gator.errors).toEqual([]);
    expect(gator.policies[0]?.enforcementAction).toBe("deny");
    const admissionOnly = scoped("    - action: deny\n      enforcementPoints: [{name: validation.gatekeeper.sh}]");
    expect(admissionOnly.errors).toEqual([]);
    expect(admissionOnly.policies).toEqual([]);
  });

  it("accepts ConstraintTemplates of kinds implemented natively, rejects others", () => {
    const template = (kind: string) => `apiVersion: templates.gatekeeper.sh/v1
kind: ConstraintTemplate
metadata:
  name: ${kind.toLowerCase()}
spec:
  crd:
    spec:
      names:
        kind: ${kind}
`;
    expect(load(template("K8sAllowedRepos")).errors).toEqual([]);
    const unknown = load(template("K8sSomethingCustom"));
    expect(unknown.errors[0]).toMatchObject({ line: 9 });
    expect(unknown.errors[0]?.message).toMatch(/not supported.*does not run Rego/);
  });

  it("YAML errors and non-mapping documents are reported, empty documents ignored", () => {
    expect(load("---\n---\n").errors).toEqual([]);
    expect(load("- a\n- b\n").errors[0]?.message).toMatch(/must be a mapping/);
    expect(load("kind: [unclosed\n").errors[0]?.line).toBeGreaterThan(0);
  });

  it("an apiVersion that is not a string is an error, even one no String() can print (found by the reader's property test)", () => {
    const { policies, errors } = load("apiVersion: [{toString: false}]\nkind: K8sRequiredLabels\nmetadata:\n  name: x\n");
    expect(policies).toEqual([]);
    expect(errors).toEqual([expect.objectContaining({ file: "policies/p.yaml", line: 1 })]);
  });
});
