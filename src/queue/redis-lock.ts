/**
 * One holder at a time per key across all replicas: the pull request lock of the comment exceptions
 * (read the comments, answer them) when several replicas work the queue. Without it two replicas
 * checking the same pull request at once could both answer the same `/policy-exception` command.
 *
 * A plain Redis lease (SET NX PX with a random token, renewed while the work runs, released only by
 * its holder): a holder that dies frees the key when its lease runs out (`leaseMs`).
 */
import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";

const RELEASE = `if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call("del", KEYS[1]) else return 0 end`;
const RENEW = `if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call("pexpire", KEYS[1], ARGV[2]) else return 0 end`;

export class RedisLock {
  private readonly redis: Redis;

  constructor(
    redisUrl: string,
    private readonly leaseMs = 30_000,
    private readonly pollMs = 100,
    private readonly prefix = "kpb:lock:",
  ) {
    this.redis = new Redis(redisUrl, { maxRetriesPerRequest: 3, lazyConnect: false });
    this.redis.on("error", () => {
      // Reported by the queue's own connection; a failing lock call throws to its caller.
    });
  }

  async run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const name = this.prefix + key;
    const token = randomUUID();
    while ((await this.redis.set(name, token, "PX", this.leaseMs, "NX")) !== "OK") {
      await new Promise((resolve) => setTimeout(resolve, this.pollMs));
    }
    const renew = setInterval(
      () => {
        this.redis.eval(RENEW, 1, name, token, String(this.leaseMs)).catch(() => undefined);
      },
      Math.max(100, Math.floor(this.leaseMs / 3)),
    );
    try {
      return await work();
    } finally {
      clearInterval(renew);
      await this.redis.eval(RELEASE, 1, name, token).catch(() => undefined);
    }
  }

  async close(): Promise<void> {
    await this.redis.quit().catch(() => undefined);
  }
}
