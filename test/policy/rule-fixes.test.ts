/**
 * A rule that claims a mechanical fix (`RuleDoc.mechanicalFix`, listed by `kube-policy-bot rules`)
 * must fix its own violating fixture: the finding carries a fix, the fix changes the file, and the
 * fixed file no longer has the finding. A rule that gains a fix without a fixture here fails too.
 */
import { describe, expect, it } from "@jest/globals";
import { loadPolicies } from "../../src/config/policy-files.js";
import { fixFiles } from "../../src/fix/files.js";
import { loadManifestFile } from "../../src/manifests/load.js";
import { evaluate } from "../../src/policy/engine.js";
import type { Finding } from "../../src/policy/types.js";
import { allRules } from "../../src/report/rule-docs.js";

const pod = (spec: string, container = ""): string => `apiVersion: v1
kind: Pod
metadata:
  name: fixture
spec:
${spec}  containers:
  - name: app
    image: registry.example/app:1.0
${container}`;

/** For each rule with a fix: a Pod that violates it (and the constraint's parameters, for a Gatekeeper kind). */
const VIOLATING: Record<string, { manifest: string; parameters?: string }> = {
  "PodSecurity/allowPrivilegeEscalation": { manifest: pod("") },
  "PodSecurity/capabilities_baseline": { manifest: pod("", "    securityContext:\n      capabilities:\n        add: [NET_ADMIN]\n") },
  "PodSecurity/capabilities_restricted": { manifest: pod("", "    securityContext:\n      allowPrivilegeEscalation: false\n") },
  "PodSecurity/hostNamespaces": { manifest: pod("  hostPID: true\n") },
  "PodSecurity/hostPorts": { manifest: pod("", "    ports:\n    - containerPort: 8080\n      hostPort: 8080\n") },
  "PodSecurity/privileged": { manifest: pod("", "    securityContext:\n      privileged: true\n") },
  "PodSecurity/procMount": { manifest: pod("", "    securityContext:\n      procMount: Unmasked\n") },
  "PodSecurity/procMount_restricted": { manifest: pod("", "    securityContext:\n      procMount: Unmasked\n") },
  "PodSecurity/runAsNonRoot": { manifest: pod("") },
  "PodSecurity/seccompProfile_baseline": { manifest: pod("  securityContext:\n    seccompProfile:\n      type: Unconfined\n") },
  "PodSecurity/seccompProfile_restricted": { manifest: pod("") },
  "K8sPSPPrivilegedContainer/K8sPSPPrivilegedContainer": { manifest: pod("", "    securityContext:\n      privileged: true\n") },
  "K8sPSPHostNamespace/K8sPSPHostNamespace": { manifest: pod("  hostIPC: true\n") },
  "K8sPSPAllowPrivilegeEscalationContainer/K8sPSPAllowPrivilegeEscalationContainer": { manifest: pod("") },
};

const PSS_LEVELS = ["baseline", "restricted"]
  .map(
    (level) =>
      `apiVersion: kube-policy-bot.dev/v1\nkind: PodSecurity\nmetadata: {name: ${level}}\nspec:\n  parameters: {level: ${level}, version: latest}\n`,
  )
  .join("---\n");

function policiesFor(kind: string, parameters: string | undefined): string {
  if (kind === "PodSecurity") return PSS_LEVELS;
  return `apiVersion: constraints.gatekeeper.sh/v1beta1\nkind: ${kind}\nmetadata: {name: fixture}\nspec:\n  parameters: ${parameters ?? "{}"}\n`;
}

function findingsOf(kind: string, rule: string, manifest: string, policyText: string): Finding[] {
  const { policies, errors } = loadPolicies([{ file: "policy.yaml", content: policyText }]);
  expect(errors).toEqual([]);
  return evaluate([loadManifestFile("fixture.yaml", manifest)], policies).findings.filter(
    (finding) => finding.policyKind === kind && finding.rule === rule,
  );
}

const claiming = allRules().filter((rule) => rule.mechanicalFix);

describe("every rule that claims a fix fixes its own violating fixture", () => {
  it("has a violating fixture for every rule with a fix, and none for a rule without one", () => {
    expect(claiming.length).toBeGreaterThan(10);
    expect(claiming.map((rule) => `${rule.kind}/${rule.id}`).filter((key) => !(key in VIOLATING))).toEqual([]);
    expect(Object.keys(VIOLATING).filter((key) => !claiming.some((rule) => `${rule.kind}/${rule.id}` === key))).toEqual([]);
  });

  it.each(claiming.map((rule) => [`${rule.kind}/${rule.id}`, rule.kind, rule.id] as const))("%s", (key, kind, rule) => {
    const fixture = VIOLATING[key];
    if (!fixture) throw new Error(`${key} claims a fix but has no violating fixture in this test`);
    const policyText = policiesFor(kind, fixture.parameters);
    const before = findingsOf(kind, rule, fixture.manifest, policyText);
    expect(before.length).toBeGreaterThan(0);
    expect(before.filter((finding) => !finding.fix).map((finding) => finding.path)).toEqual([]);
    const outcome = fixFiles(new Map([["fixture.yaml", fixture.manifest]]), before);
    expect(outcome.refused).toEqual([]);
    const text = outcome.texts.get("fixture.yaml");
    expect(text).toBeDefined();
    expect(text).not.toBe(fixture.manifest);
    expect(findingsOf(kind, rule, text as string, policyText)).toEqual([]);
  });
});
