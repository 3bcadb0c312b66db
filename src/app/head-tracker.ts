/**
 * The newest head SHA seen per pull request, from webhook payloads. Lets a check for a commit that
 * has already been superseded skip its work: the newer commit's own check will report, and each check
 * run belongs to its head SHA, so skipping never hides a result (and GitHub is asked before a commit
 * is treated as superseded, see superseded.ts).
 *
 * Webhooks can arrive out of order. Two signals order them:
 * - `synchronize` names the head it replaced (`before`): a commit once replaced is older than the
 *   head that replaced it, whatever the timestamps say;
 * - the pull request's `updated_at` (second precision: a burst of pushes can share it).
 * A replaced commit becomes the head again only with a strictly later `updated_at` (a force-push back).
 *
 * In-process and best-effort: with several replicas each sees only its own deliveries, which is still
 * correct, only less economical.
 */
export class HeadTracker {
  private readonly heads = new Map<string, { sha: string; updatedAt: number; replaced: Set<string> }>();

  constructor(
    private readonly maxEntries = 10_000,
    /** Replaced commits remembered per pull request. */
    private readonly maxReplaced = 100,
  ) {}

  /** Records a head seen in a `pull_request` payload; `before` is the head a `synchronize` replaced. */
  observe(repoKey: string, number: number, sha: string, updatedAt: string | undefined, before?: string): void {
    const key = `${repoKey.toLowerCase()}#${number}`;
    const time = updatedAt ? Date.parse(updatedAt) : Number.NaN;
    const stamp = Number.isFinite(time) ? time : 0;
    const current = this.heads.get(key);
    const replaced = current?.replaced ?? new Set<string>();
    if (before && before !== sha) {
      replaced.add(before);
      if (replaced.size > this.maxReplaced) replaced.delete(replaced.values().next().value as string);
    }
    if (current) {
      const older = current.updatedAt > stamp || (current.updatedAt === stamp && replaced.has(sha) && current.sha !== sha);
      if (older) return;
    }
    replaced.delete(sha);
    this.heads.delete(key);
    this.heads.set(key, { sha, updatedAt: stamp, replaced });
    if (this.heads.size > this.maxEntries) {
      const oldest = this.heads.keys().next();
      if (!oldest.done) this.heads.delete(oldest.value);
    }
  }

  /** True when a different head is known to be newer. */
  isSuperseded(repoKey: string, number: number, sha: string): boolean {
    const current = this.heads.get(`${repoKey.toLowerCase()}#${number}`);
    return current !== undefined && current.sha !== sha;
  }
}
