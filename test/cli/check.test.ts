import { describe, expect, it } from "@jest/globals";
import { mkdir } from "node:fs/promises";
import { createServer, type Server } from "node:net";
import path from "node:path";
import { REPO_ROOT, runCli, scratchDirectory } from "./run-cli.js";

interface JsonFinding {
  policy: string;
  policyKind: string;
  rule: string;
  action: string;
  file: string;
  line: number;
  endLine: number;
  column: number;
  path: string;
  container: string | null;
  resource: { apiVersion: string; kind: string; namespace: string | null; name: string };
}

const BREAKOUT = "examples/attacks/breakout-pod.yaml";

const scratch = scratchDirectory("kpb-cli-");
const scratchFile = scratch.file;

describe("check examples/ (the seed case)", () => {
  it("text: blocks the breakout pod on its hostPID line (6) and its privileged line (15)", async () => {
    const { code, stdout, stderr } = await runCli(["check", "examples/"]);
    expect(stderr).toBe("");
    expect(code).toBe(1);
    const lines = stdout.trimEnd().split("\n");
    // The pod declares no namespace, so the shipped defaults decide, and the finding says so.
    const basis = "no namespace declared: default enforce=baseline:latest \\(policy parameters\\)";
    expect(lines).toContainEqual(
      expect.stringMatching(
        new RegExp(
          `^examples/attacks/breakout-pod\\.yaml:6:\\d+: deny pod-security-baseline/hostNamespaces: .+ \\(Pod default/r00t; ${basis}\\)$`,
        ),
      ),
    );
    expect(lines).toContainEqual(
      expect.stringMatching(
        new RegExp(
          `^examples/attacks/breakout-pod\\.yaml:15:\\d+: deny pod-security-baseline/privileged: .+ \\(Pod default/r00t, container "1"; ${basis}\\)$`,
        ),
      ),
    );
    // The web and billing Deployments land in shop, whose Namespace is among the files: its label decides.
    expect(lines).toContain(
      "  shop: pod-security-baseline enforce=restricted:latest from label pod-security.kubernetes.io/enforce of Namespace shop (examples/cluster/namespaces.yaml:3)",
    );
    // The Kustomize overlay's patch makes its compliant base a breakout, on the patch's lines.
    expect(lines).toContainEqual(
      expect.stringMatching(
        /^examples\/kustomize\/overlays\/prod\/debug-patch\.yaml:14:\d+: deny pod-security-baseline\/privileged: .+ \(Deployment shop\/api in examples\/kustomize\/overlays\/prod, container "api";/,
      ),
    );
    // Five plain files and one rendered root; the kustomization files and the patch are not judged alone.
    expect(lines.at(-1)).toMatch(/^6 files, 6 resources: [1-9]\d* deny, \d+ warn, 0 dryrun, 0 errors$/);
  });

  it("json: the same two findings, with field paths, and nothing against the compliant web Deployment", async () => {
    const { code, stdout } = await runCli(["check", "--format", "json", "examples/"]);
    expect(code).toBe(1);
    const report = JSON.parse(stdout) as { findings: JsonFinding[]; errors: unknown[]; summary: Record<string, number> };
    const baseline = report.findings.filter((f) => f.file === BREAKOUT && f.policy === "pod-security-baseline");
    expect(baseline).toContainEqual(
      expect.objectContaining({ rule: "hostNamespaces", action: "deny", line: 6, endLine: 6, path: "spec.hostPID", container: null }),
    );
    expect(baseline).toContainEqual(
      expect.objectContaining({
        rule: "privileged",
        action: "deny",
        line: 15,
        endLine: 15,
        path: "spec.containers[0].securityContext.privileged",
        container: "1",
        resource: { apiVersion: "v1", kind: "Pod", namespace: "default", name: "r00t", renderedIn: [] },
      }),
    );
    expect(report.findings.filter((f) => f.file.startsWith("examples/apps/web/"))).toEqual([]);
    // The billing image breaks no Pod Security rule: only the allowed-repos constraint catches it.
    expect(report.findings.filter((f) => f.file === "examples/apps/billing/deployment.yaml")).toEqual([]);
    expect(report.errors).toEqual([]);
    expect(report.summary).toMatchObject({ files: 6, resources: 6, errors: 0 });
  });

  it("json twin of the breakout pod: findings on its hostPID line (8) and privileged line (18)", async () => {
    const { code, stdout } = await runCli(["check", "--format=json", "test/fixtures/breakout-pod.json"]);
    expect(code).toBe(1);
    const findings = (JSON.parse(stdout) as { findings: JsonFinding[] }).findings.filter((f) => f.policy === "pod-security-baseline");
    expect(findings.map((f) => [f.rule, f.line, f.file])).toEqual([
      ["hostNamespaces", 8, "test/fixtures/breakout-pod.json"],
      ["privileged", 18, "test/fixtures/breakout-pod.json"],
    ]);
  });

  it("with the example constraints, the untrusted billing image is caught on its image line, and web stays clean", async () => {
    const { code, stdout } = await runCli(["check", "--format", "json", "--policies", "policies/", "examples/"]);
    expect(code).toBe(1);
    const findings = (JSON.parse(stdout) as { findings: JsonFinding[] }).findings;
    expect(findings.filter((f) => f.file === "examples/apps/billing/deployment.yaml")).toEqual([
      expect.objectContaining({
        policyKind: "K8sAllowedRepos",
        action: "deny",
        line: 30,
        path: "spec.template.spec.containers[0].image",
        container: "billing",
      }),
    ]);
    expect(findings.filter((f) => f.file.startsWith("examples/apps/web/"))).toEqual([]);
  });

  it("sarif: relative forward-slash URIs and the breakout findings as errors", async () => {
    const { code, stdout } = await runCli(["check", "--format", "sarif", "examples"]);
    expect(code).toBe(1);
    const log = JSON.parse(stdout);
    expect(log.version).toBe("2.1.0");
    const results = log.runs[0].results as {
      ruleId: string;
      level: string;
      locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }[];
    }[];
    const privileged = results.find((r) => r.ruleId === "pod-security-baseline/privileged")!;
    expect(privileged.level).toBe("error");
    expect(privileged.locations[0]!.physicalLocation.artifactLocation.uri).toBe(BREAKOUT);
    expect(privileged.locations[0]!.physicalLocation.region.startLine).toBe(15);
    expect(log.runs[0].tool.driver.rules.map((r: { id: string }) => r.id)).toContain("pod-security-baseline/privileged");
  });
});

describe("exit status", () => {
  it("is 0 when nothing blocks, and says so in the summary", async () => {
    const { code, stdout } = await runCli(["check", "examples/apps/web"]);
    expect(code).toBe(0);
    expect(stdout).toBe(
      [
        "Pod Security by namespace:",
        "  shop: pod-security-baseline enforce=baseline:latest from default (policy parameters): Namespace shop not found",
        "  shop: pod-security-restricted warn=restricted:latest from default (policy parameters): Namespace shop not found",
        "2 files, 2 resources: 0 deny, 0 warn, 0 dryrun, 0 errors",
        "",
      ].join("\n"),
    );
  });

  it("is 0 for a directory without manifests, with a warning on stderr so the pass is not silent", async () => {
    const empty = path.join(scratch.path(), "empty");
    await mkdir(empty);
    const { code, stdout, stderr } = await runCli(["check", empty]);
    expect(code).toBe(0);
    expect(stdout).toBe("0 files, 0 resources: 0 deny, 0 warn, 0 dryrun, 0 errors\n");
    expect(stderr).toMatch(/warning: no \.yaml, \.yml, \.json files found in /);
  });

  it("is 0 for warnings only: the shipped restricted level warns", async () => {
    const file = await scratchFile(
      "root-ok-for-baseline.yaml",
      "apiVersion: v1\nkind: Pod\nmetadata:\n  name: plain\n  namespace: apps\nspec:\n  containers:\n    - name: app\n      image: nginx:1.27\n",
    );
    const { code, stdout } = await runCli(["check", file]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/: warn pod-security-restricted\/runAsNonRoot: /);
    expect(stdout).toMatch(/ 0 deny, [1-9]\d* warn, /);
  });

  it("is 1 for a manifest that does not parse, reported as file:line:col: error", async () => {
    await scratchFile("broken.yaml", "apiVersion: v1\nkind: Pod\nmetadata:\n  name: [unclosed\n");
    const { code, stdout } = await runCli(["check", "broken.yaml"], { cwd: scratch.path() });
    expect(code).toBe(1);
    expect(stdout).toMatch(/^broken\.yaml:\d+:\d+: error: .+$/m);
    expect(stdout).toMatch(/, 1 error\n$/);
  });

  it("is 1 for a file that cannot be read, and the other files are still checked", async () => {
    const socketPath = path.join(scratch.path(), "not-a-file.yaml");
    const server: Server = createServer();
    await new Promise<void>((resolve) => server.listen(socketPath, resolve));
    try {
      const { code, stdout } = await runCli(["check", "--format", "json", socketPath, path.join(REPO_ROOT, BREAKOUT)]);
      expect(code).toBe(1);
      const report = JSON.parse(stdout);
      expect(report.errors).toEqual([
        expect.objectContaining({ file: socketPath, line: 1, message: expect.stringMatching(/^cannot read file: /) }),
      ]);
      expect(report.findings.length).toBeGreaterThan(0);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it.each([
    [["check", "no/such/dir"], /"no\/such\/dir": no such file or directory/],
    [["check", "--format", "xml", "examples"], /unknown --format "xml"/],
    [["check", "--strict", "examples"], /unknown option "--strict"/],
    [["check"], /missing PATH/],
    [["check", "--policies", "no/such/policies", "examples"], /--policies "no\/such\/policies": no such file or directory/],
  ])("is 2 for the usage error in %j, with a hint to --help", async (argv, message) => {
    const { code, stdout, stderr } = await runCli(argv);
    expect(code).toBe(2);
    expect(stdout).toBe("");
    expect(stderr).toMatch(message);
    expect(stderr).toMatch(/kube-policy-bot --help/);
  });

  it("is 2 for an invalid policy, printed as file:line:col: error on stderr, and nothing is checked", async () => {
    const policy = await scratchFile(
      "bad-policy.yaml",
      "apiVersion: kube-policy-bot.dev/v1\nkind: PodSecurity\nmetadata:\n  name: broken\nspec:\n  enforcementAction: deny\n  parameters:\n    level: superstrict\n",
    );
    const { code, stdout, stderr } = await runCli(["check", "--policies", policy, "examples/"]);
    expect(code).toBe(2);
    expect(stdout).toBe("");
    expect(stderr).toMatch(new RegExp(`^${policy.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}:\\d+:\\d+: error: .+$`, "m"));
    // The line of the offending value, the message, and the stable code last (README "Errors: stable codes").
    expect(stderr).toMatch(
      /:8:\d+: error: PodSecurity "broken": parameters\.level must be one of privileged, baseline, restricted, got "superstrict" \[not-one-of\]$/m,
    );
  });

  it("is 2 when the policy paths hold no policy at all: checking against nothing would pass everything", async () => {
    const emptyPolicies = path.join(scratch.path(), "no-policies");
    await mkdir(emptyPolicies);
    const { code, stdout, stderr } = await runCli(["check", "--policies", emptyPolicies, "examples/"]);
    expect(code).toBe(2);
    expect(stdout).toBe("");
    expect(stderr).toMatch(/error: no policies found in /);
  });

  it("is 2 when a manifest directory is given as --policies: its objects are not policies", async () => {
    const { code, stderr } = await runCli(["check", "--policies", "examples/apps/web", "examples/"]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/^examples\/apps\/web\/deployment\.yaml:\d+:\d+: error: .*"Deployment"/m);
  });
});

describe("help, version and colour", () => {
  it("prints usage for --help and exits 0", async () => {
    const { code, stdout } = await runCli(["--help"]);
    expect(code).toBe(0);
    expect(stdout).toMatch(
      /^Usage: kube-policy-bot check \[--policies PATH\]\.\.\. \[--format text\|json\|sarif\] \[--base REF\] \[--kustomize-root GLOB\]\.\.\.\n +\[--not-evaluated deny\|warn\|dryrun\] \[--fix \[--fix-warnings\] \[--dry-run\]\] PATH\.\.\./,
    );
  });

  it("prints the package version for --version", async () => {
    const { code, stdout } = await runCli(["--version"]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^\d+\.\d+\.\d+(-[\w.]+)?\n$/);
  });

  it("colours text only on a terminal, and not when NO_COLOR is set", async () => {
    const argv = ["check", BREAKOUT];
    expect((await runCli(argv, { isTTY: false })).stdout).not.toContain("\u001b[");
    expect((await runCli(argv, { isTTY: true })).stdout).toContain("\u001b[");
    expect((await runCli(argv, { isTTY: true, env: { NO_COLOR: "1" } })).stdout).not.toContain("\u001b[");
    // no-color.org: an empty NO_COLOR does not count as set.
    expect((await runCli(argv, { isTTY: true, env: { NO_COLOR: "" } })).stdout).toContain("\u001b[");
  });

  it("never colours json or sarif", async () => {
    expect((await runCli(["check", "--format", "json", BREAKOUT], { isTTY: true })).stdout).not.toContain("\u001b[");
  });
});
