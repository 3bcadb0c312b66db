/**
 * What a check that GitHub let down tells its readers to do, by kind of failure. Pure.
 *
 * The title and summary already say what failed (the error's message names the request, and for a
 * rate limit the limit and when it resets); this is the "what now" line under it.
 */
import type { GitHubApiError } from "../../github/model.js";

export interface FailureAdvice {
  whatToDo: string;
  /** An outage passes under fail-open; a limit of the app (too large to read) never does. */
  outage: boolean;
}

const RERUN = 'Re-run the check (the Re-run button above, or "Re-run" in the Checks tab)';

export function adviceFor(error: GitHubApiError, deliveryId: string): FailureAdvice {
  switch (error.kind) {
    case "rate-limit": {
      const when = error.retryAt ? ` after ${error.retryAt.toISOString()}` : " in a few minutes";
      return {
        whatToDo: `The app's GitHub API rate limit was reached and waiting for it would have kept this check pending too long. ${RERUN}${when}. If this happens often, the installation makes too many requests: tell the app's operators (delivery ${deliveryId}).`,
        outage: true,
      };
    }
    case "too-large":
      return {
        whatToDo: `The app does not read responses this large, so the change could not be checked completely and is not passed. Make the change smaller, or ask the app's operators (delivery ${deliveryId}).`,
        outage: false,
      };
    case "no-response":
    case "malformed":
      return {
        whatToDo: `GitHub did not answer correctly even after retries. ${RERUN}. If it keeps failing, check https://www.githubstatus.com and the app's logs for delivery ${deliveryId}.`,
        outage: true,
      };
    case "http":
      if (error.status >= 500) {
        return {
          whatToDo: `GitHub answered with a server error even after retries. ${RERUN}. If it keeps failing, check https://www.githubstatus.com and the app's logs for delivery ${deliveryId}.`,
          outage: true,
        };
      }
      return {
        whatToDo: `GitHub refused a request the check needs (HTTP ${error.status}). Check that the app is installed on this repository and on the organisation's .github repository with the permissions from app.yml, then re-run the check. Logs: delivery ${deliveryId}.`,
        outage: true,
      };
  }
}
