/**
 * Entry point of `npm start` (`node dist/src/server.js`): settings from the environment, structured
 * JSON logs (pino), Probot's webhook middleware behind our own HTTP server, graceful shutdown that
 * lets running checks complete their check runs.
 */
import { pathToFileURL } from "node:url";
import type { Logger } from "pino";
import { Probot, createNodeMiddleware } from "probot";
import { createKubePolicyApp } from "./app.js";
import { createOctokitClass } from "./github/octokit-class.js";
import { fetchWithResponseLimit } from "./github/response-limit.js";
import { createHttpServer } from "./server/http-server.js";
import { fetchWithTimeout } from "./server/fetch-timeout.js";
import { createLogger } from "./server/log.js";
import { SettingsError, readSettings, type ServerSettings } from "./server/env.js";
import { WebhookQueue } from "./queue/webhook-queue.js";
import { RedisLock } from "./queue/redis-lock.js";

export interface RunningServer {
  close(): Promise<void>;
  address: { host: string; port: number };
}

export async function startServer(settings: ServerSettings, log: Logger): Promise<RunningServer> {
  const probot = new Probot({
    appId: settings.appId,
    privateKey: settings.privateKey,
    secret: settings.webhookSecret,
    baseUrl: settings.baseUrl,
    log,
    // Bounded in time (the timeout covers reading the body too) and in size.
    request: { fetch: fetchWithResponseLimit(fetchWithTimeout(settings.requestTimeoutMs)) },
    Octokit: createOctokitClass({ maxRateLimitWaitSeconds: settings.rateLimitMaxWaitSeconds, rateLimitRetries: 2 }),
    // With several replicas, Probot's write throttling (Bottleneck) keeps its pacing in Redis, shared by all.
    ...(settings.queue ? { redisConfig: settings.queue.redisUrl } : {}),
  });
  const queue = settings.queue ? new WebhookQueue(settings.queue, log.child({ name: "queue" })) : undefined;
  const commentLock = settings.queue ? new RedisLock(settings.queue.redisUrl, settings.queue.lockDurationMs) : undefined;
  const kubePolicy = createKubePolicyApp({
    maxConcurrentChecks: settings.maxConcurrentChecks,
    ...(queue ? { enqueue: (delivery) => queue.enqueue(delivery), ...(commentLock ? { commentLock } : {}) } : {}),
  });
  const middleware = await createNodeMiddleware(kubePolicy.app, { probot, webhooksPath: settings.webhookPath });
  const server = createHttpServer({
    webhookPath: settings.webhookPath,
    maxBodyBytes: settings.maxBodyBytes,
    webhookSecret: settings.webhookSecret,
    middleware,
    log,
    health: async () => {
      if (!queue) return { checksRunning: kubePolicy.runner()?.size ?? 0 };
      const redis = await queue.reachable();
      return {
        checksRunning: kubePolicy.runner()?.size ?? 0,
        redis: redis ? "up" : "down",
        queue: (redis ? await queue.depth() : undefined) ?? null,
      };
    },
    // Without Redis an accepted delivery could not be stored: 503, and GitHub keeps it for a redelivery.
    ...(queue ? { acceptingWebhooks: () => queue.reachable() } : {}),
  });
  queue?.start((delivery, attempt) => kubePolicy.work(delivery, attempt));

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(settings.port, settings.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const bound = server.address();
  const port = typeof bound === "object" && bound ? bound.port : settings.port;
  log.info(
    { host: settings.host, port, webhookPath: settings.webhookPath, github: settings.baseUrl, appId: settings.appId },
    "kube-policy-bot listening",
  );

  return {
    address: { host: settings.host, port },
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const drained = await (kubePolicy.runner()?.drain({ stop: true, timeoutMs: settings.shutdownTimeoutMs }) ?? Promise.resolve(true));
      if (!drained) log.warn("shutdown: some checks did not finish in time; their check runs may stay in progress until re-run");
      if (queue) {
        // Running jobs finish; queued ones stay in Redis for the other replicas. A job still running at the
        // deadline is recovered by another replica once its lock lapses (the stalled-job bound).
        const closed = await Promise.race([
          queue.close().then(() => true),
          new Promise<boolean>((resolve) => setTimeout(() => resolve(false), settings.shutdownTimeoutMs).unref()),
        ]);
        if (!closed) log.warn("shutdown: queued work still running; another replica takes it over once its lock lapses");
        await commentLock?.close();
      }
      server.closeAllConnections();
      await closed;
    },
  };
}

async function main(): Promise<void> {
  let settings: ServerSettings;
  try {
    settings = readSettings(process.env);
  } catch (error) {
    if (error instanceof SettingsError) {
      process.stderr.write(`kube-policy-bot: refusing to start, ${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const log = createLogger(settings.logLevel);
  // A stray rejection is a bug, logged loudly under this fixed message (tests watch for it), but it
  // does not take the process down: the other checks in flight still complete their check runs.
  // An uncaught exception leaves the process in an unknown state: log it and exit; the supervisor
  // (Kubernetes, systemd) restarts the app, and a check it interrupted can be re-run.
  process.on("unhandledRejection", (reason) => log.error({ err: reason }, "unhandled promise rejection"));
  process.on("uncaughtException", (error) => {
    log.fatal({ err: error }, "uncaught exception; exiting");
    process.exit(1);
  });

  const running = await startServer(settings, log);
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, "shutting down: waiting for running checks");
    running.close().then(
      () => process.exit(0),
      (error: unknown) => {
        log.error({ err: error }, "shutdown failed");
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
}

// Run only as the entry point, so tests can import startServer.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    process.stderr.write(`kube-policy-bot: failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  });
}
