/**
 * The GitHub facts that bind a new grant (the read side of `exceptions/seen-head.ts` and
 * `exceptions/processed.ts`): the pull request's commits and force pushes, this app's check runs on
 * its commits with their GitHub timestamps and findings records, and the app's reactions on command
 * comments. Read only when a derivation asks for them (`DerivedExceptions.needs`), which is when an
 * authorised grant has no record yet: a rare evaluation, so every other one costs nothing more.
 *
 * Requests: 1 commit list (up to 3 pages) and 1 event list for the history, then 1 check-run listing
 * per commit read (newest first, a few at a time, until the approver's head is found), and 1 reaction
 * listing per unanswered grant comment.
 */
import type { GitHubGateway } from "../../github/gateway.js";
import type { RepoRef } from "../../github/model.js";
import { sameLogin } from "../../exceptions/authorize.js";
import { bindingNeeds, needsAnything, type DeriveInput } from "../../exceptions/derive.js";
import { readFindingsRecord } from "../../exceptions/markers.js";
import { firstParentLine, type PullHistory, type RecordedRun } from "../../exceptions/seen-head.js";
import { parseExternalId } from "../target.js";

/** Commits whose runs are read at once when the derivation asks for one: most answers are the newest few. */
const RUN_READ_BATCH = 3;
/** Bounds the read rounds of one evaluation: GitHub lists at most 250 commits of a pull request. */
const MAX_ROUNDS = 300;

/** What binds new grants: read until the derivation lacks nothing (see `bindingNeeds`). */
export interface BindingFacts {
  history?: PullHistory;
  botReactions: Map<number, string[]>;
}

/**
 * Reads, round by round, what the pure derivation says it lacks to bind the grants not recorded
 * yet: nothing at all on most evaluations (every grant recorded, or none asked for).
 */
export async function readBindingFacts(
  gateway: GitHubGateway,
  target: { repo: RepoRef; number: number; headSha: string },
  input: Omit<DeriveInput, "findings" | "now" | "history" | "botReactions">,
): Promise<BindingFacts> {
  const facts: BindingFacts = { botReactions: new Map() };
  let needs = bindingNeeds(input);
  if (!needsAnything(needs)) return facts;
  const reader = pullHistoryReader(gateway, target, input.botLogin);
  // Each round reads what the last derivation lacked; the commits are finite, so this ends.
  for (let round = 0; needsAnything(needs); round++) {
    if (round > MAX_ROUNDS) throw new Error(`the pull request's history could not be established in ${MAX_ROUNDS} rounds of reads`);
    if (needs.history || needs.unreadRuns.length > 0) {
      if (needs.unreadRuns.length > 0) await reader.readRuns(needs.unreadRuns);
      facts.history = await reader.history();
    }
    for (const commentId of needs.reactionsOf)
      if (!facts.botReactions.has(commentId)) facts.botReactions.set(commentId, await reader.botReactions(commentId));
    needs = bindingNeeds({ ...input, ...(facts.history ? { history: facts.history } : {}), botReactions: facts.botReactions });
  }
  return facts;
}

export interface PullHistoryReader {
  /** The history so far (runs read so far); created on first use. */
  history(): Promise<PullHistory>;
  /** Reads the runs of these commits (and a few older ones on the head's line) into the history. */
  readRuns(shas: readonly string[]): Promise<void>;
  /** The app's own reactions on a comment. */
  botReactions(commentId: number): Promise<string[]>;
}

export function pullHistoryReader(
  gateway: GitHubGateway,
  target: { repo: RepoRef; number: number; headSha: string },
  botLogin: string,
): PullHistoryReader {
  let history:
    | { headSha: string; commits: PullHistory["commits"]; complete: boolean; runs: Map<string, RecordedRun[]>; forcePushes: Date[] }
    | undefined;
  const load = async () => {
    if (history) return history;
    const { commits, complete } = await gateway.listPullRequestCommits(target.repo, target.number);
    const forcePushes = (await gateway.listForcePushes(target.repo, target.number)).map((text) => new Date(text));
    history = { headSha: target.headSha, commits, complete, runs: new Map(), forcePushes };
    return history;
  };
  const appSlug = botLogin.replace(/\[bot\]$/i, "");
  return {
    history: load,
    async readRuns(shas) {
      const loaded = await load();
      const { chain } = firstParentLine(loaded);
      const wanted = new Set<string>();
      for (const sha of shas) {
        wanted.add(sha);
        const at = chain.indexOf(sha);
        if (at >= 0) for (const older of chain.slice(at + 1, at + RUN_READ_BATCH)) wanted.add(older);
      }
      for (const sha of wanted) {
        if (loaded.runs.has(sha)) continue;
        const runs = await gateway.listCheckRunsForRef(target.repo, sha);
        loaded.runs.set(
          sha,
          runs.flatMap((run): RecordedRun[] => {
            // Only this app's runs for this pull request: another app may use the same name and external id.
            if (run.appSlug === undefined || !sameLogin(run.appSlug, appSlug) || run.headSha !== sha) return [];
            const id = parseExternalId(run.externalId);
            if (id?.kind !== "pull_request" || id.number !== target.number) return [];
            const completedAt = run.completedAt ? new Date(run.completedAt) : undefined;
            const record = readFindingsRecord(run.summary);
            const recorded: RecordedRun = { headSha: sha, conclusion: run.conclusion ?? null };
            if (completedAt && !Number.isNaN(completedAt.getTime())) recorded.completedAt = completedAt;
            if (record && record.pullNumber === target.number && record.headSha === sha) {
              recorded.findings = record.bindings ?? "overflow";
              recorded.commentsRead = record.commentsRead;
              recorded.forcePushesSeen = record.forcePushesSeen;
            }
            return [recorded];
          }),
        );
      }
    },
    async botReactions(commentId) {
      const reactions = await gateway.listCommentReactions(target.repo, commentId);
      return reactions
        .filter((reaction) => reaction.user !== null && sameLogin(reaction.user, botLogin))
        .map((reaction) => reaction.content);
    },
  };
}
