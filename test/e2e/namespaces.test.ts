/**
 * Namespace-driven Pod Security end to end: the real app against the GitHub emulator, with the
 * repository's Namespace manifests on its default branch. A pull request that adds a workload is
 * judged by the labels of a Namespace it does not touch (read from the repository), and one that
 * lowers a Namespace's enforce label below the organisation's floor fails on that label's line.
 */
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { hardenedDeployment } from "../fixtures/manifests.js";
import { startE2E, type E2E } from "../../emulator/harness.js";

const ORG_CONFIG = "policies:\n  paths: ['policies/*.yaml']\n";
const FLOOR = `apiVersion: kube-policy-bot.dev/v1
kind: PodSecurityEnforceFloor
metadata:
  name: namespace-floor
spec:
  enforcementAction: deny
  parameters:
    level: baseline
`;
const namespace = (level: string) => `apiVersion: v1
kind: Namespace
metadata:
  name: prod
  labels:
    pod-security.kubernetes.io/enforce: ${level}
`;
/** Passes baseline; at restricted it lacks runAsNonRoot, seccomp and drop ALL. */
const PLAIN_DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  namespace: prod
spec:
  selector:
    matchLabels: {app: api}
  template:
    metadata:
      labels: {app: api}
    spec:
      containers:
        - name: api
          image: registry.example.com/api:1.0.0
          securityContext:
            allowPrivilegeEscalation: false
`;

let e2e: E2E;
let counter = 0;

function newRepo(): string {
  const name = `umbrella/gitops-${++counter}`;
  e2e.github.createRepo(name, {
    files: {
      "README.md": "# gitops\n",
      "namespaces/prod.yaml": namespace("restricted"),
      "namespaces/tools.yaml": namespace("baseline").replace("prod", "tools"),
    },
  });
  return name;
}

beforeAll(async () => {
  e2e = await startE2E();
  e2e.github.createOrg("umbrella", { members: { alice: "admin" } });
  e2e.github.createRepo("umbrella/.github", { files: { ".github/kube-policy.yml": ORG_CONFIG, "policies/floor.yaml": FLOOR } });
  e2e.github.install("umbrella");
});

afterAll(async () => {
  await e2e?.stop();
});

describe("namespace-driven Pod Security", () => {
  test("a workload is judged by the labels of its Namespace elsewhere in the repository", async () => {
    const repo = newRepo();
    const pr = await e2e.github.openPullRequest({ repo, files: { "apps/api/deployment.yaml": PLAIN_DEPLOYMENT } });
    const run = await e2e.waitForCheckRun(repo, pr.headSha);
    expect(run.conclusion).toBe("failure");
    const failures = run.annotations.filter((annotation) => annotation.annotation_level === "failure");
    expect(failures.map((annotation) => annotation.title).sort()).toEqual([
      "pod-security-baseline/capabilities_restricted",
      "pod-security-baseline/runAsNonRoot",
      "pod-security-baseline/seccompProfile_restricted",
    ]);
    for (const annotation of failures)
      expect(annotation.message).toContain('Deployment prod/api, container "api"; namespace prod: enforce=restricted:latest');
    expect(run.output.summary).toContain("#### Pod Security by namespace");
    expect(run.output.summary).toContain("label pod-security.kubernetes.io/enforce of Namespace prod (namespaces/prod.yaml:3)");
  });

  test("the same workload in a baseline namespace passes, with the restricted warnings", async () => {
    const repo = newRepo();
    const pr = await e2e.github.openPullRequest({
      repo,
      files: { "apps/api/deployment.yaml": PLAIN_DEPLOYMENT.replace("namespace: prod", "namespace: tools") },
    });
    const run = await e2e.waitForCheckRun(repo, pr.headSha);
    expect(run.conclusion).toBe("success");
    expect(new Set(run.annotations.map((annotation) => annotation.annotation_level))).toEqual(new Set(["warning"]));
  });

  test("a namespace the repository does not define: the defaults, and the finding says so", async () => {
    const repo = newRepo();
    const pr = await e2e.github.openPullRequest({
      repo,
      files: { "apps/web.yaml": hardenedDeployment({ namespace: "nowhere" }).replace('capabilities: {drop: ["ALL"]}', "privileged: true") },
    });
    const run = await e2e.waitForCheckRun(repo, pr.headSha);
    expect(run.conclusion).toBe("failure");
    const privileged = run.annotations.find((annotation) => annotation.title === "pod-security-baseline/privileged");
    expect(privileged?.message).toContain("namespace nowhere not found: default enforce=baseline:latest (policy parameters)");
  });

  test("lowering a Namespace's enforce label below the floor fails on the label's line", async () => {
    const repo = newRepo();
    const pr = await e2e.github.openPullRequest({ repo, files: { "namespaces/prod.yaml": namespace("privileged") } });
    const run = await e2e.waitForCheckRun(repo, pr.headSha);
    expect(run.conclusion).toBe("failure");
    expect(
      run.annotations
        .filter((annotation) => annotation.annotation_level === "failure")
        .map((annotation) => [annotation.path, annotation.start_line, annotation.title]),
    ).toEqual([["namespaces/prod.yaml", 6, "namespace-floor/PodSecurityEnforceFloor"]]);
    expect(run.annotations[0]?.message).toContain("was enforce=restricted:latest before this change");
  });

  test("raising it, or leaving it untouched, passes", async () => {
    const repo = newRepo();
    const pr = await e2e.github.openPullRequest({
      repo,
      files: { "namespaces/tools.yaml": namespace("restricted").replace("prod", "tools") },
    });
    const run = await e2e.waitForCheckRun(repo, pr.headSha);
    expect(run.conclusion).toBe("success");
  });
});
