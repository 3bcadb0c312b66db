import { describe, expect, it } from "@jest/globals";
import { applyExceptions } from "../../src/exceptions/apply.js";
import { deriveExceptions } from "../../src/exceptions/derive.js";
import { exceptionsMarkdown, summarizeExceptions } from "../../src/exceptions/summary.js";
import { loadPolicies } from "../../src/config/policy-files.js";
import { BOT, SETTINGS, T0, baselineFindings, checkedBefore, comment, facts, fluentBit } from "./support.js";

const findings = baselineFindings({ file: "deploy/fluent-bit.yaml", content: fluentBit() });
const now = new Date(T0 + 3600_000);

const document = (name: string, expires: string) => `apiVersion: kube-policy-bot.dev/v1
kind: PolicyException
metadata:
  name: ${name}
spec:
  policies: [{ name: pod-security-baseline, rules: [privileged] }]
  resources: [{ namespaces: [logging] }]
  reason: "legacy | agent"
  approver: security-team
  expires: ${expires}
`;

describe("the Exceptions section", () => {
  const permanent = loadPolicies([
    { file: "org/policies/exceptions.yaml", content: `${document("legacy-agent", "2026-06-01")}---\n${document("old-one", "2026-01-01")}` },
  ]).exceptions;
  const active = comment(
    "alice",
    "/policy-exception pod-security-baseline/hostPathVolumes DaemonSet/logging/fluent-bit\nReason: node logs",
    1,
  );
  const pending = comment("bob", "/policy-exception pod-security-baseline DaemonSet/logging/other\nReason: maybe", 2);
  const refused = comment("alice", "/policy-exception pod-security-baseline DaemonSet/logging/x --expires 2026-01-01\nReason: late", 3);
  const derived = deriveExceptions({
    comments: [active, pending, refused],
    facts: facts(),
    settings: SETTINGS,
    botLogin: BOT,
    now,
    findings,
    ...checkedBefore(findings),
  });
  const applied = applyExceptions(findings, [...derived.active, ...permanent], now);
  const summary = summarizeExceptions({ derived, permanent, findings: applied, now });

  it("groups every exception asked for or configured, with what the active ones excuse", () => {
    expect(summary.active.map((entry) => [entry.id, entry.excuses])).toEqual([
      ["legacy-agent", 1],
      [`E${active.id}`, 1],
    ]);
    expect(summary.expired.map((entry) => entry.id)).toEqual(["old-one"]);
    expect(summary.pending.map((entry) => entry.id)).toEqual([`E${pending.id}`]);
    expect(summary.refused).toEqual([
      expect.objectContaining({ id: `E${refused.id}`, explanation: expect.stringMatching(/--expires 2026-01-01 is not after/) }),
    ]);
    expect(summary.active[0]).toMatchObject({
      scope: "pod-security-baseline/privileged on in namespace logging",
      approver: "security-team",
      expires: "2026-06-01T00:00:00.000Z",
      source: "org/policies/exceptions.yaml:1",
    });
    expect(summary.active[1]).toMatchObject({
      scope: "pod-security-baseline/hostPathVolumes on DaemonSet/logging/fluent-bit",
      approver: "alice",
      source: `comment ${active.html_url}`,
    });
  });

  it("renders as Markdown tables that untrusted text cannot break", () => {
    const markdown = exceptionsMarkdown(summary);
    expect(markdown).toMatch(/^### Exceptions\n\n\*\*Active\*\* \(2\)/);
    expect(markdown).toContain("**Expired** (1)");
    expect(markdown).toContain("**Refused** (1)");
    expect(markdown).toContain("**Awaiting approval** (1)");
    expect(markdown).toContain("legacy \\| agent");
    for (const row of markdown.split("\n").filter((line) => line.startsWith("| `"))) {
      expect(row.replace(/\\\|/g, "").split("|")).toHaveLength(8);
    }
  });

  it("is empty when there are no exceptions", () => {
    expect(exceptionsMarkdown(summarizeExceptions({ permanent: [], findings, now }))).toBe("");
  });
});

describe("the Exceptions section's size", () => {
  it("stays bounded however many and however long the exceptions are", () => {
    const reason = "r".repeat(5000);
    const many = Array.from({ length: 200 }, (_, index) => ({ id: `x${index}`, scope: "s", reason, source: "f:1", excuses: 0 }));
    const markdown = exceptionsMarkdown({ active: many, expired: many, refused: many, pending: many, withdrawn: many });
    expect(markdown.length).toBeLessThan(30_000);
    expect(markdown).toContain("_… and 180 more._");
  });
});
