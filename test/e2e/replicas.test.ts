/**
 * Two replicas of the real app sharing one real Redis (issue 15): the queue makes a delivery one job
 * whichever replica receives it, a replica that dies mid-check leaves no run `in_progress` (another
 * replica adopts and completes it), and a rolling restart loses no event.
 *
 * Stalled-job recovery is tuned down for the test (lock 2 s, stalled check every 1 s); the production
 * bounds are in the README ("Several replicas").
 */
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { hardenedDeployment } from "../fixtures/manifests.js";
import { startApp, startE2E, type AppProcess, type CheckRunView, type E2E } from "../../emulator/harness.js";
import { startRedis, type TestRedis } from "../../emulator/redis.js";

const BREAKOUT =
  "apiVersion: v1\nkind: Pod\nmetadata:\n  name: r00t\nspec:\n  hostPID: true\n  containers:\n    - name: shell\n      image: alpine\n      securityContext:\n        privileged: true\n";
const compliant = (tag: string): string => hardenedDeployment({ podLabels: { tag } });

let redis: TestRedis | undefined;
let e2e: E2E | undefined;
/** The replicas currently serving (replaced ones are removed). */
const replicas: AppProcess[] = [];
let counter = 0;

function queueEnv(url: string): Record<string, string> {
  return {
    REDIS_URL: url,
    QUEUE_NAME: "replicas-test",
    QUEUE_LOCK_DURATION_MS: "2000",
    QUEUE_STALLED_INTERVAL_MS: "1000",
    QUEUE_BACKOFF_MS: "500",
    SHUTDOWN_TIMEOUT_MS: "20000",
  };
}

async function startReplica(): Promise<AppProcess> {
  const env = e2e as E2E;
  const app = await startApp({
    emulator: env.emulator,
    appId: env.appId,
    privateKey: env.privateKey,
    webhookSecret: env.webhookSecret,
    env: queueEnv((redis as TestRedis).url),
  });
  replicas.push(app);
  return app;
}

beforeAll(async () => {
  redis = await startRedis();
  if (!redis) {
    console.log("SKIPPED: test/e2e/replicas.test.ts needs redis-server (apt-get install redis-server; .ci/run installs it)");
    return;
  }
  e2e = await startE2E({ env: queueEnv(redis.url) });
  replicas.push(e2e.app);
  await startReplica();
}, 60_000);

afterAll(async () => {
  // The first replica may have been replaced; every one still running is stopped here.
  for (const app of replicas) await app.stop();
  await e2e?.stop();
  await redis?.stop();
});

/** Runs `act` with the emulator's webhooks pointed at `app` (as a load balancer would pick it). */
async function via<T>(app: AppProcess, act: () => Promise<T>): Promise<T> {
  (e2e as E2E).emulator.webhooks.url = app.webhookUrl;
  return act();
}

function newRepo(): string {
  const env = e2e as E2E;
  const org = `replicas-${++counter}`;
  env.github.createOrg(org);
  env.github.createRepo(`${org}/gitops`);
  env.github.install(org);
  return `${org}/gitops`;
}

interface Health {
  redis?: string;
  queue?: { waiting: number; active: number; delayed: number } | null;
}

async function health(app: AppProcess): Promise<Health> {
  return JSON.parse(await (await fetch(`${app.url}/healthz`)).text()) as Health;
}

/** Until the shared queue is empty (nothing waiting, delayed or running on any replica). */
async function queueDrained(timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const { queue } = await health(replicas[replicas.length - 1] as AppProcess);
    if (queue && queue.waiting + queue.active + queue.delayed === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`the queue was not empty after ${timeoutMs} ms`);
}

/** Every run per SHA once each SHA has a completed run and the queue is empty. */
async function settledRuns(repo: string, shas: readonly string[]): Promise<Map<string, CheckRunView[]>> {
  const env = e2e as E2E;
  for (const sha of shas) await env.waitForCheckRun(repo, sha, { timeoutMs: 60_000 });
  await queueDrained();
  return new Map(shas.map((sha) => [sha, env.github.checkRuns(repo, sha)]));
}

const maybe = (name: string, body: () => Promise<void>, timeout: number): void =>
  test(
    name,
    async () => {
      if (!e2e) return console.log(`SKIPPED: ${name} (no redis-server)`);
      await body();
    },
    timeout,
  );

describe("two replicas on one Redis", () => {
  maybe(
    "health reports Redis and the queue depth",
    async () => {
      for (const app of replicas) {
        const report = await health(app);
        expect(report.redis).toBe("up");
        expect(report.queue).toEqual(expect.objectContaining({ waiting: expect.any(Number), active: expect.any(Number) }));
      }
    },
    30_000,
  );

  maybe(
    "the same delivery sent to both replicas makes one check run",
    async () => {
      const env = e2e as E2E;
      const [a, b] = replicas as [AppProcess, AppProcess];
      const repo = newRepo();
      const pr = await via(a, () => env.github.openPullRequest({ repo, files: { "deploy/pod.yaml": BREAKOUT } }));
      const delivery = pr.delivery?.id as string;
      expect(pr.delivery?.status).toBe(200);
      // At once on the other replica (a redelivery racing the first), and again once it is done.
      expect((await via(b, () => env.github.redeliver(delivery))).status).toBe(200);
      await env.waitForCheckRun(repo, pr.headSha);
      expect((await via(b, () => env.github.redeliver(delivery))).status).toBe(200);
      expect((await via(a, () => env.github.redeliver(delivery))).status).toBe(200);
      const runs = await settledRuns(repo, [pr.headSha]);
      expect(runs.get(pr.headSha)?.map((run) => [run.status, run.conclusion])).toEqual([["completed", "failure"]]);
    },
    90_000,
  );

  maybe(
    "eight pushes spread over both replicas: one completed run per head, the newest judged, older ones superseded",
    async () => {
      const env = e2e as E2E;
      const repo = newRepo();
      const pr = await via(replicas[0] as AppProcess, () =>
        env.github.openPullRequest({ repo, files: { "deploy/web.yaml": compliant("v0") } }),
      );
      const heads: string[] = [];
      for (let index = 1; index <= 8; index++) {
        const content = index === 8 ? BREAKOUT : compliant(`v${index}`);
        const push = await via(replicas[index % 2] as AppProcess, () =>
          env.github.push({ repo, number: pr.number, files: { "deploy/web.yaml": content }, message: `push ${index}` }),
        );
        expect(push.delivery?.status).toBe(200);
        heads.push(push.headSha);
      }
      const runs = await settledRuns(repo, heads);
      for (const [sha, list] of runs)
        expect([sha.slice(0, 7), list.length, list.every((run) => run.status === "completed")]).toEqual([sha.slice(0, 7), 1, true]);
      const newest = heads.at(-1) as string;
      expect(runs.get(newest)?.[0]?.conclusion).toBe("failure");
      // An older head's run is its real verdict if its check ran before the next push, else cancelled as superseded.
      const older = heads.slice(0, -1).map((sha) => runs.get(sha)?.[0] as CheckRunView);
      for (const run of older) {
        if (run.conclusion === "cancelled") expect(run.output.title).toMatch(/^Superseded by [0-9a-f]{7}/);
        else expect(run.conclusion).toBe("success");
      }
      expect(older.filter((run) => run.conclusion === "cancelled").length).toBeGreaterThan(0);
    },
    120_000,
  );

  maybe(
    "a replica killed (SIGKILL) in the middle of a check: the other replica completes the run",
    async () => {
      const env = e2e as E2E;
      const repo = newRepo();
      // The check hangs reading the changed files, long enough to kill the replica that works it.
      const fault = env.github.addFault({
        method: "GET",
        path: `/repos/${repo}/pulls/:pull_number/files`,
        action: { kind: "hang", ms: 8000, then: "respond" },
        times: 1,
      });
      const pr = await via(replicas[0] as AppProcess, () => env.github.openPullRequest({ repo, files: { "deploy/pod.yaml": BREAKOUT } }));
      const running = await env.waitForCheckRun(repo, pr.headSha, { until: (run) => run.status === "in_progress", timeoutMs: 30_000 });
      // The worker is now inside the check: its files request hangs.
      for (const deadline = Date.now() + 30_000; fault.fired < 1 && Date.now() < deadline;)
        await new Promise((resolve) => setTimeout(resolve, 50));
      expect(fault.fired).toBe(1);
      const worker = replicas.find((app) =>
        app.logLines().some((line) => line["msg"] === "check run created" && line["checkRunId"] === running.id),
      );
      expect(worker).toBeDefined();
      const killedAt = Date.now();
      await (worker as AppProcess).stop({ signal: "SIGKILL" });
      replicas.splice(replicas.indexOf(worker as AppProcess), 1);

      const completed = await env.waitForCheckRun(repo, pr.headSha, { timeoutMs: 60_000 });
      const recoveredMs = Date.now() - killedAt;
      console.log(
        `replicas: SIGKILL mid-check -> run completed by the other replica after ${recoveredMs} ms (lock 2000 ms, stalled check 1000 ms)`,
      );
      expect(completed.id).toBe(running.id);
      expect(completed.conclusion).toBe("failure");
      const runs = await settledRuns(repo, [pr.headSha]);
      expect(runs.get(pr.headSha)?.map((run) => [run.id, run.status])).toEqual([[running.id, "completed"]]);
      // Back to two replicas for what follows.
      await startReplica();
    },
    120_000,
  );

  maybe(
    "a rolling restart under a steady stream of pull request events: every head gets exactly one completed run",
    async () => {
      const env = e2e as E2E;
      const repo = newRepo();
      const heads: string[] = [];
      const open = async (index: number, app: AppProcess): Promise<void> => {
        const pr = await via(app, () =>
          env.github.openPullRequest({ repo, files: { [`deploy/app-${index}.yaml`]: compliant(`r${index}`) } }),
        );
        expect(pr.delivery?.status).toBe(200);
        heads.push(pr.headSha);
      };
      let index = 0;
      const stream = async (count: number, pick: () => AppProcess): Promise<void> => {
        for (let n = 0; n < count; n++) {
          await open(++index, pick());
          await new Promise((resolve) => setTimeout(resolve, 150));
        }
      };
      await stream(4, () => replicas[index % replicas.length] as AppProcess);
      // SIGTERM the first replica while events keep arriving at the other (the Service stops routing to it).
      const leaving = replicas[0] as AppProcess;
      const staying = replicas[1] as AppProcess;
      replicas.splice(0, 1);
      const stopped = leaving.stop({ signal: "SIGTERM" });
      await stream(4, () => staying);
      expect((await stopped).code).toBe(0);
      await startReplica();
      await stream(4, () => replicas[index % replicas.length] as AppProcess);

      const runs = await settledRuns(repo, heads);
      expect(heads).toHaveLength(12);
      for (const [sha, list] of runs)
        expect([sha.slice(0, 7), list.map((run) => [run.status, run.conclusion])]).toEqual([sha.slice(0, 7), [["completed", "success"]]]);
    },
    150_000,
  );

  // Last: it stops Redis.
  maybe(
    "Redis down: health says so and webhooks are answered 503 (GitHub keeps them for a redelivery)",
    async () => {
      const env = e2e as E2E;
      const repo = newRepo();
      await (redis as TestRedis).stop();
      const app = replicas[0] as AppProcess;
      expect((await health(app)).redis).toBe("down");
      const pr = await via(app, () => env.github.openPullRequest({ repo, files: { "deploy/pod.yaml": BREAKOUT } }));
      expect(pr.delivery?.status).toBe(503);
      expect(env.github.checkRuns(repo, pr.headSha)).toEqual([]);
    },
    60_000,
  );
});
