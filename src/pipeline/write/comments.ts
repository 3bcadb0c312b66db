/** Comment writes outside a check's replies: a receipt reaction and the void notice. */
import type { GitHubGateway } from "../../github/gateway.js";
import type { RepoRef } from "../../github/model.js";

export async function postComment(gateway: GitHubGateway, repo: RepoRef, number: number, body: string): Promise<void> {
  await gateway.createIssueComment(repo, number, body);
}

/** `eyes` on a command: seen, the check that answers it is on its way. */
export function acknowledgeCommand(gateway: GitHubGateway, repo: RepoRef, commentId: number): Promise<void> {
  return gateway.createCommentReaction(repo, commentId, "eyes");
}
