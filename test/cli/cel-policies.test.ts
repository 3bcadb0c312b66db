/** The CLI with CEL policies in the policy folder: a bound ValidatingAdmissionPolicy judges, an unbound one is noticed. */
import { describe, expect, it } from "@jest/globals";
import { runCli, scratchDirectory } from "./run-cli.js";

const scratch = scratchDirectory("kpb-cel-");

const policy = `apiVersion: admissionregistration.k8s.io/v1
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
`;

const binding = `apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata:
  name: max-replicas-everywhere
spec:
  policyName: max-replicas
  validationActions: [Deny]
`;

const deployment = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 9
`;

describe("kube-policy-bot check with ValidatingAdmissionPolicies", () => {
  it("blocks on a bound policy, on the offending line", async () => {
    await scratch.file("bound/policies/vap.yaml", `${policy}---\n${binding}`);
    await scratch.file("bound/manifests/web.yaml", deployment);
    const { code, stdout } = await runCli(["check", "--policies", "policies", "manifests"], { cwd: `${scratch.path()}/bound` });
    expect(code).toBe(1);
    expect(stdout).toMatch(/manifests\/web\.yaml:6:\d+: deny max-replicas\/max-replicas-everywhere: at most 5 replicas/);
  });

  it("says at its line that an unbound policy does nothing", async () => {
    await scratch.file("unbound/policies/vap.yaml", policy);
    await scratch.file(
      "unbound/policies/psa.yaml",
      "apiVersion: kube-policy-bot.dev/v1\nkind: PodSecurity\nmetadata:\n  name: baseline\nspec:\n  parameters:\n    level: baseline\n",
    );
    await scratch.file("unbound/manifests/web.yaml", deployment);
    const { code, stderr } = await runCli(["check", "--policies", "policies", "manifests"], { cwd: `${scratch.path()}/unbound` });
    expect(stderr).toMatch(
      /policies\/vap\.yaml:1:1: notice: ValidatingAdmissionPolicy "max-replicas": no ValidatingAdmissionPolicyBinding/,
    );
    expect(code).toBe(0);
  });
});
