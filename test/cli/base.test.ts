/**
 * `check --base REF`: a git work tree judged against one of its commits. Only what the work tree
 * introduces blocks; findings already at REF are marked pre-existing in every format.
 */
import { beforeAll, describe, expect, test } from "@jest/globals";
import { execFileSync } from "node:child_process";
import { rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { runCli, scratchDirectory } from "./run-cli.js";

const LEGACY = `apiVersion: apps/v1
kind: Deployment
metadata: {name: legacy, namespace: shop}
spec:
  replicas: 1
  selector: {matchLabels: {app: legacy}}
  template:
    metadata: {labels: {app: legacy}}
    spec:
      containers:
        - name: app
          image: registry.example.com/legacy:1.0.0
      volumes:
        - name: logs
          hostPath: {path: /var/log}
`;

const scratch = scratchDirectory("kpb-base-");
let repo = "";
const git = (...args: string[]): string => execFileSync("git", args, { cwd: repo, encoding: "utf8" });

beforeAll(async () => {
  repo = scratch.path();
  git("init", "-q", "-b", "main");
  git("config", "user.email", "dev@example.com");
  git("config", "user.name", "dev");
  await scratch.file("k8s/legacy.yaml", LEGACY);
  await scratch.file("k8s/README.md", "not a manifest\n");
  git("add", "-A");
  git("commit", "-q", "-m", "base");
});

async function workTree(content: string): Promise<void> {
  await writeFile(path.join(repo, "k8s/legacy.yaml"), content);
}

describe("check --base", () => {
  test("a change that keeps the old hostPath passes; the hostPath finding is pre-existing", async () => {
    await workTree(LEGACY.replace("replicas: 1", "replicas: 3"));
    const run = await runCli(["check", "--base", "main", "k8s"], { cwd: repo });
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/k8s\/legacy\.yaml:15:11: deny pod-security-baseline\/hostPathVolumes: .* pre-existing \(also at the base/);
    expect(run.stdout).toMatch(/0 deny, .* pre-existing \(not blocking\)/);
  });

  test("a new privileged container blocks; only it is new in JSON, and the summary counts", async () => {
    await workTree(
      LEGACY.replace(
        "image: registry.example.com/legacy:1.0.0",
        "image: registry.example.com/legacy:1.0.0\n          securityContext: {privileged: true}",
      ),
    );
    const run = await runCli(["check", "--base", "main", "--format", "json", "k8s"], { cwd: repo });
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout) as {
      findings: { rule: string; action: string; state: string }[];
      summary: { deny: number; preExisting: number; fixed: number };
    };
    const denies = report.findings.filter((finding) => finding.action === "deny");
    expect(denies.map((finding) => [finding.rule, finding.state]).sort()).toEqual([
      ["hostPathVolumes", "pre-existing"],
      ["privileged", "new"],
    ]);
    expect(report.summary.deny).toBe(1);
    expect(report.summary.fixed).toBe(0);
    expect(report.findings.every((finding) => finding.state === "new" || finding.state === "pre-existing")).toBe(true);
  });

  test("removing the hostPath counts as fixed", async () => {
    await workTree(LEGACY.replace("          hostPath: {path: /var/log}\n", "          emptyDir: {}\n"));
    const run = await runCli(["check", "--base", "main", "--format", "json", "k8s"], { cwd: repo });
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as { fixed: { rule: string }[]; summary: { fixed: number } };
    expect(report.fixed.map((finding) => finding.rule)).toContain("hostPathVolumes");
    expect(report.summary.fixed).toBe(report.fixed.length);
    const text = await runCli(["check", "--base", "main", "k8s"], { cwd: repo });
    expect(text.stdout).toMatch(/\d+ fixed by this change/);
  });

  test("renaming and reformatting the file is not new; SARIF marks the results unchanged", async () => {
    await workTree(LEGACY);
    await rename(path.join(repo, "k8s/legacy.yaml"), path.join(repo, "k8s/renamed.yml"));
    try {
      const reformatted = `# reformatted
kind: Deployment
apiVersion: apps/v1
metadata:
  namespace: shop
  name: legacy
spec:
  template:
    spec:
      volumes: [{hostPath: {path: /var/log}, name: logs}]
      containers: [{image: "registry.example.com/legacy:1.0.0", name: app}]
    metadata: {labels: {app: legacy}}
  selector: {matchLabels: {app: legacy}}
  replicas: 1
`;
      await writeFile(path.join(repo, "k8s/renamed.yml"), reformatted);
      const run = await runCli(["check", "--base", "main", "--format", "sarif", "k8s"], { cwd: repo });
      expect(run.code).toBe(0);
      const sarif = JSON.parse(run.stdout) as { runs: { results: { ruleId: string; baselineState?: string }[] }[] };
      const results = sarif.runs[0]?.results ?? [];
      expect(results.length).toBeGreaterThan(0);
      expect(results.every((result) => result.baselineState === "unchanged")).toBe(true);
    } finally {
      await rm(path.join(repo, "k8s/renamed.yml"), { force: true });
      git("checkout", "-q", "--", "k8s/legacy.yaml");
    }
  });

  test("without --base every finding blocks as before, and SARIF has no baselineState", async () => {
    const run = await runCli(["check", "--format", "sarif", "k8s"], { cwd: repo });
    expect(run.code).toBe(1);
    const sarif = JSON.parse(run.stdout) as { runs: { results: { baselineState?: string }[] }[] };
    expect(sarif.runs[0]?.results.every((result) => result.baselineState === undefined)).toBe(true);
  });

  test("REF must be a commit of a git work tree: a usage error, exit 2", async () => {
    const missing = await runCli(["check", "--base", "no-such-branch", "k8s"], { cwd: repo });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/--base "no-such-branch": no such commit/);
    const outside = await runCli(["check", "--base", "main", "."], { cwd: path.dirname(repo) });
    expect(outside.code).toBe(2);
    expect(outside.stderr).toMatch(/not inside a git work tree/);
    const empty = await runCli(["check", "--base", "", "k8s"], { cwd: repo });
    expect(empty.code).toBe(2);
  });
});
