/**
 * One check end to end against the in-memory GitHub: which requests it makes, what the check run
 * ends up showing, and that it always ends completed.
 */
import { describe, expect, test } from "@jest/globals";
import { ConfigLoader } from "../../src/pipeline/read/config.js";
import { ManifestStore } from "../../src/pipeline/read/manifest-store.js";
import { KeyedLock } from "../../src/pipeline/keyed-lock.js";
import { runPipeline, type PipelineDeps } from "../../src/pipeline/run.js";
import { shippedPolicySources } from "../../src/app/shipped-sources.js";
import type { CheckTarget, PullRequestTarget } from "../../src/pipeline/target.js";
import { GitHubApiError, type RepoRef } from "../../src/github/gateway.js";
import { FakeGitHub } from "./fake-github.js";
import { BASELINE_ONLY_POD, BREAKOUT_POD, COMPLIANT_DEPLOYMENT, privilegedPods, silentLog } from "./fixtures.js";

const repo: RepoRef = { owner: "acme", repo: "shop" };
const orgRepo: RepoRef = { owner: "acme", repo: ".github" };

function setup(options: { orgFiles?: Record<string, string>; baseFiles?: Record<string, string> } = {}) {
  const github = new FakeGitHub().addRepo(repo, options.baseFiles ?? {});
  if (options.orgFiles) github.addRepo(orgRepo, options.orgFiles);
  const deps: PipelineDeps = {
    config: new ConfigLoader({ shippedSources: shippedPolicySources }),
    manifests: new ManifestStore(),
    log: silentLog,
    now: () => new Date("2025-06-01T12:00:00Z"),
    completionRetryDelaysMs: [0, 0, 0],
  };
  return { github, deps };
}

function pullRequest(
  github: FakeGitHub,
  number: number,
  files: Record<string, string | null>,
  renamed?: Record<string, string>,
): PullRequestTarget {
  const pull = github.openPullRequest(repo, number, { files, ...(renamed ? { renamed } : {}) });
  return { kind: "pull_request", repo, number, headSha: pull.headSha, baseRef: pull.baseRef, changedFiles: pull.changedFiles };
}

async function check(github: FakeGitHub, target: CheckTarget, deps: PipelineDeps) {
  const report = await runPipeline(github, target, deps, "delivery-1");
  // As the app's job runner does: the review of suggested changes follows the completed check.
  await report.followUp?.();
  const run = github.checkRuns.find((candidate) => candidate.id === report.checkRunId);
  return { report, run };
}

describe("a pull request check", () => {
  test("the breakout pod fails, with failure annotations on the hostPID and privileged lines", async () => {
    const { github, deps } = setup();
    const target = pullRequest(github, 1, { "deploy/pod.yaml": BREAKOUT_POD });
    const { run } = await check(github, target, deps);

    expect(run?.status).toBe("completed");
    expect(run?.conclusion).toBe("failure");
    expect(run?.headSha).toBe(target.headSha);
    expect(run?.externalId).toBe("pr:1");
    expect(run?.name).toBe("kube-policy-bot");
    const failures = run?.annotations.filter((annotation) => annotation.annotation_level === "failure") ?? [];
    expect(failures.map((annotation) => [annotation.title, annotation.start_line])).toEqual(
      expect.arrayContaining([
        ["pod-security-baseline/hostNamespaces", 6],
        ["pod-security-baseline/privileged", 13],
      ]),
    );
    expect(failures.every((annotation) => annotation.path === "deploy/pod.yaml")).toBe(true);
    expect(failures[0]?.message).toMatch(/Pod default\/r00t/);
    expect(failures[0]?.message).toMatch(/Field: spec\.hostPID/);
    expect(run?.output?.summary).toMatch(/Blocked/);
  });

  test("costs one org lookup, one config read, one list, one blob, one create and one completing update, then the review", async () => {
    const { github, deps } = setup();
    await check(github, pullRequest(github, 1, { "deploy/pod.yaml": BREAKOUT_POD }), deps);
    expect(github.calls.map((call) => call.method)).toEqual([
      "getDefaultBranch", // acme/.github: absent here, so the built-in defaults apply
      "createCheckRun",
      "listPullRequestFiles",
      "readFile", // .github/kube-policy.yml on the base branch
      "getTree", // the head's tree: which changed files are Kustomize inputs (none here)
      "getBlob",
      "updateCheckRun",
      // The breakout pod's findings are fixable: the bot's earlier review comments, who the bot is, the review.
      "listReviewComments",
      "getBotLogin",
      "createReview",
    ]);
    expect(github.reviews[0]?.review).toMatchObject({
      event: "COMMENT",
      comments: [expect.objectContaining({ path: "deploy/pod.yaml", line: 6 }), expect.anything()],
    });
  });

  test("a review that cannot be posted is logged and leaves the check as it is", async () => {
    const { github, deps } = setup();
    github.failNext("createReview", new GitHubApiError("posting the review", 422, "Unprocessable Entity"));
    const { run } = await check(github, pullRequest(github, 1, { "deploy/pod.yaml": BREAKOUT_POD }), deps);
    expect(run?.conclusion).toBe("failure");
    expect(run?.status).toBe("completed");
    expect(github.reviews).toEqual([]);
  });

  test("a compliant deployment passes without failure annotations", async () => {
    const { github, deps } = setup();
    const { run } = await check(github, pullRequest(github, 2, { "apps/web/deployment.yaml": COMPLIANT_DEPLOYMENT }), deps);
    expect(run?.conclusion).toBe("success");
    expect(run?.annotations).toEqual([]);
    expect(run?.output?.title).toMatch(/^Passed/);
  });

  test("warn findings pass the check as warning annotations", async () => {
    const { github, deps } = setup();
    const { run } = await check(github, pullRequest(github, 3, { "pod.yaml": BASELINE_ONLY_POD }), deps);
    expect(run?.conclusion).toBe("success");
    expect(run?.annotations.length).toBeGreaterThan(0);
    expect(new Set(run?.annotations.map((annotation) => annotation.annotation_level))).toEqual(new Set(["warning"]));
    expect(run?.output?.title).toMatch(/^Passed with \d+ warnings?/);
  });

  test("a pull request that changes no manifest gets a success check and reads no blob", async () => {
    const { github, deps } = setup();
    const { run } = await check(github, pullRequest(github, 4, { "README.md": "# shop\n", "src/main.go": "package main\n" }), deps);
    expect(run?.conclusion).toBe("success");
    expect(run?.output?.title).toBe("No Kubernetes manifests changed");
    expect(github.count("getBlob")).toBe(0);
  });

  test("removed files are skipped and renamed files are judged under their new name", async () => {
    const { github, deps } = setup();
    const { run } = await check(
      github,
      pullRequest(github, 5, { "old.yaml": null, "new/pod.yaml": BREAKOUT_POD }, { "new/pod.yaml": "old/pod.yaml" }),
      deps,
    );
    expect(run?.conclusion).toBe("failure");
    expect(new Set(run?.annotations.map((annotation) => annotation.path))).toEqual(new Set(["new/pod.yaml"]));
    expect(github.count("getBlob")).toBe(1);
  });

  test("YAML that holds no Kubernetes object is not judged, and the summary says so", async () => {
    const { github, deps } = setup();
    const { run } = await check(
      github,
      pullRequest(github, 6, { "config/app.yaml": "server:\n  port: 8080\n", "pod.yaml": COMPLIANT_DEPLOYMENT }),
      deps,
    );
    expect(run?.conclusion).toBe("success");
    expect(run?.output?.summary).toMatch(/no Kubernetes object.*not checked: `config\/app\.yaml`/s);
  });

  test("a skipped file that holds Kubernetes objects is named in the summary; other skipped files are not", async () => {
    const { github, deps } = setup();
    const files = {
      "chart/templates/pod.yaml": BREAKOUT_POD,
      "deploy/.hidden.yaml": BREAKOUT_POD,
      "tsconfig.json": '{"compilerOptions": {}}',
      ".github/workflows/ci.yml": "on: push\n",
      "pod.yaml": COMPLIANT_DEPLOYMENT,
    };
    const { run } = await check(github, pullRequest(github, 6, files), deps);
    const summary = run?.output?.summary ?? "";
    expect(summary).toMatch(
      /`chart\/templates\/pod\.yaml` was not checked because it matches the exclude glob `\*\*\/templates\/\*\*`, but it holds Kubernetes objects \(Pod\)/,
    );
    expect(summary).toMatch(/`deploy\/\.hidden\.yaml` was not checked because it matches the exclude glob/);
    expect(summary).not.toMatch(/tsconfig|ci\.yml/);
    // A notice, not a verdict: the organisation's globs decide what is judged.
    expect(run?.conclusion).toBe("success");
  });

  test("a manifest that does not parse blocks, with the error on its line", async () => {
    const { github, deps } = setup();
    const { run } = await check(
      github,
      pullRequest(github, 7, { "broken.yaml": "apiVersion: v1\nkind: Pod\nmetadata:\n  name: [unclosed\n" }),
      deps,
    );
    expect(run?.conclusion).toBe("failure");
    expect(run?.annotations).toEqual([
      expect.objectContaining({ path: "broken.yaml", annotation_level: "failure", title: "manifest could not be read" }),
    ]);
  });
});

describe("the blob cache", () => {
  test("a new push re-reads only the files whose content changed", async () => {
    const { github, deps } = setup();
    await check(github, pullRequest(github, 1, { "a.yaml": COMPLIANT_DEPLOYMENT, "b.yaml": BASELINE_ONLY_POD }), deps);
    expect(github.count("getBlob")).toBe(2);
    const { report } = await check(github, pullRequest(github, 1, { "a.yaml": COMPLIANT_DEPLOYMENT, "b.yaml": BREAKOUT_POD }), deps);
    expect(github.count("getBlob")).toBe(3);
    expect(report.blobsFetched).toBe(1);
  });

  test("the same content under another name is reported under that name", async () => {
    const { github, deps } = setup();
    await check(github, pullRequest(github, 1, { "one/pod.yaml": BREAKOUT_POD }), deps);
    const { run } = await check(github, pullRequest(github, 2, { "two/pod.yaml": BREAKOUT_POD }), deps);
    expect(github.count("getBlob")).toBe(1);
    expect(new Set(run?.annotations.map((annotation) => annotation.path))).toEqual(new Set(["two/pod.yaml"]));
  });
});

describe("annotations beyond 50", () => {
  test("arrive complete, 50 per write, and only the last write completes the run", async () => {
    const { github, deps } = setup();
    const { run } = await check(github, pullRequest(github, 8, { "many.yaml": privilegedPods(60) }), deps);
    const total = run?.annotations.length ?? 0;
    expect(total).toBeGreaterThan(100);
    const updates = github.calls.filter((call) => call.method === "updateCheckRun");
    expect(updates.length).toBe(Math.ceil(total / 50));
    expect(updates.slice(0, -1).every((call) => call.args.endsWith("in_progress"))).toBe(true);
    expect(updates.at(-1)?.args.endsWith("completed")).toBe(true);
    expect(run?.conclusion).toBe("failure");
    expect(new Set(run?.annotations.map((annotation) => annotation.start_line)).size).toBeGreaterThan(50);
  });

  test("are capped so one check never makes more than a bounded number of writes", async () => {
    const { github, deps } = setup();
    const { run } = await check(github, pullRequest(github, 9, { "many.yaml": privilegedPods(60) }), { ...deps, maxAnnotations: 100 });
    expect(run?.annotations.length).toBe(100);
    expect(github.count("updateCheckRun")).toBe(2);
    expect(run?.output?.summary).toMatch(/more annotations? than the 100 shown/);
    expect(run?.output?.text).toMatch(/many\.yaml/);
  });
});

describe("failures never leave the check in progress", () => {
  test("a GitHub error while listing files completes the check with failure and says what to do", async () => {
    const { github, deps } = setup();
    github.failNext("listPullRequestFiles", new GitHubApiError("listing the files of pull request #1", 502, "Bad Gateway"));
    const { run } = await check(github, pullRequest(github, 1, { "pod.yaml": COMPLIANT_DEPLOYMENT }), deps);
    expect(run?.status).toBe("completed");
    expect(run?.conclusion).toBe("failure");
    expect(run?.output?.title).toMatch(/Not checked: GitHub API error/);
    expect(run?.output?.summary).toMatch(/Re-run/);
    expect(run?.output?.summary).toMatch(/delivery-1/);
    expect(run?.actions).toEqual([expect.objectContaining({ identifier: "rerun" })]);
  });

  test("under fail-open, an outage completes the check as neutral", async () => {
    const { github, deps } = setup({ orgFiles: { ".github/kube-policy.yml": "check:\n  failureMode: fail-open\n" } });
    github.failNext(
      "listPullRequestFiles",
      new GitHubApiError("listing the files of pull request #1", 0, "no response from GitHub (timeout)"),
    );
    const { run } = await check(github, pullRequest(github, 1, { "pod.yaml": BREAKOUT_POD }), deps);
    expect(run?.status).toBe("completed");
    expect(run?.conclusion).toBe("neutral");
  });

  test("a bug (an unexpected exception) completes the check with failure", async () => {
    const { github, deps } = setup();
    github.failNext("readFile", new TypeError("boom"));
    const { run } = await check(github, pullRequest(github, 1, { "pod.yaml": BREAKOUT_POD }), deps);
    expect(run?.status).toBe("completed");
    expect(run?.conclusion).toBe("failure");
    expect(run?.output?.title).toMatch(/internal error: boom/);
  });

  test("under fail-open, an internal error is not an outage: the check fails", async () => {
    const { github, deps } = setup({ orgFiles: { ".github/kube-policy.yml": "check:\n  failureMode: fail-open\n" } });
    github.failNext("readFile", new TypeError("Cannot read properties of undefined"));
    const { run } = await check(github, pullRequest(github, 1, { "pod.yaml": BREAKOUT_POD }), deps);
    expect(run?.status).toBe("completed");
    expect(run?.conclusion).toBe("failure");
    expect(run?.output?.title).toMatch(/internal error/);
  });

  test("under fail-open, a manifest with kind: constructor beside a privileged Pod is judged, not passed", async () => {
    const { github, deps } = setup({ orgFiles: { ".github/kube-policy.yml": "check:\n  failureMode: fail-open\n" } });
    const hostile = ["toString", "constructor", "__proto__", "valueOf"]
      .map((kind) => `apiVersion: v1\nkind: ${kind}\nmetadata: {name: ${kind}}\n`)
      .join("---\n");
    const { run } = await check(github, pullRequest(github, 1, { "pod.yaml": `${hostile}---\n${BREAKOUT_POD}` }), deps);
    expect(run?.conclusion).toBe("failure");
    expect(run?.output?.title).not.toMatch(/internal error/);
  });

  test("when the org config cannot be read, the run is created under the default name and fails closed", async () => {
    const { github, deps } = setup();
    github.failNext("getDefaultBranch", new GitHubApiError("reading repository acme/.github", 503, "Service Unavailable"));
    const { run } = await check(github, pullRequest(github, 1, { "pod.yaml": COMPLIANT_DEPLOYMENT }), deps);
    expect(run?.name).toBe("kube-policy-bot");
    expect(run?.status).toBe("completed");
    expect(run?.conclusion).toBe("failure");
  });

  test("a failed completing write is followed by a completion without annotations, keeping the verdict", async () => {
    const { github, deps } = setup();
    github.failNext("updateCheckRun", new GitHubApiError("updating check run 1", 500, "Internal Server Error"));
    const { run, report } = await check(github, pullRequest(github, 1, { "pod.yaml": BREAKOUT_POD }), deps);
    expect(report.published).toBe(true);
    expect(run?.status).toBe("completed");
    expect(run?.conclusion).toBe("failure");
    expect(run?.output?.summary).toMatch(/some annotations could not be published/);
  });

  test("when every completion attempt fails the report says so (and the run is the only thing left)", async () => {
    const { github, deps } = setup();
    const down = (): GitHubApiError => new GitHubApiError("updating check run 1", 503, "down");
    github.failNext("updateCheckRun", down(), down(), down(), down());
    const { report } = await check(github, pullRequest(github, 1, { "pod.yaml": BREAKOUT_POD }), deps);
    expect(report.published).toBe(false);
    expect(github.count("updateCheckRun")).toBe(4);
  });

  test("if the check run cannot even be created, nothing else is attempted", async () => {
    const { github, deps } = setup();
    github.failNext("createCheckRun", new GitHubApiError("creating check run", 403, "Resource not accessible by integration"));
    const report = await runPipeline(github, pullRequest(github, 1, { "pod.yaml": BREAKOUT_POD }), deps, "d");
    expect(report.status).toBe("not-created");
    expect(github.count("listPullRequestFiles")).toBe(0);
  });
});

describe("limits fail closed", () => {
  test("more than 3000 changed files: not listed, failure even under fail-open", async () => {
    const { github, deps } = setup({ orgFiles: { ".github/kube-policy.yml": "check:\n  failureMode: fail-open\n" } });
    const target = { ...pullRequest(github, 1, { "pod.yaml": COMPLIANT_DEPLOYMENT }), changedFiles: 3500 };
    const { run } = await check(github, target, deps);
    expect(run?.conclusion).toBe("failure");
    expect(run?.output?.title).toMatch(/3500 files/);
    expect(github.count("listPullRequestFiles")).toBe(0);
  });

  test("a merge group is judged on the compare of base and head; 300 files or more fail closed", async () => {
    const { github, deps } = setup();
    const base = "1".repeat(40);
    const head = "2".repeat(40);
    github.setComparison(repo, base, head, { "pod.yaml": BREAKOUT_POD });
    const group: CheckTarget = { kind: "merge_group", repo, headSha: head, baseSha: base, baseRef: "main" };
    const { run } = await check(github, group, deps);
    expect(run?.conclusion).toBe("failure");
    expect(run?.externalId).toBe(`merge_group:${base}:main`);
    expect(run?.annotations.length).toBeGreaterThan(0);

    const many = Object.fromEntries(Array.from({ length: 300 }, (_, index) => [`f${index}.txt`, `${index}`]));
    github.setComparison(repo, base, "3".repeat(40), many);
    const { run: big } = await check(github, { ...group, headSha: "3".repeat(40) }, deps);
    expect(big?.conclusion).toBe("failure");
    expect(big?.output?.title).toMatch(/300 files or more/);
  });
});

describe("stale work", () => {
  test("a commit GitHub confirms is no longer the head gets one completed `cancelled` run, and is not checked", async () => {
    const { github, deps } = setup();
    const stale = pullRequest(github, 1, { "pod.yaml": BREAKOUT_POD });
    const newer = github.openPullRequest(repo, 1, { files: { "pod.yaml": COMPLIANT_DEPLOYMENT } }); // a push: the head moves on
    const report = await runPipeline(github, stale, { ...deps, isSuperseded: () => true }, "d");
    expect(report).toEqual(expect.objectContaining({ status: "skipped", conclusion: "cancelled", published: true }));
    expect(github.checkRuns).toEqual([
      expect.objectContaining({ headSha: stale.headSha, status: "completed", conclusion: "cancelled", writes: 1 }),
    ]);
    expect(github.checkRuns[0]?.output?.title).toBe(`Superseded by ${newer.headSha.slice(0, 7)}`);
    expect(github.count("getBlob")).toBe(0);
  });

  test("a file list GitHub made for a newer head (the pull request moved on while checking) completes the run as superseded, not with the newer head's verdict", async () => {
    const { github, deps } = setup();
    const target = pullRequest(github, 1, { "pod.yaml": COMPLIANT_DEPLOYMENT });
    const newer = "9".repeat(40);
    const list = github.listPullRequestFiles.bind(github);
    github.listPullRequestFiles = async (...args) => (await list(...args)).map((file) => ({ ...file, listedFor: newer }));
    const { report, run } = await check(github, target, deps);
    expect([report.status, run?.status, run?.conclusion, run?.output?.title]).toEqual([
      "completed",
      "completed",
      "cancelled",
      "Superseded by 9999999",
    ]);
    expect(github.count("getBlob")).toBe(0);
  });

  test("a file list made for this very head is used as usual", async () => {
    const { github, deps } = setup();
    const target = pullRequest(github, 1, { "pod.yaml": BREAKOUT_POD });
    const list = github.listPullRequestFiles.bind(github);
    github.listPullRequestFiles = async (...args) => (await list(...args)).map((file) => ({ ...file, listedFor: target.headSha }));
    const { run } = await check(github, target, deps);
    expect(run?.conclusion).toBe("failure");
  });

  test("a commit the webhook order suggests is stale, but GitHub still calls the head, is checked", async () => {
    const { github, deps } = setup();
    const head = pullRequest(github, 1, { "pod.yaml": BREAKOUT_POD });
    const report = await runPipeline(github, head, { ...deps, isSuperseded: () => true }, "d");
    expect(report.status).toBe("completed");
    expect(github.checkRuns).toEqual([expect.objectContaining({ headSha: head.headSha, status: "completed", conclusion: "failure" })]);
  });
});

describe("configuration", () => {
  test("the org config names the check and adds the org's policies from its .github repository", async () => {
    const { github, deps } = setup({
      orgFiles: {
        ".github/kube-policy.yml": "check:\n  name: k8s-policy\npolicies:\n  paths: ['policies/*.yaml']\n",
        "policies/repos.yaml":
          "apiVersion: constraints.gatekeeper.sh/v1beta1\nkind: K8sAllowedRepos\nmetadata:\n  name: registry-only\nspec:\n  parameters:\n    repos: ['registry.example.com/']\n",
      },
    });
    const { run } = await check(github, pullRequest(github, 1, { "pod.yaml": BASELINE_ONLY_POD }), deps);
    expect(run?.name).toBe("k8s-policy");
    expect(run?.conclusion).toBe("failure");
    expect(run?.annotations.map((annotation) => annotation.title)).toContain("registry-only/K8sAllowedRepos");
    expect(run?.output?.summary).toMatch(/registry-only/);
  });

  test("a broken org config fails the check with its file and line", async () => {
    const { github, deps } = setup({ orgFiles: { ".github/kube-policy.yml": "check:\n  failureMode: fail-sometimes\n" } });
    const { run } = await check(github, pullRequest(github, 1, { "pod.yaml": COMPLIANT_DEPLOYMENT }), deps);
    expect(run?.conclusion).toBe("failure");
    expect(run?.output?.title).toMatch(/Configuration error/);
    expect(run?.output?.summary).toMatch(/acme\/\.github:\.github\/kube-policy\.yml/);
    expect(run?.output?.summary).toMatch(/\| 2 \|/);
    expect(run?.output?.summary).toMatch(/fail-closed, fail-open/);
  });

  test("a repo config on the pull request's head is ignored: the base branch's rules judge it", async () => {
    const { github, deps } = setup();
    const weakening = "policies:\n  overrides:\n    pod-security-baseline:\n      enforcementAction: dryrun\n";
    const { run } = await check(github, pullRequest(github, 1, { ".github/kube-policy.yml": weakening, "pod.yaml": BREAKOUT_POD }), deps);
    expect(run?.conclusion).toBe("failure");
    expect(run?.output?.summary).toMatch(/changes the policy configuration/);
    expect(github.calls.find((call) => call.method === "readFile")?.args).toMatch(/@main$/);
  });

  test("a repo config on the base branch cannot lower a non-overridable org policy", async () => {
    const weakening = "policies:\n  overrides:\n    pod-security-baseline:\n      enforcementAction: warn\n";
    const { github, deps } = setup({ baseFiles: { ".github/kube-policy.yml": weakening } });
    const { run } = await check(github, pullRequest(github, 1, { "pod.yaml": BREAKOUT_POD }), deps);
    expect(run?.conclusion).toBe("failure");
    expect(run?.output?.title).toMatch(/Configuration error/);
    expect(run?.output?.summary).toMatch(/not overridable/);
  });

  test("the same override is accepted when the org lists the policy as overridable", async () => {
    const weakening = "policies:\n  overrides:\n    pod-security-baseline:\n      enforcementAction: warn\n";
    const { github, deps } = setup({
      orgFiles: { ".github/kube-policy.yml": "policies:\n  overridable: [pod-security-baseline]\n" },
      baseFiles: { ".github/kube-policy.yml": weakening },
    });
    const { run } = await check(github, pullRequest(github, 1, { "pod.yaml": BREAKOUT_POD }), deps);
    expect(run?.conclusion).toBe("success");
    expect(run?.annotations.every((annotation) => annotation.annotation_level !== "failure")).toBe(true);
  });

  test("a repository may tighten: raising restricted to deny blocks what was a warning", async () => {
    const tightening = "policies:\n  overrides:\n    pod-security-restricted:\n      enforcementAction: deny\n";
    const { github, deps } = setup({ baseFiles: { ".github/kube-policy.yml": tightening } });
    const { run } = await check(github, pullRequest(github, 1, { "pod.yaml": BASELINE_ONLY_POD }), deps);
    expect(run?.conclusion).toBe("failure");
  });

  test("a repository policy named like a non-overridable org policy is an error in the check", async () => {
    const shadow =
      "apiVersion: kube-policy-bot.dev/v1\nkind: PodSecurity\nmetadata:\n  name: pod-security-baseline\nspec:\n  enforcementAction: dryrun\n  parameters:\n    level: baseline\n";
    const { github, deps } = setup({
      baseFiles: { ".github/kube-policy.yml": "policies:\n  paths: ['policy/*.yaml']\n", "policy/mine.yaml": shadow },
    });
    const { run } = await check(github, pullRequest(github, 1, { "pod.yaml": BREAKOUT_POD }), deps);
    expect(run?.conclusion).toBe("failure");
    expect(run?.output?.summary).toMatch(/policy\/mine\.yaml/);
    expect(run?.output?.summary).toMatch(/not overridable/);
  });
});

describe("exceptions in the verdict", () => {
  const exceptionDocument = `apiVersion: kube-policy-bot.dev/v1
kind: PolicyException
metadata:
  name: r00t-debug
spec:
  policies:
    - name: pod-security-baseline
  resources:
    - kinds: [Pod]
      names: [r00t]
  reason: node debugging, SEC-1
  approver: alice
  expires: "2025-07-01"
`;

  test("excused findings are reported as notices and no longer block; the summary lists the exception", async () => {
    const { github, deps } = setup({
      orgFiles: { ".github/kube-policy.yml": "policies:\n  paths: ['exceptions/*.yaml']\n", "exceptions/r00t.yaml": exceptionDocument },
    });
    const { run } = await check(github, pullRequest(github, 1, { "pod.yaml": BREAKOUT_POD }), deps);
    expect(run?.conclusion).toBe("success");
    const baseline = run?.annotations.filter((annotation) => annotation.title?.startsWith("pod-security-baseline/")) ?? [];
    expect(baseline.length).toBeGreaterThan(0);
    expect(baseline.every((annotation) => annotation.annotation_level === "notice")).toBe(true);
    expect(run?.output?.summary).toMatch(/r00t-debug/);
  });

  test("comments that cannot be read fail the check closed, like any other error", async () => {
    const { github, deps } = setup();
    github.failNext("listIssueComments", new GitHubApiError("listing the comments of pull request #1", 502, "Bad Gateway"));
    const { run } = await check(github, pullRequest(github, 1, { "pod.yaml": COMPLIANT_DEPLOYMENT }), {
      ...deps,
      commentExceptions: { lock: new KeyedLock() },
    });
    expect(run?.status).toBe("completed");
    expect(run?.conclusion).toBe("failure");
    expect(run?.output?.title).toMatch(/listing the comments/);
  });
});
