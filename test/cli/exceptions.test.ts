/**
 * `kube-policy-bot check --policies` with `PolicyException` documents among the policy files:
 * excepted findings stay in the output, marked, and do not block; expired ones are not applied.
 */
import { describe, expect, it } from "@jest/globals";
import { runCli, scratchDirectory } from "./run-cli.js";

const BREAKOUT = "examples/attacks/breakout-pod.yaml";
const BASELINE = "policies/pod-security-baseline.yaml";

function exceptionDocument(options: { name?: string; expires: string; policy?: string; rules?: string[] }): string {
  return `apiVersion: kube-policy-bot.dev/v1
kind: PolicyException
metadata:
  name: ${options.name ?? "r00t-debug"}
spec:
  policies:
    - name: ${options.policy ?? "pod-security-baseline"}
${options.rules ? `      rules: [${options.rules.join(", ")}]\n` : ""}  resources:
    - kinds: [Pod]
      namespaces: [default]
      names: [r00t]
  reason: incident tooling, SEC-9
  approver: security-board
  expires: "${options.expires}"
`;
}

const exceptionFile = scratchDirectory("kpb-cli-exceptions-").file;

describe("PolicyException documents in --policies", () => {
  it("text: excepted findings keep their line and say which exception excuses them; exit 0", async () => {
    const file = await exceptionFile("active.yaml", exceptionDocument({ expires: "2999-12-31" }));
    const { code, stdout, stderr } = await runCli(["check", "--policies", BASELINE, "--policies", file, BREAKOUT]);
    expect(stderr).toBe("");
    expect(code).toBe(0);
    expect(stdout).toMatch(
      /breakout-pod\.yaml:15:7: deny pod-security-baseline\/privileged: .* excepted by r00t-debug \(approved by security-board, expires 2999-12-31T00:00:00\.000Z: incident tooling, SEC-9\)/,
    );
    expect(stdout).toMatch(/breakout-pod\.yaml:6:3: deny pod-security-baseline\/hostNamespaces: .* excepted by r00t-debug/);
    expect(stdout).toMatch(/0 deny, 0 warn, 0 dryrun, 0 errors, 2 excepted\n$/);
  });

  it("an exception covers only the rules it names: the other deny finding still blocks", async () => {
    const file = await exceptionFile("privileged-only.yaml", exceptionDocument({ expires: "2999-12-31", rules: ["privileged"] }));
    const { code, stdout } = await runCli(["check", "--policies", BASELINE, "--policies", file, BREAKOUT]);
    expect(code).toBe(1);
    expect(stdout).toMatch(/privileged: .* excepted by r00t-debug/);
    expect(stdout).not.toMatch(/hostNamespaces: .* excepted by/);
    expect(stdout).toMatch(/1 deny, .*1 excepted/);
  });

  it("json: an `exception` object on excused findings, null on the others", async () => {
    const file = await exceptionFile("json.yaml", exceptionDocument({ expires: "2999-12-31", rules: ["privileged"] }));
    const { code, stdout } = await runCli(["check", "--format", "json", "--policies", BASELINE, "--policies", file, BREAKOUT]);
    expect(code).toBe(1);
    const report = JSON.parse(stdout) as { findings: { rule: string; exception: unknown }[]; summary: { deny: number } };
    expect(report.findings.find((finding) => finding.rule === "privileged")?.exception).toEqual({
      id: "r00t-debug",
      approver: "security-board",
      reason: "incident tooling, SEC-9",
      expires: "2999-12-31T00:00:00.000Z",
      source: `${file}:1`,
    });
    expect(report.findings.find((finding) => finding.rule === "hostNamespaces")?.exception).toBeNull();
    expect(report.summary.deny).toBe(1);
  });

  it("sarif: excused results carry an accepted suppression with the exception's reason", async () => {
    const file = await exceptionFile("sarif.yaml", exceptionDocument({ expires: "2999-12-31", rules: ["privileged"] }));
    const { stdout } = await runCli(["check", "--format", "sarif", "--policies", BASELINE, "--policies", file, BREAKOUT]);
    const results = (JSON.parse(stdout) as { runs: { results: { ruleId: string; suppressions?: unknown[] }[] }[] }).runs[0]?.results ?? [];
    expect(results.find((result) => result.ruleId === "pod-security-baseline/privileged")?.suppressions).toEqual([
      {
        kind: "external",
        status: "accepted",
        justification: "r00t-debug, approved by security-board until 2999-12-31T00:00:00.000Z: incident tooling, SEC-9",
      },
    ]);
    expect(results.find((result) => result.ruleId === "pod-security-baseline/hostNamespaces")?.suppressions).toBeUndefined();
  });

  it("an expired exception is not applied, and stderr says so", async () => {
    const file = await exceptionFile("expired.yaml", exceptionDocument({ expires: "2020-01-01" }));
    const { code, stdout, stderr } = await runCli(["check", "--policies", BASELINE, "--policies", file, BREAKOUT]);
    expect(code).toBe(1);
    expect(stderr).toBe(`${file}:1:1: warning: PolicyException "r00t-debug" expired at 2020-01-01T00:00:00.000Z and is not applied\n`);
    expect(stdout).not.toMatch(/excepted/);
    expect(stdout).toMatch(/2 deny/);
  });

  it("expiry is judged against the clock: valid today, expired tomorrow", async () => {
    const file = await exceptionFile("clock.yaml", exceptionDocument({ expires: "2030-06-01T12:00:00Z" }));
    const before = await runCli(["check", "--policies", BASELINE, "--policies", file, BREAKOUT], { now: new Date("2030-06-01T11:59:59Z") });
    expect(before.code).toBe(0);
    const after = await runCli(["check", "--policies", BASELINE, "--policies", file, BREAKOUT], { now: new Date("2030-06-01T12:00:00Z") });
    expect(after.code).toBe(1);
  });

  it("an exception naming a policy that is not loaded is a policy error: nothing is checked, exit 2", async () => {
    const file = await exceptionFile("typo.yaml", exceptionDocument({ expires: "2999-12-31", policy: "pod-security-basline" }));
    const { code, stdout, stderr } = await runCli(["check", "--policies", BASELINE, "--policies", file, BREAKOUT]);
    expect(code).toBe(2);
    expect(stdout).toBe("");
    expect(stderr).toMatch(/typo\.yaml:1:1: error: PolicyException "r00t-debug" names policy "pod-security-basline", which is not loaded/);
  });
});
