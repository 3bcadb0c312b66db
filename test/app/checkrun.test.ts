/** The pure check-run builder: verdicts, annotations, the write plan, and GitHub's size limits. */
import { describe, expect, test } from "@jest/globals";
import fc from "fast-check";
import type { EnforcementAction, Finding } from "../../src/policy/types.js";
import { buildCheckRun, planCheckRunUpdates, type CheckOutcome } from "../../src/report/checkrun.js";
import { classify, type Verdict } from "../../src/verdict/verdict.js";
import { code } from "../../src/text/markdown.js";

function finding(overrides: Partial<Finding> = {}): Finding {
  return {
    policy: "pod-security-baseline",
    policyKind: "PodSecurity",
    rule: "privileged",
    action: "deny",
    message: 'privileged (container "app" must not set securityContext.privileged=true)',
    file: "deploy/app.yaml",
    line: 12,
    column: 9,
    endLine: 12,
    endColumn: 19,
    resource: { apiVersion: "apps/v1", kind: "Deployment", namespace: "shop", name: "app" },
    container: "app",
    path: "spec.template.spec.containers[0].securityContext.privileged",
    fingerprint: "f",
    ...overrides,
  };
}

function evaluated(findings: Finding[], options: { errors?: number; resources?: number; fixed?: Finding[] } = {}): CheckOutcome {
  const counts = { blocking: 0, warning: 0, notice: 0, excepted: 0, "pre-existing": 0 };
  for (const item of findings) counts[classify(item)]++;
  const errors = Array.from({ length: options.errors ?? 0 }, (_, index) => ({
    file: "broken.yaml",
    line: index + 1,
    column: 3,
    message: "bad indentation",
  }));
  const summary = {
    files: 1,
    resources: options.resources ?? 3,
    deny: counts.blocking,
    warn: counts.warning,
    dryrun: counts.notice,
    errors: errors.length,
    preExisting: counts["pre-existing"],
    fixed: options.fixed?.length ?? 0,
  };
  const verdict: Verdict = {
    findings,
    errors,
    notices: [],
    summary,
    counts,
    fixed: options.fixed ?? [],
    conclusion: counts.blocking + errors.length > 0 ? "block" : "pass",
    exceptions: { relevantDocuments: [], expiredDocuments: [] },
  };
  return {
    kind: "evaluated",
    verdict,
    policies: [{ name: "pod-security-baseline", action: "deny", origin: "shipped default" }],
    notes: [],
  };
}

describe("verdict", () => {
  test("a deny finding fails the check; its annotation is a failure on the exact field", () => {
    const result = buildCheckRun(evaluated([finding()]));
    expect(result.conclusion).toBe("failure");
    expect(result.title).toBe("1 policy violation blocks this pull request");
    expect(result.annotations).toEqual([
      expect.objectContaining({
        path: "deploy/app.yaml",
        start_line: 12,
        end_line: 12,
        start_column: 9,
        end_column: 19,
        annotation_level: "failure",
        title: "pod-security-baseline/privileged",
      }),
    ]);
    expect(result.annotations[0]?.message).toContain('Deployment shop/app, container "app"');
    expect(result.annotations[0]?.message).toContain("Field: spec.template.spec.containers[0].securityContext.privileged");
  });

  test("kinds whose messages say what is wrong but not what to do get the rule's fix", () => {
    const result = buildCheckRun(
      evaluated([
        finding({
          policy: "registry-only",
          policyKind: "K8sAllowedRepos",
          rule: "K8sAllowedRepos",
          message: 'container <app> has an invalid image repo <nginx>, allowed repos are ["registry.example.com/"]',
        }),
      ]),
    );
    expect(result.annotations[0]?.message).toContain("How to fix: Use an image from one of the allowed repositories");
  });

  test.each<[EnforcementAction, string]>([
    ["warn", "warning"],
    ["dryrun", "notice"],
  ])("%s findings pass the check as %s annotations", (action, level) => {
    const result = buildCheckRun(evaluated([finding({ action })]));
    expect(result.conclusion).toBe("success");
    expect(result.annotations.map((annotation) => annotation.annotation_level)).toEqual([level]);
  });

  test("an unreadable manifest fails the check like a deny", () => {
    const result = buildCheckRun(evaluated([], { errors: 1 }));
    expect(result.conclusion).toBe("failure");
    expect(result.title).toBe("1 unreadable manifest blocks this pull request");
    expect(result.annotations[0]).toEqual(expect.objectContaining({ path: "broken.yaml", annotation_level: "failure", start_line: 1 }));
  });

  test("an excepted deny no longer blocks but stays visible as a notice", () => {
    const result = buildCheckRun(
      evaluated([
        finding({
          exception: {
            id: "EX-1",
            approver: "@sec-lead",
            reason: "node log shipping",
            expires: "2025-07-01T00:00:00Z",
            source: "comment https://github.com/acme/shop/pull/1#issuecomment-1",
          },
        }),
      ]),
    );
    expect(result.conclusion).toBe("success");
    expect(result.annotations[0]?.annotation_level).toBe("notice");
    expect(result.annotations[0]?.message).toContain("Excepted by EX-1");
    expect(result.summary).toContain("Exceptions applied");
  });

  test("no changed manifests is a success that says so", () => {
    const result = buildCheckRun({ kind: "no-manifests", changedFiles: 2, policies: [], notes: [] });
    expect(result).toEqual(expect.objectContaining({ conclusion: "success", title: "No Kubernetes manifests changed", annotations: [] }));
  });

  test("a config error is a failure listing file, line and problem", () => {
    const result = buildCheckRun({
      kind: "config-error",
      problems: [{ file: ".github/kube-policy.yml", line: 4, column: 3, message: "unknown key" }],
      notes: [],
    });
    expect(result.conclusion).toBe("failure");
    expect(result.summary).toContain("| `.github/kube-policy.yml` | 4 | unknown key |");
  });

  test("an outage is failure (fail-closed) or neutral (fail-open), with a Re-run button when retryable", () => {
    const closed = buildCheckRun({
      kind: "not-evaluated",
      reason: "GitHub API error",
      whatToDo: "Re-run.",
      conclusion: "failure",
      retryable: true,
      notes: [],
    });
    const open = buildCheckRun({
      kind: "not-evaluated",
      reason: "GitHub API error",
      whatToDo: "Re-run.",
      conclusion: "neutral",
      retryable: false,
      notes: [],
    });
    expect(closed.conclusion).toBe("failure");
    expect(closed.actions).toEqual([{ label: "Re-run", identifier: "rerun", description: "Evaluate this pull request again" }]);
    expect(open.conclusion).toBe("neutral");
    expect(open.actions).toBeUndefined();
    expect(open.summary).toContain("fail-open");
  });
});

describe("annotations", () => {
  test("columns are given only for single-line annotations", () => {
    const result = buildCheckRun(evaluated([finding({ line: 5, endLine: 9 })]));
    expect(result.annotations[0]).toEqual(expect.objectContaining({ start_line: 5, end_line: 9 }));
    expect(result.annotations[0]).not.toHaveProperty("start_column");
    expect(result.annotations[0]).not.toHaveProperty("end_column");
  });

  test("blocking annotations come first, so a cap never hides them", () => {
    const findings = [
      ...Array.from({ length: 5 }, (_, index) => finding({ action: "warn", line: index + 1, endLine: index + 1 })),
      finding({ action: "deny", line: 50, endLine: 50 }),
    ];
    const result = buildCheckRun(evaluated(findings), { maxAnnotations: 2 });
    expect(result.annotations[0]?.annotation_level).toBe("failure");
    expect(result.omittedAnnotations).toBe(4);
  });
});

describe("the write plan", () => {
  test("no annotations: one completing write", () => {
    const updates = planCheckRunUpdates(buildCheckRun(evaluated([])));
    expect(updates).toEqual([expect.objectContaining({ status: "completed", conclusion: "success" })]);
    // GitHub stamps completed_at with its own clock, the one that stamps comments.
    expect(updates[0]?.completedAt).toBeUndefined();
  });

  test("120 annotations: two in-progress writes of 50, then the completing write with the last 20", () => {
    const findings = Array.from({ length: 120 }, (_, index) => finding({ line: index + 1, endLine: index + 1 }));
    const updates = planCheckRunUpdates(buildCheckRun(evaluated(findings)));
    expect(updates.map((update) => [update.status, update.output?.annotations?.length])).toEqual([
      ["in_progress", 50],
      ["in_progress", 50],
      ["completed", 20],
    ]);
    expect(updates.at(-1)?.conclusion).toBe("failure");
    expect(updates.slice(0, -1).every((update) => update.conclusion === undefined)).toBe(true);
  });
});

describe("GitHub's limits and untrusted text", () => {
  test("thousands of findings keep summary and text under 65,535 characters", () => {
    const findings = Array.from({ length: 5000 }, (_, index) =>
      finding({
        file: `deploy/service-${index}.yaml`,
        line: index + 1,
        endLine: index + 1,
        resource: { apiVersion: "v1", kind: "Pod", namespace: "ns", name: `pod-${index}-${"x".repeat(40)}` },
      }),
    );
    const result = buildCheckRun(evaluated(findings, { resources: 5000 }));
    expect(result.summary.length).toBeLessThanOrEqual(65535);
    expect(result.text?.length).toBeLessThanOrEqual(65535);
    expect(result.summary).toContain("truncated");
    expect(result.annotations.length).toBe(500);
  });

  test("a huge message is cut under 64 KB and a long rule name under 255 characters", () => {
    const result = buildCheckRun(evaluated([finding({ message: "é".repeat(100_000), policy: "p".repeat(400) })]));
    const annotation = result.annotations[0];
    expect(Buffer.byteLength(annotation?.message ?? "", "utf8")).toBeLessThanOrEqual(64 * 1024);
    expect(annotation?.title?.length).toBeLessThanOrEqual(255);
  });

  test("a file or resource name cannot break the summary table or inject markup", () => {
    const result = buildCheckRun(
      evaluated([finding({ file: "a|b`c`.yaml", resource: { apiVersion: "v1", kind: "Pod", name: "x|<img src=x>" } })]),
    );
    const row = result.summary.split("\n").find((line) => line.includes("a\\|b"));
    expect(row).toBeDefined();
    // 7 columns: the row has exactly 8 unescaped pipes.
    expect(row?.replace(/\\\|/g, "").split("|").length).toBe(8);
    // The name only ever appears inside inline code, where GitHub shows `<img ...>` as text.
    expect(row).toContain("`Pod x\\|<img src=x>`");
    expect(result.summary.split("<img").length - 1).toBe(1);
  });

  test("inline code survives backticks in the text", () => {
    expect(code("a`b")).toBe("``a`b``");
    expect(code("`x`")).toBe("`` `x` ``");
  });

  test("for any findings, every output respects GitHub's limits and no annotation is lost", () => {
    const arbitraryFinding = fc.record({
      action: fc.constantFrom<EnforcementAction>("deny", "warn", "dryrun"),
      message: fc.string({ maxLength: 300 }),
      file: fc.string({ minLength: 1, maxLength: 80 }),
      line: fc.integer({ min: 1, max: 5000 }),
      span: fc.integer({ min: 0, max: 3 }),
      column: fc.integer({ min: 1, max: 200 }),
      name: fc.string({ minLength: 1, maxLength: 60 }),
      rule: fc.string({ minLength: 1, maxLength: 300 }),
    });
    fc.assert(
      fc.property(fc.array(arbitraryFinding, { maxLength: 180 }), (raw) => {
        const findings = raw.map((item) =>
          finding({
            action: item.action,
            message: item.message,
            file: item.file,
            line: item.line,
            endLine: item.line + item.span,
            column: item.column,
            endColumn: item.column + 4,
            rule: item.rule,
            resource: { apiVersion: "v1", kind: "Pod", name: item.name },
          }),
        );
        const result = buildCheckRun(evaluated(findings));
        const updates = planCheckRunUpdates(result);
        expect(result.title.length).toBeLessThanOrEqual(255);
        expect(result.summary.length).toBeLessThanOrEqual(65535);
        expect((result.text ?? "").length).toBeLessThanOrEqual(65535);
        expect(updates.flatMap((update) => update.output?.annotations ?? []).length).toBe(findings.length);
        expect(updates.filter((update) => update.status === "completed").length).toBe(1);
        expect(updates.at(-1)?.status).toBe("completed");
        for (const update of updates) expect(update.output?.annotations?.length ?? 0).toBeLessThanOrEqual(50);
        for (const annotation of result.annotations) {
          expect((annotation.title ?? "").length).toBeLessThanOrEqual(255);
          expect(annotation.end_line).toBeGreaterThanOrEqual(annotation.start_line);
          if (annotation.start_line !== annotation.end_line) expect(annotation.start_column).toBeUndefined();
        }
        expect(result.conclusion).toBe(findings.some((item) => item.action === "deny") ? "failure" : "success");
      }),
      { numRuns: 150 },
    );
  });
});
