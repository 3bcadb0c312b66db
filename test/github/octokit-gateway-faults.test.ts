/**
 * The Octokit gateway when GitHub misbehaves: a garbled JSON body on a read is read again, on a
 * write it is an error; a create whose answer is lost is looked up before it is made again.
 */
import { describe, expect, test } from "@jest/globals";
import { GitHubApiError } from "../../src/github/gateway.js";
import { OctokitGateway, type OctokitRequester } from "../../src/github/octokit-gateway.js";
import { DEFAULT_RETRY_POLICY, DO_NOT_RETRY, shouldWaitForRateLimit } from "../../src/github/octokit-class.js";

type Answer = { status: number; data: unknown; headers?: Record<string, unknown> } | Error;

/** Answers each request with the next scripted answer for its route; records the calls. */
function scripted(script: Record<string, Answer[]>) {
  const calls: Array<{ route: string; parameters: Record<string, unknown> | undefined }> = [];
  const requester: OctokitRequester = {
    async request(route, parameters) {
      calls.push({ route, parameters });
      const next = script[route]?.shift();
      if (!next) throw new Error(`unscripted ${route}`);
      if (next instanceof Error) throw next;
      return { status: next.status, data: next.data, headers: { "content-type": "application/json; charset=utf-8", ...next.headers } };
    },
  };
  return { requester, calls };
}

const repo = { owner: "acme", repo: "shop" };
const BLOB = "GET /repos/{owner}/{repo}/git/blobs/{file_sha}";
const CREATE = "POST /repos/{owner}/{repo}/check-runs";
const LIST_RUNS = "GET /repos/{owner}/{repo}/commits/{ref}/check-runs";
const noWait = { malformedRetryDelaysMs: [0, 0], createRetryDelaysMs: [0, 0, 0] };
const create = { name: "kube-policy-bot", headSha: "f".repeat(40), externalId: "pr:1", startedAt: "2025-06-01T12:00:00.123Z" };

describe("garbled JSON", () => {
  test("a read is made again, and succeeds once the body parses", async () => {
    const { requester, calls } = scripted({
      [BLOB]: [
        { status: 200, data: '{"content": "trunc' },
        { status: 200, data: { content: "YTogMQo=", encoding: "base64" } },
      ],
    });
    const content = await new OctokitGateway(requester, undefined, noWait).getBlob(repo, "abc");
    expect(Buffer.from(content).toString()).toBe("a: 1\n");
    expect(calls).toHaveLength(2);
  });

  test("after the retries it is a `malformed` error that says so", async () => {
    const { requester, calls } = scripted({ [BLOB]: [1, 2, 3].map(() => ({ status: 200, data: "<html>" })) });
    const failure = await new OctokitGateway(requester, undefined, noWait).getBlob(repo, "abc").catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(GitHubApiError);
    expect([(failure as GitHubApiError).kind, (failure as GitHubApiError).message]).toEqual([
      "malformed",
      expect.stringMatching(/not valid JSON .*after 3 attempt/),
    ]);
    expect(calls).toHaveLength(3);
  });

  test("a text body with a non-JSON content type is not mistaken for garbled JSON (and a shape error is not retried)", async () => {
    const { requester, calls } = scripted({ [BLOB]: [{ status: 200, data: "plain", headers: { "content-type": "text/plain" } }] });
    await expect(new OctokitGateway(requester, undefined, noWait).getBlob(repo, "abc")).rejects.toMatchObject({
      kind: "malformed",
      message: expect.stringMatching(/expected a JSON object/),
    });
    expect(calls).toHaveLength(1);
  });
});

describe("creating a check run", () => {
  test("is not retried by Octokit itself (retries: 0 on the request)", async () => {
    const { requester, calls } = scripted({ [CREATE]: [{ status: 201, data: { id: 7 } }] });
    expect(await new OctokitGateway(requester, undefined, noWait).createCheckRun(repo, create)).toEqual({ id: 7 });
    expect(calls[0]?.parameters?.["request"]).toEqual({ retries: 0 });
  });

  test("an answer lost after GitHub made the run: the run is found (same external id and start second), not made twice", async () => {
    const lost = Object.assign(new Error("socket hang up"), { status: 500 });
    const { requester, calls } = scripted({
      [CREATE]: [lost],
      [LIST_RUNS]: [
        {
          status: 200,
          data: {
            total_count: 2,
            check_runs: [
              { id: 3, external_id: "pr:1", started_at: "2025-06-01T11:00:00Z" },
              { id: 9, external_id: "pr:1", started_at: "2025-06-01T12:00:00Z" },
            ],
          },
        },
      ],
    });
    expect(await new OctokitGateway(requester, undefined, noWait).createCheckRun(repo, create)).toEqual({ id: 9 });
    expect(calls.map((call) => call.route)).toEqual([CREATE, LIST_RUNS]);
  });

  test("not found: created again; a 4xx is final at once", async () => {
    const failed = Object.assign(new Error("Server Error"), { status: 502, response: { status: 502, headers: {} } });
    const { requester, calls } = scripted({
      [CREATE]: [failed, { status: 201, data: { id: 11 } }],
      [LIST_RUNS]: [{ status: 200, data: { check_runs: [] } }],
    });
    expect(await new OctokitGateway(requester, undefined, noWait).createCheckRun(repo, create)).toEqual({ id: 11 });
    expect(calls.map((call) => call.route)).toEqual([CREATE, LIST_RUNS, CREATE]);

    const refused = Object.assign(new Error("Validation Failed"), { status: 422, response: { status: 422, headers: {} } });
    const second = scripted({ [CREATE]: [refused] });
    await expect(new OctokitGateway(second.requester, undefined, noWait).createCheckRun(repo, create)).rejects.toMatchObject({
      status: 422,
    });
    expect(second.calls).toHaveLength(1);
  });
});

describe("the retry policy", () => {
  test("waits for a rate limit only when it lifts soon enough, and only twice", () => {
    expect(shouldWaitForRateLimit(60, 0, DEFAULT_RETRY_POLICY)).toBe(true);
    expect(shouldWaitForRateLimit(61, 0, DEFAULT_RETRY_POLICY)).toBe(false);
    expect(shouldWaitForRateLimit(1, 2, DEFAULT_RETRY_POLICY)).toBe(false);
    expect(shouldWaitForRateLimit(0, 0, { maxRateLimitWaitSeconds: 0, rateLimitRetries: 1 })).toBe(true);
  });

  test("413 (a refused oversized response) and 429 (left to the rate-limit handler) are never retried blindly", () => {
    expect(DO_NOT_RETRY).toEqual(expect.arrayContaining([413, 429, 404, 422]));
    expect(DO_NOT_RETRY).not.toContain(500);
  });
});
