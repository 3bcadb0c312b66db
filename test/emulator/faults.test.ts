import { afterAll, afterEach, beforeAll, describe, expect, test } from "@jest/globals";
import type { Octokit } from "@octokit/rest";
import { seededRandom } from "../../emulator/faults.js";
import type { TestEmulator } from "../../emulator/fixture.js";
import { seedAcme, startTestEmulator } from "../../emulator/fixture.js";
import type { RequestLogEntry } from "../../emulator/request-log.js";

let t: TestEmulator;
let octokit: Octokit;
let token: string;
const unknownRoutes: RequestLogEntry[] = [];
const REPO_ROUTE = "/repos/:owner/:repo";

beforeAll(async () => {
  t = await startTestEmulator({ onUnknownRoute: (e) => unknownRoutes.push(e) });
  octokit = await t.installationOctokit(seedAcme(t.emulator));
  token = ((await octokit.auth()) as { token: string }).token;
});
afterAll(() => t.stop());
afterEach(() => t.emulator.client.clearFaults());

function getRepo(init: RequestInit = {}): Promise<Response> {
  return fetch(`${t.emulator.apiUrl}/repos/acme/gitops`, { ...init, headers: { authorization: `token ${token}` } });
}

describe("fault plan", () => {
  test("a 5xx status for the first N matching calls, then normal answers", async () => {
    const fault = t.emulator.client.addFault({ method: "GET", path: REPO_ROUTE, action: { kind: "status", status: 502 }, times: 2 });
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await getRepo()).status);
    expect(statuses).toEqual([502, 502, 200]);
    expect(fault).toMatchObject({ matched: 3, fired: 2 });
    t.emulator.client.addFault({ path: REPO_ROUTE, action: { kind: "status", status: 503 }, times: 1 });
    const body = (await (await getRepo()).json()) as Record<string, unknown>;
    expect(body).toMatchObject({ message: "Service Unavailable", status: "503" });
    expect(t.emulator.client.requests({ route: REPO_ROUTE }).map((e) => e.fault)).toEqual(["status", "status", undefined, "status"]);
  });

  test("only the method and path given are affected", async () => {
    t.emulator.client.addFault({ method: "POST", path: REPO_ROUTE, action: { kind: "status", status: 500 } });
    t.emulator.client.addFault({ path: /\/pulls\/\d+\/files$/, action: { kind: "status", status: 500 } });
    expect((await getRepo()).status).toBe(200);
    const files = await fetch(`${t.emulator.apiUrl}/repos/acme/gitops/pulls/1/files`, { headers: { authorization: `token ${token}` } });
    expect(files.status).toBe(500);
  });

  test("a primary rate limit: 403 or 429 with x-ratelimit-remaining 0, the reset time and retry-after", async () => {
    t.emulator.client.addFault({
      path: REPO_ROUTE,
      action: { kind: "rate-limit", status: 403, resetAfterSeconds: 30, retryAfterSeconds: 7 },
      times: 1,
    });
    const res = await getRepo();
    expect(res.status).toBe(403);
    expect(res.headers.get("x-ratelimit-remaining")).toBe("0");
    expect(Number(res.headers.get("x-ratelimit-reset"))).toBeGreaterThan(Date.now() / 1000);
    expect(res.headers.get("retry-after")).toBe("7");
    expect(((await res.json()) as { message: string }).message).toMatch(/rate limit exceeded/);
    t.emulator.client.addFault({ path: REPO_ROUTE, action: { kind: "rate-limit", status: 429 }, times: 1 });
    expect((await getRepo()).status).toBe(429);
  });

  test("a secondary rate limit: 403 with retry-after and GitHub's message", async () => {
    t.emulator.client.addFault({ path: REPO_ROUTE, action: { kind: "secondary-rate-limit", retryAfterSeconds: 60 }, times: 1 });
    const res = await getRepo();
    expect(res.status).toBe(403);
    expect(res.headers.get("retry-after")).toBe("60");
    expect(((await res.json()) as { message: string }).message).toMatch(/secondary rate limit/);
  });

  test("a hang outlasts the client's timeout; the emulator logs a dropped request", async () => {
    t.emulator.client.addFault({ path: REPO_ROUTE, action: { kind: "hang", ms: 60_000 }, times: 1 });
    await expect(getRepo({ signal: AbortSignal.timeout(200) })).rejects.toMatchObject({ name: "TimeoutError" });
    const entry = await t.emulator.client.waitForRequest({ route: REPO_ROUTE, fault: "hang" });
    expect(entry.status).toBe(0);
    expect((await getRepo()).status).toBe(200);
  });

  test("a hang can end in a normal answer (a slow GitHub)", async () => {
    t.emulator.client.addFault({ path: REPO_ROUTE, action: { kind: "hang", ms: 50, then: "respond" }, times: 1 });
    expect((await getRepo()).status).toBe(200);
  });

  test("a reset drops the connection without an HTTP answer", async () => {
    t.emulator.client.addFault({ path: REPO_ROUTE, action: { kind: "reset" }, times: 1 });
    await expect(getRepo()).rejects.toThrow();
    expect((await t.emulator.client.waitForRequest({ route: REPO_ROUTE, fault: "reset" })).status).toBe(0);
  });

  test("malformed JSON comes with status 200, so Octokit hands back a string", async () => {
    t.emulator.client.addFault({ path: REPO_ROUTE, action: { kind: "malformed-json" }, times: 1 });
    const res = await octokit.rest.repos.get({ owner: "acme", repo: "gitops" });
    expect(res.status).toBe(200);
    expect(typeof res.data).toBe("string");
  });

  test("random faults are reproducible from the seed", async () => {
    const run = async (): Promise<number[]> => {
      t.emulator.client.setFaults([{ path: REPO_ROUTE, action: { kind: "status", status: 500 }, probability: 0.5, seed: 42 }]);
      const out: number[] = [];
      for (let i = 0; i < 24; i++) out.push((await getRepo()).status);
      return out;
    };
    const first = await run();
    const second = await run();
    expect(second).toEqual(first);
    const draw = seededRandom(42);
    expect(first).toEqual(Array.from({ length: 24 }, () => (draw() < 0.5 ? 500 : 200)));
    expect(first).toContain(500);
    expect(first).toContain(200);
  });

  test("clearing the plan restores normal answers", async () => {
    t.emulator.client.setFaults([{ path: "*any", action: { kind: "status", status: 500 } }]);
    expect((await getRepo()).status).toBe(500);
    t.emulator.client.clearFaults();
    expect((await getRepo()).status).toBe(200);
  });
});

describe("request log", () => {
  test("counts calls per pull request and resets", async () => {
    const pr = await t.emulator.client.openPullRequest({ repo: "acme/gitops", files: { "a.yaml": "a: 1\n" }, deliver: false });
    t.emulator.client.resetRequests();
    await octokit.rest.pulls.get({ owner: "acme", repo: "gitops", pull_number: pr.number });
    await octokit.rest.pulls.listFiles({ owner: "acme", repo: "gitops", pull_number: pr.number, per_page: 100 });
    const perPr = t.emulator.client.requests({ pathMatches: new RegExp(`/pulls/${pr.number}(/|$)`) });
    expect(perPr.map((e) => [e.method, e.route, e.status])).toEqual([
      ["GET", "/repos/:owner/:repo/pulls/:pull_number", 200],
      ["GET", "/repos/:owner/:repo/pulls/:pull_number/files", 200],
    ]);
    expect(perPr[1]?.query).toEqual({ per_page: "100" });
    expect(perPr[0]?.installationId).toBe(t.emulator.state.installationForAccount("acme")?.id);
    t.emulator.client.resetRequests();
    expect(t.emulator.client.requestCount()).toBe(0);
  });

  test("unknown routes answer 404 JSON and are logged as unmatched", async () => {
    const res = await fetch(`${t.emulator.apiUrl}/repos/acme/gitops/no-such-endpoint`, { headers: { authorization: `token ${token}` } });
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ message: "Not Found" });
    expect(t.emulator.client.requests({ unmatched: true }).map((e) => e.path)).toContain("/repos/acme/gitops/no-such-endpoint");
    expect(unknownRoutes.map((e) => e.path)).toContain("/repos/acme/gitops/no-such-endpoint");
    expect(t.emulator.internalErrors).toEqual([]);
  });
});
