/**
 * Diff gating end to end: the real app against the GitHub emulator. The base branch already has a
 * Deployment with a hostPath volume (a baseline deny); what each pull request does to it decides
 * whether the check blocks — only what the pull request introduces does (`check.gate: new`, the default).
 */
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { startE2E, type E2E } from "../../emulator/harness.js";

const LEGACY = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: legacy
  namespace: shop
spec:
  replicas: 2
  selector:
    matchLabels: {app: legacy}
  template:
    metadata:
      labels: {app: legacy}
    spec:
      securityContext:
        runAsNonRoot: true
        seccompProfile: {type: RuntimeDefault}
      containers:
        - name: app
          image: registry.example.com/legacy:1.0.0
          securityContext:
            allowPrivilegeEscalation: false
            capabilities: {drop: ["ALL"]}
          volumeMounts:
            - {name: logs, mountPath: /logs}
      volumes:
        - name: logs
          hostPath:
            path: /var/log/legacy
`;

/** The same object, reformatted: flow mappings, keys reordered, other indentation, a comment. */
const LEGACY_REFORMATTED = `# moved and reformatted, nothing else
kind: Deployment
apiVersion: apps/v1
metadata: {namespace: shop, name: legacy}
spec:
  replicas: 2
  selector: {matchLabels: {app: legacy}}
  template:
    metadata: {labels: {app: legacy}}
    spec:
      volumes:
      - hostPath: {path: /var/log/legacy}
        name: logs
      containers:
      - image: registry.example.com/legacy:1.0.0
        name: app
        volumeMounts: [{mountPath: /logs, name: logs}]
        securityContext: {capabilities: {drop: ["ALL"]}, allowPrivilegeEscalation: false}
      securityContext: {seccompProfile: {type: RuntimeDefault}, runAsNonRoot: true}
`;

let e2e: E2E;
let counter = 0;

function newRepo(extra: Record<string, string> = {}): string {
  const name = `acme/legacy-${++counter}`;
  e2e.github.createRepo(name, { files: { "README.md": "# legacy\n", "deploy/legacy.yaml": LEGACY, ...extra } });
  return name;
}

beforeAll(async () => {
  e2e = await startE2E();
  e2e.github.createOrg("acme", { members: { alice: "admin" } });
  e2e.github.install("acme");
});

afterAll(async () => {
  await e2e?.stop();
});

describe("only what a pull request introduces blocks", () => {
  test("PR 1 changes only replicas: success, the hostPath finding shown as a pre-existing notice", async () => {
    const repo = newRepo();
    e2e.github.resetRequests();
    const pr = await e2e.github.openPullRequest({ repo, files: { "deploy/legacy.yaml": LEGACY.replace("replicas: 2", "replicas: 3") } });
    const run = await e2e.waitForCheckRun(repo, pr.headSha);
    const routes = e2e.github.requests().map((request) => `${request.method} ${request.route}`);
    console.log(`requests for PR 1 (one modified manifest, gate new): ${routes.length} ${JSON.stringify(routes)}`);

    expect(run.conclusion).toBe("success");
    const hostPath = run.annotations.filter((annotation) => annotation.title === "pod-security-baseline/hostPathVolumes");
    expect(hostPath).toHaveLength(1);
    expect(hostPath[0]).toMatchObject({ annotation_level: "notice", path: "deploy/legacy.yaml", start_line: 27 });
    expect(hostPath[0]?.message).toMatch(/^Pre-existing, not introduced by this pull request/);
    expect(run.annotations.every((annotation) => annotation.annotation_level === "notice")).toBe(true);
    expect(run.output.summary).toMatch(/Pre-existing, not introduced by this pull request: 1\b/);

    // The base side costs the merge base (compare), the base tree, and the one base blob.
    expect(routes.filter((route) => route === "GET /repos/:owner/:repo/compare/*basehead")).toHaveLength(1);
    expect(routes.filter((route) => route === "GET /repos/:owner/:repo/git/trees/:tree_sha").length).toBeGreaterThanOrEqual(1);
  });

  test("PR 2 adds privileged: true: failure, and only the privileged finding blocks", async () => {
    const repo = newRepo();
    const privileged = LEGACY.replace("allowPrivilegeEscalation: false", "allowPrivilegeEscalation: false\n            privileged: true");
    const pr = await e2e.github.openPullRequest({ repo, files: { "deploy/legacy.yaml": privileged } });
    const run = await e2e.waitForCheckRun(repo, pr.headSha);
    expect(run.conclusion).toBe("failure");
    const failures = run.annotations.filter((annotation) => annotation.annotation_level === "failure");
    expect(failures.map((annotation) => annotation.title)).toEqual(["pod-security-baseline/privileged"]);
    expect(run.annotations.find((annotation) => annotation.title === "pod-security-baseline/hostPathVolumes")?.annotation_level).toBe(
      "notice",
    );
  });

  test("PR 3 removes the hostPath: success, fixed by this pull request: 1", async () => {
    const repo = newRepo();
    const fixed = LEGACY.replace("          hostPath:\n            path: /var/log/legacy\n", "          emptyDir: {}\n");
    const pr = await e2e.github.openPullRequest({ repo, files: { "deploy/legacy.yaml": fixed } });
    const run = await e2e.waitForCheckRun(repo, pr.headSha);
    expect(run.conclusion).toBe("success");
    expect(run.output.summary).toMatch(/Fixed by this pull request: 1\b/);
    expect(run.output.summary).toContain("pod-security-baseline/hostPathVolumes");
  });

  test("PR 4 renames the file and reformats it: success, nothing new", async () => {
    const repo = newRepo();
    const pr = await e2e.github.openPullRequest({
      repo,
      files: { "deploy/legacy.yaml": null, "apps/legacy/deployment.yaml": LEGACY_REFORMATTED },
    });
    const run = await e2e.waitForCheckRun(repo, pr.headSha);
    expect(run.conclusion).toBe("success");
    const hostPath = run.annotations.find((annotation) => annotation.title === "pod-security-baseline/hostPathVolumes");
    expect(hostPath).toMatchObject({ annotation_level: "notice", path: "apps/legacy/deployment.yaml" });
    expect(run.output.summary).not.toMatch(/Fixed by this pull request/);
  });

  test("changing the offending value (another hostPath) is new, and blocks", async () => {
    const repo = newRepo();
    const pr = await e2e.github.openPullRequest({ repo, files: { "deploy/legacy.yaml": LEGACY.replace("/var/log/legacy", "/") } });
    const run = await e2e.waitForCheckRun(repo, pr.headSha);
    expect(run.conclusion).toBe("failure");
    expect(run.annotations.find((annotation) => annotation.title === "pod-security-baseline/hostPathVolumes")?.annotation_level).toBe(
      "failure",
    );
  });

  test("with check.gate: all (a repository may tighten), PR 1 fails", async () => {
    const repo = newRepo({ ".github/kube-policy.yml": "check:\n  gate: all\n" });
    e2e.github.resetRequests();
    const pr = await e2e.github.openPullRequest({ repo, files: { "deploy/legacy.yaml": LEGACY.replace("replicas: 2", "replicas: 3") } });
    const run = await e2e.waitForCheckRun(repo, pr.headSha);
    expect(run.conclusion).toBe("failure");
    expect(run.annotations.find((annotation) => annotation.title === "pod-security-baseline/hostPathVolumes")?.annotation_level).toBe(
      "failure",
    );
    // Nothing is compared, so the base is not read.
    expect(
      e2e.github
        .requests()
        .some(
          (request) =>
            request.route === "GET /repos/:owner/:repo/compare/*basehead" || request.route === "/repos/:owner/:repo/compare/:basehead",
        ),
    ).toBe(false);
  });

  test("a repository cannot loosen the gate: check.gate: new in a repository is a configuration error", async () => {
    const repo = newRepo({ ".github/kube-policy.yml": "check:\n  gate: new\n" });
    const pr = await e2e.github.openPullRequest({ repo, files: { "deploy/legacy.yaml": LEGACY.replace("replicas: 2", "replicas: 3") } });
    const run = await e2e.waitForCheckRun(repo, pr.headSha);
    expect(run.conclusion).toBe("failure");
    expect(run.output.summary).toMatch(/may only tighten the gate/);
  });
});
