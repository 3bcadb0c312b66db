/**
 * The Probot app: event routing only. Each subscribed event goes to `CheckHandlers` with a GitHub
 * gateway built from the event's installation-authenticated Octokit; the handlers start the check in
 * the background and the webhook is answered immediately.
 *
 * Issue comments (`/policy-exception`, a later feature) are subscribed in app.yml and will be routed
 * from here too.
 */
import type { ApplicationFunction, Context, Probot } from "probot";
import { ConfigLoader } from "./config/load.js";
import { HeadTracker } from "./checks/head-tracker.js";
import { JobRunner } from "./checks/job-runner.js";
import { ManifestStore } from "./checks/manifest-store.js";
import { OctokitGateway, type OctokitRequester } from "./github/octokit-gateway.js";
import type { GitHubGateway } from "./github/gateway.js";
import { CheckHandlers, type CheckHandlerDeps, type WebhookEvent } from "./handlers/check-handlers.js";
import { shippedPolicySources } from "./checks/shipped-sources.js";

export interface AppOptions {
  config?: ConfigLoader;
  manifests?: ManifestStore;
  heads?: HeadTracker;
  /** Builds the GitHub port from the event's Octokit (tests substitute a fake). */
  gatewayFor?: (octokit: Context["octokit"]) => GitHubGateway;
  checkOptions?: CheckHandlerDeps["checkOptions"];
  onCheckFinished?: CheckHandlerDeps["onCheckFinished"];
}

export interface KubePolicyApp {
  app: ApplicationFunction;
  /** Background checks: `drain()` on shutdown, and in tests to wait for results. */
  runner: () => JobRunner | undefined;
}

export function createKubePolicyApp(options: AppOptions = {}): KubePolicyApp {
  let runner: JobRunner | undefined;
  const app: ApplicationFunction = (probot: Probot) => {
    runner = new JobRunner(probot.log.child({ name: "checks" }));
    const handlers = new CheckHandlers({
      config: options.config ?? new ConfigLoader({ shippedSources: shippedPolicySources }),
      manifests: options.manifests ?? new ManifestStore(),
      heads: options.heads ?? new HeadTracker(),
      runner,
      ...(options.checkOptions ? { checkOptions: options.checkOptions } : {}),
      ...(options.onCheckFinished ? { onCheckFinished: options.onCheckFinished } : {}),
    });
    const gatewayFor = options.gatewayFor ?? ((octokit) => new OctokitGateway(octokit as unknown as OctokitRequester));
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
  };
  return { app, runner: () => runner };
}

export default createKubePolicyApp().app;
