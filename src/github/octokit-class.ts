/**
 * The Octokit the app gives Probot: Probot's own (auth, throttling, retries, pagination) with the
 * retry and rate-limit policy a merge gate needs. Probot's defaults wait for a primary rate limit to
 * reset however far away that is (up to an hour, with the check run `in_progress` all along) and
 * never retry a secondary rate limit. Here:
 *
 * - 5xx answers and requests without an answer (timeout, dropped connection) are retried by
 *   @octokit/plugin-retry: 3 retries, after 1, 4 and 9 seconds.
 * - Rate limits (403/429 with `x-ratelimit-remaining: 0`, or GitHub's secondary-limit message with
 *   `retry-after`) are handled by @octokit/plugin-throttling alone (429 is kept out of plugin-retry
 *   so that a rate limit is not retried blindly on top): the app waits as long as GitHub says, at
 *   most twice and only when the wait is at most `maxRateLimitWaitSeconds`. A longer wait is not
 *   taken: the request fails at once and the check completes saying which limit was hit and when it
 *   resets (see `GitHubApiError.retryAt`).
 * - 413 is never retried: it is how `response-limit.ts` refuses an oversized response.
 */
import { ProbotOctokit } from "probot";

export interface RetryPolicy {
  /** Longest wait for a rate limit to lift, per attempt; longer ones fail the check instead. */
  maxRateLimitWaitSeconds: number;
  /** Retries after a rate limit. */
  rateLimitRetries: number;
}

export const DEFAULT_RETRY_POLICY: Readonly<RetryPolicy> = Object.freeze({ maxRateLimitWaitSeconds: 60, rateLimitRetries: 2 });

/** plugin-retry's list plus 413 (see above) and 429 (left to the throttling plugin). */
export const DO_NOT_RETRY: readonly number[] = [400, 401, 403, 404, 410, 413, 422, 429, 451];

/** Whether to wait `retryAfterSeconds` and try again, after `retryCount` earlier retries. Pure. */
export function shouldWaitForRateLimit(retryAfterSeconds: number, retryCount: number, policy: RetryPolicy): boolean {
  return retryCount < policy.rateLimitRetries && retryAfterSeconds <= policy.maxRateLimitWaitSeconds;
}

interface LimitedRequest {
  method?: string;
  url?: string;
}

interface LoggingOctokit {
  log: { warn: (fields: Record<string, unknown>, message: string) => void };
}

export function createOctokitClass(policy: RetryPolicy = DEFAULT_RETRY_POLICY): typeof ProbotOctokit {
  const handler =
    (limit: "primary" | "secondary") =>
    (retryAfter: number, request: LimitedRequest, octokit: LoggingOctokit, retryCount: number): boolean => {
      const wait = shouldWaitForRateLimit(retryAfter, retryCount, policy);
      octokit.log.warn(
        {
          limit,
          method: request.method,
          url: request.url,
          retryAfterSeconds: retryAfter,
          retryCount,
          maxWaitSeconds: policy.maxRateLimitWaitSeconds,
        },
        wait ? "GitHub rate limit hit: waiting, then retrying" : "GitHub rate limit hit: not waiting that long, the request fails",
      );
      return wait;
    };
  // A function, not an object: Probot layers its own throttle options on top of the class it is
  // given, and only a function sees (and can override) them.
  return ProbotOctokit.defaults((options: Record<string, unknown>) => {
    const installationId = (options["auth"] as { installationId?: unknown } | undefined)?.installationId;
    const throttle = (options["throttle"] as Record<string, unknown> | undefined) ?? {};
    return {
      ...options,
      retry: { ...(options["retry"] as object | undefined), doNotRetry: [...DO_NOT_RETRY], retries: 3 },
      throttle: {
        ...throttle,
        // Writes are paced (about one a second) per throttle id. Probot's webhook clients all share
        // one id, so one installation's checks would queue behind every other's; GitHub's secondary
        // limits are per installation, and so is the pacing here.
        ...(installationId !== undefined && (throttle["id"] === undefined || throttle["id"] === "no-id")
          ? { id: `installation-${String(installationId)}` }
          : {}),
        onRateLimit: handler("primary"),
        onSecondaryRateLimit: handler("secondary"),
      },
    };
  });
}
