/**
 * What each subscribed event does, independent of Probot: events in (payload, gateway, logger),
 * background checks out. The Probot app (`src/app.ts`) only routes events here.
 */
import type { Logger } from "pino";
import type { ConfigLoader } from "../pipeline/read/config.js";
import type { GitHubGateway } from "../github/gateway.js";
import type { HeadTracker } from "./head-tracker.js";
import type { JobRunner } from "./job-runner.js";
import type { ManifestStore } from "../pipeline/read/manifest-store.js";
import { RERUN_ACTION } from "../report/checkrun.js";
import { runPipeline, type PipelineDeps, type PipelineReport } from "../pipeline/run.js";
import { targetKey, type CheckTarget } from "../pipeline/target.js";
import { DeliveryLog } from "./delivery-log.js";
import {
  checkRunTargets,
  checkSuiteTargets,
  isBaseChange,
  mergeGroupTarget,
  pullRequestTarget,
  repoOf,
  type Resolution,
} from "../pipeline/read/targets.js";

export interface WebhookEvent {
  /** The delivery id (`X-GitHub-Delivery`): in every log line and in failure messages. */
  id: string;
  name: string;
  payload: Record<string, unknown>;
  gateway: GitHubGateway;
  log: Logger;
}

export interface EventHandlerDeps {
  config: ConfigLoader;
  manifests: ManifestStore;
  heads: HeadTracker;
  runner: JobRunner;
  /** Extra options for every check (annotation cap, retry delays, comment exceptions; tests use a fake clock). */
  pipelineOptions?: Partial<
    Pick<PipelineDeps, "maxAnnotations" | "now" | "completionRetryDelaysMs" | "sleep" | "commentExceptions" | "adoptRunsSince">
  >;
  /** Called with each finished check (tests and metrics). */
  onCheckFinished?: (target: CheckTarget, report: PipelineReport) => void;
  /** Deliveries already handled (a fresh log when absent). */
  deliveries?: DeliveryLog;
}

export class EventHandlers {
  private readonly deliveries: DeliveryLog;

  constructor(private readonly deps: EventHandlerDeps) {
    this.deliveries = deps.deliveries ?? new DeliveryLog();
  }

  /** False for a redelivery of a delivery already handled: logged and ignored (see DeliveryLog). */
  private firstDelivery(event: WebhookEvent, log: Logger): boolean {
    if (this.deliveries.claim(event.id)) return true;
    log.info("redelivery of a delivery already handled: its check run already exists, nothing to do");
    return false;
  }

  /** opened, synchronize, reopened, ready_for_review, edited (base changes only). */
  pullRequest(event: WebhookEvent): void {
    const log = eventLog(event);
    if (event.payload["action"] === "edited" && !isBaseChange(event.payload)) {
      log.debug("pull request edited without a base change: nothing to re-check");
      return;
    }
    const target = pullRequestTarget(event.payload);
    if (!target || target.kind !== "pull_request") {
      log.warn("pull_request payload without repository, number, head SHA or base branch: ignored");
      return;
    }
    const pull = event.payload["pull_request"] as Record<string, unknown>;
    const before =
      event.payload["action"] === "synchronize" && typeof event.payload["before"] === "string" ? event.payload["before"] : undefined;
    this.deps.heads.observe(
      `${target.repo.owner}/${target.repo.repo}`,
      target.number,
      target.headSha,
      typeof pull["updated_at"] === "string" ? pull["updated_at"] : undefined,
      before,
    );
    if (!this.firstDelivery(event, log)) return;
    this.schedule(event, target, log);
  }

  mergeGroup(event: WebhookEvent): void {
    const log = eventLog(event);
    const target = mergeGroupTarget(event.payload);
    if (!target) {
      log.warn("merge_group payload without repository, head SHA, base SHA or base ref: ignored");
      return;
    }
    if (!this.firstDelivery(event, log)) return;
    this.schedule(event, target, log);
  }

  /** check_run.rerequested, and check_run.requested_action for our Re-run button. */
  checkRun(event: WebhookEvent): void {
    const log = eventLog(event);
    if (event.payload["action"] === "requested_action") {
      const identifier = (event.payload["requested_action"] as Record<string, unknown> | undefined)?.["identifier"];
      if (identifier !== RERUN_ACTION.identifier) {
        log.info({ identifier }, "unknown requested action: ignored");
        return;
      }
    }
    this.resolveAndSchedule(event, log, () => checkRunTargets(event.gateway, event.payload));
  }

  checkSuite(event: WebhookEvent): void {
    const log = eventLog(event);
    this.resolveAndSchedule(event, log, () => checkSuiteTargets(event.gateway, event.payload));
  }

  installation(event: WebhookEvent): void {
    const payload = event.payload;
    const installation = payload["installation"] as Record<string, unknown> | undefined;
    const account = (installation?.["account"] as Record<string, unknown> | undefined)?.["login"];
    const names = (key: string): string[] =>
      (Array.isArray(payload[key]) ? (payload[key] as unknown[]) : []).map((repo) =>
        String((repo as Record<string, unknown>)?.["full_name"] ?? "?"),
      );
    eventLog(event).info(
      {
        installationId: installation?.["id"],
        account,
        added: names("repositories_added"),
        removed: names("repositories_removed"),
        repositories: names("repositories"),
      },
      "installation changed",
    );
  }

  private resolveAndSchedule(event: WebhookEvent, log: Logger, resolve: () => Promise<Resolution>): void {
    if (!this.firstDelivery(event, log)) return;
    const repo = repoOf(event.payload);
    this.deps.runner.submit(
      `resolve:${event.id}`,
      async () => {
        let resolution: Resolution;
        try {
          resolution = await resolve();
        } catch (error) {
          log.error({ err: error, repo }, "could not find the pull request to re-check; no check run was created");
          this.deliveries.release(event.id);
          return;
        }
        for (const reason of resolution.skipped) log.info({ reason }, "re-run skipped");
        for (const target of resolution.targets) this.schedule(event, target, log);
      },
      log,
    );
  }

  /**
   * Checks a target in the background. `reason` makes the work distinct from the regular check of the
   * same commit (a comment's re-check must run even while that check is already running, or the
   * comment could be missed by a check that read the comments just before it was posted).
   */
  schedule(event: WebhookEvent, target: CheckTarget, log: Logger, reason?: string): void {
    const key = reason === undefined ? targetKey(target) : `${targetKey(target)}:${reason}`;
    const deps: PipelineDeps = {
      config: this.deps.config,
      manifests: this.deps.manifests,
      log,
      isSuperseded: (candidate) =>
        candidate.kind === "pull_request" &&
        this.deps.heads.isSuperseded(`${candidate.repo.owner}/${candidate.repo.repo}`, candidate.number, candidate.headSha),
      ...this.deps.pipelineOptions,
    };
    this.deps.runner.submit(
      key,
      async () => {
        let report: PipelineReport | undefined;
        try {
          report = await runPipeline(event.gateway, target, deps, event.id);
          this.deps.onCheckFinished?.(target, report);
          if (report.followUp) this.deps.runner.submit(`${key}:follow-up`, report.followUp, log);
        } finally {
          // No verdict reached GitHub: a redelivery of this event may retry.
          if (!report || !report.published || report.retryable) this.deliveries.release(event.id);
        }
      },
      log,
    );
  }
}

function eventLog(event: WebhookEvent): Logger {
  const action = event.payload["action"];
  return event.log.child({ deliveryId: event.id, event: typeof action === "string" ? `${event.name}.${action}` : event.name });
}
