/**
 * PodSecurityEnforceFloor: a change that removes or lowers a Namespace's enforce label below the
 * organisation's floor blocks, on the label's line; a Namespace that was already below the floor
 * and is not lowered further does not (the change is not what put it there).
 */
import { describe, expect, it } from "@jest/globals";
import { loadManifestFile } from "../../../src/manifests/load.js";
import { evaluate, type EvaluationResult } from "../../../src/policy/engine.js";
import { loadPolicies, type PolicySource } from "../../../src/config/policy-files.js";

const FLOOR: PolicySource = {
  file: "floor.yaml",
  content: `apiVersion: kube-policy-bot.dev/v1
kind: PodSecurityEnforceFloor
metadata:
  name: enforce-floor
spec:
  enforcementAction: deny
  parameters:
    level: baseline
    version: v1.25
`,
};

const namespace = (labels: Record<string, string>, name = "prod") =>
  `apiVersion: v1
kind: Namespace
metadata:
  name: ${name}
  labels:
    team: payments
${Object.entries(labels)
  .map(([key, value]) => `    pod-security.kubernetes.io/${key}: "${value}"`)
  .join("\n")}
`;

function judge(head: string, base?: string, ...extra: PolicySource[]): EvaluationResult {
  const loaded = loadPolicies([FLOOR, ...extra]);
  expect(loaded.errors).toEqual([]);
  const sources = base === undefined ? {} : { base: loadManifestFile("ns/prod.yaml", base).manifests };
  return evaluate([loadManifestFile("ns/prod.yaml", head)], loaded.policies, { namespaces: sources });
}

describe("PodSecurityEnforceFloor", () => {
  it("lowering enforce from restricted to privileged blocks, on the enforce label's line", () => {
    const result = judge(namespace({ enforce: "privileged" }), namespace({ enforce: "restricted" }));
    expect(result.findings).toEqual([
      expect.objectContaining({
        policy: "enforce-floor",
        rule: "PodSecurityEnforceFloor",
        action: "deny",
        line: 7,
        path: 'metadata.labels["pod-security.kubernetes.io/enforce"]',
        message: expect.stringMatching(
          /^pod-security.kubernetes.io\/enforce: privileged: the namespace would enforce privileged:latest, below the organisation's floor baseline:v1.25, was enforce=restricted:latest before this change/,
        ),
      }),
    ]);
  });

  it("removing the enforce label blocks when the cluster default is below the floor, on the labels line", () => {
    const result = judge(namespace({}), namespace({ enforce: "restricted" }));
    expect(result.findings).toEqual([
      expect.objectContaining({
        line: 5,
        path: "metadata.labels",
        message: expect.stringContaining("no pod-security.kubernetes.io/enforce label (Pod Security admission's default applies)"),
      }),
    ]);
  });

  it("removing it is fine when the cluster's default (its AdmissionConfiguration) meets the floor", () => {
    const admission = {
      file: "psa.yaml",
      content: "apiVersion: pod-security.admission.config.k8s.io/v1\nkind: PodSecurityConfiguration\ndefaults: {enforce: baseline}\n",
    };
    expect(judge(namespace({}), namespace({ enforce: "restricted" }), admission).findings).toEqual([]);
  });

  it("pinning an older enforce-version below the floor blocks, on the version label's line", () => {
    const result = judge(namespace({ enforce: "baseline", "enforce-version": "v1.20" }), namespace({ enforce: "baseline" }));
    expect(result.findings).toEqual([
      expect.objectContaining({ line: 8, path: 'metadata.labels["pod-security.kubernetes.io/enforce-version"]' }),
    ]);
  });

  it("a namespace that was already below the floor and is not lowered does not block", () => {
    expect(judge(namespace({ enforce: "privileged" }), namespace({ enforce: "privileged" })).findings).toEqual([]);
    expect(
      judge(namespace({ enforce: "baseline", "enforce-version": "v1.20" }), namespace({ enforce: "baseline", "enforce-version": "v1.10" }))
        .findings,
    ).toEqual([]);
  });

  it("lowering one that was below the floor further still blocks", () => {
    expect(
      judge(namespace({ enforce: "baseline", "enforce-version": "v1.10" }), namespace({ enforce: "baseline", "enforce-version": "v1.20" }))
        .findings,
    ).toHaveLength(1);
  });

  it("a Namespace with no earlier state (new, or the CLI) blocks whenever it is below the floor", () => {
    expect(judge(namespace({ enforce: "privileged" })).findings).toHaveLength(1);
    expect(judge(namespace({ enforce: "baseline" })).findings).toEqual([]);
    expect(judge(namespace({ enforce: "restricted", "enforce-version": "v1.30" })).findings).toEqual([]);
  });

  it("an AdmissionReview UPDATE is compared with its oldObject", () => {
    const indent = (text: string) =>
      text
        .trimEnd()
        .split("\n")
        .map((line) => `    ${line}`)
        .join("\n");
    const review = `apiVersion: admission.k8s.io/v1
kind: AdmissionReview
request:
  uid: "1"
  kind: {group: "", version: v1, kind: Namespace}
  resource: {group: "", version: v1, resource: namespaces}
  operation: UPDATE
  name: prod
  object:
${indent(namespace({ enforce: "privileged" }))}
  oldObject:
${indent(namespace({ enforce: "restricted" }))}
`;
    const loaded = loadPolicies([FLOOR]);
    const result = evaluate([loadManifestFile("review.yaml", review)], loaded.policies);
    expect(result.errors).toEqual([]);
    expect(result.findings).toEqual([
      expect.objectContaining({ line: 16, message: expect.stringContaining("was enforce=restricted:latest before this change") }),
    ]);
  });

  it("namespaces exempt in the cluster's configuration are left alone", () => {
    const admission = {
      file: "psa.yaml",
      content: "apiVersion: pod-security.admission.config.k8s.io/v1\nkind: PodSecurityConfiguration\nexemptions: {namespaces: [prod]}\n",
    };
    expect(judge(namespace({ enforce: "privileged" }), namespace({ enforce: "restricted" }), admission).findings).toEqual([]);
  });

  it.each([
    ["level: privileged", /level must be "baseline" or "restricted"/],
    ["level: baseline\n    version: 1.25", /version must be "latest" or "v1.x"/],
    ["level: baseline\n    floor: v1", /unknown parameter "floor"/],
  ])("parameters %s are an error", (parameters, message) => {
    const loaded = loadPolicies([
      { file: "f.yaml", content: FLOOR.content.toString().replace("level: baseline\n    version: v1.25", parameters) },
    ]);
    expect(loaded.errors).toEqual([expect.objectContaining({ message: expect.stringMatching(message) })]);
  });
});
