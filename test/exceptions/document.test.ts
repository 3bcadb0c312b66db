import { describe, expect, it } from "@jest/globals";
import { documentName, exceptionDocumentYaml, unknownPolicyErrors } from "../../src/exceptions/document.js";
import { applyExceptions } from "../../src/exceptions/apply.js";
import { loadPolicies } from "../../src/config/policy-files.js";
import { baselineFindings, fluentBit } from "./support.js";

const load = (content: string, file = "policies/exceptions.yaml") => loadPolicies([{ file, content }]);

const FLUENT_BIT_EXCEPTION = `apiVersion: kube-policy-bot.dev/v1
kind: PolicyException
metadata:
  name: fluent-bit-host-logs
spec:
  policies:
    - name: pod-security-baseline
      rules: [hostPathVolumes]
  resources:
    - kinds: [DaemonSet]
      namespaces: [logging]
      names: [fluent-bit]
  containers: [fluent-bit]
  reason: "node log shipping needs hostPath /var/log (SEC-123)"
  approver: alice
  expires: 2026-12-31
`;

describe("PolicyException documents", () => {
  it("load beside policies, with every field", () => {
    const { policies, exceptions, errors } = load(FLUENT_BIT_EXCEPTION);
    expect(errors).toEqual([]);
    expect(policies).toEqual([]);
    expect(exceptions).toEqual([
      {
        id: "fluent-bit-host-logs",
        policies: [{ name: "pod-security-baseline", rules: ["hostPathVolumes"] }],
        resources: [{ kinds: ["DaemonSet"], namespaces: ["logging"], names: ["fluent-bit"] }],
        containers: ["fluent-bit"],
        reason: "node log shipping needs hostPath /var/log (SEC-123)",
        approver: "alice",
        expires: new Date("2026-12-31T00:00:00Z"),
        source: { kind: "document", file: "policies/exceptions.yaml", line: 1 },
      },
    ]);
  });

  it("sit in the same file as policies and keep the policies loading as before", () => {
    const policy =
      "apiVersion: kube-policy-bot.dev/v1\nkind: PodSecurity\nmetadata:\n  name: pss\nspec:\n  parameters:\n    level: baseline\n";
    const { policies, exceptions, errors } = load(`${policy}---\n${FLUENT_BIT_EXCEPTION}`);
    expect(errors).toEqual([]);
    expect(policies.map((loaded) => loaded.name)).toEqual(["pss"]);
    expect(exceptions[0]?.source).toEqual({ kind: "document", file: "policies/exceptions.yaml", line: 9 });
  });

  it("take a timestamp with a zone for expires", () => {
    const { exceptions, errors } = load(FLUENT_BIT_EXCEPTION.replace("expires: 2026-12-31", 'expires: "2026-12-31T18:30:00+02:00"'));
    expect(errors).toEqual([]);
    expect(exceptions[0]?.expires.toISOString()).toBe("2026-12-31T16:30:00.000Z");
  });

  it.each([
    ["a missing reason", (doc: string) => doc.replace(/ {2}reason: .*\n/, ""), 5, /spec.reason is required/, "missing-required"],
    ["a blank approver", (doc: string) => doc.replace("approver: alice", 'approver: "  "'), 15, /spec.approver is required/, "empty"],
    [
      "a missing expires",
      (doc: string) => doc.replace("  expires: 2026-12-31\n", ""),
      5,
      /spec.expires is required: every exception ends/,
      "missing-required",
    ],
    [
      "an expires that is not a date",
      (doc: string) => doc.replace("expires: 2026-12-31", "expires: next year"),
      16,
      /spec.expires must be a date \(2026-12-31\) or a timestamp with a zone/,
      "invalid-value",
    ],
    [
      "an impossible date",
      (doc: string) => doc.replace("expires: 2026-12-31", "expires: 2026-02-30"),
      16,
      /spec.expires must be a date/,
      "invalid-value",
    ],
    [
      "a timestamp without a zone",
      (doc: string) => doc.replace("expires: 2026-12-31", "expires: 2026-12-31T10:00:00"),
      16,
      /with a zone/,
      "invalid-value",
    ],
    [
      "a wrong apiVersion",
      (doc: string) => doc.replace("kube-policy-bot.dev/v1", "kube-policy-bot.dev/v2"),
      1,
      /kind PolicyException needs apiVersion kube-policy-bot.dev\/v1, not "kube-policy-bot.dev\/v2"/,
      "wrong-api-version",
    ],
    [
      "a typo'd spec key",
      (doc: string) => doc.replace("  approver:", "  approvers:"),
      15,
      /unknown field "approvers" in spec \(did you mean "approver"\?\)/,
      "unknown-key",
    ],
    [
      "no resources",
      (doc: string) => doc.replace(/ {2}resources:\n( {4}.*\n| {6}.*\n)+/, ""),
      5,
      /spec.resources is required: a non-empty list/,
      "missing-required",
    ],
    [
      "an empty resource entry",
      (doc: string) => doc.replace(/ {2}resources:\n( {4}.*\n| {6}.*\n)+/, "  resources:\n    - {}\n"),
      10,
      /needs at least one of kinds, namespaces or names: an empty entry would cover every resource/,
      "empty",
    ],
    [
      "a wildcard name",
      (doc: string) => doc.replace("names: [fluent-bit]", 'names: ["fluent-*"]'),
      12,
      /"fluent-\*" looks like a wildcard; values are exact/,
      "invalid-value",
    ],
    [
      "a lower-case kind",
      (doc: string) => doc.replace("kinds: [DaemonSet]", "kinds: [daemonset]"),
      10,
      /"daemonset" is not a kind/,
      "invalid-value",
    ],
    [
      "an empty rules list",
      (doc: string) => doc.replace("rules: [hostPathVolumes]", "rules: []"),
      8,
      /rules must be a non-empty list of strings \(omit it to mean any\)/,
      "empty",
    ],
    [
      "a policy entry without a name",
      (doc: string) => doc.replace("    - name: pod-security-baseline\n      rules", "    - rules"),
      7,
      /spec.policies\[0\].name is required: the policy's name/,
      "missing-required",
    ],
    [
      "an upper-case name",
      (doc: string) => doc.replace("name: fluent-bit-host-logs", "name: E123"),
      4,
      /metadata.name "E123" is not a valid name/,
      "invalid-value",
    ],
  ])("report %s on its line, and load nothing from the document", (_what, edit, line, message, code) => {
    const { exceptions, errors } = load(edit(FLUENT_BIT_EXCEPTION));
    expect(exceptions).toEqual([]);
    expect(errors.length).toBeGreaterThan(0);
    expect(errors[0]).toMatchObject({ file: "policies/exceptions.yaml", line });
    expect(errors[0]?.message).toMatch(message);
    expect(errors[0]?.code).toBe(code);
  });

  it("need unique names", () => {
    const { exceptions, errors } = loadPolicies([
      { file: "a.yaml", content: FLUENT_BIT_EXCEPTION },
      { file: "b.yaml", content: `# same name\n${FLUENT_BIT_EXCEPTION}` },
    ]);
    expect(exceptions).toHaveLength(1);
    expect(errors).toEqual([
      {
        file: "b.yaml",
        line: 2,
        column: 1,
        code: "duplicate",
        message: expect.stringMatching(/PolicyException name "fluent-bit-host-logs" is already used at a.yaml:1/),
      },
    ]);
  });

  it("a typo'd kind suggests PolicyException", () => {
    const { errors } = load(FLUENT_BIT_EXCEPTION.replace("kind: PolicyException", "kind: PolicyExeption"));
    expect(errors[0]?.message).toMatch(/unknown policy kind "PolicyExeption" \(did you mean "PolicyException"\?\)/);
  });

  it("naming a policy that is not loaded is an error, with a suggestion", () => {
    const { exceptions } = load(FLUENT_BIT_EXCEPTION.replace("name: pod-security-baseline", "name: pod-security-basline"));
    expect(unknownPolicyErrors(exceptions, ["pod-security-baseline", "pod-security-restricted"])).toEqual([
      {
        file: "policies/exceptions.yaml",
        line: 1,
        column: 1,
        message: expect.stringMatching(
          /names policy "pod-security-basline", which is not loaded \(did you mean "pod-security-baseline"\?\)/,
        ),
        code: "unknown-policy",
        suggestion: "pod-security-baseline",
      },
    ]);
  });

  it("excuse exactly what they name until they expire, whatever the content", () => {
    const { exceptions } = load(FLUENT_BIT_EXCEPTION);
    const findings = baselineFindings({ file: "deploy/fb.yaml", content: fluentBit({ hostPath: "/var/lib/anything" }) });
    expect(findings.map((finding) => finding.rule).sort()).toEqual(["hostPathVolumes", "privileged"]);

    const before = applyExceptions(findings, exceptions, new Date("2026-06-01T00:00:00Z"));
    // hostPathVolumes is not about a container, and the document names one: nothing is excused.
    expect(before.filter((finding) => finding.exception)).toEqual([]);

    const withoutContainer = load(FLUENT_BIT_EXCEPTION.replace("  containers: [fluent-bit]\n", "")).exceptions;
    const applied = applyExceptions(findings, withoutContainer, new Date("2026-06-01T00:00:00Z"));
    expect(applied.filter((finding) => finding.exception).map((finding) => finding.rule)).toEqual(["hostPathVolumes"]);
    expect(applied.find((finding) => finding.exception)?.exception).toEqual({
      id: "fluent-bit-host-logs",
      approver: "alice",
      reason: "node log shipping needs hostPath /var/log (SEC-123)",
      expires: "2026-12-31T00:00:00.000Z",
      source: "policies/exceptions.yaml:1",
    });
    expect(applyExceptions(findings, withoutContainer, new Date("2026-12-31T00:00:00Z")).filter((finding) => finding.exception)).toEqual(
      [],
    );
  });
});

describe("writing a PolicyException document", () => {
  it("reads back as the same exception, whatever the reason contains", () => {
    const reason = 'needs: "hostPath" # really\u2028 \\ and `ticks` @team';
    const yaml = exceptionDocumentYaml({
      name: documentName("Fluent_Bit", "pod-security-baseline"),
      policies: [{ name: "pod-security-baseline", rules: ["hostPathVolumes"] }],
      resources: [
        { kinds: ["DaemonSet"], namespaces: ["logging"], names: ["fluent-bit"] },
        { kinds: ["ClusterRole"], names: ["view"] },
      ],
      containers: ["fluent-bit"],
      reason,
      approver: "alice",
      expires: new Date("2026-04-01T12:34:56.000Z"),
    });
    const { exceptions, errors } = load(yaml);
    expect(errors).toEqual([]);
    expect(exceptions[0]).toMatchObject({
      id: "fluent-bit-pod-security-baseline",
      policies: [{ name: "pod-security-baseline", rules: ["hostPathVolumes"] }],
      resources: [
        { kinds: ["DaemonSet"], namespaces: ["logging"], names: ["fluent-bit"] },
        { kinds: ["ClusterRole"], names: ["view"] },
      ],
      containers: ["fluent-bit"],
      reason,
      approver: "alice",
      expires: new Date("2026-04-01T12:34:56.000Z"),
    });
  });

  it("makes valid names out of anything", () => {
    expect(documentName("", "")).toBe("policy-exception");
    expect(documentName("A".repeat(100))).toHaveLength(63);
    expect(documentName("--x--", "y")).toBe("x-y");
  });
});
