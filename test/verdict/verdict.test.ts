/**
 * The one verdict function: manifests, policies and exceptions in, every finding classified and the
 * conclusion out. The CLI and the app both format exactly this.
 */
import { describe, expect, test } from "@jest/globals";
import { readFileSync } from "node:fs";
import path from "node:path";
import { loadPolicies } from "../../src/config/policy-files.js";
import { loadManifestFile } from "../../src/manifests/load.js";
import { classify, decideVerdict } from "../../src/verdict/verdict.js";
import { BOT, allFindings, checkedBefore, comment, facts, fluentBit, SETTINGS, T0 } from "../exceptions/support.js";

const REPO = path.resolve(import.meta.dirname, "../..");
const shipped = loadPolicies(
  ["pod-security-baseline.yaml", "pod-security-restricted.yaml"].map((name) => ({
    file: `policies/${name}`,
    content: readFileSync(path.join(REPO, "policies", name), "utf8"),
  })),
).policies;
const NOW = new Date(T0 + 60 * 60_000);
const daemonSet = loadManifestFile("deploy/fluent-bit.yaml", fluentBit());

function exceptionDocument(expires: string) {
  return loadPolicies([
    {
      file: "policies/exceptions.yaml",
      content: `apiVersion: kube-policy-bot.dev/v1
kind: PolicyException
metadata:
  name: fluent-bit-host-logs
spec:
  policies:
    - name: pod-security-baseline
  resources:
    - kinds: [DaemonSet]
      names: [fluent-bit]
  reason: node log shipping (SEC-123)
  approver: alice
  expires: "${expires}"
`,
    },
  ]).exceptions;
}

describe("decideVerdict", () => {
  test("classifies every finding, counts what blocks, and blocks on a deny", () => {
    const verdict = decideVerdict({ files: [daemonSet], policies: shipped, exceptionDocuments: [], now: NOW });
    expect(verdict.conclusion).toBe("block");
    expect(verdict.counts.blocking).toBeGreaterThan(0);
    expect(verdict.counts.warning).toBeGreaterThan(0);
    const byClass = { blocking: 0, warning: 0, notice: 0, excepted: 0, "pre-existing": 0 };
    for (const finding of verdict.findings) byClass[classify(finding)]++;
    expect(byClass).toEqual(verdict.counts);
    expect(verdict.summary).toMatchObject({
      files: 1,
      resources: 1,
      deny: verdict.counts.blocking,
      warn: verdict.counts.warning,
      errors: 0,
    });
  });

  test("an exception document excuses what it names: excepted, not blocking, and listed as relevant", () => {
    const documents = exceptionDocument("2026-12-31");
    const verdict = decideVerdict({ files: [daemonSet], policies: shipped, exceptionDocuments: documents, now: NOW });
    expect(
      verdict.findings.filter((finding) => finding.policy === "pod-security-baseline").every((finding) => classify(finding) === "excepted"),
    ).toBe(true);
    expect(verdict.counts.blocking).toBe(0);
    expect(verdict.summary.deny).toBe(0);
    expect(verdict.conclusion).toBe("pass");
    expect(verdict.exceptions.relevantDocuments.map((exception) => exception.id)).toEqual(["fluent-bit-host-logs"]);
    expect(verdict.exceptions.expiredDocuments).toEqual([]);
  });

  test("an expired document is not applied, and is reported as expired", () => {
    const verdict = decideVerdict({ files: [daemonSet], policies: shipped, exceptionDocuments: exceptionDocument("2026-01-01"), now: NOW });
    expect(verdict.counts.excepted).toBe(0);
    expect(verdict.conclusion).toBe("block");
    expect(verdict.exceptions.expiredDocuments.map((exception) => exception.id)).toEqual(["fluent-bit-host-logs"]);
  });

  test("inputs that could not be read block, sorted with the files' own errors", () => {
    const broken = loadManifestFile("a/broken.yaml", "kind: [");
    const verdict = decideVerdict({
      files: [broken],
      policies: shipped,
      exceptionDocuments: [],
      inputErrors: [{ file: "z/dir", line: 1, column: 1, message: "cannot list directory" }],
      now: NOW,
    });
    expect(verdict.errors.map((error) => error.file)).toEqual(["a/broken.yaml", "z/dir"]);
    expect(verdict.summary.errors).toBe(2);
    expect(verdict.conclusion).toBe("block");
  });

  test("a grant in the comments applies where it is recorded (the pull request), not in a merge group before that", () => {
    const comments = [
      comment(
        "alice",
        "/policy-exception pod-security-baseline DaemonSet/logging/fluent-bit --expires 7d\nReason: node log shipping SEC-123",
        1,
      ),
    ];
    const input = { files: [daemonSet], policies: shipped, exceptionDocuments: [], now: NOW };
    // The check alice read before commenting showed these findings.
    const seen = checkedBefore(allFindings({ file: "deploy/fluent-bit.yaml", content: fluentBit() }));
    const pullRequest = decideVerdict({
      ...input,
      comments: { comments, facts: facts(), settings: SETTINGS, botLogin: BOT, recordsGrants: true, ...seen },
    });
    expect(pullRequest.exceptions.fromComments?.toRecord).toHaveLength(1);
    expect(pullRequest.counts.excepted).toBeGreaterThan(0);
    expect(
      pullRequest.findings
        .filter((finding) => finding.policy === "pod-security-baseline")
        .every((finding) => classify(finding) === "excepted"),
    ).toBe(true);

    const mergeGroup = decideVerdict({
      ...input,
      comments: { comments, facts: facts(), settings: SETTINGS, botLogin: BOT, recordsGrants: false, ...seen },
    });
    expect(mergeGroup.counts.excepted).toBe(0);
    expect(mergeGroup.conclusion).toBe("block");
  });
});
