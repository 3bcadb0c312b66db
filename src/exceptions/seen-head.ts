/**
 * The head an approver could have seen: what a grant made in a comment is bound to. An approver
 * judges the findings the check run showed, so a grant covers only findings that were on the newest
 * head whose check this app had completed before the approving comment was written — never a
 * finding that first appeared on a later head, whatever the grant names.
 *
 * Only GitHub's own timestamps order events: a check run's `completed_at` (stamped by GitHub when
 * the app completes it) against the comment's `created_at`. Commit dates are the author's to choose
 * and are never used; heads are ordered by ancestry instead (a push moves the head to a descendant).
 * Both timestamps have whole seconds: a run completed in the same second as the comment may or may
 * not have been seen, so the grant is bound to what both possibilities have in common.
 *
 * When the head cannot be established the answer is `unknown`, never a guess: the caller asks the
 * approver to confirm on the current head. That is the case when no run had completed, when the
 * run it would be has no record of its findings (an outage, too many findings), when the pull
 * request has more commits than GitHub lists, when a checked commit is off the head's first-parent
 * line, and when the branch was force-pushed after that run judged its head (a head replaced by a
 * force push is no longer listed, and it may be the one the approver saw). Each run records how
 * many force pushes GitHub listed before it read the pull request's files: if none came since, its
 * head was the head after the last one, newer than any head a force push replaced; no clocks are
 * compared for that.
 *
 * Pure: the pull request's history in, a head and its bindings (or why not) out.
 */

/** One of this app's check runs for this pull request, as the Checks API lists it. */
export interface RecordedRun {
  headSha: string;
  /** Stamped by GitHub when the run was completed; undefined while it is not. */
  completedAt?: Date;
  conclusion: string | null;
  /**
   * The bindings of the findings it showed (the `findings` record in its summary); `"overflow"` when
   * there were more than a record holds; undefined when it showed none (superseded, an outage, a
   * configuration error).
   */
  findings?: readonly string[] | "overflow";
  /** With `findings`: the newest comment id the run read (and so answered). */
  commentsRead?: number;
  /** With `findings`: how many force pushes GitHub listed before the run read the head's files. */
  forcePushesSeen?: number;
}

export interface PullHistory {
  headSha: string;
  /** The pull request's commits as GitHub lists them, with their parents. */
  commits: readonly { sha: string; parents: readonly string[] }[];
  /** False when GitHub's list was cut (it lists at most 250 commits). */
  complete: boolean;
  /** This app's runs for this pull request per commit; a commit missing here was not read. */
  runs: ReadonlyMap<string, readonly RecordedRun[]>;
  /** When the head branch was force-pushed (`head_ref_force_pushed` events), GitHub's clock. */
  forcePushes: readonly Date[];
}

export type SeenHead =
  | { kind: "head"; sha: string; bindings: ReadonlySet<string> }
  | { kind: "unknown"; reason: string }
  /** The history holds too little to say: read the runs of these commits and ask again. */
  | { kind: "incomplete"; unread: string[] };

export function seenHead(history: PullHistory, commentCreatedAt: Date): SeenHead {
  const at = commentCreatedAt.getTime();
  if (Number.isNaN(at)) return { kind: "unknown", reason: "the comment has no readable creation time" };
  if (!history.complete)
    return {
      kind: "unknown",
      reason: "the pull request has more commits than GitHub lists (250), so its earlier heads cannot be told apart",
    };
  const { chain, offChain } = firstParentLine(history);
  if (chain[0] !== history.headSha)
    return { kind: "unknown", reason: "GitHub's list of the pull request's commits does not include its head" };

  // Runs of newer heads that completed in the comment's own second: maybe seen, maybe not.
  const maybe: ReadonlySet<string>[] = [];
  let found: { sha: string; bindings: ReadonlySet<string>; runs: readonly RecordedRun[] } | undefined;
  for (const sha of chain) {
    const runs = history.runs.get(sha);
    if (runs === undefined) return { kind: "incomplete", unread: [sha] };
    const shown = runs.filter((run) => shownBefore(run, at));
    const certain = latest(shown.filter((run) => (run.completedAt as Date).getTime() < at));
    const sameSecond = latest(shown.filter((run) => (run.completedAt as Date).getTime() >= at));
    if (sameSecond && certain === undefined) {
      if (!Array.isArray(sameSecond.findings)) return noRecord(sha);
      maybe.push(new Set(sameSecond.findings));
      continue;
    }
    if (!certain) continue;
    if (!Array.isArray(certain.findings)) return noRecord(sha);
    const sets = [new Set(certain.findings), ...maybe];
    if (sameSecond) {
      if (!Array.isArray(sameSecond.findings)) return noRecord(sha);
      sets.push(new Set(sameSecond.findings));
    }
    found = { sha, bindings: intersection(sets), runs };
    break;
  }
  if (!found) {
    return maybe.length > 0
      ? {
          kind: "unknown",
          reason: "this app's check completed in the same second as the comment, so it cannot be told whether the approver saw it",
        }
      : { kind: "unknown", reason: "no check of this app had completed on this pull request when the comment was written" };
  }

  const unread = offChain.filter((sha) => !history.runs.has(sha));
  if (unread.length > 0) return { kind: "incomplete", unread };
  if (offChain.some((sha) => (history.runs.get(sha) ?? []).some((run) => shownBefore(run, at)))) {
    return {
      kind: "unknown",
      reason: "a commit of this pull request off its head's first-parent line was checked, so the order of its heads is not known",
    };
  }

  const forcePushes = history.forcePushes.length;
  if (forcePushes > 0) {
    // A run that recorded findings judged its head while it was the head (or it would have been
    // superseded), after reading the force pushes: if it saw them all, no force push replaced a
    // head newer than this one.
    const afterEveryForcePush = found.runs.some((run) => Array.isArray(run.findings) && (run.forcePushesSeen ?? -1) >= forcePushes);
    if (!afterEveryForcePush) {
      const last = history.forcePushes.at(-1);
      return {
        kind: "unknown",
        reason: `the branch was force-pushed${last && !Number.isNaN(last.getTime()) ? ` at ${last.toISOString()}` : ""} after this app's check of ${found.sha.slice(0, 7)}, and a head it replaced may be the one the approver saw`,
      };
    }
  }
  return { kind: "head", sha: found.sha, bindings: found.bindings };
}

/** Whether the run's findings were on show before (or in the same second as) the comment. */
function shownBefore(run: RecordedRun, at: number): boolean {
  if (run.conclusion === "cancelled" || run.completedAt === undefined) return false;
  const completed = run.completedAt.getTime();
  // GitHub's timestamps have whole seconds: the comment's second may hold the run's completion.
  return !Number.isNaN(completed) && completed < at + 1000;
}

function latest(runs: readonly RecordedRun[]): RecordedRun | undefined {
  let best: RecordedRun | undefined;
  for (const run of runs) {
    if (!best || (run.completedAt as Date).getTime() > (best.completedAt as Date).getTime()) best = run;
  }
  return best;
}

function noRecord(sha: string): SeenHead {
  return {
    kind: "unknown",
    reason: `this app's check of ${sha.slice(0, 7)} recorded no findings the approver could have seen (it did not complete an evaluation, or showed too many findings to record)`,
  };
}

function intersection(sets: readonly ReadonlySet<string>[]): Set<string> {
  const [first, ...rest] = sets;
  return new Set([...(first ?? [])].filter((item) => rest.every((set) => set.has(item))));
}

/**
 * The head and its first parents within the pull request's commits, newest first; the other listed
 * commits (brought in by a merge) are off that line.
 */
export function firstParentLine(history: Pick<PullHistory, "headSha" | "commits">): { chain: string[]; offChain: string[] } {
  const bySha = new Map(history.commits.map((commit) => [commit.sha, commit]));
  const chain: string[] = [];
  for (
    let sha: string | undefined = history.headSha;
    sha !== undefined && bySha.has(sha) && !chain.includes(sha);
    sha = bySha.get(sha)?.parents[0]
  ) {
    chain.push(sha);
  }
  const onChain = new Set(chain);
  return { chain, offChain: history.commits.map((commit) => commit.sha).filter((sha) => !onChain.has(sha)) };
}
