/**
 * What the app makes of Octokit's errors: no answer, error statuses, primary and secondary rate
 * limits (which one, and when GitHub takes requests again), and responses refused as too large.
 */
import { describe, expect, test } from "@jest/globals";
import { GitHubApiError } from "../../src/github/gateway.js";
import { classifyRequestError } from "../../src/github/request-errors.js";
import { REFUSED_HEADER } from "../../src/github/response-limit.js";

const NOW = new Date("2025-06-01T12:00:00Z");
const epoch = (iso: string): string => String(Date.parse(iso) / 1000);

function octokitError(status: number, message: string, headers: Record<string, string> = {}): Error {
  return Object.assign(new Error(message), {
    status,
    response: { status, headers, data: { message } },
    request: { method: "GET", url: "https://api.github.com/x" },
  });
}

describe("classifyRequestError", () => {
  test("no response (Octokit's status 500 without a response: timeout, reset) is `no-response`, status 0", () => {
    const error = classifyRequestError(
      "reading blob abc",
      Object.assign(new Error("The operation was aborted due to timeout"), { status: 500 }),
      NOW,
    );
    expect([error.kind, error.status]).toEqual(["no-response", 0]);
    expect(error.message).toBe("reading blob abc failed: no response from GitHub (The operation was aborted due to timeout)");
  });

  test("an error status is `http`", () => {
    const error = classifyRequestError("listing files", octokitError(502, "Server Error"), NOW);
    expect([error.kind, error.status, error.message]).toEqual(["http", 502, "listing files failed: HTTP 502: Server Error"]);
  });

  test("a primary rate limit (remaining 0) names the resource and the reset time", () => {
    const error = classifyRequestError(
      "listing files",
      octokitError(403, "API rate limit exceeded for installation.", {
        "x-ratelimit-remaining": "0",
        "x-ratelimit-reset": epoch("2025-06-01T12:42:00Z"),
        "x-ratelimit-resource": "core",
      }),
      NOW,
    );
    expect(error.kind).toBe("rate-limit");
    expect(error.retryAt?.toISOString()).toBe("2025-06-01T12:42:00.000Z");
    expect(error.message).toBe(
      `listing files failed: HTTP 403: GitHub's API rate limit for this installation is used up (resource "core"); GitHub accepts requests again at 2025-06-01T12:42:00.000Z (in 42 min)`,
    );
  });

  test("a secondary rate limit (by its message) waits for retry-after, which wins over the reset", () => {
    const error = classifyRequestError(
      "reading blob",
      octokitError(429, "You have exceeded a secondary rate limit.", {
        "retry-after": "90",
        "x-ratelimit-reset": epoch("2025-06-01T13:00:00Z"),
      }),
      NOW,
    );
    expect([error.kind, error.retryAt?.toISOString()]).toEqual(["rate-limit", "2025-06-01T12:01:30.000Z"]);
    expect(error.message).toMatch(/secondary rate limit was hit .*in 90 s\)$/);
  });

  test("a 403 that is not a rate limit stays an http error (a missing permission)", () => {
    const error = classifyRequestError(
      "reading config",
      octokitError(403, "Resource not accessible by integration", { "x-ratelimit-remaining": "4999" }),
      NOW,
    );
    expect([error.kind, error.retryAt]).toEqual(["http", undefined]);
  });

  test("a response refused by the size limit is `too-large`", () => {
    const error = classifyRequestError("reading blob", octokitError(413, "response larger than 7 bytes", { [REFUSED_HEADER]: "7" }), NOW);
    expect([error.kind, error.message]).toEqual([
      "too-large",
      "reading blob failed: HTTP 413: GitHub's response is larger than 7 bytes, more than the app reads for it",
    ]);
  });

  test("a GitHubApiError passes through; a 2xx GitHubApiError defaults to `malformed`", () => {
    const original = new GitHubApiError("x", 200, "unexpected response");
    expect(classifyRequestError("y", original)).toBe(original);
    expect(original.kind).toBe("malformed");
  });
});
