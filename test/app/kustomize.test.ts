/**
 * The app's check on Kustomize repositories, against the in-memory GitHub: which roots a change
 * renders, where findings and render errors land, which roots the org chooses, and that a repository
 * the app cannot render fails closed. (The request figure is measured end to end: test/e2e/kustomize.test.ts.)
 */
import { describe, expect, test } from "@jest/globals";
import { ConfigLoader } from "../../src/pipeline/read/config.js";
import { ManifestStore } from "../../src/pipeline/read/manifest-store.js";
import { runPipeline, type PipelineDeps } from "../../src/pipeline/run.js";
import { shippedPolicySources } from "../../src/app/shipped-sources.js";
import type { CheckTarget, PullRequestTarget } from "../../src/pipeline/target.js";
import type { RepoRef } from "../../src/github/gateway.js";
import { FakeGitHub } from "./fake-github.js";
import { silentLog } from "./fixtures.js";

const repo: RepoRef = { owner: "acme", repo: "fleet" };
const orgRepo: RepoRef = { owner: "acme", repo: ".github" };

const KUSTOMIZATION = "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n";
const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
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
const PRIVILEGED_PATCH =
  "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n        - name: app\n          securityContext:\n            privileged: true\n";

/** A base and two overlays (prod, staging), each with its own replicas patch. */
const REPOSITORY: Record<string, string> = {
  "base/kustomization.yaml": `${KUSTOMIZATION}resources:\n  - deployment.yaml\n`,
  "base/deployment.yaml": DEPLOYMENT,
  "overlays/prod/kustomization.yaml": `${KUSTOMIZATION}namespace: prod\nresources:\n  - ../../base\npatches:\n  - path: patch.yaml\n`,
  "overlays/prod/patch.yaml": "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 3\n",
  "overlays/staging/kustomization.yaml": `${KUSTOMIZATION}namespace: staging\nresources:\n  - ../../base\npatches:\n  - path: patch.yaml\n`,
  "overlays/staging/patch.yaml": "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 1\n",
};

function setup(orgConfig?: string) {
  const github = new FakeGitHub().addRepo(repo, REPOSITORY);
  if (orgConfig) github.addRepo(orgRepo, { ".github/kube-policy.yml": orgConfig });
  const deps: PipelineDeps = {
    config: new ConfigLoader({ shippedSources: shippedPolicySources }),
    manifests: new ManifestStore(),
    log: silentLog,
    now: () => new Date("2025-06-01T12:00:00Z"),
    completionRetryDelaysMs: [0, 0, 0],
  };
  return { github, deps };
}

function pullRequest(github: FakeGitHub, files: Record<string, string | null>): PullRequestTarget {
  const pull = github.openPullRequest(repo, 1, { files });
  return { kind: "pull_request", repo, number: 1, headSha: pull.headSha, baseRef: pull.baseRef, changedFiles: pull.changedFiles };
}

async function check(github: FakeGitHub, target: CheckTarget, deps: PipelineDeps) {
  const report = await runPipeline(github, target, deps, "delivery-1");
  const run = github.checkRuns.find((candidate) => candidate.id === report.checkRunId);
  return { run, annotations: run?.annotations ?? [], summary: run?.output?.summary ?? "" };
}

describe("Kustomize in the app's check", () => {
  test("a base change renders every overlay: one annotation on the base line, listing both overlays", async () => {
    const { github, deps } = setup();
    const privileged = DEPLOYMENT.replace(
      "allowPrivilegeEscalation: false",
      "allowPrivilegeEscalation: false\n            privileged: true",
    );
    const { run, annotations } = await check(github, pullRequest(github, { "base/deployment.yaml": privileged }), deps);
    expect(run?.conclusion).toBe("failure");
    const finding = annotations.filter((annotation) => annotation.title === "pod-security-baseline/privileged");
    expect(finding).toHaveLength(1);
    expect(finding[0]).toMatchObject({ path: "base/deployment.yaml", start_line: 20 });
    expect(finding[0]?.message).toMatch(/in overlays\/prod, overlays\/staging/);
  });

  test("a merge group renders the roots its changes affect, like a pull request", async () => {
    const { github, deps } = setup();
    const base = "1".repeat(40);
    const head = "2".repeat(40);
    github.setComparison(repo, base, head, { "overlays/staging/patch.yaml": PRIVILEGED_PATCH });
    const { run, annotations } = await check(github, { kind: "merge_group", repo, headSha: head, baseSha: base, baseRef: "main" }, deps);
    expect(run?.conclusion).toBe("failure");
    const finding = annotations.find((annotation) => annotation.title === "pod-security-baseline/privileged");
    expect(finding).toMatchObject({ path: "overlays/staging/patch.yaml", start_line: 11 });
    expect(finding?.message).toContain("Deployment staging/web in overlays/staging");
    expect(finding?.message).not.toContain("overlays/prod");
    expect(run?.output?.summary).toContain(
      "the Kustomize root this change affects was rendered and judged as it deploys: `overlays/staging`.",
    );
  });

  test("a render error fails closed at the kustomization entry, and no input is judged on its own", async () => {
    const { github, deps } = setup();
    const broken = `${KUSTOMIZATION}namespace: prod\nresources:\n  - ../../base\npatches:\n  - path: missing.yaml\n`;
    const { run, annotations } = await check(github, pullRequest(github, { "overlays/prod/kustomization.yaml": broken }), deps);
    expect(run?.conclusion).toBe("failure");
    expect(annotations).toEqual([
      expect.objectContaining({ path: "overlays/prod/kustomization.yaml", start_line: 7, annotation_level: "failure" }),
    ]);
    expect(annotations[0]?.message).toMatch(/missing\.yaml/);
  });

  test("a file named only inside a transformer file is read when the render asks for it (a second round)", async () => {
    const { github, deps } = setup();
    const patcher =
      "apiVersion: builtin\nkind: PatchTransformer\nmetadata:\n  name: debug\npath: debug.yaml\ntarget:\n  kind: Deployment\n";
    const debug = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      hostPID: true\n";
    github.setFiles(repo, "main", { "overlays/prod/debug.yaml": debug });
    const target = pullRequest(github, {
      "overlays/prod/kustomization.yaml": `${KUSTOMIZATION}namespace: prod\nresources:\n  - ../../base\ntransformers:\n  - patcher.yaml\n`,
      "overlays/prod/patcher.yaml": patcher,
    });
    const { annotations } = await check(github, target, deps);
    const finding = annotations.find((annotation) => annotation.title === "pod-security-baseline/hostNamespaces");
    expect(finding).toMatchObject({ path: "overlays/prod/debug.yaml", start_line: 8, annotation_level: "failure" });
    expect(annotations.filter((annotation) => annotation.path === "overlays/prod/patcher.yaml")).toEqual([]);
  });

  test("kustomize.roots chooses the roots: an overlay it leaves out is not judged", async () => {
    const { github, deps } = setup('kustomize:\n  roots: ["overlays/prod"]\n');
    const privileged = DEPLOYMENT.replace(
      "allowPrivilegeEscalation: false",
      "allowPrivilegeEscalation: false\n            privileged: true",
    );
    const { annotations } = await check(github, pullRequest(github, { "base/deployment.yaml": privileged }), deps);
    const finding = annotations.find((annotation) => annotation.title === "pod-security-baseline/privileged");
    expect(finding?.message).toContain("in overlays/prod");
    expect(finding?.message).not.toContain("staging");
  });

  test("kustomize.roots: [] renders nothing and lists no tree; kustomization files are still never judged", async () => {
    const { github, deps } = setup("kustomize:\n  roots: []\n");
    const { run, annotations } = await check(
      github,
      pullRequest(github, { "overlays/prod/kustomization.yaml": `${KUSTOMIZATION}namespace: prod\nresources:\n  - ../../base\n` }),
      deps,
    );
    expect(github.count("getTree")).toBe(1); // the org's .github repository, not the pull request's head
    expect(run?.conclusion).toBe("success");
    expect(annotations).toEqual([]);
  });

  test("a repository whose tree GitHub truncates fails closed, saying how to choose roots", async () => {
    const { github, deps } = setup();
    github.treesTruncated = true;
    const { run } = await check(github, pullRequest(github, { "overlays/prod/patch.yaml": PRIVILEGED_PATCH }), deps);
    expect(run?.conclusion).toBe("failure");
    expect(`${run?.output?.title} ${run?.output?.summary}`).toMatch(/more files than GitHub lists/);
    expect(run?.output?.summary).toMatch(/kustomize\.roots/);
  });

  test("a Flux HelmRelease is listed as not rendered, at its line", async () => {
    const { github, deps } = setup();
    const release =
      "apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: podinfo\n  namespace: apps\nspec:\n  interval: 5m\n  chart:\n    spec:\n      chart: podinfo\n";
    const { run, summary } = await check(github, pullRequest(github, { "apps/podinfo.yaml": release }), deps);
    expect(run?.conclusion).toBe("success");
    expect(summary).toMatch(/`apps\/podinfo\.yaml` line 8: not rendered: HelmRelease apps\/podinfo deploys a Helm chart/);
  });
});
