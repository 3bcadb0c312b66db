/**
 * `npm run build && node dist/scripts/ack-latency.js [deliveries]`: how long the app takes to answer a
 * webhook (the time GitHub waits), without and with the Redis queue (REDIS_URL), against the local
 * GitHub emulator. Each delivery opens a pull request; the figure is the HTTP round trip of the
 * delivery alone (the check runs afterwards, in the background or on the queue).
 *
 * A measurement to report, not a test: numbers depend on the machine. Needs redis-server for the second
 * half (it starts its own on a free loopback port) and prints SKIPPED without it.
 */
import { performance } from "node:perf_hooks";
import { startE2E } from "../emulator/harness.js";
import { startRedis } from "../emulator/redis.js";
import { pullRequestPayload } from "../emulator/webhook-payloads.js";

async function measure(label: string, count: number, env: Record<string, string>): Promise<void> {
  const e2e = await startE2E({ env, logLevel: "warn" });
  try {
    e2e.github.createOrg("bench");
    e2e.github.createRepo("bench/gitops");
    e2e.github.install("bench");
    const times: number[] = [];
    for (let index = 0; index < count; index++) {
      const pr = await e2e.github.openPullRequest({
        repo: "bench/gitops",
        files: {
          [`deploy/app-${index}.yaml`]: `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings-${index}\ndata:\n  mode: fast\n`,
        },
        deliver: false,
      });
      const payload = pullRequestPayload(e2e.github.state, e2e.github.state.requirePull("bench/gitops", pr.number), "opened");
      const started = performance.now();
      const result = await e2e.deliver("pull_request", payload);
      times.push(performance.now() - started);
      if (result.status !== 200 && result.status !== 202) throw new Error(`${label}: delivery answered ${result.status}`);
    }
    // Let the checks finish before the app stops (a graceful stop waits for them anyway).
    await new Promise((resolve) => setTimeout(resolve, 2000));
    times.sort((a, b) => a - b);
    const at = (q: number): string => (times[Math.min(times.length - 1, Math.floor(q * times.length))] as number).toFixed(1);
    console.log(`${label.padEnd(22)} deliveries ${count}  median ${at(0.5)} ms  p90 ${at(0.9)} ms  max ${at(1)} ms`);
  } finally {
    await e2e.stop();
  }
}

async function main(): Promise<void> {
  const count = Number(process.argv[2] ?? 50);
  await measure("in-process (no Redis)", count, {});
  const redis = await startRedis();
  if (!redis) {
    console.log("SKIPPED: with Redis (redis-server is not installed)");
    return;
  }
  try {
    await measure("queue (REDIS_URL)", count, { REDIS_URL: redis.url, QUEUE_NAME: "ack-latency" });
  } finally {
    await redis.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
