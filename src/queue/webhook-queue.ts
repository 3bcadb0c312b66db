/**
 * The durable work queue that lets several replicas share webhooks (issue 15), on BullMQ over Redis.
 *
 * - `enqueue` resolves only once Redis has stored the job: the webhook is acknowledged after that, so
 *   an accepted delivery is never lost with the replica that received it.
 * - The job id is the delivery id (`X-GitHub-Delivery`): the same delivery sent to two replicas, or
 *   redelivered, is one job (BullMQ ignores an `add` whose id exists). Finished jobs are kept for a
 *   day so that the de-duplication outlives them.
 * - Every replica runs a worker. A job whose worker dies (SIGKILL, OOM, node lost) keeps its lock only
 *   for `lockDurationMs`; a live worker's stalled-job check (every `stalledIntervalMs`) puts it back
 *   in the queue, and another replica works it: the bound documented in the README.
 * - A job that throws is retried with exponential backoff, `attempts` times in all.
 */
import { Queue, Worker, type Job } from "bullmq";
import { Redis } from "ioredis";
import type { Logger } from "pino";

export interface QueuedDelivery {
  /** X-GitHub-Delivery. */
  id: string;
  /** X-GitHub-Event. */
  name: string;
  payload: Record<string, unknown>;
}

/** What a worker knows about the attempt it runs (a re-run must adopt the work of a dead one). */
export interface Attempt {
  /** 1 for the first start; more after a failure or after a dead worker's job was recovered. */
  started: number;
  /** When the delivery was enqueued (ISO time). */
  enqueuedAt: string;
}

export interface QueueSettings {
  redisUrl: string;
  /** Jobs worked at once by this replica. */
  concurrency: number;
  /** How long a worker's claim on a job lasts without renewal (renewed every half of it while alive). */
  lockDurationMs: number;
  /** How often each worker looks for jobs whose worker died. */
  stalledIntervalMs: number;
  /** Tries in all for a job that fails, with exponential backoff from `backoffMs`. */
  attempts: number;
  backoffMs: number;
  /** Queue name (tests use their own). */
  name?: string;
}

export const QUEUE_DEFAULTS = { concurrency: 8, lockDurationMs: 30_000, stalledIntervalMs: 15_000, attempts: 5, backoffMs: 5_000 } as const;

const DAY_SECONDS = 24 * 60 * 60;

export class WebhookQueue {
  private readonly queue: Queue<QueuedDelivery>;
  private worker: Worker<QueuedDelivery> | undefined;
  /** The producer's connection: enqueue, depth, health. */
  private readonly producer: Redis;
  private workerConnection: Redis | undefined;

  constructor(
    private readonly settings: QueueSettings,
    private readonly log: Logger,
  ) {
    // The producer fails fast while Redis is unreachable (no offline buffer in memory): the webhook is then
    // answered with an error and GitHub keeps the delivery for a redelivery, rather than it being held here.
    this.producer = new Redis(settings.redisUrl, { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
    this.queue = new Queue<QueuedDelivery>(settings.name ?? "webhooks", { connection: this.producer });
    this.queue.on("error", (error) => log.warn({ err: error }, "queue: Redis connection error"));
  }

  /** Resolves once Redis holds the job (or already held it: a duplicate delivery). */
  async enqueue(delivery: QueuedDelivery): Promise<"queued" | "duplicate"> {
    const existing = await this.queue.getJob(jobIdOf(delivery.id));
    if (existing) return "duplicate";
    await this.queue.add(delivery.name, delivery, {
      jobId: jobIdOf(delivery.id),
      attempts: this.settings.attempts,
      backoff: { type: "exponential", delay: this.settings.backoffMs },
      removeOnComplete: { age: DAY_SECONDS, count: 50_000 },
      removeOnFail: { age: 7 * DAY_SECONDS },
    });
    return "queued";
  }

  /** Starts this replica's worker. */
  start(work: (delivery: QueuedDelivery, attempt: Attempt) => Promise<void>): void {
    // The worker waits for Redis to come back rather than failing its commands (BullMQ's requirement).
    this.workerConnection = new Redis(this.settings.redisUrl, { maxRetriesPerRequest: null });
    this.worker = new Worker<QueuedDelivery>(
      this.settings.name ?? "webhooks",
      async (job: Job<QueuedDelivery>) =>
        work(job.data, { started: job.attemptsStarted, enqueuedAt: new Date(job.timestamp).toISOString() }),
      {
        connection: this.workerConnection,
        concurrency: this.settings.concurrency,
        lockDuration: this.settings.lockDurationMs,
        stalledInterval: this.settings.stalledIntervalMs,
        // A job whose worker died is recovered up to this many times before it fails for good.
        maxStalledCount: 3,
      },
    );
    this.worker.on("error", (error) => this.log.warn({ err: error }, "queue worker: Redis connection error"));
    this.worker.on("failed", (job, error) =>
      this.log.warn({ err: error, deliveryId: job?.data.id, attemptsMade: job?.attemptsMade }, "queued delivery failed"),
    );
    this.worker.on("stalled", (jobId) => this.log.warn({ jobId }, "a worker died with this delivery: it is queued again"));
  }

  /** Redis answers a PING within a second. */
  async reachable(): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), 1000)));
    const ping = (async () => {
      try {
        return (await this.producer.ping()) === "PONG";
      } catch {
        return false;
      }
    })();
    const result = await Promise.race([ping, timeout]);
    clearTimeout(timer);
    return result;
  }

  /** Jobs waiting, delayed (backoff) or running, across all replicas. */
  async depth(): Promise<{ waiting: number; active: number; delayed: number } | undefined> {
    try {
      const counts = await this.queue.getJobCounts("waiting", "active", "delayed", "prioritized");
      return {
        waiting: (counts["waiting"] ?? 0) + (counts["prioritized"] ?? 0),
        active: counts["active"] ?? 0,
        delayed: counts["delayed"] ?? 0,
      };
    } catch {
      return undefined;
    }
  }

  /** Stops taking jobs, waits for the running ones (the rest stay queued for the other replicas). */
  async close(): Promise<void> {
    await this.worker?.close();
    await this.queue.close();
    this.workerConnection?.disconnect();
    this.producer.disconnect();
  }
}

/** BullMQ reserves ":" in ids; delivery ids are GUIDs, but a stranger id must not break the key. */
function jobIdOf(deliveryId: string): string {
  return `d-${deliveryId.replace(/[^A-Za-z0-9_-]/g, "_")}`;
}
