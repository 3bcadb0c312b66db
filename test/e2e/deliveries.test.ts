/**
 * Deliveries as GitHub really makes them: redelivered (same X-GitHub-Delivery, same body), out of
 * order, in bursts; and merge queues. Whatever the order, every head a pull request had ends with
 * exactly one completed check run, never one left `in_progress`, and the newest head's run carries
 * the real verdict.
 *
 * What an older head gets (documented in src/pipeline/read/superseded.ts): if its check had already started
 * when the newer push arrived, its real verdict; if GitHub already shows a newer head when its turn
 * comes, a `cancelled` run titled "Superseded by <sha>" (cancelled, unlike neutral or skipped, never
 * satisfies a required check).
 */
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { pullRequestPayload } from "../../emulator/webhook-payloads.js";
import { hardenedDeployment } from "../fixtures/manifests.js";
import { startE2E, type CheckRunView, type E2E } from "../../emulator/harness.js";
import { waitIdle } from "./idle.js";

const BREAKOUT =
  "apiVersion: v1\nkind: Pod\nmetadata:\n  name: r00t\nspec:\n  hostPID: true\n  containers:\n    - name: shell\n      image: alpine\n      securityContext:\n        privileged: true\n";

const compliant = (tag: string): string => hardenedDeployment({ podLabels: { tag } });

let e2e: E2E;
let counter = 0;

beforeAll(async () => {
  e2e = await startE2E();
});

afterAll(async () => {
  await e2e?.stop();
});

/** A fresh org + installation per test (writes are paced per installation, so tests run side by side). */
function newRepo(): string {
  const org = `order-${++counter}`;
  e2e.github.createOrg(org);
  e2e.github.createRepo(`${org}/gitops`);
  e2e.github.install(org);
  return `${org}/gitops`;
}

/** Every run on each SHA, once each SHA has at least one completed run and none in progress. */
async function settledRuns(repo: string, shas: readonly string[]): Promise<Map<string, CheckRunView[]>> {
  const runs = new Map<string, CheckRunView[]>();
  for (const sha of shas) {
    await e2e.waitForCheckRun(repo, sha, { timeoutMs: 60_000 });
    // A run still in progress on the same SHA would also be found here: wait for it too.
    await e2e.waitForCheckRun(repo, sha, {
      timeoutMs: 60_000,
      until: () => e2e.github.checkRuns(repo, sha).every((run) => run.status === "completed"),
    });
  }
  // Once nothing runs any more, a late duplicate (the failure this test is about) would be there.
  await waitIdle(e2e.app);
  for (const sha of shas) runs.set(sha, e2e.github.checkRuns(repo, sha));
  return runs;
}

function describeRuns(runs: Map<string, CheckRunView[]>): Array<[string, Array<[string, string | null]>]> {
  return [...runs].map(([sha, list]) => [sha.slice(0, 7), list.map((run) => [run.status, run.conclusion] as [string, string | null])]);
}

/** A synchronize payload as GitHub would have sent it right now (a snapshot: later pushes change the PR). */
function synchronizeNow(repo: string, number: number, before: string): Record<string, unknown> {
  const pr = e2e.github.state.requirePull(repo, number);
  return JSON.parse(JSON.stringify(pullRequestPayload(e2e.github.state, pr, "synchronize", { before }))) as Record<string, unknown>;
}

describe("redelivered webhooks", () => {
  test.concurrent(
    "a redelivery after the check completed creates no second run; one during the check joins it",
    async () => {
      const repo = newRepo();
      const pr = await e2e.github.openPullRequest({ repo, files: { "deploy/pod.yaml": BREAKOUT } });
      const delivery = pr.delivery?.id as string;
      // At once, while the first is still running.
      const during = await e2e.github.redeliver(delivery);
      expect(during.status).toBe(200);
      const first = await e2e.waitForCheckRun(repo, pr.headSha);
      // And again once it is done (GitHub's "Redeliver" button, or a redelivery script).
      const after = await e2e.github.redeliver(delivery);
      expect(after.status).toBe(200);
      const runs = await settledRuns(repo, [pr.headSha]);
      expect(describeRuns(runs)).toEqual([[pr.headSha.slice(0, 7), [["completed", "failure"]]]]);
      expect(runs.get(pr.headSha)?.[0]?.id).toBe(first.id);
      const ignored = e2e.app
        .logLines()
        .filter((line) => line["deliveryId"] === delivery && /redelivery of a delivery already handled/.test(String(line["msg"])));
      expect(ignored.length).toBeGreaterThanOrEqual(1);
    },
    90_000,
  );

  test.concurrent(
    "a redelivery of a delivery whose check failed for an outage runs the check again",
    async () => {
      const repo = newRepo();
      const fault = e2e.github.addFault({
        method: "GET",
        path: `/repos/${repo}/pulls/:pull_number/files`,
        action: { kind: "status", status: 404, message: "Not Found" },
        times: 1,
      });
      const pr = await e2e.github.openPullRequest({ repo, files: { "deploy/web.yaml": compliant(repo) } });
      const failed = await e2e.waitForCheckRun(repo, pr.headSha);
      expect(fault.fired).toBe(1);
      expect(failed.conclusion).toBe("failure");
      // The run completes just before the app has released the delivery: redeliver until it is taken.
      for (let attempt = 0; attempt < 20 && e2e.github.checkRuns(repo, pr.headSha).length < 2; attempt++) {
        await e2e.github.redeliver(pr.delivery?.id as string);
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      const retried = await e2e.waitForCheckRun(repo, pr.headSha, { until: (run) => run.id !== failed.id && run.status === "completed" });
      expect(retried.conclusion).toBe("success");
      expect(e2e.github.checkRuns(repo, pr.headSha)).toHaveLength(2);
    },
    90_000,
  );
});

describe("out-of-order synchronize events", () => {
  test.concurrent(
    "pushes delivered newest first: the newest is judged, each older head gets one cancelled 'superseded' run",
    async () => {
      const repo = newRepo();
      const pr = await e2e.github.openPullRequest({ repo, files: { "deploy/web.yaml": compliant("v0") }, deliver: false });
      const heads = [pr.headSha];
      const payloads: Array<Record<string, unknown>> = [];
      for (const [index, content] of [compliant("v1"), compliant("v2"), BREAKOUT].entries()) {
        const push = await e2e.github.push({
          repo,
          number: pr.number,
          files: { "deploy/web.yaml": content },
          deliver: false,
          message: `push ${index + 1}`,
        });
        heads.push(push.headSha);
        payloads.push(synchronizeNow(repo, pr.number, push.before));
      }
      for (const payload of payloads.reverse()) expect((await e2e.deliver("pull_request", payload)).status).toBe(200);

      const pushed = heads.slice(1);
      const runs = await settledRuns(repo, pushed);
      const newest = pushed.at(-1) as string;
      expect(runs.get(newest)?.map((run) => [run.status, run.conclusion])).toEqual([["completed", "failure"]]);
      for (const older of pushed.slice(0, -1)) {
        expect(runs.get(older)?.map((run) => [run.status, run.conclusion, run.output.title])).toEqual([
          ["completed", "cancelled", `Superseded by ${newest.slice(0, 7)}`],
        ]);
      }
    },
    90_000,
  );

  test.concurrent(
    "with identical updated_at (one-second precision), the `before` chain still orders them",
    async () => {
      const repo = newRepo();
      const pr = await e2e.github.openPullRequest({ repo, files: { "deploy/web.yaml": compliant("w0") }, deliver: false });
      const first = await e2e.github.push({ repo, number: pr.number, files: { "deploy/web.yaml": compliant("w1") }, deliver: false });
      const older = synchronizeNow(repo, pr.number, first.before);
      const second = await e2e.github.push({ repo, number: pr.number, files: { "deploy/web.yaml": compliant("w2") }, deliver: false });
      const newer = synchronizeNow(repo, pr.number, second.before);
      const stamp = "2025-06-01T10:00:00Z";
      (older["pull_request"] as Record<string, unknown>)["updated_at"] = stamp;
      (newer["pull_request"] as Record<string, unknown>)["updated_at"] = stamp;
      await e2e.deliver("pull_request", newer);
      await e2e.deliver("pull_request", older);
      const runs = await settledRuns(repo, [first.headSha, second.headSha]);
      expect(runs.get(second.headSha)?.map((run) => run.conclusion)).toEqual(["success"]);
      expect(runs.get(first.headSha)?.map((run) => run.conclusion)).toEqual(["cancelled"]);
    },
    90_000,
  );
});

describe("a burst of pushes", () => {
  test.concurrent(
    "eight quick pushes: one completed run per head, none in progress, the newest correct",
    async () => {
      const repo = newRepo();
      const pr = await e2e.github.openPullRequest({ repo, files: { "deploy/web.yaml": compliant("b0") } });
      const heads = [pr.headSha];
      for (let index = 1; index <= 8; index++) {
        const content = index === 8 ? `${BREAKOUT}# burst ${repo}\n` : compliant(`b${index}`);
        heads.push((await e2e.github.push({ repo, number: pr.number, files: { "deploy/web.yaml": content } })).headSha);
      }
      const runs = await settledRuns(repo, heads);
      for (const [sha, list] of runs) {
        expect([sha.slice(0, 7), list.length, list[0]?.status]).toEqual([sha.slice(0, 7), 1, "completed"]);
      }
      console.log(
        `burst of 8 pushes: ${JSON.stringify(heads.map((sha) => [runs.get(sha)?.[0]?.conclusion, runs.get(sha)?.[0]?.output.title]))}`,
      );
      expect(runs.get(heads.at(-1) as string)?.[0]?.conclusion).toBe("failure");
      // Older heads: their real verdict (compliant: success) or superseded (cancelled), nothing else.
      for (const sha of heads.slice(0, -1))
        expect([sha.slice(0, 7), runs.get(sha)?.[0]?.conclusion, runs.get(sha)?.[0]?.output.title]).toEqual([
          sha.slice(0, 7),
          expect.stringMatching(/^(success|cancelled)$/),
          expect.anything(),
        ]);
    },
    120_000,
  );
});

describe("merge queues", () => {
  test.concurrent(
    "merge_group.checks_requested: the check runs on the group's head SHA, over the files the compare API lists",
    async () => {
      const repo = newRepo();
      const good = await e2e.github.openPullRequest({ repo, files: { "apps/web.yaml": compliant("queue") } });
      const bad = await e2e.github.openPullRequest({ repo, files: { "apps/pod.yaml": `${BREAKOUT}# queue ${repo}\n` } });
      await e2e.waitForCheckRun(repo, good.headSha);
      await e2e.waitForCheckRun(repo, bad.headSha);

      const passing = await e2e.github.mergeGroup({ repo, pullNumbers: [good.number] });
      expect(passing.delivery?.status).toBe(200);
      const passingRun = await e2e.waitForCheckRun(repo, passing.headSha);
      expect(passingRun.conclusion).toBe("success");
      expect(passingRun.external_id).toMatch(/^merge_group:/);

      const failing = await e2e.github.mergeGroup({ repo, pullNumbers: [good.number, bad.number] });
      const failingRun = await e2e.waitForCheckRun(repo, failing.headSha);
      expect(failingRun.conclusion).toBe("failure");
      expect(failingRun.annotations.map((annotation) => [annotation.path, annotation.title])).toEqual(
        expect.arrayContaining([["apps/pod.yaml", "pod-security-baseline/privileged"]]),
      );
      expect(e2e.github.requestCount({ route: "/repos/:owner/:repo/compare/*basehead" })).toBeGreaterThanOrEqual(2);
    },
    90_000,
  );
});

describe("the app process", () => {
  test("logged no unhandled rejection or uncaught exception", () => {
    expect(e2e.app.logLines().filter((line) => /unhandled promise rejection|uncaught exception/i.test(String(line["msg"])))).toEqual([]);
    expect(e2e.emulator.internalErrors).toEqual([]);
  });
});
