/**
 * The write step's check-run writes: create the run, complete it with the planned result, and the
 * fallbacks that make sure it is never left `in_progress`.
 *
 * Each check run belongs to one head SHA, so a slow check of an old commit can only ever complete
 * its own run and never overwrite the result of a newer push.
 */
import type { Logger } from "pino";
import type { FailureMode } from "../../config/types.js";
import type { GitHubGateway } from "../../github/gateway.js";
import { GitHubApiError } from "../../github/model.js";
import { MAX_OUTPUT_CHARS, truncateText } from "../../report/limits.js";
import { planCheckRunUpdates, type CheckRunResult } from "../../report/checkrun.js";
import { adviceFor } from "../decide/failure-advice.js";
import { externalIdOf, type CheckTarget } from "../target.js";

export async function createCheckRun(gateway: GitHubGateway, target: CheckTarget, name: string, startedAt: string): Promise<number> {
  const { id } = await gateway.createCheckRun(target.repo, { name, headSha: target.headSha, externalId: externalIdOf(target), startedAt });
  return id;
}

/**
 * The run of this head and target (same name and external id) started at or after `since`, if any:
 * a retried queue job finds the run its dead predecessor created, so each head keeps one run.
 */
export async function findStartedRun(
  gateway: GitHubGateway,
  target: CheckTarget,
  name: string,
  since: string,
): Promise<number | undefined> {
  const externalId = externalIdOf(target);
  // Start times have second precision on GitHub.
  const from = Math.floor(Date.parse(since) / 1000) * 1000;
  const runs = await gateway.listCheckRunsForRef(target.repo, target.headSha);
  const mine = runs.filter(
    (run) => run.name === name && run.externalId === externalId && typeof run.startedAt === "string" && Date.parse(run.startedAt) >= from,
  );
  return mine.sort((a, b) => a.id - b.id)[0]?.id;
}

/** A run created already completed (one write): for a commit that is superseded before it is checked. */
export async function createCompletedCheckRun(
  gateway: GitHubGateway,
  target: CheckTarget,
  name: string,
  result: CheckRunResult,
  at: string,
): Promise<number> {
  const { id } = await gateway.createCheckRun(target.repo, {
    name,
    headSha: target.headSha,
    externalId: externalIdOf(target),
    startedAt: at,
    completedAt: at,
    conclusion: result.conclusion,
    output: { title: result.title, summary: result.summary },
  });
  return id;
}

function isOutage(error: unknown): boolean {
  return error instanceof GitHubApiError && adviceFor(error, "").outage;
}

export interface PublishOptions {
  failureMode: FailureMode;
  log: Logger;
  /** Waits between attempts to complete a check run whose completing write failed. */
  retryDelaysMs?: readonly number[];
  sleep?: (ms: number) => Promise<void>;
}

/**
 * Runs the planned writes; if any fails, completes the run without the rest of the annotations,
 * saying so, and as a last resort with a bare failure. GitHub's own 5xx retries already happened.
 * True when the run was completed.
 */
export async function publishCheckRun(
  gateway: GitHubGateway,
  target: CheckTarget,
  checkRunId: number,
  result: CheckRunResult,
  options: PublishOptions,
): Promise<boolean> {
  const { log } = options;
  let failure: unknown;
  try {
    // No completed_at: GitHub stamps it with its own clock, the one that stamps comments (see planCheckRunUpdates).
    for (const update of planCheckRunUpdates(result)) {
      await gateway.updateCheckRun(target.repo, checkRunId, update);
    }
    return true;
  } catch (error) {
    failure = error;
    log.warn({ err: error, checkRunId }, "publishing the check result failed; completing it without annotations");
  }

  const reason = failure instanceof Error ? failure.message : String(failure);
  const fallbacks = [
    // The result stands (a deny is still a deny); only some annotations are missing.
    {
      conclusion: result.conclusion,
      title: result.title,
      summary: truncateText(
        `${result.summary}\n\n> **Note:** some annotations could not be published (${reason}). Re-run the check to see them all.`,
        MAX_OUTPUT_CHARS,
      ),
    },
    {
      // A verdict that blocks stays blocking; only a GitHub outage may turn a pass into neutral.
      conclusion:
        result.conclusion === "success" && options.failureMode === "fail-open" && isOutage(failure)
          ? ("neutral" as const)
          : ("failure" as const),
      title: "Not checked: the result could not be published",
      summary: `The check could not publish its result: ${reason.slice(0, 1000)}. Re-run the check.`,
    },
  ];
  const delays = options.retryDelaysMs ?? [0, 2000, 10000];
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  for (const [attempt, delay] of delays.entries()) {
    const fallback = fallbacks[Math.min(attempt, fallbacks.length - 1)] as (typeof fallbacks)[number];
    if (delay > 0) await sleep(delay);
    try {
      await gateway.updateCheckRun(target.repo, checkRunId, {
        status: "completed",
        conclusion: fallback.conclusion,
        output: { title: fallback.title, summary: fallback.summary },
      });
      return true;
    } catch (error) {
      log.warn({ err: error, checkRunId, attempt }, "fallback completion of the check run failed");
    }
  }
  log.error({ checkRunId }, "the check run could not be completed; it stays in_progress until re-run");
  return false;
}
