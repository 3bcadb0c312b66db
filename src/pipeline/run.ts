/**
 * One check of a pull request or merge group, in three steps:
 *
 * 1. read (read/): the org config (it names the check run, so it is read first), then, once the
 *    check run exists `in_progress`, everything else into one snapshot (read/snapshot.ts);
 * 2. decide (decide/): pure: the verdict, the check run's content, the replies to post;
 * 3. write (write/): the replies, then the check run's completion.
 *
 * The check run is never left `in_progress`: once it exists, whatever happens (GitHub error,
 * timeout, invalid config, a bug) ends in a completing write, with a fallback write if that fails.
 * Reading a pull request's comments and answering them happen under one lock per pull request, so
 * two evaluations at once never answer the same command twice.
 */
import type { Logger } from "pino";
import { DEFAULT_CHECK_NAME } from "../config/defaults.js";
import type { FailureMode, OrgLayer } from "../config/types.js";
import { buildCheckRun, type CheckOutcome, type CheckRunResult } from "../report/checkrun.js";
import { decide, type Plan } from "./decide/decide.js";
import { failureOutcome, supersededResult } from "./decide/failure.js";
import type { GitHubGateway } from "../github/gateway.js";
import type { KeyedLock } from "./keyed-lock.js";
import type { ConfigLoader } from "./read/config.js";
import type { ManifestStore } from "./read/manifest-store.js";
import { readSnapshot } from "./read/snapshot.js";
import { SupersededError, confirmedNewerHead } from "./read/superseded.js";
import { describeTarget, pullNumberOf, type CheckTarget } from "./target.js";
import { createCheckRun, createCompletedCheckRun, findStartedRun, publishCheckRun } from "./write/check-run.js";
import { postReplies } from "./write/replies.js";
import { postSuggestions } from "./write/review.js";
import type { SuggestionPlan } from "../suggestions/plan.js";

export interface PipelineDeps {
  config: ConfigLoader;
  manifests: ManifestStore;
  log: Logger;
  now?: () => Date;
  maxAnnotations?: number;
  /** True when a newer head of the same pull request is known: the work is skipped. */
  isSuperseded?: (target: CheckTarget) => boolean;
  /** Waits between attempts to complete a check run whose completing write failed. */
  completionRetryDelaysMs?: readonly number[];
  sleep?: (ms: number) => Promise<void>;
  /**
   * `/policy-exception` commands in pull request comments: read, applied and answered when set (the
   * app always sets it). The lock is shared by every check of the process.
   */
  commentExceptions?: { lock: Pick<KeyedLock, "run"> };
  /**
   * Set when this work may have been started before by a worker that died (a queue retry): a run of
   * this head and target started at or after this time (ISO) is adopted instead of creating another.
   */
  adoptRunsSince?: string;
}

export interface PipelineReport {
  status: "completed" | "skipped" | "not-created";
  checkRunId?: number;
  conclusion?: string;
  title?: string;
  /** Blob reads for manifests (cache misses). */
  blobsFetched: number;
  /** Whether the completing write (or a fallback) reached GitHub. */
  published: boolean;
  /** The check could not judge the change because of an outage: running it again may succeed. */
  retryable?: boolean;
  /** Writes that follow the completed check (the review of suggested changes); never fail, never change the check. */
  followUp?: () => Promise<void>;
}

export async function runPipeline(
  gateway: GitHubGateway,
  target: CheckTarget,
  deps: PipelineDeps,
  deliveryId: string,
): Promise<PipelineReport> {
  const log = deps.log.child({ target: describeTarget(target), headSha: target.headSha });
  const now = deps.now ?? (() => new Date());

  // A hint from webhook order; GitHub confirms it below, once the check's name is known.
  const maybeSuperseded = deps.isSuperseded?.(target) ?? false;

  // The org config names the check, so it is read before the check run exists. If it cannot be read,
  // the default name is used and the run fails closed with the reason.
  let org: OrgLayer | undefined;
  let orgError: unknown;
  try {
    org = await deps.config.loadOrg(gateway, target.repo.owner);
  } catch (error) {
    orgError = error;
  }
  const usable = org && org.problems.length === 0 ? org.config : undefined;
  const checkName = usable?.check.name ?? DEFAULT_CHECK_NAME;
  const failureMode: FailureMode = usable?.check.failureMode ?? "fail-closed";

  // A retry (adoptRunsSince) takes the normal path, which adopts the run an earlier try created and
  // completes it superseded there: a second, separate cancelled run would break one run per head.
  if (maybeSuperseded && deps.adoptRunsSince === undefined) {
    const newerHead = await confirmedNewerHead(gateway, target, log);
    if (newerHead) return completeAsSuperseded(gateway, target, checkName, newerHead, now, log);
  }

  let checkRunId: number;
  try {
    const adopted = deps.adoptRunsSince !== undefined ? await findStartedRun(gateway, target, checkName, deps.adoptRunsSince) : undefined;
    if (adopted !== undefined) log.info({ checkRunId: adopted }, "adopting the check run an earlier attempt created");
    checkRunId = adopted ?? (await createCheckRun(gateway, target, checkName, now().toISOString()));
  } catch (error) {
    // Nothing exists that could be left in_progress; a required check stays pending (blocking).
    log.error({ err: error }, "could not create the check run");
    return { status: "not-created", blobsFetched: 0, published: false };
  }
  log.info({ checkRunId, checkName }, "check run created");

  let outcome: CheckOutcome;
  let checkRun: CheckRunResult;
  let suggestions: SuggestionPlan | undefined;
  let blobsFetched = 0;
  let superseded = false;
  try {
    if (orgError !== undefined || !org) throw orgError;
    const layer = org;
    const plan = await underCommentLock(target, deps, async () => {
      const snapshot = await readSnapshot(gateway, target, layer, {
        config: deps.config,
        manifests: deps.manifests,
        readComments: deps.commentExceptions !== undefined,
      });
      blobsFetched =
        snapshot.manifests.blobsFetched +
        snapshot.namespaces.blobsFetched +
        (snapshot.baseline?.kind === "read" ? snapshot.baseline.blobsFetched : 0);
      const decided = decide(snapshot, {
        now: now(),
        ...(deps.maxAnnotations !== undefined ? { maxAnnotations: deps.maxAnnotations } : {}),
      });
      if (snapshot.comments && decided.replies.length > 0)
        await postReplies(gateway, target.repo, snapshot.comments.pullNumber, decided.replies, log);
      logExceptions(decided, snapshot.comments?.facts?.verified, log);
      return decided;
    });
    outcome = plan.outcome;
    checkRun = plan.checkRun;
    suggestions = plan.suggestions;
  } catch (error) {
    if (error instanceof SupersededError) {
      log.info({ newerHead: error.newerHead }, "superseded while checking: the run completes as cancelled");
      superseded = true;
      outcome = failureOutcome(error, failureMode, deliveryId);
      checkRun = supersededResult(target, error.newerHead);
    } else {
      log.error({ err: error }, "check could not be completed normally");
      outcome = failureOutcome(error, failureMode, deliveryId);
      checkRun = safeBuild(outcome, deps, log);
    }
  }

  const published = await publishCheckRun(gateway, target, checkRunId, checkRun, {
    failureMode,
    log,
    ...(deps.completionRetryDelaysMs ? { retryDelaysMs: deps.completionRetryDelaysMs } : {}),
    ...(deps.sleep ? { sleep: deps.sleep } : {}),
  });
  log.info(
    {
      checkRunId,
      conclusion: checkRun.conclusion,
      title: checkRun.title,
      annotations: checkRun.annotations.length,
      blobsFetched,
      published,
    },
    "check run completed",
  );
  // After the check is complete: the review points at findings the check run already shows. It is a
  // follow-up of its own, so that a re-run clicked meanwhile starts a new check instead of joining this one.
  const pullNumber = pullNumberOf(target);
  let followUp: (() => Promise<void>) | undefined;
  if (suggestions && published && !superseded && target.kind === "pull_request" && pullNumber !== undefined) {
    const plan = suggestions;
    followUp = () => underCommentLock(target, deps, () => postSuggestions(gateway, target.repo, pullNumber, plan, log));
  }
  // A superseded commit's run is final: running it again cannot give it a verdict.
  const retryable = !superseded && outcome.kind === "not-evaluated" && outcome.retryable;
  return {
    status: "completed",
    checkRunId,
    conclusion: checkRun.conclusion,
    title: checkRun.title,
    blobsFetched,
    published,
    retryable,
    ...(followUp ? { followUp } : {}),
  };
}

/** The pull request whose comments the check reads and answers: one evaluation of it at a time. */
function underCommentLock<T>(target: CheckTarget, deps: PipelineDeps, work: () => Promise<T>): Promise<T> {
  const number = pullNumberOf(target);
  if (!deps.commentExceptions || number === undefined) return work();
  return deps.commentExceptions.lock.run(`${target.repo.owner}/${target.repo.repo}#${number}`.toLowerCase(), work);
}

/** Even a bug in the report must not leave the run in progress. */
function safeBuild(outcome: CheckOutcome, deps: PipelineDeps, log: Logger): CheckRunResult {
  try {
    return buildCheckRun(outcome, deps.maxAnnotations !== undefined ? { maxAnnotations: deps.maxAnnotations } : {});
  } catch (error) {
    log.error({ err: error }, "building the check result failed");
    return buildCheckRun({
      kind: "not-evaluated",
      reason: "internal error while building the result",
      whatToDo: "Re-run the check.",
      conclusion: "failure",
      retryable: true,
      notes: [],
    });
  }
}

function logExceptions(plan: Plan, verified: number | undefined, log: Logger): void {
  const derived = plan.verdict?.exceptions.fromComments;
  if (!derived) return;
  log.info(
    { verified, replies: plan.replies.length, active: derived.active.length, recorded: derived.toRecord.length },
    "exception commands evaluated",
  );
}

async function completeAsSuperseded(
  gateway: GitHubGateway,
  target: CheckTarget,
  checkName: string,
  newerHead: string,
  now: () => Date,
  log: Logger,
): Promise<PipelineReport> {
  try {
    const id = await createCompletedCheckRun(gateway, target, checkName, supersededResult(target, newerHead), now().toISOString());
    log.info({ checkRunId: id, newerHead }, "superseded: check run completed as cancelled without checking");
    return { status: "skipped", checkRunId: id, conclusion: "cancelled", blobsFetched: 0, published: true };
  } catch (error) {
    log.warn({ err: error }, "superseded: could not record it on the commit (no check run was created)");
    return { status: "skipped", blobsFetched: 0, published: false };
  }
}
