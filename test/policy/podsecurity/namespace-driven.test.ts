/**
 * Namespace-driven Pod Security with the shipped default set: one Deployment, placed in namespaces
 * labelled privileged, baseline, restricted and restricted pinned to v1.24, and in unlabelled or
 * unknown namespaces under each kind of default, gives what Pod Security admission would decide
 * there — and every finding says which label (or default) decided.
 *
 * The Deployment is chosen so that the versions disagree: it runs in its own user namespace
 * (`hostUsers: false`) as UID 0 (allowed at restricted from v1.35, denied by `runAsUser` before),
 * sets `net.ipv4.tcp_keepalive_time` (an allowed sysctl from v1.29, forbidden before), and adds no
 * `drop: [ALL]` (restricted at every version since v1.22).
 */
import { describe, expect, it } from "@jest/globals";
import { loadManifestFile } from "../../../src/manifests/load.js";
import type { LoadedFile } from "../../../src/manifests/types.js";
import { evaluate, type EvaluationResult } from "../../../src/policy/engine.js";
import { loadPolicies, type PolicySource } from "../../../src/config/policy-files.js";
import { defaultPolicySources } from "../../../src/policy/shipped.js";
import type { Policy } from "../../../src/policy/types.js";

const deployment = (namespace: string, extraSpec = "") => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: agent
  namespace: ${namespace}
spec:
  selector: {matchLabels: {app: agent}}
  template:
    metadata: {labels: {app: agent}}
    spec:
      hostUsers: false
${extraSpec}      securityContext:
        runAsNonRoot: true
        seccompProfile: {type: RuntimeDefault}
        sysctls:
        - name: net.ipv4.tcp_keepalive_time
          value: "600"
      containers:
      - name: agent
        image: registry.example/agent:1.0
        securityContext:
          runAsUser: 0
          allowPrivilegeEscalation: false
`;

const namespace = (name: string, labels: Record<string, string>) =>
  `apiVersion: v1
kind: Namespace
metadata:
  name: ${name}
${
  Object.keys(labels).length > 0
    ? `  labels:\n${Object.entries(labels)
        .map(([key, value]) => `    ${key}: "${value}"`)
        .join("\n")}\n`
    : ""
}`;

const ENFORCE = "pod-security.kubernetes.io/enforce";
const ENFORCE_VERSION = "pod-security.kubernetes.io/enforce-version";

async function shipped(...extra: PolicySource[]): Promise<Policy[]> {
  const loaded = loadPolicies([...(await defaultPolicySources()), ...extra]);
  expect(loaded.errors).toEqual([]);
  return loaded.policies;
}

function judge(policies: Policy[], ...files: [string, string][]): EvaluationResult {
  const loaded: LoadedFile[] = files.map(([file, content]) => loadManifestFile(file, content));
  return evaluate(loaded, policies);
}

/** `action rule` of each finding, sorted: what a reviewer would see. */
function seen(result: EvaluationResult): string[] {
  return result.findings.map((finding) => `${finding.action} ${finding.rule}`).sort();
}

const admission = (defaults: string, exemptions = "") => ({
  file: "cluster/admission.yaml",
  content: `apiVersion: apiserver.config.k8s.io/v1
kind: AdmissionConfiguration
plugins:
  - name: PodSecurity
    configuration:
      apiVersion: pod-security.admission.config.k8s.io/v1beta1
      kind: PodSecurityConfiguration
      defaults: {${defaults}}
      exemptions: {${exemptions}}
`,
});

describe("the same Deployment in differently labelled namespaces (shipped policies)", () => {
  it("privileged: nothing blocks; restricted:latest warns (the shipped warn default), only about drop ALL", async () => {
    const result = judge(await shipped(), ["ns.yaml", namespace("cni", { [ENFORCE]: "privileged" })], ["agent.yaml", deployment("cni")]);
    expect(seen(result)).toEqual(["warn capabilities_restricted"]);
    expect(result.findings[0]?.basis).toBe("namespace cni: no warn label, default warn=restricted:latest (policy parameters)");
  });

  it("baseline: nothing blocks (the sysctl is allowed at latest)", async () => {
    const result = judge(await shipped(), ["ns.yaml", namespace("team", { [ENFORCE]: "baseline" })], ["agent.yaml", deployment("team")]);
    expect(seen(result)).toEqual(["warn capabilities_restricted"]);
  });

  it("restricted: blocks on drop ALL only, naming the label", async () => {
    const result = judge(await shipped(), ["ns.yaml", namespace("prod", { [ENFORCE]: "restricted" })], ["agent.yaml", deployment("prod")]);
    expect(seen(result)).toEqual(["deny capabilities_restricted"]);
    expect(result.findings[0]).toMatchObject({
      policy: "pod-security-baseline",
      file: "agent.yaml",
      line: 21,
      basis: "namespace prod: enforce=restricted:latest",
    });
  });

  it("restricted pinned to v1.24: also runAsUser and the sysctl, as a v1.24 API server would", async () => {
    const result = judge(
      await shipped(),
      ["ns.yaml", namespace("legacy", { [ENFORCE]: "restricted", [ENFORCE_VERSION]: "v1.24" })],
      ["agent.yaml", deployment("legacy")],
    );
    expect(seen(result)).toEqual(["deny capabilities_restricted", "deny runAsUser", "deny sysctls"]);
    for (const finding of result.findings) expect(finding.basis).toBe("namespace legacy: enforce=restricted:v1.24");
    // The warning the API server would add is the one it already denies: shown once, as the deny.
    expect(result.summary).toMatchObject({ deny: 3, warn: 0 });
  });

  it("unlabelled Namespace, shipped defaults: baseline at deny and restricted at warn, saying the defaults were used", async () => {
    const result = judge(await shipped(), ["ns.yaml", namespace("plain", {})], ["agent.yaml", deployment("plain")]);
    expect(seen(result)).toEqual(["warn capabilities_restricted"]);
    expect(result.findings[0]?.basis).toBe("namespace plain: no warn label, default warn=restricted:latest (policy parameters)");
  });

  it("Namespace not found, shipped defaults: the same, and the finding says the namespace was not found", async () => {
    const result = judge(await shipped(), ["agent.yaml", deployment("elsewhere", "      hostNetwork: true\n")]);
    expect(seen(result)).toEqual(["deny hostNamespaces", "warn capabilities_restricted"]);
    expect(result.findings.find((finding) => finding.rule === "hostNamespaces")?.basis).toBe(
      "namespace elsewhere not found: default enforce=baseline:latest (policy parameters)",
    );
  });

  it("unlabelled, AdmissionConfiguration defaults restricted:v1.24: as the label would", async () => {
    const result = judge(
      await shipped(admission("enforce: restricted, enforce-version: v1.24")),
      ["ns.yaml", namespace("plain", {})],
      ["agent.yaml", deployment("plain")],
    );
    expect(seen(result)).toEqual(["deny capabilities_restricted", "deny runAsUser", "deny sysctls"]);
    expect(result.findings[0]?.basis).toBe(
      "namespace plain: no enforce label, default enforce=restricted:v1.24 (AdmissionConfiguration cluster/admission.yaml:1)",
    );
  });

  it("unlabelled, AdmissionConfiguration with upstream's defaults (privileged everywhere): nothing at all", async () => {
    const result = judge(await shipped(admission("")), ["agent.yaml", deployment("plain", "      hostNetwork: true\n")]);
    expect(seen(result)).toEqual([]);
  });

  it("the summary shows per namespace the level that applies and where it came from", async () => {
    const result = judge(
      await shipped(),
      ["ns.yaml", namespace("legacy", { [ENFORCE]: "restricted", [ENFORCE_VERSION]: "v1.24" })],
      ["agent.yaml", deployment("legacy")],
      ["other.yaml", deployment("elsewhere")],
    );
    expect(result.namespaces).toEqual([
      {
        namespace: "elsewhere",
        policy: "pod-security-baseline",
        judgements: [{ mode: "enforce", level: "baseline:latest", source: "default (policy parameters): Namespace elsewhere not found" }],
      },
      {
        namespace: "elsewhere",
        policy: "pod-security-restricted",
        judgements: [{ mode: "warn", level: "restricted:latest", source: "default (policy parameters): Namespace elsewhere not found" }],
      },
      {
        namespace: "legacy",
        policy: "pod-security-baseline",
        judgements: [
          { mode: "enforce", level: "restricted:v1.24", source: `label ${ENFORCE}, ${ENFORCE_VERSION} of Namespace legacy (ns.yaml:3)` },
        ],
      },
      {
        namespace: "legacy",
        policy: "pod-security-restricted",
        judgements: [
          {
            mode: "warn",
            level: "restricted:latest",
            source: "default (policy parameters): Namespace legacy (ns.yaml:3) has no warn label",
          },
        ],
      },
    ]);
  });

  it("kube-system is judged like any other namespace", async () => {
    const result = judge(await shipped(), ["agent.yaml", deployment("kube-system", "      hostPID: true\n")]);
    expect(seen(result)).toContain("deny hostNamespaces");
  });

  it("a Namespace found elsewhere in the repository decides, and the pull request's own copy wins over it", async () => {
    const policies = await shipped();
    const elsewhere = loadManifestFile("namespaces/prod.yaml", namespace("prod", { [ENFORCE]: "restricted" })).manifests;
    const fromRepository = evaluate([loadManifestFile("agent.yaml", deployment("prod"))], policies, { namespaces: { current: elsewhere } });
    expect(seen(fromRepository)).toEqual(["deny capabilities_restricted"]);
    const relabelled = evaluate(
      [loadManifestFile("agent.yaml", deployment("prod")), loadManifestFile("ns.yaml", namespace("prod", { [ENFORCE]: "privileged" }))],
      policies,
      { namespaces: { current: elsewhere } },
    );
    expect(seen(relabelled)).toEqual(["warn capabilities_restricted"]);
  });

  it("two definitions of one namespace with different labels: an error, since the level is ambiguous", async () => {
    const result = judge(
      await shipped(),
      ["a.yaml", namespace("prod", { [ENFORCE]: "restricted" })],
      ["b.yaml", namespace("prod", { [ENFORCE]: "privileged" })],
      ["agent.yaml", deployment("prod")],
    );
    expect(result.errors).toEqual([
      expect.objectContaining({
        file: "b.yaml",
        line: 5,
        message: expect.stringContaining("also defined at a.yaml:5 with different labels"),
      }),
    ]);
  });
});

describe("labels Pod Security admission cannot read", () => {
  it("an invalid enforce level is an error on its line, and workloads there are judged at restricted (upstream fails closed)", async () => {
    const result = judge(await shipped(), ["ns.yaml", namespace("odd", { [ENFORCE]: "strict" })], ["agent.yaml", deployment("odd")]);
    expect(result.errors).toEqual([
      expect.objectContaining({
        file: "ns.yaml",
        line: 6,
        message: expect.stringMatching(
          /^label pod-security.kubernetes.io\/enforce must be one of privileged, baseline, restricted, got "strict": the API server/,
        ),
      }),
    ]);
    expect(seen(result)).toEqual(["deny capabilities_restricted"]);
    expect(result.findings[0]?.basis).toBe(
      'namespace odd: enforce=restricted:latest (enforce="strict" is invalid; Pod Security admission falls back to this)',
    );
  });

  it("an invalid warn level fails open to privileged: the warn default no longer applies", async () => {
    const result = judge(
      await shipped(),
      ["ns.yaml", namespace("odd", { "pod-security.kubernetes.io/warn": "loud" })],
      ["agent.yaml", deployment("odd")],
    );
    expect(result.errors).toHaveLength(1);
    expect(seen(result)).toEqual([]);
  });

  it("a version newer than any known is judged at the newest known version, and says so", async () => {
    const result = judge(
      await shipped(),
      ["ns.yaml", namespace("future", { [ENFORCE]: "restricted", [ENFORCE_VERSION]: "v1.99" })],
      ["agent.yaml", deployment("future")],
    );
    expect(result.errors).toEqual([]);
    expect(seen(result)).toEqual(["deny capabilities_restricted"]);
    expect(result.findings[0]?.basis).toMatch(
      /^namespace future: enforce=restricted:v1\.99 \(judged as v1\.\d+, the newest version known here\)$/,
    );
  });
});

describe("AdmissionConfiguration exemptions", () => {
  const exempt = admission(
    "enforce: restricted",
    "namespaces: [kube-system], runtimeClasses: [kata], usernames: ['system:serviceaccount:ops:deployer']",
  );

  it("an exempt namespace is allowed, whatever its labels, and the summary says why", async () => {
    const result = judge(
      await shipped(exempt),
      ["ns.yaml", namespace("kube-system", { [ENFORCE]: "restricted" })],
      ["agent.yaml", deployment("kube-system", "      hostPID: true\n")],
    );
    expect(seen(result)).toEqual([]);
    expect(result.namespaces?.[0]?.judgements).toEqual([
      { mode: "enforce", level: "exempt", source: "exemptions.namespaces of AdmissionConfiguration cluster/admission.yaml:1" },
    ]);
  });

  it("a pod of an exempt runtime class is allowed; the same pod of another class is not", async () => {
    const policies = await shipped(exempt);
    expect(seen(judge(policies, ["agent.yaml", deployment("team", "      runtimeClassName: kata\n      hostPID: true\n")]))).toEqual([]);
    expect(seen(judge(policies, ["agent.yaml", deployment("team", "      runtimeClassName: runc\n      hostPID: true\n")]))).toContain(
      "deny hostNamespaces",
    );
  });

  it("usernames cannot apply to a pull request: a notice says so", () => {
    const loaded = loadPolicies([exempt]);
    expect(loaded.errors).toEqual([]);
    expect(loaded.notices).toEqual([
      expect.objectContaining({
        file: "cluster/admission.yaml",
        line: 9,
        message: expect.stringMatching(/^exemptions.usernames \(system:serviceaccount:ops:deployer\) cannot apply at pull-request time/),
      }),
    ]);
  });

  it("a bare PodSecurityConfiguration works the same", async () => {
    const bare = {
      file: "psa.yaml",
      content: "apiVersion: pod-security.admission.config.k8s.io/v1\nkind: PodSecurityConfiguration\nexemptions:\n  namespaces: [tools]\n",
    };
    expect(seen(judge(await shipped(bare), ["agent.yaml", deployment("tools", "      hostPID: true\n")]))).toEqual([]);
  });

  it.each([
    ["defaults: {enforce: strict}", /defaults.enforce must be one of privileged, baseline, restricted, got "strict"/],
    ["defaults: {enforce-verison: v1.30}", /unknown field "enforce-verison" in defaults \(did you mean "enforce-version"\?\)/],
    ["defaults: {warn-version: 1.30}", /defaults.warn-version must be "latest" or "v1.x"/],
    ["exemptions: {namespaces: [Prod]}", /"Prod" is not a namespace name/],
    ["exemptions: {runtimeClasses: [kata, kata]}", /duplicate value "kata"/],
  ])("%s is an error with its line", (body, message) => {
    const loaded = loadPolicies([
      { file: "psa.yaml", content: `apiVersion: pod-security.admission.config.k8s.io/v1\nkind: PodSecurityConfiguration\n${body}\n` },
    ]);
    expect(loaded.errors).toEqual([expect.objectContaining({ file: "psa.yaml", line: 3, message: expect.stringMatching(message) })]);
  });

  it("a plugin configuration kept in a file on the API server cannot be read: an error", () => {
    const loaded = loadPolicies([
      {
        file: "a.yaml",
        content:
          "apiVersion: apiserver.config.k8s.io/v1\nkind: AdmissionConfiguration\nplugins:\n- name: PodSecurity\n  path: /etc/psa.yaml\n",
      },
    ]);
    expect(loaded.errors).toEqual([expect.objectContaining({ line: 5, message: expect.stringContaining("cannot read") })]);
  });

  it("two configurations among the policies: an error naming the first", () => {
    const loaded = loadPolicies([exempt, { ...exempt, file: "again.yaml" }]);
    expect(loaded.errors).toEqual([
      expect.objectContaining({ file: "again.yaml", message: expect.stringContaining("the first is at cluster/admission.yaml:1") }),
    ]);
  });
});
