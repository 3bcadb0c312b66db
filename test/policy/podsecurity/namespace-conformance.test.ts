/**
 * Upstream conformance through a namespace: every Pod Security Admission fixture
 * (../shared/corpora/psa, both levels, every version, pass and fail) is wrapped in a Deployment in
 * a namespace, and the level and version come from that namespace's labels (or from the cluster
 * defaults of an AdmissionConfiguration) — never from the policy. The whole pipeline runs: the
 * manifest loader, the policy loader, the engine, and namespace resolution. Each fixture must then
 * give upstream's verdict in the mode the namespace names, and nothing in the others:
 * - `enforce: L` + `enforce-version: V`: deny findings exactly as upstream decides (warn follows the
 *   stricter enforce level, and reports the same thing, so nothing else remains);
 * - `warn: L` + `warn-version: V`: the same verdict as warnings, nothing blocks;
 * - `audit: L` + `audit-version: V`: the same verdict as dry-run notices;
 * - `enforce: privileged` + `enforce-version: V`: nothing at all;
 * - an unlabelled Namespace, and a namespace whose Namespace is not found, under an AdmissionConfiguration
 *   whose defaults are `enforce: L`, `enforce-version: V`: deny findings exactly as upstream decides.
 */
import { describe, expect, test } from "@jest/globals";
import { loadManifestFile } from "../../../src/manifests/load.js";
import type { JsonObject, LoadedFile } from "../../../src/manifests/types.js";
import { evaluate } from "../../../src/policy/engine.js";
import { loadPolicies } from "../../../src/config/policy-files.js";
import type { EnforcementAction, Finding, Policy } from "../../../src/policy/types.js";
import { CORPUS, corpusPresent, fixtureEntries, fixtureText, mismatch, type FixtureEntry } from "./fixtures.js";
import { load, YAML11_SCHEMA } from "js-yaml";

if (!corpusPresent) {
  console.log(`SKIPPED Pod Security conformance through namespaces: ${CORPUS} is absent (the shared corpora live beside the checkout).`);
}

/** One policy reading all three modes: enforce denies, warn warns, audit is a dry-run notice. */
const PSA_POLICY = `apiVersion: kube-policy-bot.dev/v1
kind: PodSecurity
metadata:
  name: psa
spec:
  enforcementAction: deny
  parameters:
    namespaceLabels: [enforce, warn, audit]
    level: privileged
`;

/** The cluster's configuration: upstream's defaults unless a case sets enforce's. */
function admissionConfiguration(enforce = "privileged", enforceVersion = "latest"): string {
  return `apiVersion: apiserver.config.k8s.io/v1
kind: AdmissionConfiguration
plugins:
  - name: PodSecurity
    configuration:
      apiVersion: pod-security.admission.config.k8s.io/v1
      kind: PodSecurityConfiguration
      defaults:
        enforce: ${enforce}
        enforce-version: ${enforceVersion}
`;
}

function policiesWith(admission: string): Policy[] {
  const loaded = loadPolicies([
    { file: "psa.yaml", content: PSA_POLICY },
    { file: "admission.yaml", content: admission },
  ]);
  expect(loaded.errors).toEqual([]);
  return loaded.policies;
}

const namespaceOf = (entry: FixtureEntry): string => `ns-${entry.level}-${entry.version.replace(".", "-")}`;

function deploymentOf(entry: FixtureEntry, index: number): LoadedFile {
  const pod = load(fixtureText(entry), { schema: YAML11_SCHEMA }) as JsonObject;
  const deployment = {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: `f${index}`, namespace: namespaceOf(entry) },
    spec: {
      selector: { matchLabels: { app: "fixture" } },
      template: { metadata: { ...(pod["metadata"] as JsonObject), labels: { app: "fixture" } }, spec: pod["spec"] ?? {} },
    },
  };
  return loadManifestFile(`${entry.path}.deployment.json`, JSON.stringify(deployment, null, 2));
}

/** One Namespace per level and version among the fixtures, labelled by `labels(level, version)`. */
function namespacesFile(entries: readonly FixtureEntry[], labels: (entry: FixtureEntry) => Record<string, string>): LoadedFile {
  const seen = new Map<string, FixtureEntry>();
  for (const entry of entries) seen.set(namespaceOf(entry), entry);
  const documents = [...seen].map(([name, entry]) =>
    JSON.stringify({ apiVersion: "v1", kind: "Namespace", metadata: { name, labels: labels(entry) } }),
  );
  // Each document behind its own `---`: a file that starts with `{` is a JSON stream for kubectl, which
  // would refuse the separators.
  return loadManifestFile("namespaces.yaml", documents.map((document) => `---\n${document}\n`).join(""));
}

(corpusPresent ? describe : describe.skip)("Pod Security conformance through a labelled namespace", () => {
  const entries = fixtureEntries();
  const deployments = entries.map((entry, index) => deploymentOf(entry, index));
  const counts: string[] = [];

  /** Findings by the fixture they are about; every fixture's must match upstream, at the expected action. */
  function judgeAll(findings: readonly Finding[], indices: readonly number[], action: EnforcementAction | "none"): string[] {
    const byFixture = new Map<number, Finding[]>();
    for (const finding of findings) {
      const index = Number(finding.resource.name.slice(1));
      byFixture.set(index, [...(byFixture.get(index) ?? []), finding]);
    }
    const failures: string[] = [];
    for (const index of indices) {
      const entry = entries[index] as FixtureEntry;
      const reported = byFixture.get(index) ?? [];
      const wrongAction = reported.filter((finding) => finding.action !== action);
      if (wrongAction.length > 0) {
        failures.push(`${entry.path}: expected only ${action} findings, got ${wrongAction.map((f) => `${f.action} ${f.rule}`).join(", ")}`);
        continue;
      }
      if (action === "none") continue;
      const problem = mismatch(entry, reported);
      if (problem) failures.push(`${entry.path}: ${problem}`);
    }
    return failures;
  }

  const all = entries.map((_, index) => index);
  const labelCases: [string, EnforcementAction | "none", (entry: FixtureEntry) => Record<string, string>][] = [
    [
      "enforce",
      "deny",
      (entry) => ({ "pod-security.kubernetes.io/enforce": entry.level, "pod-security.kubernetes.io/enforce-version": entry.version }),
    ],
    [
      "warn",
      "warn",
      (entry) => ({ "pod-security.kubernetes.io/warn": entry.level, "pod-security.kubernetes.io/warn-version": entry.version }),
    ],
    [
      "audit",
      "dryrun",
      (entry) => ({ "pod-security.kubernetes.io/audit": entry.level, "pod-security.kubernetes.io/audit-version": entry.version }),
    ],
    [
      "enforce=privileged",
      "none",
      (entry) => ({ "pod-security.kubernetes.io/enforce": "privileged", "pod-security.kubernetes.io/enforce-version": entry.version }),
    ],
  ];

  test.each(labelCases)("namespaces labelled %s: every fixture as upstream decides", (name, action, labels) => {
    const policies = policiesWith(admissionConfiguration());
    const result = evaluate([namespacesFile(entries, labels), ...deployments], policies);
    expect(result.errors).toEqual([]);
    expect(judgeAll(result.findings, all, action)).toEqual([]);
    // The finding names the label that decided.
    const sample = result.findings.find((finding) => finding.resource.namespace === "ns-restricted-v1-24");
    if (action !== "none") expect(sample?.basis).toBe(`namespace ns-restricted-v1-24: ${name}=restricted:v1.24`);
    counts.push(`${name}: ${entries.length}`);
  });

  test.each([
    ["an unlabelled Namespace", true],
    ["a namespace whose Namespace is not found", false],
  ])("%s under AdmissionConfiguration defaults: every fixture as upstream decides", (name, withNamespace) => {
    const groups = new Map<string, number[]>();
    entries.forEach((entry, index) =>
      groups.set(`${entry.level}@${entry.version}`, [...(groups.get(`${entry.level}@${entry.version}`) ?? []), index]),
    );
    const failures: string[] = [];
    for (const [key, indices] of groups) {
      const [level, version] = key.split("@") as [string, string];
      const policies = policiesWith(admissionConfiguration(level, version));
      const group = indices.map((index) => entries[index] as FixtureEntry);
      const files = [
        ...(withNamespace ? [namespacesFile(group, () => ({ owner: "platform" }))] : []),
        ...indices.map((index) => deployments[index] as LoadedFile),
      ];
      const result = evaluate(files, policies);
      failures.push(...result.errors.map((error) => `${error.file}: ${error.message}`), ...judgeAll(result.findings, indices, "deny"));
      const sample = result.findings[0];
      if (sample) {
        const namespace = namespaceOf(group[0] as FixtureEntry);
        const expected = withNamespace
          ? `namespace ${namespace}: no enforce label, default enforce=${level}:${version} (AdmissionConfiguration admission.yaml:1)`
          : `namespace ${namespace} not found: default enforce=${level}:${version} (AdmissionConfiguration admission.yaml:1)`;
        if (sample.basis !== expected) failures.push(`basis: expected ${expected}, got ${sample.basis}`);
      }
    }
    expect(failures).toEqual([]);
    counts.push(`${name}: ${entries.length}`);
  });

  test("report", () => {
    console.log(
      `Pod Security conformance through namespaces: ${entries.length} fixtures as Deployments, each case all passed (${counts.join("; ")})`,
    );
    expect(counts).toHaveLength(labelCases.length + 2);
  });
});
