/**
 * Delivery ids already handled, so that a redelivered webhook (GitHub's "Redeliver", or a script that
 * redelivers failed deliveries: same `X-GitHub-Delivery`, same body) does not create a second check
 * run on a commit that already has its result.
 *
 * A delivery whose check could not reach a verdict (GitHub outage, check run not created, result not
 * published) is released again: redelivering it is then a legitimate way to retry.
 *
 * In-process and bounded (oldest ids forgotten first); with several replicas, a redelivery that lands
 * on another replica runs again, which is harmless: it completes its own run with the same verdict.
 */
export class DeliveryLog {
  private readonly ids = new Set<string>();

  constructor(private readonly maxEntries = 10_000) {}

  /** Takes the delivery; false when it was already taken (a redelivery to acknowledge and ignore). */
  claim(id: string): boolean {
    if (this.ids.has(id)) return false;
    this.ids.add(id);
    if (this.ids.size > this.maxEntries) this.ids.delete(this.ids.values().next().value as string);
    return true;
  }

  /** Lets a later redelivery of this id run again. */
  release(id: string): void {
    this.ids.delete(id);
  }
}
