/**
 * The newest head SHA seen per pull request, from webhook payloads. Lets a check for a commit that
 * has already been superseded skip its work: the newer commit's own check will report, and each check
 * run belongs to its head SHA, so skipping never hides a result.
 *
 * Webhooks can arrive out of order; the pull request's `updated_at` orders them. In-process and
 * best-effort: with several replicas each sees only its own deliveries, which is still correct.
 */
export class HeadTracker {
  private readonly heads = new Map<string, { sha: string; updatedAt: number }>();

  constructor(private readonly maxEntries = 10_000) {}

  /** Records a head seen in a `pull_request` payload. */
  observe(repoKey: string, number: number, sha: string, updatedAt: string | undefined): void {
    const key = `${repoKey.toLowerCase()}#${number}`;
    const time = updatedAt ? Date.parse(updatedAt) : Number.NaN;
    const stamp = Number.isFinite(time) ? time : 0;
    const current = this.heads.get(key);
    if (current && current.updatedAt > stamp) return;
    this.heads.delete(key);
    this.heads.set(key, { sha, updatedAt: stamp });
    if (this.heads.size > this.maxEntries) {
      const oldest = this.heads.keys().next();
      if (!oldest.done) this.heads.delete(oldest.value);
    }
  }

  /** True when a different head with a later timestamp is known. */
  isSuperseded(repoKey: string, number: number, sha: string): boolean {
    const current = this.heads.get(`${repoKey.toLowerCase()}#${number}`);
    return current !== undefined && current.sha !== sha;
  }
}
