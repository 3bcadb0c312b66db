/** Rule help for CEL policies names what they are, and does not pass them off as Gatekeeper library kinds. */
import { expect, test } from "@jest/globals";
import { ruleDoc } from "../../src/report/rule-docs.js";

test("ValidatingAdmissionPolicy, Kyverno ValidatingPolicy and an organisation's CEL template kind", () => {
  expect(ruleDoc("ValidatingAdmissionPolicy", "my-binding")).toMatchObject({
    title: "Kubernetes ValidatingAdmissionPolicy (CEL)",
    helpUri: expect.stringMatching(/validating-admission-policy/),
  });
  expect(ruleDoc("ValidatingPolicy", "require-labels")).toMatchObject({
    title: "Kyverno ValidatingPolicy (CEL)",
    helpUri: expect.stringMatching(/kyverno\.io/),
  });
  expect(ruleDoc("AcmeTeamRegistry", "AcmeTeamRegistry").checks).toMatch(/organisation's own ConstraintTemplate/);
  expect(ruleDoc("K8sAllowedRepos", "K8sAllowedRepos").checks).toMatch(/Gatekeeper policy library/);
});
