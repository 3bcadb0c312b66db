/**
 * An organisation's own ConstraintTemplate with CEL code: its constraints run through the generic CEL
 * path, findings land on the offending container, and mistakes in the template are reported at their line.
 */
import { describe, expect, test } from "@jest/globals";
import { loadManifestFile } from "../../../src/manifests/load.js";
import { evaluate } from "../../../src/policy/engine.js";
import { loadPolicies } from "../../../src/config/policy-files.js";

function template(kind: string, source: string): string {
  return `apiVersion: templates.gatekeeper.sh/v1
kind: ConstraintTemplate
metadata:
  name: ${kind.toLowerCase()}
spec:
  crd:
    spec:
      names:
        kind: ${kind}
  targets:
  - target: admission.k8s.gatekeeper.sh
    code:
    - engine: K8sNativeValidation
      source:
${source.replace(/^/gm, "        ")}
`;
}

const teamRegistry = template(
  "AcmeTeamRegistry",
  `variables:
- name: containers
  expression: 'has(variables.anyObject.spec.containers) ? variables.anyObject.spec.containers : []'
- name: prefix
  expression: "'registry.acme.example/' + variables.params.team + '/'"
- name: foreign
  expression: 'variables.containers.filter(c, !c.image.startsWith(variables.prefix))'
validations:
- expression: 'size(variables.foreign) == 0'
  messageExpression: '"images outside " + variables.prefix + ": " + variables.foreign.map(c, c.name).join(", ")'`,
);

const constraint = `apiVersion: constraints.gatekeeper.sh/v1beta1
kind: AcmeTeamRegistry
metadata:
  name: payments-registry
spec:
  enforcementAction: warn
  match:
    kinds: [{apiGroups: [""], kinds: ["Pod"]}]
    namespaces: ["payments"]
  parameters:
    team: payments
`;

const pod = (namespace: string): string => `apiVersion: v1
kind: Pod
metadata:
  name: api
  namespace: ${namespace}
spec:
  containers:
  - name: api
    image: registry.acme.example/payments/api:1
  - name: sidecar
    image: docker.io/envoy:1
`;

function run(policies: Record<string, string>, manifests: Record<string, string>) {
  const loaded = loadPolicies(Object.entries(policies).map(([file, content]) => ({ file, content })));
  const files = Object.entries(manifests).map(([file, content]) => loadManifestFile(file, content));
  return { errors: loaded.errors, findings: evaluate(files, loaded.policies).findings };
}

describe("an organisation's own CEL ConstraintTemplate", () => {
  test("its constraint judges objects with the constraint's match, action and parameters", () => {
    const { errors, findings } = run(
      { "template.yaml": teamRegistry, "constraint.yaml": constraint },
      { "pay.yaml": pod("payments"), "other.yaml": pod("shop") },
    );
    expect(errors).toEqual([]);
    expect(findings.map((f) => [f.file, f.line, f.action, f.policy, f.policyKind, f.path, f.message])).toEqual([
      [
        "pay.yaml",
        10,
        "warn",
        "payments-registry",
        "AcmeTeamRegistry",
        "spec.containers[1]",
        "images outside registry.acme.example/payments/: sidecar",
      ],
    ]);
  });

  test("a CEL error in the template is reported at its line, and its constraints are unknown kinds", () => {
    const broken = teamRegistry.replace("size(variables.foreign) == 0", "size(variables.foreign) ==");
    const { errors } = run({ "template.yaml": broken, "constraint.yaml": constraint }, {});
    expect(errors.map((e) => [e.file, e.line, e.message.slice(0, 80)])).toEqual([
      ["template.yaml", 23, expect.stringMatching(/^ConstraintTemplate for "AcmeTeamRegistry": invalid CEL expression/)],
      ["constraint.yaml", 2, expect.stringMatching(/^unknown policy kind "AcmeTeamRegistry"/)],
    ]);
  });

  test("a library kind implemented natively keeps its native code even when its template carries CEL", () => {
    const native = template("K8sRequiredLabels", "validations:\n- expression: 'false'\n  message: the CEL would deny everything");
    const requiredLabels = `apiVersion: constraints.gatekeeper.sh/v1beta1
kind: K8sRequiredLabels
metadata:
  name: needs-owner
spec:
  match:
    kinds: [{apiGroups: [""], kinds: ["Pod"]}]
  parameters:
    labels: [{key: owner}]
`;
    const { errors, findings } = run({ "template.yaml": native, "constraint.yaml": requiredLabels }, { "pod.yaml": pod("shop") });
    expect(errors).toEqual([]);
    expect(findings.map((f) => f.message)).toEqual([expect.stringMatching(/owner/)]);
  });
});
