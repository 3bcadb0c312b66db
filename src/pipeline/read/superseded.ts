/**
 * A check for a commit that is no longer its pull request's head: its own check run is completed at
 * once, `cancelled`, without judging anything (see `supersededResult`, decide/failure.ts), so that
 * every head a pull request ever had ends with exactly one completed run (never one left pending, never one missing) and the newest commit's check
 * is not queued behind work nobody will look at.
 *
 * Why `cancelled`: it is what GitHub users see when a newer push cancels a workflow, and, unlike
 * `neutral` or `skipped`, it does not satisfy a required check. Should that commit become the head
 * again (a force-push back to it), GitHub sends a new `synchronize` and a real check runs; until
 * then, nothing unjudged can pass as green.
 *
 * The webhook order the app saw only hints that a commit is stale; GitHub has the last word: the
 * pull request is read, and only a different head there makes the commit superseded.
 */
import type { Logger } from "pino";
import type { GitHubGateway } from "../../github/gateway.js";
import type { ChangedFile } from "../../github/model.js";
import type { CheckTarget } from "../target.js";

/** The pull request's current head when GitHub confirms it is not `target.headSha`. */
export async function confirmedNewerHead(gateway: GitHubGateway, target: CheckTarget, log: Logger): Promise<string | undefined> {
  if (target.kind !== "pull_request") return undefined;
  try {
    const pull = await gateway.getPullRequest(target.repo, target.number);
    return pull.headSha !== target.headSha ? pull.headSha : undefined;
  } catch (error) {
    // Unsure: do the work rather than skip it.
    log.warn({ err: error }, "could not confirm that the commit is superseded; checking it anyway");
    return undefined;
  }
}

/**
 * Thrown while checking when GitHub's answers show the pull request has moved on (its file list was
 * computed for a newer head): the run in progress is completed as superseded, not with a verdict
 * that would really be the newer commit's.
 */
export class SupersededError extends Error {
  override readonly name = "SupersededError";
  constructor(readonly newerHead: string) {
    super(`the pull request has moved on to ${newerHead}`);
  }
}

/** The newer head a pull request file list was made for, if it is not `headSha`. */
export function listedForAnotherHead(files: readonly ChangedFile[], headSha: string): string | undefined {
  const other = files.find((file) => file.listedFor !== undefined && file.listedFor !== headSha.toLowerCase());
  return other?.listedFor;
}
