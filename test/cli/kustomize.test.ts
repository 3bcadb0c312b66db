/**
 * `check` on a GitOps repository: kustomization roots are rendered and judged as what they deploy,
 * findings land on the line that caused them (here a patch of an overlay over a compliant base),
 * Kustomize inputs are never judged on their own, and `render` prints what kustomize prints.
 */
import { describe, expect, test } from "@jest/globals";
import { runCli, scratchDirectory } from "./run-cli.js";

const scratch = scratchDirectory("kpb-kustomize-");

const COMPLIANT_DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      securityContext:
        runAsNonRoot: true
        seccompProfile:
          type: RuntimeDefault
      containers:
      - name: web
        image: nginx:1.27
        securityContext:
          allowPrivilegeEscalation: false
          capabilities:
            drop: ["ALL"]
`;

async function writeRepository(): Promise<string> {
  await scratch.file("repo/base/kustomization.yaml", "resources:\n- deployment.yaml\n");
  await scratch.file("repo/base/deployment.yaml", COMPLIANT_DEPLOYMENT);
  for (const overlay of ["prod", "staging"]) {
    await scratch.file(
      `repo/overlays/${overlay}/kustomization.yaml`,
      `namespace: ${overlay}\nresources:\n- ../../base\ncomponents:\n- ../../components/debug\n`,
    );
  }
  await scratch.file(
    "repo/components/debug/kustomization.yaml",
    "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\npatches:\n- path: debug-patch.yaml\n",
  );
  await scratch.file(
    "repo/components/debug/debug-patch.yaml",
    "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      hostPID: true\n",
  );
  await scratch.file(
    "repo/plain/pod.yaml",
    "apiVersion: v1\nkind: Pod\nmetadata:\n  name: plain\nspec:\n  containers:\n  - name: c\n    image: busybox\n    securityContext:\n      privileged: true\n",
  );
  return scratch.path();
}

describe("check on a repository with Kustomize overlays", () => {
  test("a violation a shared patch introduces is one finding on the patch line, naming every overlay", async () => {
    const cwd = await writeRepository();
    const run = await runCli(["check", "--format", "json", "repo"], { cwd });
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout) as {
      findings: {
        file: string;
        line: number;
        rule: string;
        action: string;
        resource: { namespace: string; name: string; renderedIn: string[] };
      }[];
      errors: unknown[];
    };
    expect(report.errors).toEqual([]);
    const denies = report.findings.filter((finding) => finding.action === "deny");
    expect(denies.map((finding) => [finding.file, finding.line, finding.rule, finding.resource.renderedIn])).toEqual([
      ["repo/components/debug/debug-patch.yaml", 8, "hostNamespaces", ["repo/overlays/prod", "repo/overlays/staging"]],
      ["repo/plain/pod.yaml", 10, "privileged", []],
    ]);
  });

  test("the text report names the rendered object and the overlays", async () => {
    const cwd = await writeRepository();
    const run = await runCli(["check", "repo/overlays/prod", "repo/base", "repo/components"], { cwd });
    expect(run.stdout).toContain("repo/components/debug/debug-patch.yaml:8:7: deny pod-security-baseline/hostNamespaces");
    expect(run.stdout).toContain("(Deployment prod/web in repo/overlays/prod;");
    expect(run.stdout).not.toContain("not a manifest");
    expect(run.stdout).not.toContain("apiVersion");
  });

  test("a root that cannot be rendered is an error at its line, and nothing of it is judged", async () => {
    const cwd = await writeRepository();
    await scratch.file(
      "repo/overlays/broken/kustomization.yaml",
      "resources:\n- ../../base\n- https://github.com/example/repo//deploy?ref=main\n",
    );
    const run = await runCli(["check", "--format", "json", "repo/overlays/broken", "repo/base"], { cwd });
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout) as { findings: unknown[]; errors: { file: string; line: number; message: string }[] };
    expect(report.findings).toEqual([]);
    expect(report.errors).toEqual([
      expect.objectContaining({
        file: "repo/overlays/broken/kustomization.yaml",
        line: 3,
        message: expect.stringContaining("remote resource"),
      }),
    ]);
  });
});

describe("choosing roots and what is not rendered", () => {
  test("--kustomize-root GLOB judges only the roots it matches; the others' inputs are still not judged alone", async () => {
    const cwd = await writeRepository();
    const run = await runCli(["check", "--format", "json", "--kustomize-root", "repo/overlays/prod", "repo"], { cwd });
    const report = JSON.parse(run.stdout) as {
      findings: { file: string; rule: string; resource: { renderedIn: string[] } }[];
      errors: unknown[];
    };
    expect(report.errors).toEqual([]);
    const hostPid = report.findings.filter((finding) => finding.rule === "hostNamespaces");
    expect(hostPid.map((finding) => [finding.file, finding.resource.renderedIn])).toEqual([
      ["repo/components/debug/debug-patch.yaml", ["repo/overlays/prod"]],
    ]);
  });

  test("a HelmRelease and an Argo CD Application with a Helm chart are listed as not rendered, at their lines", async () => {
    const cwd = await writeRepository();
    await scratch.file(
      "repo/apps/podinfo.yaml",
      "apiVersion: helm.toolkit.fluxcd.io/v2beta1\nkind: HelmRelease\nmetadata:\n  name: podinfo\nspec:\n  chart:\n    spec: {chart: podinfo}\n",
    );
    await scratch.file(
      "repo/apps/argo.yaml",
      "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: redis\nspec:\n  sources:\n    - repoURL: https://example.com/git\n      path: deploy\n    - repoURL: https://charts.example.com\n      chart: redis\n",
    );
    const text = await runCli(["check", "repo/apps"], { cwd });
    expect(text.code).toBe(0);
    expect(text.stdout).toContain("repo/apps/argo.yaml:10:");
    expect(text.stdout).toMatch(/not rendered: Application redis deploys a Helm chart/);
    const json = await runCli(["check", "--format", "json", "repo/apps"], { cwd });
    const report = JSON.parse(json.stdout) as { notices: { file: string; line: number; message: string }[] };
    expect(report.notices.map((notice) => [notice.file, notice.line])).toEqual([
      ["repo/apps/argo.yaml", 10],
      ["repo/apps/podinfo.yaml", 6],
    ]);
  });
});

describe("render", () => {
  test("prints the rendered objects as YAML, keys sorted as kustomize prints them", async () => {
    const cwd = await writeRepository();
    const run = await runCli(["render", "repo/overlays/prod"], { cwd });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("kind: Deployment\nmetadata:\n  name: web\n  namespace: prod\n");
    expect(run.stdout).toContain("      hostPID: true\n");
  });

  test("json gives every field's source line", async () => {
    const cwd = await writeRepository();
    const run = await runCli(["render", "--format", "json", "repo/overlays/staging"], { cwd });
    const [deployment] = JSON.parse(run.stdout) as { provenance: Record<string, string> }[];
    expect(deployment?.provenance["spec.template.spec.hostPID"]).toBe("repo/components/debug/debug-patch.yaml:8");
    expect(deployment?.provenance["metadata.namespace"]).toBe("repo/overlays/staging/kustomization.yaml:1");
    expect(deployment?.provenance["spec.template.spec.containers[0].image"]).toBe("repo/base/deployment.yaml:20");
  });

  test("a directory without a kustomization is a usage error", async () => {
    const cwd = await writeRepository();
    const run = await runCli(["render", "repo/plain"], { cwd });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("no kustomization.yaml");
  });
});
