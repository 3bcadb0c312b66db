/**
 * Kustomize in the app, end to end: the real app against the GitHub emulator. A pull request that
 * changes one patch of one overlay renders that overlay (and no other), and the finding the patch
 * introduces is annotated on the patch's line, naming the rendered object and its overlay. What it
 * costs in GitHub requests is printed (README "Kustomize": the figures come from here).
 */
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { findRepoRoot, startE2E, type E2E } from "../../emulator/harness.js";

const BASE_DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 1
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      securityContext:
        runAsNonRoot: true
        seccompProfile: {type: RuntimeDefault}
      containers:
        - name: app
          image: registry.example.com/web:1.0.0
          securityContext:
            allowPrivilegeEscalation: false
            capabilities: {drop: ["ALL"]}
`;

const KUSTOMIZATION = "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n";

function overlay(name: string): string {
  return `${KUSTOMIZATION}namespace: ${name}\nresources:\n  - ../../base\npatches:\n  - path: patch.yaml\n`;
}

/** Each overlay's patch differs (its replicas), so each is its own blob. */
function patch(replicas: number, privileged = false): string {
  const container = privileged ? `      containers:\n        - name: app\n          securityContext:\n            privileged: true\n` : "";
  return `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: ${replicas}\n${container ? `  template:\n    spec:\n${container}` : ""}`;
}

function gitBlobSha(content: string): string {
  const bytes = Buffer.from(content, "utf8");
  return createHash("sha1").update(`blob ${bytes.length}\0`).update(bytes).digest("hex");
}

const envs = Array.from({ length: 20 }, (_, index) => `env-${String(index + 1).padStart(2, "0")}`);

let e2e: E2E;

beforeAll(async () => {
  e2e = await startE2E();
  e2e.github.createOrg("acme", { members: { alice: "admin" } });
  e2e.github.install("acme");
});

afterAll(async () => {
  await e2e?.stop();
});

describe("Kustomize in a pull request", () => {
  test("one base, 20 overlays, one patch changed: only that overlay is rendered, its finding is on the patch line", async () => {
    const files: Record<string, string> = {
      "base/kustomization.yaml": `${KUSTOMIZATION}resources:\n  - deployment.yaml\n`,
      "base/deployment.yaml": BASE_DEPLOYMENT,
    };
    envs.forEach((env, index) => {
      files[`overlays/${env}/kustomization.yaml`] = overlay(env);
      files[`overlays/${env}/patch.yaml`] = patch(index + 2);
    });
    const repo = "acme/fleet";
    e2e.github.createRepo(repo, { files });
    e2e.github.resetRequests();

    const changed = patch(8, true);
    const pr = await e2e.github.openPullRequest({ repo, files: { "overlays/env-07/patch.yaml": changed } });
    const run = await e2e.waitForCheckRun(repo, pr.headSha);
    const requests = e2e.github.requests();
    const routes = requests.map((request) => `${request.method} ${request.route}`);
    const count = (route: string): number => routes.filter((candidate) => candidate === route).length;
    const figure = {
      total: requests.length,
      trees: count("GET /repos/:owner/:repo/git/trees/:tree_sha"),
      blobs: count("GET /repos/:owner/:repo/git/blobs/:file_sha"),
    };
    console.log(
      `requests for one changed patch in a repository of one base and 20 overlays (first push): ${JSON.stringify(figure)} ${JSON.stringify(routes)}`,
    );

    expect(run.conclusion).toBe("failure");
    const privileged = run.annotations.filter((annotation) => annotation.title === "pod-security-baseline/privileged");
    expect(privileged).toHaveLength(1);
    expect(privileged[0]).toMatchObject({ annotation_level: "failure", path: "overlays/env-07/patch.yaml", start_line: 12 });
    expect(privileged[0]?.message).toContain("Deployment env-07/web in overlays/env-07");
    // The kustomization files and the base are not judged on their own.
    expect(run.annotations.every((annotation) => annotation.path === "overlays/env-07/patch.yaml")).toBe(true);
    // No other overlay was rendered: none of their patches was read.
    const blobsRead = new Set(
      requests
        .filter((request) => request.route === "/repos/:owner/:repo/git/blobs/:file_sha")
        .map((request) => request.path.split("/").pop()),
    );
    const otherPatches = envs.filter((env) => env !== "env-07").map((env) => gitBlobSha(files[`overlays/${env}/patch.yaml`] as string));
    expect(otherPatches.filter((sha) => blobsRead.has(sha))).toEqual([]);
    expect(blobsRead.has(gitBlobSha(files["base/deployment.yaml"] as string))).toBe(true);

    // A second push: the kustomization files and the base come from the cache.
    e2e.github.resetRequests();
    const pushed = await e2e.github.push({ repo, number: pr.number, files: { "overlays/env-07/patch.yaml": patch(9, true) } });
    await e2e.waitForCheckRun(repo, pushed.headSha);
    const again = e2e.github.requests().map((request) => `${request.method} ${request.route}`);
    console.log(`requests for the next push to that patch (warm cache): ${again.length} ${JSON.stringify(again)}`);
    expect(again.filter((route) => route === "GET /repos/:owner/:repo/git/blobs/:file_sha").length).toBeLessThan(figure.blobs);
  });

  test("a change to a generator source outside the manifest globs renders its root; a finding the root already had is pre-existing", async () => {
    const hostPath = BASE_DEPLOYMENT.replace(
      '            capabilities: {drop: ["ALL"]}\n',
      '            capabilities: {drop: ["ALL"]}\n          volumeMounts: [{name: logs, mountPath: /logs}]\n      volumes:\n        - name: logs\n          hostPath: {path: /var/log/web}\n',
    );
    const repo = "acme/generated";
    e2e.github.createRepo(repo, {
      files: {
        "base/kustomization.yaml": `${KUSTOMIZATION}resources:\n  - deployment.yaml\n`,
        "base/deployment.yaml": hostPath,
        "overlays/prod/kustomization.yaml": `${KUSTOMIZATION}namespace: prod\nresources:\n  - ../../base\nconfigMapGenerator:\n  - name: settings\n    envs: [app.env]\n`,
        "overlays/prod/app.env": "LOG_LEVEL=info\n",
      },
    });
    const pr = await e2e.github.openPullRequest({ repo, files: { "overlays/prod/app.env": "LOG_LEVEL=debug\n" } });
    const run = await e2e.waitForCheckRun(repo, pr.headSha);
    expect(run.conclusion).toBe("success");
    const finding = run.annotations.find((annotation) => annotation.title === "pod-security-baseline/hostPathVolumes");
    expect(finding).toMatchObject({ annotation_level: "notice", path: "base/deployment.yaml" });
    expect(finding?.message).toMatch(/^Pre-existing, not introduced by this pull request/);
    expect(finding?.message).toContain("Deployment prod/web in overlays/prod");
  });

  test("the demo's pull request: the overlay's patch that breaks a compliant base is annotated on the patch line", async () => {
    const examples = path.join(findRepoRoot(), "examples");
    const files: Record<string, Buffer> = {};
    const walk = (directory: string, prefix: string): void => {
      for (const entry of readdirSync(directory, { withFileTypes: true })) {
        const relative = prefix ? `${prefix}/${entry.name}` : entry.name;
        if (entry.isDirectory()) walk(path.join(directory, entry.name), relative);
        else files[relative] = readFileSync(path.join(directory, entry.name));
      }
    };
    walk(examples, "");
    e2e.github.createRepo("acme/gitops", { files: { "README.md": "# gitops\n" } });
    const pr = await e2e.github.openPullRequest({ repo: "acme/gitops", files });
    const run = await e2e.waitForCheckRun("acme/gitops", pr.headSha);
    expect(run.conclusion).toBe("failure");
    const onPatch = run.annotations.filter(
      (annotation) => annotation.path === "kustomize/overlays/prod/debug-patch.yaml" && annotation.annotation_level === "failure",
    );
    expect(onPatch.map((annotation) => [annotation.title, annotation.start_line])).toEqual([
      ["pod-security-baseline/hostNamespaces", 10],
      ["pod-security-baseline/privileged", 14],
    ]);
    expect(onPatch[0]?.message).toContain("Deployment shop/api in kustomize/overlays/prod");
    expect(
      run.annotations.filter((annotation) => annotation.path.startsWith("kustomize/") && !annotation.path.endsWith("debug-patch.yaml")),
    ).toEqual([]);
  });
});
