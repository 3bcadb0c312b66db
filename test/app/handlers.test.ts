/**
 * Event handling against the in-memory GitHub: which events start which checks, re-runs for fork pull
 * requests (no `pull_requests` in the payload), stale commits, and coalesced redeliveries.
 */
import { describe, expect, test } from "@jest/globals";
import { ConfigLoader } from "../../src/pipeline/read/config.js";
import { HeadTracker } from "../../src/app/head-tracker.js";
import { JobRunner } from "../../src/app/job-runner.js";
import { ManifestStore } from "../../src/pipeline/read/manifest-store.js";
import { shippedPolicySources } from "../../src/app/shipped-sources.js";
import type { RepoRef } from "../../src/github/gateway.js";
import { EventHandlers, type WebhookEvent } from "../../src/app/event-handlers.js";
import { FakeGitHub } from "./fake-github.js";
import { BREAKOUT_POD, COMPLIANT_DEPLOYMENT, silentLog } from "./fixtures.js";

const repo: RepoRef = { owner: "acme", repo: "shop" };
const repository = { id: 77, name: "shop", full_name: "acme/shop", owner: { login: "acme" } };

function setup() {
  const github = new FakeGitHub().addRepo(repo);
  const runner = new JobRunner(silentLog);
  const handlers = new EventHandlers({
    config: new ConfigLoader({ shippedSources: shippedPolicySources }),
    manifests: new ManifestStore(),
    heads: new HeadTracker(),
    runner,
    pipelineOptions: { completionRetryDelaysMs: [0] },
  });
  let delivery = 0;
  const event = (name: string, payload: Record<string, unknown>): WebhookEvent => ({
    id: `delivery-${++delivery}`,
    name,
    payload: { repository, ...payload },
    gateway: github,
    log: silentLog,
  });
  return { github, runner, handlers, event };
}

function pullPayload(number: number, headSha: string, options: { action?: string; updatedAt?: string; base?: string } = {}) {
  return {
    action: options.action ?? "opened",
    number,
    pull_request: {
      number,
      head: { sha: headSha, ref: "feature" },
      base: { ref: options.base ?? "main", repo: { id: 77 } },
      changed_files: 1,
      updated_at: options.updatedAt ?? "2025-06-01T10:00:00Z",
    },
  };
}

describe("pull_request events", () => {
  test("opened starts a check on the head SHA", async () => {
    const { github, runner, handlers, event } = setup();
    const pull = github.openPullRequest(repo, 1, { files: { "pod.yaml": BREAKOUT_POD } });
    handlers.pullRequest(event("pull_request", pullPayload(1, pull.headSha)));
    await runner.drain();
    expect(github.checkRuns).toEqual([
      expect.objectContaining({ headSha: pull.headSha, status: "completed", conclusion: "failure", externalId: "pr:1" }),
    ]);
  });

  test("edited starts a check only when the base branch changed", async () => {
    const { github, runner, handlers, event } = setup();
    const pull = github.openPullRequest(repo, 1, { files: { "pod.yaml": COMPLIANT_DEPLOYMENT } });
    handlers.pullRequest(
      event("pull_request", { ...pullPayload(1, pull.headSha, { action: "edited" }), changes: { title: { from: "old" } } }),
    );
    await runner.drain();
    expect(github.checkRuns).toEqual([]);
    handlers.pullRequest(
      event("pull_request", {
        ...pullPayload(1, pull.headSha, { action: "edited" }),
        changes: { base: { ref: { from: "develop" }, sha: { from: "x" } } },
      }),
    );
    await runner.drain();
    expect(github.checkRuns).toHaveLength(1);
  });

  test("a redelivery while the check runs joins it instead of starting a second one", async () => {
    const { github, runner, handlers, event } = setup();
    const pull = github.openPullRequest(repo, 1, { files: { "pod.yaml": BREAKOUT_POD } });
    handlers.pullRequest(event("pull_request", pullPayload(1, pull.headSha)));
    handlers.pullRequest(event("pull_request", pullPayload(1, pull.headSha)));
    await runner.drain();
    expect(github.checkRuns).toHaveLength(1);
  });

  test("an older push delivered after a newer one is not checked: its run completes as cancelled; the newer one reports", async () => {
    const { github, runner, handlers, event } = setup();
    const newer = github.openPullRequest(repo, 1, { files: { "pod.yaml": COMPLIANT_DEPLOYMENT } });
    handlers.pullRequest(
      event("pull_request", pullPayload(1, newer.headSha, { action: "synchronize", updatedAt: "2025-06-01T10:05:00Z" })),
    );
    handlers.pullRequest(
      event("pull_request", pullPayload(1, "0".repeat(40), { action: "synchronize", updatedAt: "2025-06-01T10:01:00Z" })),
    );
    await runner.drain();
    expect(github.checkRuns.map((run) => [run.headSha, run.status, run.conclusion])).toEqual([
      [newer.headSha, "completed", "success"],
      ["0".repeat(40), "completed", "cancelled"],
    ]);
  });
});

describe("re-runs", () => {
  test("check_run.rerequested of a fork pull request finds the PR from the run's external_id", async () => {
    const { github, runner, handlers, event } = setup();
    const pull = github.openPullRequest(repo, 7, { files: { "pod.yaml": BREAKOUT_POD } });
    handlers.checkRun(
      event("check_run", { action: "rerequested", check_run: { id: 1, head_sha: pull.headSha, external_id: "pr:7", pull_requests: [] } }),
    );
    await runner.drain();
    expect(github.count("getPullRequest")).toBe(1);
    expect(github.checkRuns).toEqual([
      expect.objectContaining({ headSha: pull.headSha, externalId: "pr:7", status: "completed", conclusion: "failure" }),
    ]);
  });

  test("a re-run of a commit that is no longer the pull request's head is skipped", async () => {
    const { github, runner, handlers, event } = setup();
    github.openPullRequest(repo, 7, { files: { "pod.yaml": BREAKOUT_POD } });
    handlers.checkRun(
      event("check_run", { action: "rerequested", check_run: { id: 1, head_sha: "f".repeat(40), external_id: "pr:7", pull_requests: [] } }),
    );
    await runner.drain();
    expect(github.checkRuns).toEqual([]);
  });

  test("check_suite.rerequested without pull requests recovers them from our runs on the commit", async () => {
    const { github, runner, handlers, event } = setup();
    const pull = github.openPullRequest(repo, 3, { files: { "pod.yaml": COMPLIANT_DEPLOYMENT } });
    await github.createCheckRun(repo, { name: "kube-policy-bot", headSha: pull.headSha, externalId: "pr:3", startedAt: "t" });
    handlers.checkSuite(
      event("check_suite", { action: "rerequested", check_suite: { id: 9, head_sha: pull.headSha, pull_requests: [], app: { id: 42 } } }),
    );
    await runner.drain();
    expect(github.calls.find((call) => call.method === "listCheckRunsForRef")?.args).toMatch(/app 42/);
    expect(github.checkRuns.map((run) => run.status)).toEqual(["in_progress", "completed"]);
  });

  test("check_suite.rerequested with pull requests ignores those of other repositories", async () => {
    const { github, runner, handlers, event } = setup();
    const pull = github.openPullRequest(repo, 3, { files: { "pod.yaml": COMPLIANT_DEPLOYMENT } });
    const pullRequests = [
      { number: 3, base: { repo: { id: 77 } } },
      { number: 99, base: { repo: { id: 12345 } } },
    ];
    handlers.checkSuite(
      event("check_suite", { action: "rerequested", check_suite: { id: 9, head_sha: pull.headSha, pull_requests: pullRequests } }),
    );
    await runner.drain();
    expect(github.calls.filter((call) => call.method === "getPullRequest").map((call) => call.args)).toEqual(["acme/shop#3"]);
    expect(github.checkRuns).toHaveLength(1);
  });

  test("the Re-run button (requested_action rerun) re-checks; other actions are ignored", async () => {
    const { github, runner, handlers, event } = setup();
    const pull = github.openPullRequest(repo, 4, { files: { "pod.yaml": COMPLIANT_DEPLOYMENT } });
    const run = { id: 1, head_sha: pull.headSha, external_id: "pr:4", pull_requests: [] };
    handlers.checkRun(
      event("check_run", { action: "requested_action", requested_action: { identifier: "something-else" }, check_run: run }),
    );
    await runner.drain();
    expect(github.checkRuns).toEqual([]);
    handlers.checkRun(event("check_run", { action: "requested_action", requested_action: { identifier: "rerun" }, check_run: run }));
    await runner.drain();
    expect(github.checkRuns).toHaveLength(1);
  });

  test("a merge group's check run is re-run as a merge group", async () => {
    const { github, runner, handlers, event } = setup();
    const base = "a".repeat(40);
    const head = "c".repeat(40);
    github.setComparison(repo, base, head, { "pod.yaml": BREAKOUT_POD });
    handlers.checkRun(
      event("check_run", {
        action: "rerequested",
        check_run: { id: 1, head_sha: head, external_id: `merge_group:${base}:main`, pull_requests: [] },
      }),
    );
    await runner.drain();
    expect(github.count("compareCommits")).toBe(1);
    expect(github.checkRuns).toEqual([expect.objectContaining({ headSha: head, conclusion: "failure" })]);
  });
});

describe("merge_group.checks_requested", () => {
  test("checks the merge group's head against its base", async () => {
    const { github, runner, handlers, event } = setup();
    const base = "a".repeat(40);
    const head = "d".repeat(40);
    github.setComparison(repo, base, head, { "deploy/web.yaml": COMPLIANT_DEPLOYMENT });
    handlers.mergeGroup(
      event("merge_group", {
        action: "checks_requested",
        merge_group: {
          head_sha: head,
          head_ref: "refs/heads/gh-readonly-queue/main/pr-1-aaa",
          base_sha: base,
          base_ref: "refs/heads/main",
        },
      }),
    );
    await runner.drain();
    expect(github.checkRuns).toEqual([
      expect.objectContaining({ headSha: head, externalId: `merge_group:${base}:main`, conclusion: "success" }),
    ]);
    expect(github.calls.find((call) => call.method === "readFile")?.args).toMatch(/@main$/);
  });
});

describe("malformed payloads", () => {
  test("are logged and ignored, never thrown", async () => {
    const { github, runner, handlers, event } = setup();
    expect(() => handlers.pullRequest(event("pull_request", { action: "opened", pull_request: { number: "x" } }))).not.toThrow();
    expect(() => handlers.mergeGroup(event("merge_group", { action: "checks_requested" }))).not.toThrow();
    handlers.checkRun(event("check_run", { action: "rerequested", check_run: null }));
    handlers.checkSuite(event("check_suite", { action: "rerequested", check_suite: { head_sha: 5 } }));
    handlers.installation(
      event("installation", {
        action: "created",
        installation: { id: 1, account: { login: "acme" } },
        repositories: [{ full_name: "acme/shop" }],
      }),
    );
    await runner.drain();
    expect(github.checkRuns).toEqual([]);
  });
});
