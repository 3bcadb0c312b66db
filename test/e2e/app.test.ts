/**
 * The real app process (`node dist/src/server.js`) against the GitHub emulator: pull requests in,
 * check runs with annotations out, and what it costs in GitHub API requests.
 */
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { BREAKOUT_POD } from "../app/fixtures.js";
import { hardenedDeployment } from "../fixtures/manifests.js";
import { startE2E, type E2E } from "../../emulator/harness.js";
import { waitIdle } from "./idle.js";

const compliantDeployment = (name: string): string => hardenedDeployment({ name });

/** One pod with `count` privileged containers: several deny findings each. */
function privilegedPod(count: number): string {
  const containers = Array.from(
    { length: count },
    (_, index) => `    - name: c${index}\n      image: alpine\n      securityContext:\n        privileged: true\n`,
  ).join("");
  return `apiVersion: v1\nkind: Pod\nmetadata:\n  name: many\nspec:\n  containers:\n${containers}`;
}

const WEAKEN_BASELINE = "policies:\n  overrides:\n    pod-security-baseline:\n      enforcementAction: dryrun\n";

let e2e: E2E;
let repoCounter = 0;

/** A fresh repository in org acme (where the app is installed), so tests do not share state. */
function newRepo(files?: Record<string, string>): string {
  const name = `acme/gitops-${++repoCounter}`;
  e2e.github.createRepo(name, files ? { files: { "README.md": "# gitops\n", ...files } } : {});
  return name;
}

beforeAll(async () => {
  e2e = await startE2E();
  e2e.github.createOrg("acme", { members: { alice: "admin", bob: "member" } });
  e2e.github.createUser("mallory");
  e2e.github.install("acme");
});

afterAll(async () => {
  await e2e?.stop();
});

describe("check runs on pull requests", () => {
  test("the breakout pod fails the check, with failure annotations on the hostPID and privileged lines", async () => {
    const repo = newRepo();
    const pr = await e2e.github.openPullRequest({ repo, files: { "deploy/breakout.yaml": BREAKOUT_POD } });
    const run = await e2e.waitForCheckRun(repo, pr.headSha);
    expect(run.name).toBe("kube-policy-bot");
    expect(run.conclusion).toBe("failure");
    expect(run.external_id).toBe(`pr:${pr.number}`);
    const failures = run.annotations.filter((annotation) => annotation.annotation_level === "failure");
    expect(failures.map((annotation) => [annotation.path, annotation.start_line, annotation.title])).toEqual(
      expect.arrayContaining([
        ["deploy/breakout.yaml", 6, "pod-security-baseline/hostNamespaces"],
        ["deploy/breakout.yaml", 13, "pod-security-baseline/privileged"],
      ]),
    );
    expect(run.output.summary).toMatch(/Blocked/);
  });

  test("a compliant deployment gets success", async () => {
    const repo = newRepo();
    const pr = await e2e.github.openPullRequest({ repo, files: { "apps/web/deployment.yaml": compliantDeployment("web") } });
    const run = await e2e.waitForCheckRun(repo, pr.headSha);
    expect(run.conclusion).toBe("success");
    expect(run.annotations).toEqual([]);
  });

  test("a pull request that changes no manifest still gets a success check", async () => {
    const repo = newRepo();
    const pr = await e2e.github.openPullRequest({ repo, files: { "docs/usage.md": "# usage\n" } });
    const run = await e2e.waitForCheckRun(repo, pr.headSha);
    expect(run.conclusion).toBe("success");
    expect(run.output.title).toBe("No Kubernetes manifests changed");
  });

  test("a pull request from a fork is checked (blobs read from the base repository), and can be re-run", async () => {
    const repo = newRepo();
    const pr = await e2e.github.openPullRequest({ repo, fork: "mallory", files: { "deploy/breakout.yaml": BREAKOUT_POD } });
    expect(pr.headRepo).not.toBe(repo);
    const run = await e2e.waitForCheckRun(repo, pr.headSha);
    expect(run.conclusion).toBe("failure");
    expect(run.annotations.length).toBeGreaterThan(0);

    // GitHub leaves check_run.pull_requests empty for forks: the app finds the PR from external_id.
    await e2e.github.rerequestCheckRun({ checkRunId: run.id });
    const rerun = await e2e.waitForCheckRun(repo, pr.headSha, {
      until: (candidate) => candidate.id !== run.id && candidate.status === "completed",
    });
    expect(rerun.conclusion).toBe("failure");
    expect(rerun.external_id).toBe(`pr:${pr.number}`);
  });

  test("a new push re-reads only the changed file and reports on the new head", async () => {
    const repo = newRepo();
    const pr = await e2e.github.openPullRequest({
      repo,
      files: { "a.yaml": compliantDeployment("a"), "b.yaml": compliantDeployment("b") },
    });
    await e2e.waitForCheckRun(repo, pr.headSha);
    e2e.github.resetRequests();
    // Content not seen by any earlier test, so the blob cache cannot already hold it.
    const push = await e2e.github.push({ repo, number: pr.number, files: { "b.yaml": `${BREAKOUT_POD}# pushed by ${repo}\n` } });
    const run = await e2e.waitForCheckRun(repo, push.headSha);
    expect(run.conclusion).toBe("failure");
    expect(e2e.github.requestCount({ route: "/repos/:owner/:repo/git/blobs/:file_sha" })).toBe(1);
    const first = e2e.github.checkRuns(repo, pr.headSha);
    expect(first.map((candidate) => candidate.conclusion)).toEqual(["success"]);
  });
});

describe("configuration", () => {
  test("a repo config on the pull request's head is ignored: the PR is judged by its base branch", async () => {
    const repo = newRepo();
    const pr = await e2e.github.openPullRequest({
      repo,
      files: { ".github/kube-policy.yml": WEAKEN_BASELINE, "deploy/breakout.yaml": BREAKOUT_POD },
    });
    const run = await e2e.waitForCheckRun(repo, pr.headSha);
    expect(run.conclusion).toBe("failure");
    expect(run.output.summary).toMatch(/changes the policy configuration/);
    expect(run.annotations.some((annotation) => annotation.annotation_level === "failure")).toBe(true);
  });

  test("a repo config on the base branch cannot weaken an org policy", async () => {
    const repo = newRepo({ ".github/kube-policy.yml": WEAKEN_BASELINE });
    const pr = await e2e.github.openPullRequest({ repo, files: { "deploy/breakout.yaml": BREAKOUT_POD } });
    const run = await e2e.waitForCheckRun(repo, pr.headSha);
    expect(run.conclusion).toBe("failure");
    expect(run.output.title).toMatch(/Configuration error/);
    expect(run.output.summary).toMatch(/pod-security-baseline.*not overridable/);
  });
});

describe("organisation config", () => {
  const ORG_POLICY = `apiVersion: constraints.gatekeeper.sh/v1beta1
kind: K8sAllowedRepos
metadata:
  name: registry-only
spec:
  enforcementAction: deny
  match:
    kinds:
      - apiGroups: [""]
        kinds: [Pod]
  parameters:
    repos: ["registry.example.com/"]
`;

  beforeAll(() => {
    e2e.github.createOrg("globex");
    e2e.github.createRepo("globex/.github", {
      files: {
        ".github/kube-policy.yml":
          "check:\n  name: globex-policy\npolicies:\n  paths: ['policies/*.yaml']\n  overridable: [pod-security-restricted]\n",
        "policies/registry.yaml": ORG_POLICY,
      },
    });
    e2e.github.install("globex");
  });

  test("names the check and adds the org's policies; an overridable policy may be relaxed by a repository", async () => {
    e2e.github.createRepo("globex/shop", {
      files: {
        "README.md": "# shop\n",
        ".github/kube-policy.yml": "policies:\n  overrides:\n    pod-security-restricted:\n      enforcementAction: dryrun\n",
      },
    });
    const pod =
      "apiVersion: v1\nkind: Pod\nmetadata:\n  name: miner\n  namespace: shop\nspec:\n  containers:\n    - name: miner\n      image: docker.io/randomuser/miner:latest\n";
    const pr = await e2e.github.openPullRequest({ repo: "globex/shop", files: { "pod.yaml": pod } });
    const run = await e2e.waitForCheckRun("globex/shop", pr.headSha, { name: "globex-policy" });
    expect(run.conclusion).toBe("failure");
    expect(
      run.annotations
        .filter((annotation) => annotation.annotation_level === "failure")
        .map((annotation) => [annotation.title, annotation.start_line]),
    ).toEqual([["registry-only/K8sAllowedRepos", 9]]);
    // The restricted findings were lowered to dry-run by the repository: notices, not warnings.
    expect(run.annotations.some((annotation) => annotation.annotation_level === "notice")).toBe(true);
    expect(run.annotations.some((annotation) => annotation.annotation_level === "warning")).toBe(false);
  });

  test("once the org's files are cached, the rules cost two reads per pull request (the org tree and the repo config), Namespaces one", async () => {
    e2e.github.createRepo("globex/billing");
    const first = await e2e.github.openPullRequest({ repo: "globex/billing", files: { "a.yaml": compliantDeployment("billing-a") } });
    await e2e.waitForCheckRun("globex/billing", first.headSha, { name: "globex-policy" });
    e2e.github.resetRequests();
    const second = await e2e.github.openPullRequest({ repo: "globex/billing", files: { "b.yaml": compliantDeployment("billing-b") } });
    const run = await e2e.waitForCheckRun("globex/billing", second.headSha, { name: "globex-policy" });
    expect(run.conclusion).toBe("success");
    const paths = e2e.github.requests().map((request) => `${request.method} ${request.route}`);
    console.log(`requests for a 1-file PR with an org config (warm cache): ${JSON.stringify(paths)}`);
    expect(paths.filter((path) => /contents|git\/trees|^GET \/repos\/:owner\/:repo$/.test(path))).toEqual([
      "GET /repos/:owner/:repo/git/trees/:tree_sha",
      "GET /repos/:owner/:repo/contents/*path",
      // The Deployment lands in namespace shop, which the PR does not define: the head's tree is listed
      // for Namespace manifests (none here, so no blob).
      "GET /repos/:owner/:repo/git/trees/:tree_sha",
    ]);
  });
});

describe("many annotations", () => {
  test("more than 50 annotations all arrive, and the run completes only with the last batch", async () => {
    const repo = newRepo();
    const pr = await e2e.github.openPullRequest({ repo, files: { "deploy/many.yaml": privilegedPod(40) } });
    const run = await e2e.waitForCheckRun(repo, pr.headSha);
    expect(run.conclusion).toBe("failure");
    expect(run.annotations.length).toBeGreaterThan(50);
    expect(run.output.annotations_count).toBe(run.annotations.length);
    expect(run.updates).toBe(Math.ceil(run.annotations.length / 50));
    // Every container got its privileged annotation: none was lost between batches.
    const privileged = run.annotations.filter((annotation) => annotation.title === "pod-security-baseline/privileged");
    expect(privileged).toHaveLength(40);
  });
});

describe("faults", () => {
  test("a 500 on the completing write still ends with a completed check (the write is retried)", async () => {
    const repo = newRepo();
    const fault = e2e.github.addFault({
      method: "PATCH",
      path: `/repos/${repo}/check-runs/:check_run_id`,
      action: { kind: "status", status: 500 },
      times: 1,
    });
    try {
      const pr = await e2e.github.openPullRequest({ repo, files: { "deploy/breakout.yaml": BREAKOUT_POD } });
      const run = await e2e.waitForCheckRun(repo, pr.headSha);
      expect(fault.fired).toBe(1);
      expect(run.status).toBe("completed");
      expect(run.conclusion).toBe("failure");
      expect(run.annotations.length).toBeGreaterThan(0);
    } finally {
      e2e.github.clearFaults();
    }
  });
});

describe("GitHub API requests per pull request", () => {
  const blobRoute = "/repos/:owner/:repo/git/blobs/:file_sha";
  const listRoute = "/repos/:owner/:repo/pulls/:pull_number/files";

  interface Counts {
    total: number;
    token: number;
    config: number;
    list: number;
    blobs: number;
    create: number;
    update: number;
    /** The pull request's comments, read for /policy-exception commands (1 per 100 comments). */
    comments: number;
    /** Its issue events, for the force pushes a grant's binding must know of (1 per 100 events). */
    events: number;
    /** The repository's tree at the head, listed for Namespace manifests the PR does not contain. */
    namespaces: number;
  }

  async function measure(files: Record<string, string>): Promise<Counts> {
    const repo = newRepo();
    // Earlier tests' follow-up writes (reviews of suggested changes) must not count here.
    await waitIdle(e2e.app);
    e2e.github.resetRequests();
    const pr = await e2e.github.openPullRequest({ repo, files });
    await e2e.waitForCheckRun(repo, pr.headSha);
    const requests = e2e.github.requests();
    const byRoute = (route: string, method = "GET"): number =>
      requests.filter((request) => request.route === route && request.method === method).length;
    const namespaceTree = (path: string): boolean => path.startsWith(`/repos/${repo}/git/trees/`);
    const counts: Counts = {
      total: requests.length,
      token: byRoute("/app/installations/:installation_id/access_tokens", "POST"),
      config: requests.filter(
        (request) => /\/contents\/|\/git\/trees\/|^\/repos\/[^/]+\/[^/]+$/.test(request.path) && !namespaceTree(request.path),
      ).length,
      namespaces: requests.filter((request) => namespaceTree(request.path)).length,
      list: byRoute(listRoute),
      blobs: byRoute(blobRoute),
      create: byRoute("/repos/:owner/:repo/check-runs", "POST"),
      update: byRoute("/repos/:owner/:repo/check-runs/:check_run_id", "PATCH"),
      comments: byRoute("/repos/:owner/:repo/issues/:issue_number/comments"),
      events: byRoute("/repos/:owner/:repo/issues/:issue_number/events"),
    };
    expect(requests.filter((request) => request.route === undefined)).toEqual([]);
    // Every request falls in one of the categories above: none goes uncounted.
    const { total, ...categories } = counts;
    expect(total).toBe(Object.values(categories).reduce((sum, count) => sum + count, 0));
    return counts;
  }

  test("a 1-file pull request", async () => {
    const counts = await measure({ "deploy/app.yaml": compliantDeployment("single") });
    console.log(`requests for a 1-file PR: ${JSON.stringify(counts)}`);
    expect(counts.list).toBe(1);
    expect(counts.blobs).toBe(1);
    expect(counts.create).toBe(1);
    expect(counts.update).toBe(1);
    expect(counts.config).toBeLessThanOrEqual(2); // org .github lookup + repo config (tree/blob of the org repo cached)
    expect(counts.comments).toBe(1);
    expect(counts.events).toBe(1);
    expect(counts.namespaces).toBe(1); // its namespace (shop) is not in the PR: one tree listing, no Namespace file found
  });

  test("a 1-file pull request whose workload needs no Namespace lookup still lists the head's tree once (for Kustomize inputs)", async () => {
    const counts = await measure({ "deploy/app.yaml": hardenedDeployment({ name: "plain", namespace: null }) });
    console.log(`requests for a 1-file PR without a namespace: ${JSON.stringify(counts)}`);
    expect(counts.namespaces).toBe(1); // the tree listing, here made for Kustomize only
    expect(counts.blobs).toBe(1);
    expect(counts.total - counts.token).toBe(9); // 8 before the app rendered Kustomize: the tree listing is the one more
  });

  test("a 300-file pull request", async () => {
    const files = Object.fromEntries(
      Array.from({ length: 300 }, (_, index) => [`apps/app-${index}/deployment.yaml`, compliantDeployment(`app-${index}`)]),
    );
    const counts = await measure(files);
    console.log(`requests for a 300-file PR: ${JSON.stringify(counts)}`);
    expect(counts.list).toBe(3);
    expect(counts.blobs).toBe(300);
    expect(counts.create).toBe(1);
    expect(counts.update).toBe(1);
    expect(counts.config).toBeLessThanOrEqual(2);
    expect(counts.comments).toBe(1);
    expect(counts.events).toBe(1);
    expect(counts.namespaces).toBe(1); // its namespace (shop) is not in the PR: one tree listing, no Namespace file found
  });
});

describe("the app process", () => {
  test("logged no unhandled rejection or crash, and every log line carries its delivery id when it is about a webhook", () => {
    const lines = e2e.app.logLines();
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.filter((line) => /unhandled|uncaught/i.test(String(line["msg"])))).toEqual([]);
    const checkLines = lines.filter((line) => line["msg"] === "check run completed");
    expect(checkLines.length).toBeGreaterThan(0);
    expect(checkLines.every((line) => typeof line["deliveryId"] === "string")).toBe(true);
  });
});

describe("shutdown", () => {
  test("SIGTERM lets a running check complete its check run before the process exits", async () => {
    const repo = newRepo();
    // The webhook is answered at once and the check runs in the background: stop right after.
    const pr = await e2e.github.openPullRequest({ repo, files: { "deploy/many.yaml": `${privilegedPod(30)}# ${repo}\n` } });
    expect(pr.delivery?.status).toBe(200);
    const exit = await e2e.app.stop();
    expect(exit.code).toBe(0);
    const runs = e2e.github.checkRuns(repo, pr.headSha);
    expect(runs.map((run) => [run.status, run.conclusion])).toEqual([["completed", "failure"]]);
  });
});
