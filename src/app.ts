/**
 * The Probot app: event routing only. Each subscribed event goes to `EventHandlers` with a GitHub
 * gateway built from the event's installation-authenticated Octokit; the handlers start the check in
 * the background and the webhook is answered immediately.
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
}

export interface KubePolicyApp {
  app: ApplicationFunction;
  /** Background checks: `drain()` on shutdown, and in tests to wait for results. */
  runner: () => JobRunner | undefined;
}

export function createKubePolicyApp(options: AppOptions = {}): KubePolicyApp {
  let runner: JobRunner | undefined;
  const app: ApplicationFunction = (probot: Probot) => {
    runner = new JobRunner(probot.log.child({ name: "checks" }), options.maxConcurrentChecks);
    const handlers = new EventHandlers({
      config: options.config ?? new ConfigLoader({ shippedSources: shippedPolicySources }),
      manifests: options.manifests ?? new ManifestStore(),
      heads: options.heads ?? new HeadTracker(),
      runner,
      // One lock for the process: one pull request's comments are answered by one evaluation at a time.
      pipelineOptions: { commentExceptions: { lock: new KeyedLock() }, ...options.pipelineOptions },
      ...(options.onCheckFinished ? { onCheckFinished: options.onCheckFinished } : {}),
    });
    const comments = new CommentHandlers({ checks: handlers, runner });
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

    probot.on(
      ["pull_request.opened", "pull_request.synchronize", "pull_request.reopened", "pull_request.ready_for_review", "pull_request.edited"],
      async (context) => handlers.pullRequest(event(context)),
    );
    probot.on("merge_group.checks_requested", async (context) => handlers.mergeGroup(event(context)));
    probot.on(["check_run.rerequested", "check_run.requested_action"], async (context) => handlers.checkRun(event(context)));
    probot.on("check_suite.rerequested", async (context) => handlers.checkSuite(event(context)));
    probot.on(["installation", "installation_repositories"], async (context) => handlers.installation(event(context)));
    probot.on(["issue_comment.created", "issue_comment.edited", "issue_comment.deleted"], async (context) => comments.issueComment(event(context)));
  };
  return { app, runner: () => runner };
}

export default createKubePolicyApp().app;
