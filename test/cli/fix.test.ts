import { describe, expect, it } from "@jest/globals";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { REPO_ROOT, runCli, scratchDirectory } from "./run-cli.js";

const scratch = scratchDirectory("kpb-fix-");

describe("check --fix", () => {
  it("leaves the breakout pod passing baseline, changing only its two offending lines", async () => {
    const original = await readFile(path.join(REPO_ROOT, "examples/attacks/breakout-pod.yaml"), "utf8");
    const file = await scratch.file("breakout-pod.yaml", original);

    const { code, stdout, stderr } = await runCli(["check", "--fix", file]);

    expect(stderr).toMatch(/fixed 2 finding\(s\) in 1 file\(s\)/);
    expect(code).toBe(0);
    expect(stdout).not.toMatch(/ deny /);
    const fixed = await readFile(file, "utf8");
    const changed = original
      .split("\n")
      .flatMap((line, index) => (line === fixed.split("\n")[index] ? [] : [[line, fixed.split("\n")[index]]]));
    expect(fixed.split("\n")).toHaveLength(original.split("\n").length);
    expect(changed).toEqual([
      ["  hostPID: true", "  hostPID: false"],
      ["      privileged: true", "      privileged: false"],
    ]);

    const again = await runCli(["check", "--fix", file]);
    expect(again.stderr).toMatch(/fixed 0 finding\(s\) in 0 file\(s\)/);
    expect(await readFile(file, "utf8")).toBe(fixed);
  });

  it("--dry-run prints a unified diff and writes nothing; --fix-warnings fixes the restricted warnings too", async () => {
    const original = await readFile(path.join(REPO_ROOT, "examples/attacks/breakout-pod.yaml"), "utf8");
    const file = await scratch.file("dry/breakout-pod.yaml", original);

    const { code, stdout, stderr } = await runCli(["check", "--fix", "--fix-warnings", "--dry-run", "--format", "json", file]);

    expect(await readFile(file, "utf8")).toBe(original);
    expect(stderr).toMatch(/would fix 6 finding\(s\) in 1 file\(s\)/);
    const [diff, report] = [stdout.slice(0, stdout.indexOf("{")), stdout.slice(stdout.indexOf("{"))];
    expect(diff).toContain(`--- ${file}\n+++ ${file}\n@@ -3,7 +3,7 @@`);
    expect(diff).toContain("-  hostPID: true\n+  hostPID: false\n");
    expect(diff).toContain("-      privileged: true\n+      privileged: false\n+      allowPrivilegeEscalation: false\n");
    expect(diff).toContain('+        drop: ["ALL"]\n');
    expect(diff).toContain("+  securityContext:\n+    seccompProfile:\n+      type: RuntimeDefault\n");
    // The report is the check of the fixed text: nothing is left.
    expect(JSON.parse(report)).toMatchObject({ findings: [], summary: { deny: 0, warn: 0 } });
    expect(code).toBe(0);
  });

  it("reports what it cannot fix and still fails on it", async () => {
    const file = await scratch.file(
      "shared.yaml",
      [
        "apiVersion: v1",
        "kind: Pod",
        "metadata: {name: p}",
        "spec:",
        "  hostPath: &host true",
        "  hostNetwork: *host",
        "  containers:",
        "  - name: a",
        "    image: nginx:1.27",
        "    volumeMounts: []",
        "  volumes:",
        "  - name: root",
        "    hostPath: {path: /}",
        "",
      ].join("\n"),
    );
    const { code, stdout, stderr } = await runCli(["check", "--fix", file]);
    expect(stderr).toMatch(/0 finding\(s\) in 0 file\(s\); 1 finding\(s\) have no automatic fix, 1 fix\(es\) could not be applied safely/);
    expect(stderr).toMatch(/shared\.yaml:6:3: fix not applied: pod-security-baseline\/hostNamespaces: spec\.hostNetwork: is an alias/);
    expect(stdout).toMatch(/deny pod-security-baseline\/hostPathVolumes/);
    expect(code).toBe(1);
  });

  it("fixes a Kustomize overlay where the values come from: the patch that sets them, the base that defines the container", async () => {
    const root = scratch.path();
    const deployment =
      "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n      - name: web\n        image: nginx:1.27\n";
    const patch =
      "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      hostPID: true  # why not\n";
    const ops = "- op: add\n  path: /spec/template/spec/hostNetwork\n  value: true\n";
    await scratch.file("kz/base/kustomization.yaml", "resources:\n- deployment.yaml\n");
    await scratch.file("kz/base/deployment.yaml", deployment);
    await scratch.file(
      "kz/prod/kustomization.yaml",
      "resources:\n- ../base\npatches:\n- path: host.yaml\n- path: ops.yaml\n  target: {kind: Deployment}\n",
    );
    await scratch.file("kz/prod/host.yaml", patch);
    await scratch.file("kz/prod/ops.yaml", ops);
    const dir = path.join(root, "kz");

    const dry = await runCli(["check", "--fix", "--fix-warnings", "--dry-run", dir]);
    expect(dry.stdout).toContain("-      hostPID: true  # why not\n+      hostPID: false  # why not\n");
    expect(dry.stdout).toContain("+        securityContext:\n+          allowPrivilegeEscalation: false\n");
    expect(await readFile(path.join(dir, "prod/host.yaml"), "utf8")).toBe(patch);

    const { code, stdout, stderr } = await runCli(["check", "--fix", "--fix-warnings", dir]);
    expect(await readFile(path.join(dir, "prod/host.yaml"), "utf8")).toBe(patch.replace("hostPID: true", "hostPID: false"));
    expect(await readFile(path.join(dir, "base/deployment.yaml"), "utf8")).toContain(
      "        securityContext:\n          allowPrivilegeEscalation: false\n",
    );
    expect(await readFile(path.join(dir, "prod/ops.yaml"), "utf8")).toBe(ops);
    // hostNetwork comes from a JSON 6902 operation: flagged only, with the reason, and still blocking.
    expect(stderr).toMatch(
      /ops\.yaml:3:\d+: no automatic fix: pod-security-baseline\/hostNamespaces: the value is set by a JSON 6902 patch operation/,
    );
    expect(stdout).toMatch(/deny pod-security-baseline\/hostNamespaces/);
    expect(stdout).not.toMatch(/allowPrivilegeEscalation/);
    expect(code).toBe(1);
  });
});
