/**
 * The write step's comment writes: the planned replies to `/policy-exception` commands, each with
 * its reaction. A reply that cannot be posted fails the check (and is retried with it): it is what
 * records a grant. A reaction is cosmetic: its failure is logged, never fatal.
 */
import type { Logger } from "pino";
import type { PlannedReply } from "../../exceptions/reply.js";
import type { GitHubGateway } from "../../github/gateway.js";
import type { RepoRef } from "../../github/model.js";

export async function postReplies(
  gateway: GitHubGateway,
  repo: RepoRef,
  pullNumber: number,
  replies: readonly PlannedReply[],
  log: Logger,
): Promise<void> {
  for (const reply of replies) {
    await gateway.createIssueComment(repo, pullNumber, reply.body);
    if (!reply.reaction) continue;
    try {
      await gateway.createCommentReaction(repo, reply.commentId, reply.reaction);
    } catch (error) {
      log.warn({ err: error, commentId: reply.commentId, reaction: reply.reaction }, "could not react to an exception command");
    }
  }
}
