/**
 * Runs checks in the background so the webhook is answered at once: GitHub expects a response within
 * 10 seconds, and a check (paced by Octokit's write throttling, ~1 s between writes) can take longer.
 *
 * - At most `maxConcurrent` checks run at a time; the rest wait in order. A burst of webhooks then
 *   cannot open thousands of GitHub requests at once (GitHub's secondary limit is 100 concurrent),
 *   and a queued check for a commit that has meanwhile been superseded is skipped when its turn comes.
 * - Duplicate work already queued or running (a redelivered webhook, a double click on Re-run) is
 *   coalesced.
 * - `drain()` lets shutdown (and tests) wait for the checks to complete their check runs.
 */
import type { Logger } from "pino";

interface Job {
  key: string;
  work: () => Promise<unknown>;
  log: Logger;
}

export class JobRunner {
  private readonly running = new Map<string, Promise<void>>();
  private readonly queued: Job[] = [];
  private accepting = true;
  private idleWaiters: (() => void)[] = [];

  constructor(
    private readonly log: Logger,
    private readonly maxConcurrent = 8,
  ) {}

  /** Queues `work` unless the same key is queued or running. Returns whether it was accepted. */
  submit(key: string, work: () => Promise<unknown>, log: Logger = this.log): boolean {
    if (!this.accepting) {
      log.warn({ key }, "shutting down: work not started (GitHub will show no new check; re-run it after the restart)");
      return false;
    }
    if (this.running.has(key) || this.queued.some((job) => job.key === key)) {
      log.info({ key }, "the same check is already queued or running; this delivery joins it");
      return false;
    }
    this.queued.push({ key, work, log });
    this.startNext();
    return true;
  }

  /** Waits until nothing is queued or running; with `stop`, refuses new work first. False on timeout. */
  async drain(options: { stop?: boolean; timeoutMs?: number } = {}): Promise<boolean> {
    if (options.stop) this.accepting = false;
    if (this.size === 0) return true;
    const idle = new Promise<boolean>((resolve) => this.idleWaiters.push(() => resolve(true)));
    if (options.timeoutMs === undefined) return idle;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), options.timeoutMs)));
    const result = await Promise.race([idle, timeout]);
    clearTimeout(timer);
    return result;
  }

  /** Checks queued or running. */
  get size(): number {
    return this.running.size + this.queued.length;
  }

  private startNext(): void {
    while (this.running.size < this.maxConcurrent) {
      const job = this.queued.shift();
      if (!job) break;
      const promise = (async () => {
        try {
          await job.work();
        } catch (error) {
          // runPipeline completes its check run itself; anything reaching here is a bug worth a loud log.
          job.log.error({ err: error, key: job.key }, "background check failed");
        } finally {
          this.running.delete(job.key);
          this.startNext();
          if (this.size === 0) {
            const waiters = this.idleWaiters;
            this.idleWaiters = [];
            for (const wake of waiters) wake();
          }
        }
      })();
      this.running.set(job.key, promise);
    }
  }
}
