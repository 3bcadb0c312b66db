/**
 * Whether the app already handled a command comment whose reply is gone. Its reply records what it
 * decided (a grant's bindings, an approval it could not bind); if that reply was deleted and the
 * delete webhook never arrived, deciding again would bind the grant to whatever is there now, to a
 * request text edited since, or to an expiry computed anew. So before a grant is bound for the first
 * time, other traces of an earlier answer are looked for; finding one, the grant is void.
 *
 * Pure: the comment, the app's reactions on it and the pull request's check runs in.
 */
import type { PullHistory } from "./seen-head.js";

/** The app's reactions that mean "decided": 👀 only says it was received. */
const DECIDED = new Set(["+1", "-1"]);

/** Why the comment was evidently processed before, or undefined when nothing says so. */
export function earlierAnswer(comment: { id: number }, botReactions: readonly string[], history: PullHistory): string | undefined {
  const decided = botReactions.filter((content) => DECIDED.has(content));
  if (decided.length > 0) return `the app reacted ${decided.map((content) => (content === "+1" ? "👍" : "👎")).join(" ")} to it`;
  for (const runs of history.runs.values()) {
    for (const run of runs) {
      // Only a run that recorded findings went through the exception step, which answers every
      // command it read; comment ids only grow, so it read every comment up to its newest.
      if (run.findings !== undefined && run.commentsRead !== undefined && run.commentsRead >= comment.id) {
        return `this app's check of ${run.headSha.slice(0, 7)} read it and answered it`;
      }
    }
  }
  return undefined;
}
