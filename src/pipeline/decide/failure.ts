/**
 * What a check that could not reach a verdict shows. Pure. Only an outage of GitHub may pass under an
 * organisation's fail-open; an internal error (a bug, a broken install) is never taken for an
 * outage: it always fails, with a Re-run button.
 */
import type { FailureMode } from "../../config/types.js";
import { GitHubApiError } from "../../github/model.js";
import type { CheckOutcome, CheckRunResult } from "../../report/checkrun.js";
import { pullNumberOf, type CheckTarget } from "../target.js";
import { adviceFor } from "./failure-advice.js";

export function failureOutcome(error: unknown, failureMode: FailureMode, deliveryId: string): CheckOutcome {
  if (error instanceof GitHubApiError) {
    const conclusion = failureMode === "fail-open" ? "neutral" : "failure";
    const advice = adviceFor(error, deliveryId);
    return {
      kind: "not-evaluated",
      reason: `GitHub API error while ${error.message}`,
      whatToDo: advice.whatToDo,
      conclusion: advice.outage ? conclusion : "failure",
      retryable: advice.outage,
      notes: [],
    };
  }
  const message = error instanceof Error ? error.message : String(error);
  return {
    kind: "not-evaluated",
    reason: `internal error: ${message}`,
    whatToDo: `Re-run the check. If it fails again, report it to the app's operators with delivery id ${deliveryId}.`,
    conclusion: "failure",
    retryable: true,
    notes: [],
  };
}

/** A commit that is no longer its pull request's head: completed `cancelled`, unjudged (see read/superseded.ts). */
export function supersededResult(target: CheckTarget, newerHead: string): CheckRunResult {
  const pullNumber = pullNumberOf(target);
  const number = pullNumber === undefined ? "" : ` #${pullNumber}`;
  return {
    conclusion: "cancelled",
    title: `Superseded by ${newerHead.slice(0, 7)}`,
    summary:
      `This commit is no longer the head of pull request${number}: ${newerHead} is, and that commit's own check run reports the result.\n\n` +
      "This commit was not checked. Should it become the head again, it is checked then.",
    annotations: [],
    omittedAnnotations: 0,
  };
}
