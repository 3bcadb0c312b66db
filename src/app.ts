/**
 * The Probot app: event routing only. Each subscribed event goes to `EventHandlers` with a GitHub
 * gateway built from the event's installation-authenticated Octokit; the handlers start the check in
 * the background and the webhook is answered immediately.
 *
 * With a queue (`enqueue`, REDIS_URL set: src/queue, wired by src/server.ts), each subscribed delivery
 * is only stored on the queue, and `work` runs it later on whichever replica takes the job: the same
 * handlers, awaited to the end, with a failure thrown so that the queue retries it.
 *
 * Issue comments carry `/policy-exception` commands: `CommentHandlers` acknowledges them and re-checks
 * the pull request, whose check reads, applies and answers them (src/pipeline).
 */
import type { ApplicationFunction, Context, Probot } from "probot";
import { ConfigLoader } from "./pipeline/read/config.js";
import { HeadTracker } from "./app/head-tracker.js";
import { JobRunner } from "./app/job-runner.js";
import { ManifestStore } from "./pipeline/read/manifest-store.js";
import { OctokitGateway, type OctokitRequester } from "./github/octokit-gateway.js";
import type { GitHubGateway } from "./github/gateway.js";
import { EventHandlers, type EventHandlerDeps, type WebhookEvent } from "./app/event-handlers.js";
import { CommentHandlers } from "./app/comment-handlers.js";
import { shippedPolicySources } from "./app/shipped-sources.js";
import { KeyedLock } from "./pipeline/keyed-lock.js";
import { AppIdentity } from "./github/app-identity.js";

export interface AppOptions {
  /** Checks run at once (the rest wait in order); JobRunner's default when absent. */
  maxConcurrentChecks?: number;
  config?: ConfigLoader;
  manifests?: ManifestStore;
  heads?: HeadTracker;
  /** Builds the GitHub port from the event's Octokit (tests substitute a fake). */
  gatewayFor?: (octokit: Context["octokit"]) => GitHubGateway;
  pipelineOptions?: EventHandlerDeps["pipelineOptions"];
  onCheckFinished?: EventHandlerDeps["onCheckFinished"];
  /** Queue mode: stores a delivery durably; the webhook is answered once it resolves. */
  enqueue?: (delivery: Delivery) => Promise<unknown>;
  /** Queue mode: the pull request lock shared by all replicas (comment replies). */
  commentLock?: Pick<KeyedLock, "run">;
}

/** A webhook as the queue keeps it. */
export interface Delivery {
  id: string;
  name: string;
  payload: Record<string, unknown>;
}

/** Which try of a queued delivery this is; after the first, runs an earlier try created are adopted. */
export interface DeliveryAttempt {
  started: number;
  enqueuedAt: string;
}

const PULL_REQUEST_EVENTS = ["opened", "synchronize", "reopened", "ready_for_review", "edited"];
const CHECK_RUN_EVENTS = ["rerequested", "requested_action"];
const COMMENT_EVENTS = ["created", "edited", "deleted"];

export interface KubePolicyApp {
  app: ApplicationFunction;
  /** Background checks: `drain()` on shutdown, and in tests to wait for results. */
  runner: () => JobRunner | undefined;
  /** Queue mode: works one queued delivery to the end; throws when it should be tried again. */
  work: (delivery: Delivery, attempt: DeliveryAttempt) => Promise<void>;
}

export function createKubePolicyApp(options: AppOptions = {}): KubePolicyApp {
  let runner: JobRunner | undefined;
  let work: KubePolicyApp["work"] = () => Promise.reject(new Error("the app is not loaded yet"));
  const app: ApplicationFunction = (probot: Probot) => {
    runner = new JobRunner(probot.log.child({ name: "checks" }), options.maxConcurrentChecks);
    const shared = {
      config: options.config ?? new ConfigLoader({ shippedSources: shippedPolicySources }),
      manifests: options.manifests ?? new ManifestStore(),
      heads: options.heads ?? new HeadTracker(),
      // One lock for the process (or, with a queue, for all replicas): one pull request's comments are
      // answered by one evaluation at a time.
      lock: options.commentLock ?? new KeyedLock(),
    };
    const handlersWith = (
      jobs: JobRunner,
      extra: Partial<EventHandlerDeps> = {},
    ): { handlers: EventHandlers; comments: CommentHandlers } => {
      const handlers = new EventHandlers({
        config: shared.config,
        manifests: shared.manifests,
        heads: shared.heads,
        runner: jobs,
        pipelineOptions: { commentExceptions: { lock: shared.lock }, ...options.pipelineOptions, ...extra.pipelineOptions },
        ...(options.onCheckFinished ? { onCheckFinished: options.onCheckFinished } : {}),
        ...(extra.onCheckFinished ? { onCheckFinished: extra.onCheckFinished } : {}),
        ...(extra.deliveries ? { deliveries: extra.deliveries } : {}),
      });
      return { handlers, comments: new CommentHandlers({ checks: handlers, runner: jobs }) };
    };
    // GET /app needs the app's JWT: `probot.auth()` without an installation id authenticates as the app.
    const identity = new AppIdentity(async () => (await probot.auth()) as unknown as OctokitRequester);
    const gatewayFor = options.gatewayFor ?? ((octokit) => new OctokitGateway(octokit as unknown as OctokitRequester, identity));
    const event = (context: Context): WebhookEvent => ({
      id: context.id,
      name: context.name,
      payload: context.payload as unknown as Record<string, unknown>,
      gateway: gatewayFor(context.octokit),
      log: context.log,
    });

    const enqueue = options.enqueue;
    if (enqueue) {
      // Queue mode: a subscribed delivery is stored, nothing else; the webhook is answered once Redis has it.
      probot.onAny(async (context) => {
        const payload = context.payload as unknown as Record<string, unknown>;
        if (!subscribed(context.name, payload["action"])) return;
        await enqueue({ id: context.id, name: context.name, payload });
      });
      work = async (delivery, attempt) => {
        const installationId = (delivery.payload["installation"] as Record<string, unknown> | undefined)?.["id"];
        const octokit = (await probot.auth(
          typeof installationId === "number" ? installationId : undefined,
        )) as unknown as Context["octokit"];
        const log = probot.log.child({ name: "queue", attempt: attempt.started });
        const jobs = new JobRunner(log, options.maxConcurrentChecks);
        const unfinished: string[] = [];
        const { handlers, comments } = handlersWith(jobs, {
          ...(attempt.started > 1 ? { pipelineOptions: { adoptRunsSince: attempt.enqueuedAt } } : {}),
          onCheckFinished: (target, report) => {
            options.onCheckFinished?.(target, report);
            if (!report.published || report.retryable) unfinished.push(`${report.status}${report.retryable ? " (retryable)" : ""}`);
          },
        });
        route({ id: delivery.id, name: delivery.name, payload: delivery.payload, gateway: gatewayFor(octokit), log }, handlers, comments);
        await jobs.drain();
        if (unfinished.length > 0)
          throw new Error(`delivery ${delivery.id}: no verdict reached GitHub (${unfinished.join(", ")}); the queue tries again`);
      };
      return;
    }

    const { handlers, comments } = handlersWith(runner);
    probot.on(
      ["pull_request.opened", "pull_request.synchronize", "pull_request.reopened", "pull_request.ready_for_review", "pull_request.edited"],
      async (context) => handlers.pullRequest(event(context)),
    );
    probot.on("merge_group.checks_requested", async (context) => handlers.mergeGroup(event(context)));
    probot.on(["check_run.rerequested", "check_run.requested_action"], async (context) => handlers.checkRun(event(context)));
    probot.on("check_suite.rerequested", async (context) => handlers.checkSuite(event(context)));
    probot.on(["installation", "installation_repositories"], async (context) => handlers.installation(event(context)));
    probot.on(["issue_comment.created", "issue_comment.edited", "issue_comment.deleted"], async (context) =>
      comments.issueComment(event(context)),
    );
  };
  return { app, runner: () => runner, work: (delivery, attempt) => work(delivery, attempt) };
}

/** The deliveries the app acts on (the same list `probot.on` subscribes in the in-process mode). */
function subscribed(name: string, action: unknown): boolean {
  switch (name) {
    case "pull_request":
      return PULL_REQUEST_EVENTS.includes(String(action));
    case "merge_group":
      return action === "checks_requested";
    case "check_run":
      return CHECK_RUN_EVENTS.includes(String(action));
    case "check_suite":
      return action === "rerequested";
    case "installation":
    case "installation_repositories":
      return true;
    case "issue_comment":
      return COMMENT_EVENTS.includes(String(action));
    default:
      return false;
  }
}

function route(event: WebhookEvent, handlers: EventHandlers, comments: CommentHandlers): void {
  switch (event.name) {
    case "pull_request":
      return handlers.pullRequest(event);
    case "merge_group":
      return handlers.mergeGroup(event);
    case "check_run":
      return handlers.checkRun(event);
    case "check_suite":
      return handlers.checkSuite(event);
    case "installation":
    case "installation_repositories":
      return handlers.installation(event);
    case "issue_comment":
      return comments.issueComment(event);
  }
}

export default createKubePolicyApp().app;
