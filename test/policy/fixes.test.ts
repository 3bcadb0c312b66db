/**
 * Rules' fixes, fixture in, file out: what `check --fix` does to a manifest for one rule.
 */
import { describe, expect, it } from "@jest/globals";
import { fixFiles } from "../../src/fix/files.js";
import { loadManifestFile } from "../../src/manifests/load.js";
import { evaluate } from "../../src/policy/engine.js";
import { loadPolicies } from "../../src/config/policy-files.js";
import type { Finding } from "../../src/policy/types.js";

const RESTRICTED = `apiVersion: kube-policy-bot.dev/v1
kind: PodSecurity
metadata: {name: restricted}
spec:
  parameters: {level: restricted}
`;

function fixedBy(rule: string, manifest: string, policy = RESTRICTED): { text: string; findings: Finding[] } {
  const { policies, errors } = loadPolicies([{ file: "policy.yaml", content: policy }]);
  expect(errors).toEqual([]);
  const findings = evaluate([loadManifestFile("m.yaml", manifest)], policies).findings.filter((finding) => finding.rule === rule);
  const result = fixFiles(new Map([["m.yaml", manifest]]), findings);
  expect(result.refused).toEqual([]);
  const text = result.texts.get("m.yaml") ?? manifest;
  return { text, findings: evaluate([loadManifestFile("m.yaml", text)], policies).findings.filter((finding) => finding.rule === rule) };
}

const deployment = (containerSecurity: string, podSpec = ""): string => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    spec:${podSpec}
      containers:
      - name: web
        image: nginx:1.27
        securityContext:
${containerSecurity}`;

describe("fixes of the Pod Security rules", () => {
  it("allowPrivilegeEscalation: false, with privileged and CAP_SYS_ADMIN removed as the API server requires", () => {
    const { text, findings } = fixedBy(
      "allowPrivilegeEscalation",
      deployment("          privileged: true\n          capabilities:\n            add: [CAP_SYS_ADMIN, NET_ADMIN]\n"),
    );
    expect(findings).toEqual([]);
    expect(text).toContain(
      "          privileged: false\n          capabilities:\n            add: [NET_ADMIN]\n          allowPrivilegeEscalation: false\n",
    );
  });

  it("removes each disallowed capability by name, however many, leaving the allowed one", () => {
    const { text, findings } = fixedBy(
      "capabilities_restricted",
      deployment(
        '          capabilities:\n            drop: ["ALL"]\n            add:\n            - SYS_ADMIN\n            - NET_BIND_SERVICE\n            - NET_RAW\n',
      ),
    );
    expect(findings).toEqual([]);
    expect(text).toContain("            add:\n            - NET_BIND_SERVICE\n");
  });

  it("puts the seccomp profile on the pod once, for every container without one", () => {
    const manifest = deployment("          runAsNonRoot: true\n").replace(
      "      - name: web",
      "      - name: side\n        image: busybox:1.36\n      - name: web",
    );
    const { text, findings } = fixedBy("seccompProfile_restricted", manifest);
    expect(findings).toEqual([]);
    expect(text.match(/seccompProfile/g)).toHaveLength(1);
    expect(text).toContain("    spec:\n      containers:");
    expect(text.endsWith("      securityContext:\n        seccompProfile:\n          type: RuntimeDefault\n")).toBe(true);
  });

  it("sets a forbidden seccomp type to RuntimeDefault, but leaves a profile with a localhostProfile alone", () => {
    const { text } = fixedBy("seccompProfile_restricted", deployment("          seccompProfile: {type: Unconfined}\n"));
    expect(text).toContain("seccompProfile: {type: RuntimeDefault}");
    const policies = loadPolicies([{ file: "policy.yaml", content: RESTRICTED }]).policies;
    const localhost = deployment("          seccompProfile: {type: Unconfined, localhostProfile: x.json}\n");
    const finding = evaluate([loadManifestFile("m.yaml", localhost)], policies).findings.find(
      (f) => f.rule === "seccompProfile_restricted",
    );
    expect(finding?.fix).toBeUndefined();
  });

  it("flags runAsUser: 0 and hostPath volumes without a fix", () => {
    const policies = loadPolicies([{ file: "policy.yaml", content: RESTRICTED }]).policies;
    const manifest = `${deployment("          runAsUser: 0\n")}      volumes:\n      - name: root\n        hostPath: {path: /}\n`;
    const findings = evaluate([loadManifestFile("m.yaml", manifest)], policies).findings;
    expect(
      findings.filter((f) => ["runAsUser", "restrictedVolumes", "hostPathVolumes"].includes(f.rule)).map((f) => [f.rule, f.fix]),
    ).toEqual([
      ["runAsUser", undefined],
      ["restrictedVolumes", undefined],
    ]);
  });

  it("fixes an item of a List where it is written, and nothing in an AdmissionReview", () => {
    const list = `apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Pod\n  metadata: {name: a}\n  spec:\n    hostNetwork: true\n    containers: [{name: a, image: "nginx:1.27"}]\n`;
    const baseline = RESTRICTED.replace("level: restricted", "level: baseline");
    const { text, findings } = fixedBy("hostNamespaces", list, baseline);
    expect(findings).toEqual([]);
    expect(text).toBe(list.replace("hostNetwork: true", "hostNetwork: false"));

    const review = `apiVersion: admission.k8s.io/v1\nkind: AdmissionReview\nrequest:\n  uid: "1"\n  operation: CREATE\n  object:\n    apiVersion: v1\n    kind: Pod\n    metadata: {name: a}\n    spec:\n      hostNetwork: true\n      containers: [{name: a, image: "nginx:1.27"}]\n`;
    const policies = loadPolicies([{ file: "policy.yaml", content: baseline }]).policies;
    const reviewed = evaluate([loadManifestFile("r.yaml", review)], policies).findings;
    expect(reviewed.map((f) => [f.rule, f.fix])).toEqual([["hostNamespaces", undefined]]);
  });
});

describe("fixes of the Gatekeeper PSP kinds", () => {
  it("K8sPSPHostNamespace unshares both namespaces; K8sPSPPrivilegedContainer sets privileged to false", () => {
    const constraints = ["K8sPSPHostNamespace", "K8sPSPPrivilegedContainer"]
      .map((kind) => `apiVersion: constraints.gatekeeper.sh/v1beta1\nkind: ${kind}\nmetadata: {name: ${kind.toLowerCase()}}\nspec: {}\n`)
      .join("---\n");
    const pod =
      "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  hostPID: true\n  hostIPC: true\n  containers:\n  - name: a\n    image: nginx:1.27\n    securityContext: {privileged: true}\n";
    expect(fixedBy("K8sPSPHostNamespace", pod, constraints).text).toContain("  hostPID: false\n  hostIPC: false\n");
    expect(fixedBy("K8sPSPPrivilegedContainer", pod, constraints).text).toContain("securityContext: {privileged: false}");
  });
});
