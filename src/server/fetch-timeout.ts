/**
 * `fetch` with a deadline per request. Octokit (and so Probot) has no request timeout: a GitHub that
 * accepts the connection and never answers would hang the check forever, leaving it `in_progress`.
 * An aborted request surfaces as an Octokit error (retried like a 5xx), then as a completed check
 * saying what failed.
 */
export function fetchWithTimeout(timeoutMs: number, base: typeof fetch = fetch): typeof fetch {
  return (input, init) => {
    const deadline = AbortSignal.timeout(timeoutMs);
    const signal = init?.signal ? AbortSignal.any([init.signal, deadline]) : deadline;
    return base(input, { ...init, signal });
  };
}
