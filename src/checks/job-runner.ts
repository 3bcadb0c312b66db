/**
 * Runs checks in the background so the webhook is answered at once: GitHub expects a response within
 * 10 seconds, and a check (paced by Octokit's write throttling, ~1 s between writes) can take longer.
 * Duplicate work already in flight (a redelivered webhook, a double click on Re-run) is coalesced.
 * `drain()` lets shutdown (and tests) wait for running checks to complete their check runs.
 */
import type { Logger } from "pino";

export class JobRunner {
  private readonly running = new Map<string, Promise<void>>();
  private accepting = true;

  constructor(private readonly log: Logger) {}

  /** Starts `work` unless the same key is running. Returns whether it was started. */
  submit(key: string, work: () => Promise<unknown>, log: Logger = this.log): boolean {
    if (!this.accepting) {
      log.warn({ key }, "shutting down: work not started (GitHub will show no new check; re-run it after the restart)");
      return false;
    }
    if (this.running.has(key)) {
      log.info({ key }, "the same check is already running; this delivery joins it");
      return false;
    }
    const job = (async () => {
      try {
        await work();
      } catch (error) {
        // runCheck completes its check run itself; anything reaching here is a bug worth a loud log.
        log.error({ err: error, key }, "background check failed");
      } finally {
        this.running.delete(key);
      }
    })();
    this.running.set(key, job);
    return true;
  }

  /** Waits for running work; with `stop`, refuses new work first. Resolves false on timeout. */
  async drain(options: { stop?: boolean; timeoutMs?: number } = {}): Promise<boolean> {
    if (options.stop) this.accepting = false;
    const deadline = options.timeoutMs;
    for (;;) {
      const jobs = [...this.running.values()];
      if (jobs.length === 0) return true;
      const all = Promise.all(jobs).then(() => true);
      if (deadline === undefined) await all;
      else {
        let timer: NodeJS.Timeout | undefined;
        const timeout = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), deadline)));
        const finished = await Promise.race([all, timeout]);
        clearTimeout(timer);
        if (!finished) return false;
      }
    }
  }

  get size(): number {
    return this.running.size;
  }
}
