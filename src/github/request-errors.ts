/**
 * From whatever Octokit threw to a `GitHubApiError` that says, in words a user can act on, what went
 * wrong: no answer, an error status, a rate limit (which one, and when GitHub takes requests again),
 * or a response too large to read. Pure; `now` is a parameter for tests.
 */
import { GitHubApiError } from "./gateway.js";
import { REFUSED_HEADER } from "./response-limit.js";

interface OctokitLikeError {
  status?: unknown;
  message?: unknown;
  response?: { headers?: Record<string, unknown> } | undefined;
}

export function classifyRequestError(operation: string, error: unknown, now: Date = new Date()): GitHubApiError {
  if (error instanceof GitHubApiError) return error;
  const record = (typeof error === "object" && error !== null ? error : {}) as OctokitLikeError;
  const message = typeof record.message === "string" && record.message !== "" ? record.message : String(error);
  // Octokit reports a network failure or timeout as status 500 without a response.
  if (typeof record.status !== "number" || record.response === undefined) {
    return new GitHubApiError(operation, 0, `no response from GitHub (${message})`, "no-response");
  }
  const status = record.status;
  const headers = record.response.headers ?? {};
  const refusedOver = headerOf(headers, REFUSED_HEADER);
  if (refusedOver !== undefined) {
    return new GitHubApiError(
      operation,
      status,
      `GitHub's response is larger than ${refusedOver} bytes, more than the app reads for it`,
      "too-large",
    );
  }
  const limit = rateLimitOf(status, message, headers, now);
  if (limit) return new GitHubApiError(operation, status, limit.detail, "rate-limit", limit.retryAt);
  return new GitHubApiError(operation, status, message);
}

/**
 * GitHub's documented signals (REST docs, "Rate limits for the REST API"): a primary limit answers
 * 403 or 429 with `x-ratelimit-remaining: 0` and the reset time in `x-ratelimit-reset` (epoch
 * seconds); a secondary limit answers 403 or 429 with a message naming it, usually with
 * `retry-after` (seconds). `retry-after`, when present, is the time to wait.
 */
function rateLimitOf(
  status: number,
  message: string,
  headers: Record<string, unknown>,
  now: Date,
): { detail: string; retryAt?: Date } | undefined {
  if (status !== 403 && status !== 429) return undefined;
  const remaining = headerOf(headers, "x-ratelimit-remaining");
  const secondary = /secondary rate limit/i.test(message);
  const retryAfter = Number(headerOf(headers, "retry-after"));
  if (!secondary && remaining !== "0" && !(status === 429 && Number.isFinite(retryAfter))) return undefined;

  let retryAt: Date | undefined;
  if (Number.isFinite(retryAfter) && retryAfter >= 0) retryAt = new Date(now.getTime() + retryAfter * 1000);
  else {
    const reset = Number(headerOf(headers, "x-ratelimit-reset"));
    if (Number.isFinite(reset) && reset > 0) retryAt = new Date(reset * 1000);
  }
  const resource = headerOf(headers, "x-ratelimit-resource");
  const which = secondary
    ? "GitHub's secondary rate limit was hit (too many requests at once or in a short time)"
    : `GitHub's API rate limit for this installation is used up${resource ? ` (resource "${resource}")` : ""}`;
  const when = retryAt
    ? `; GitHub accepts requests again at ${retryAt.toISOString()} (in ${describeWait(retryAt.getTime() - now.getTime())})`
    : "";
  return { detail: `${which}${when}`, ...(retryAt ? { retryAt } : {}) };
}

function describeWait(ms: number): string {
  const seconds = Math.max(0, Math.ceil(ms / 1000));
  if (seconds < 120) return `${seconds} s`;
  return `${Math.ceil(seconds / 60)} min`;
}

function headerOf(headers: Record<string, unknown>, name: string): string | undefined {
  const value = headers[name] ?? headers[name.toLowerCase()];
  return value === undefined || value === null ? undefined : String(value);
}
