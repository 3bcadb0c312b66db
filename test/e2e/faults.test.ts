/**
 * Fault injection: the real app process against an emulated GitHub that misbehaves the ways GitHub
 * does (5xx, rate limits, hangs, dropped connections, garbled JSON) on the reads a check makes (the
 * pull request's files, the blobs, the repository config) and on its writes (the check run).
 *
 * - A fault that passes is retried (with the wait GitHub asks for) and the check completes with its
 *   real verdict: a compliant deployment must still come out `success`.
 * - A fault that outlasts the retries completes the check `failure` (`neutral` for an org that chose
 *   fail-open) with a summary naming what failed; a check is never left `in_progress`.
 * - Throughout, the app process logs no unhandled rejection and no uncaught exception, and stays up.
 *
 * The app runs with GITHUB_REQUEST_TIMEOUT_MS=2000 (so a hang is abandoned after 2 s) and
 * GITHUB_RATE_LIMIT_MAX_WAIT_SECONDS=5 (so waits the app agrees to are short, and a longer rate limit
 * fails at once). Each scenario runs in its own organisation (its own installation): Octokit paces
 * writes per installation, so scenarios in separate installations can run concurrently.
 */
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import type { FaultAction } from "../../emulator/faults.js";
import { hardenedDeployment } from "../fixtures/manifests.js";
import { startE2E, type CheckRunView, type E2E } from "../../emulator/harness.js";

const COMPLIANT = hardenedDeployment();

const REPO_CONFIG = "manifests:\n  include: ['deploy/**/*.yaml']\n";

let e2e: E2E;
let orgCounter = 0;

beforeAll(async () => {
  // Enough check slots for every scenario at once: retries hold a slot while they wait.
  e2e = await startE2E({
    env: { GITHUB_REQUEST_TIMEOUT_MS: "2000", GITHUB_RATE_LIMIT_MAX_WAIT_SECONDS: "5", MAX_CONCURRENT_CHECKS: "60" },
  });
});

afterAll(async () => {
  await e2e?.stop();
});

/** A fresh organisation with the app installed and one repository holding a repo config. */
function newRepo(options: { failOpen?: boolean } = {}): string {
  const org = `faults-${++orgCounter}`;
  e2e.github.createOrg(org);
  if (options.failOpen)
    e2e.github.createRepo(`${org}/.github`, { files: { ".github/kube-policy.yml": "check:\n  failureMode: fail-open\n" } });
  e2e.github.createRepo(`${org}/gitops`, { files: { "README.md": "# gitops\n", ".github/kube-policy.yml": REPO_CONFIG } });
  e2e.github.install(org);
  return `${org}/gitops`;
}

/** The reads a check makes, as fault-plan paths of one repository. */
const READS = {
  "list files": (repo: string) => `/repos/${repo}/pulls/:pull_number/files`,
  blob: (repo: string) => `/repos/${repo}/git/blobs/:file_sha`,
  "config (contents)": (repo: string) => `/repos/${repo}/contents/*path`,
} as const;
type Read = keyof typeof READS;

/** Faults that go away after a while: each must end in the real verdict. */
const PASSING: Array<{ name: string; action: FaultAction; times: number }> = [
  { name: "500 twice", action: { kind: "status", status: 500 }, times: 2 },
  { name: "502", action: { kind: "status", status: 502 }, times: 1 },
  { name: "503", action: { kind: "status", status: 503 }, times: 1 },
  { name: "403 primary rate limit (reset in 1 s)", action: { kind: "rate-limit", status: 403, resetAfterSeconds: 1 }, times: 1 },
  {
    name: "429 rate limit with retry-after",
    action: { kind: "rate-limit", status: 429, resetAfterSeconds: 2, retryAfterSeconds: 2 },
    times: 1,
  },
  {
    name: "403 secondary rate limit with retry-after",
    action: { kind: "secondary-rate-limit", status: 403, retryAfterSeconds: 2 },
    times: 1,
  },
  { name: "hang past the 2 s timeout", action: { kind: "hang", ms: 3000 }, times: 1 },
  { name: "connection reset", action: { kind: "reset" }, times: 1 },
  { name: "malformed JSON (200)", action: { kind: "malformed-json" }, times: 1 },
];

const CASES = (Object.keys(READS) as Read[]).flatMap((read) =>
  PASSING.map((fault) => ({ read, ...fault, name: `${read}: ${fault.name}` })),
);

/** Opens a pull request with a compliant deployment unique to `repo` (so no blob is already cached). */
async function openAndWait(repo: string): Promise<{ run: CheckRunView; headSha: string }> {
  const pr = await e2e.github.openPullRequest({ repo, files: { "deploy/web.yaml": `${COMPLIANT}# ${repo}\n` } });
  if (pr.delivery?.status !== 200) throw new Error(`the webhook was answered ${pr.delivery?.status}`);
  const run = await e2e.waitForCheckRun(repo, pr.headSha, { timeoutMs: 100_000 });
  return { run, headSha: pr.headSha };
}

/**
 * Runs the scenarios at once (each in its own installation) and fails listing every scenario that
 * failed and why; Jest's own concurrency (5 tests) would make this suite several times slower.
 */
async function allOf<T extends { name: string }>(cases: readonly T[], scenario: (item: T) => Promise<void>): Promise<void> {
  const outcomes = await Promise.all(
    cases.map(async (item) => {
      try {
        await scenario(item);
        return undefined;
      } catch (error) {
        return `${item.name}: ${error instanceof Error ? error.message : String(error)}`;
      }
    }),
  );
  console.log(
    `${cases.length} scenarios:\n${cases.map((item, index) => `  ${outcomes[index] === undefined ? "ok  " : "FAIL"} ${item.name}`).join("\n")}`,
  );
  expect(outcomes.filter((outcome) => outcome !== undefined)).toEqual([]);
}

/** A RegExp for a fault-plan path pattern (":x" one segment, "*x" the rest). */
function compile(pattern: string): RegExp {
  const source = pattern
    .split("/")
    .map((part) => (part.startsWith(":") ? "[^/]+" : part.startsWith("*") ? ".*" : part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")))
    .join("/");
  return new RegExp(`^${source}$`);
}

test.concurrent(
  `a fault that passes is retried and the check completes with its real verdict (${CASES.length} scenarios: each fault on each read)`,
  async () => {
    await allOf(CASES, async ({ read, action, times }) => {
      const repo = newRepo();
      const path = READS[read](repo);
      const fault = e2e.github.addFault({ method: "GET", path, action, times });
      const { run } = await openAndWait(repo);
      expect(fault.fired).toBe(times);
      expect([run.status, run.conclusion]).toEqual(["completed", "success"]);
      expect(run.output.title).not.toMatch(/Not checked/);
      // Retried after the fault: the same read was made again, and answered.
      expect(fault.matched).toBeGreaterThan(times);
      if (action.kind === "secondary-rate-limit" || (action.kind === "rate-limit" && action.retryAfterSeconds !== undefined)) {
        // GitHub's retry-after was honoured: the retry came no earlier than it said (a lower bound only).
        const [first, second] = e2e.github.requests().filter((request) => compile(path).test(request.path));
        expect(second).toBeDefined();
        expect(Date.parse(second?.timestamp as string) - Date.parse(first?.timestamp as string)).toBeGreaterThanOrEqual(
          ((action.retryAfterSeconds ?? 0) - 0.2) * 1000,
        );
      }
    });
  },
  150_000,
);

const OUTLASTING: Array<{ name: string; read: Read; action: FaultAction; title: RegExp; summary: RegExp[] }> = [
  {
    name: "list files keeps answering 503",
    read: "list files",
    action: { kind: "status", status: 503 },
    title: /Not checked: GitHub API error while listing the files of pull request #\d+ failed: HTTP 503/,
    summary: [/githubstatus\.com/, /Re-run/],
  },
  {
    name: "blob reads keep hanging",
    read: "blob",
    action: { kind: "hang", ms: 10_000 },
    title: /Not checked: GitHub API error while reading blob [0-9a-f]{40} failed: no response from GitHub/,
    summary: [/did not answer correctly even after retries/],
  },
  {
    name: "blob reads keep being reset",
    read: "blob",
    action: { kind: "reset" },
    title: /Not checked: GitHub API error while reading blob [0-9a-f]{40} failed: no response from GitHub/,
    summary: [/did not answer correctly even after retries/],
  },
  {
    name: "the config keeps coming back as broken JSON",
    read: "config (contents)",
    action: { kind: "malformed-json" },
    title: /Not checked: GitHub API error while reading \.github\/kube-policy\.yml/,
    summary: [/not valid JSON/, /did not answer correctly/],
  },
  {
    name: "the primary rate limit resets in an hour: no waiting, the limit and its reset are named",
    read: "list files",
    action: { kind: "rate-limit", status: 403, resetAfterSeconds: 3600 },
    title: /Not checked: .*HTTP 403: GitHub's API rate limit for this installation is used up \(resource "core"\)/,
    summary: [/GitHub accepts requests again at \d{4}-\d\d-\d\dT/, /rate limit was reached/, /Re-run the check .*after \d{4}-\d\d-\d\dT/],
  },
  {
    name: "a secondary rate limit asks for 10 minutes: no waiting",
    read: "blob",
    action: { kind: "secondary-rate-limit", status: 429, retryAfterSeconds: 600 },
    title: /Not checked: .*HTTP 429: GitHub's secondary rate limit was hit/,
    summary: [/accepts requests again at/, /rate limit was reached/],
  },
];

test.concurrent(
  `a fault that outlasts the retries completes the check as failure, saying what failed (${OUTLASTING.length} scenarios)`,
  async () => {
    await allOf(OUTLASTING, async ({ read, action, title, summary }) => {
      const repo = newRepo();
      const fault = e2e.github.addFault({ method: "GET", path: READS[read](repo), action });
      const { run } = await openAndWait(repo);
      expect(fault.fired).toBeGreaterThan(0);
      expect([run.status, run.conclusion]).toEqual(["completed", "failure"]);
      expect(run.output.title).toMatch(title);
      for (const pattern of summary) expect(run.output.summary).toMatch(pattern);
      expect(run.output.summary).toMatch(/delivery [0-9a-f-]{36}/);
      if (action.kind === "rate-limit" || action.kind === "secondary-rate-limit") {
        // A rate limit the app will not wait for is not retried blindly either: one attempt.
        expect(fault.matched).toBe(1);
      }
    });
  },
  150_000,
);

test.concurrent(
  "under fail-open the same outage completes the check neutral, not failure",
  async () => {
    const repo = newRepo({ failOpen: true });
    e2e.github.addFault({ method: "GET", path: READS["list files"](repo), action: { kind: "status", status: 500 } });
    const { run } = await openAndWait(repo);
    expect([run.status, run.conclusion]).toEqual(["completed", "neutral"]);
    expect(run.output.title).toMatch(/HTTP 500/);
  },
  150_000,
);

const WRITES: Array<{ name: string; method: "POST" | "PATCH"; action: FaultAction; times: number }> = [
  { name: "create answers 500 once", method: "POST", action: { kind: "status", status: 500 }, times: 1 },
  { name: "create's connection is reset once", method: "POST", action: { kind: "reset" }, times: 1 },
  {
    name: "create is carried out after the client gave up (hang 2.5 s, then processed)",
    method: "POST",
    action: { kind: "hang", ms: 2500, then: "respond" },
    times: 1,
  },
  { name: "create's answer is garbled", method: "POST", action: { kind: "malformed-json" }, times: 1 },
  { name: "the completing update answers 502 twice", method: "PATCH", action: { kind: "status", status: 502 }, times: 2 },
  { name: "the completing update's connection is reset once", method: "PATCH", action: { kind: "reset" }, times: 1 },
  { name: "the completing update hangs past the timeout once", method: "PATCH", action: { kind: "hang", ms: 3000 }, times: 1 },
];

test.concurrent(
  `a fault on the check run's own writes still ends in exactly one completed run with the real verdict (${WRITES.length} scenarios)`,
  async () => {
    await allOf(WRITES, async ({ method, action, times }) => {
      const repo = newRepo();
      const path = method === "POST" ? `/repos/${repo}/check-runs` : `/repos/${repo}/check-runs/:check_run_id`;
      const fault = e2e.github.addFault({ method, path, action, times });
      const { run, headSha } = await openAndWait(repo);
      expect(fault.fired).toBe(times);
      expect([run.status, run.conclusion]).toEqual(["completed", "success"]);
      // A create GitHub carried out while its answer was lost is found again, not duplicated.
      expect(e2e.github.checkRuns(repo, headSha).map((candidate) => [candidate.status, candidate.conclusion])).toEqual([
        ["completed", "success"],
      ]);
    });
  },
  150_000,
);

describe("the app process", () => {
  test("is alive and healthy, and logged no unhandled rejection or uncaught exception", async () => {
    const fatal = e2e.app.logLines().filter((line) => /unhandled promise rejection|uncaught exception/i.test(String(line["msg"])));
    expect(fatal).toEqual([]);
    expect(e2e.app.stderr()).not.toMatch(/UnhandledPromiseRejection|Uncaught/);
    const health = await fetch(`${e2e.app.url}/healthz`);
    expect(health.status).toBe(200);
    expect(e2e.emulator.internalErrors).toEqual([]);
  });
});
