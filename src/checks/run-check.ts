/**
 * One check, end to end: org config -> check run created `in_progress` -> repo config and policies
 * -> changed files -> manifests (cached by blob SHA) -> evaluate -> check run completed.
 *
 * The check run is never left `in_progress`: once it exists, whatever happens (GitHub error,
 * timeout, invalid config, a bug) ends in a completing write, with a fallback write if that fails.
 * Each check run belongs to one head SHA, so a slow check of an old commit can only ever complete
 * its own run and never overwrite the result of a newer push.
 */
import type { Logger } from "pino";
import { DEFAULT_CHECK_NAME } from "../config/defaults.js";
import type { ConfigLoader, OrgLayer, ResolvedConfig } from "../config/load.js";
import type { FailureMode } from "../config/types.js";
import { GitHubApiError, type ChangedFile, type GitHubGateway } from "../github/gateway.js";
import { adviceFor } from "./failure-advice.js";
import { SupersededError, completeAsSuperseded, confirmedNewerHead, listedForAnotherHead, supersededResult } from "./superseded.js";
import { withConfiguredKinds } from "../manifests/pod-templates.js";
import type { InputError } from "../manifests/types.js";
import { evaluate } from "../policy/engine.js";
import type { Finding } from "../policy/types.js";
import { buildCheckRun, planCheckRunUpdates, type CheckOutcome, type CheckRunResult } from "../report/checkrun.js";
import { MAX_OUTPUT_CHARS, truncateText } from "../report/limits.js";
import type { ManifestStore } from "./manifest-store.js";
import { changedRuleFiles, selectManifestFiles } from "./select-files.js";
import { skippedManifestNotes } from "./skipped-files.js";
import { describeTarget, externalIdOf, type CheckTarget } from "./target.js";

/** GitHub serves at most 3000 files of a pull request. */
export const MAX_PULL_REQUEST_FILES = 3000;
/** The compare API returns at most 300 files. */
export const MAX_COMPARE_FILES = 300;

/**
 * A step between evaluation and reporting: the exception feature plugs in here (it reads the pull
 * request's comments, answers commands, marks excused findings, and adds its summary section). It
 * also runs when no manifest changed, so that commands are still answered. Throwing fails the check
 * like any other error.
 */
export type AmendFindings = (input: {
  gateway: GitHubGateway;
  target: CheckTarget;
  config: ResolvedConfig;
  findings: readonly Finding[];
  log: Logger;
  now: Date;
}) => Promise<{ findings: Finding[]; notes?: string[]; sections?: string[] }>;

export interface CheckDeps {
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
  amendFindings?: AmendFindings;
}

export interface CheckReport {
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
}

export async function runCheck(gateway: GitHubGateway, target: CheckTarget, deps: CheckDeps, deliveryId: string): Promise<CheckReport> {
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

  if (maybeSuperseded) {
    const newerHead = await confirmedNewerHead(gateway, target, log);
    if (newerHead) return completeAsSuperseded(gateway, target, { checkName, newerHead, now, log });
  }

  let checkRunId: number;
  try {
    ({ id: checkRunId } = await gateway.createCheckRun(target.repo, {
      name: checkName,
      headSha: target.headSha,
      externalId: externalIdOf(target),
      startedAt: now().toISOString(),
    }));
  } catch (error) {
    // Nothing exists that could be left in_progress; a required check stays pending (blocking).
    log.error({ err: error }, "could not create the check run");
    return { status: "not-created", blobsFetched: 0, published: false };
  }
  log.info({ checkRunId, checkName }, "check run created");

  let outcome: CheckOutcome;
  let blobsFetched = 0;
  let supersededBy: string | undefined;
  try {
    if (orgError !== undefined || !org) throw orgError;
    const evaluated = await evaluateTarget(gateway, target, org, deps);
    outcome = evaluated.outcome;
    blobsFetched = evaluated.blobsFetched;
  } catch (error) {
    if (error instanceof SupersededError) {
      supersededBy = error.newerHead;
      log.info({ newerHead: supersededBy }, "superseded while checking: the run completes as cancelled");
    } else log.error({ err: error }, "check could not be completed normally");
    outcome = failureOutcome(error, failureMode, deliveryId);
  }

  let result: CheckRunResult;
  try {
    result = supersededBy ? supersededResult(target, supersededBy) : buildCheckRun(outcome, deps.maxAnnotations !== undefined ? { maxAnnotations: deps.maxAnnotations } : {});
  } catch (error) {
    // Even a bug in the report must not leave the run in progress.
    log.error({ err: error }, "building the check result failed");
    result = buildCheckRun(failureOutcome(error, failureMode, deliveryId));
  }
  const published = await publish(gateway, target, checkRunId, result, failureMode, deps, log, now);
  log.info({ checkRunId, conclusion: result.conclusion, title: result.title, annotations: result.annotations.length, blobsFetched, published }, "check run completed");
  const retryable = outcome.kind === "not-evaluated" && outcome.retryable;
  return { status: "completed", checkRunId, conclusion: result.conclusion, title: result.title, blobsFetched, published, retryable };
}

async function evaluateTarget(
  gateway: GitHubGateway,
  target: CheckTarget,
  org: OrgLayer,
  deps: CheckDeps,
): Promise<{ outcome: CheckOutcome; blobsFetched: number }> {
  const notEvaluated = (reason: string, whatToDo: string): { outcome: CheckOutcome; blobsFetched: number } => ({
    // A limit is not an outage: fail-open must not let a huge change through unchecked.
    outcome: { kind: "not-evaluated", reason, whatToDo, conclusion: "failure", retryable: false, notes: [] },
    blobsFetched: 0,
  });

  let changed: ChangedFile[];
  if (target.kind === "pull_request") {
    if ((target.changedFiles ?? 0) > MAX_PULL_REQUEST_FILES) {
      return notEvaluated(
        `the pull request changes ${target.changedFiles} files, and GitHub lists at most ${MAX_PULL_REQUEST_FILES}`,
        "split the pull request so that each part changes at most 3000 files; a change that cannot be checked completely is not passed.",
      );
    }
    changed = await gateway.listPullRequestFiles(target.repo, target.number);
    // GitHub lists the current head's files: if that is no longer this commit, its verdict is not ours to give.
    const newerHead = listedForAnotherHead(changed, target.headSha);
    if (newerHead) throw new SupersededError(newerHead);
    if (changed.length >= MAX_PULL_REQUEST_FILES) {
      return notEvaluated(
        `the pull request changes ${MAX_PULL_REQUEST_FILES} files or more, the most GitHub lists`,
        "split the pull request so that each part changes fewer than 3000 files; a change that cannot be checked completely is not passed.",
      );
    }
  } else {
    changed = await gateway.compareCommits(target.repo, target.baseSha, target.headSha);
    if (changed.length >= MAX_COMPARE_FILES) {
      return notEvaluated(
        `the merge group changes ${MAX_COMPARE_FILES} files or more, the most GitHub's compare API returns`,
        "merge fewer pull requests at once (lower the merge queue's group size), or merge this change without the queue after its pull request check passed.",
      );
    }
  }

  const resolved = await deps.config.resolve(gateway, target.repo, target.baseRef, org);
  const notes = ruleChangeNotes(changed, resolved.protectedFiles, target);
  if (resolved.problems.length > 0) return { outcome: { kind: "config-error", problems: resolved.problems, notes }, blobsFetched: 0 };

  const sections: string[] = [];
  const amend = async (found: Finding[]): Promise<Finding[]> => {
    if (!deps.amendFindings) return found;
    const amended = await deps.amendFindings({ gateway, target, config: resolved, findings: found, log: deps.log, now: (deps.now ?? (() => new Date()))() });
    notes.push(...(amended.notes ?? []));
    sections.push(...(amended.sections ?? []));
    return amended.findings;
  };
  const noManifests = async (fetched: number): Promise<{ outcome: CheckOutcome; blobsFetched: number }> => {
    await amend([]);
    return { outcome: { kind: "no-manifests", changedFiles: changed.length, policies: resolved.applied, notes, sections }, blobsFetched: fetched };
  };

  const skipped = await skippedManifestNotes(gateway, target.repo, changed, resolved.selection, target.headSha, deps.manifests);
  notes.push(...skipped.notes);
  const selected = selectManifestFiles(changed, resolved.selection);
  if (selected.length === 0) return noManifests(skipped.fetched);
  const { files, notManifests, fetched: selectedFetched, notes: fileNotes } = await deps.manifests.load(gateway, target.repo, selected, target.headSha);
  const fetched = selectedFetched + skipped.fetched;
  notes.push(...fileNotes);
  if (notManifests.length > 0) notes.push(notManifestNote(notManifests));
  if (files.length === 0) return noManifests(fetched);
  const evaluation = evaluate(files, resolved.policies, { podTemplateKinds: withConfiguredKinds(resolved.org.podTemplates) });
  notes.push(...(evaluation.notices ?? []).map(noticeNote));
  const findings = await amend(evaluation.findings);
  return {
    outcome: {
      kind: "evaluated",
      findings,
      errors: evaluation.errors,
      summary: evaluation.summary,
      policies: resolved.applied,
      notes,
      sections,
    },
    blobsFetched: fetched,
  };
}

function noticeNote(notice: InputError): string {
  return `\`${notice.file.replace(/`/g, "")}\` line ${notice.line}: ${notice.message}`;
}

function notManifestNote(files: readonly string[]): string {
  const listed = files.slice(0, 10).map((file) => `\`${file.replace(/`/g, "")}\``).join(", ") + (files.length > 10 ? ` and ${files.length - 10} more` : "");
  return `${files.length} changed ${files.length === 1 ? "file matches" : "files match"} the manifest globs but ${files.length === 1 ? "holds" : "hold"} no Kubernetes object (no document has apiVersion or kind), so ${files.length === 1 ? "it was" : "they were"} not checked: ${listed}.`;
}

/** A pull request cannot change the rules that judge it: say so when it tries. */
function ruleChangeNotes(changed: readonly ChangedFile[], protectedFiles: { configPath: string; policyGlobs: string[] }, target: CheckTarget): string[] {
  if (target.kind !== "pull_request") return [];
  const edited = changedRuleFiles(changed, protectedFiles.configPath, protectedFiles.policyGlobs);
  if (edited.length === 0) return [];
  const listed = edited.slice(0, 5).map((file) => `\`${file.replace(/`/g, "")}\``).join(", ") + (edited.length > 5 ? ` and ${edited.length - 5} more` : "");
  return [
    `this pull request changes the policy configuration (${listed}). It was judged by the rules on the base branch \`${target.baseRef.replace(/`/g, "")}\`; the changes take effect once merged.`,
  ];
}

/**
 * Fail-open applies to GitHub outages only: an internal error (a bug, bad input that slipped past
 * the reader) is not an outage, and letting it pass would let the input that caused it through.
 */
function failureOutcome(error: unknown, failureMode: FailureMode, deliveryId: string): CheckOutcome {
  if (error instanceof GitHubApiError) {
    const advice = adviceFor(error, deliveryId);
    return {
      kind: "not-evaluated",
      reason: `GitHub API error while ${error.message}`,
      whatToDo: advice.whatToDo,
      conclusion: outageConclusion(failureMode, advice.outage),
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

function outageConclusion(failureMode: FailureMode, outage: boolean): "neutral" | "failure" {
  return failureMode === "fail-open" && outage ? "neutral" : "failure";
}

function isOutage(error: unknown, deliveryId: string): boolean {
  return error instanceof GitHubApiError && adviceFor(error, deliveryId).outage;
}

/**
 * Runs the planned writes; if any fails, completes the run without the rest of the annotations,
 * saying so, and as a last resort with a bare failure. GitHub's own 5xx retries already happened.
 */
async function publish(
  gateway: GitHubGateway,
  target: CheckTarget,
  checkRunId: number,
  result: CheckRunResult,
  failureMode: FailureMode,
  deps: CheckDeps,
  log: Logger,
  now: () => Date,
): Promise<boolean> {
  let failure: unknown;
  try {
    for (const update of planCheckRunUpdates(result, now().toISOString())) {
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
      summary: truncateText(`${result.summary}\n\n> **Note:** some annotations could not be published (${reason}). Re-run the check to see them all.`, MAX_OUTPUT_CHARS),
    },
    {
      // A verdict that blocks stays blocking; only a GitHub outage may turn a pass into neutral.
      conclusion: result.conclusion === "success" ? outageConclusion(failureMode, isOutage(failure, "")) : ("failure" as const),
      title: "Not checked: the result could not be published",
      summary: `The check could not publish its result: ${reason.slice(0, 1000)}. Re-run the check.`,
    },
  ];
  const delays = deps.completionRetryDelaysMs ?? [0, 2000, 10000];
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  for (const [attempt, delay] of delays.entries()) {
    const fallback = fallbacks[Math.min(attempt, fallbacks.length - 1)] as (typeof fallbacks)[number];
    if (delay > 0) await sleep(delay);
    try {
      await gateway.updateCheckRun(target.repo, checkRunId, {
        status: "completed",
        conclusion: fallback.conclusion,
        completedAt: now().toISOString(),
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
