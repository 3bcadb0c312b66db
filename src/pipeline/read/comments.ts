/** Reads of pull request comments outside a check (the comment webhooks). */
import { sameLogin } from "../../exceptions/authorize.js";
import type { GitHubGateway } from "../../github/gateway.js";
import type { IssueComment, RepoRef } from "../../github/model.js";

/** The app's own login (GitHub's `GET /app`, cached per process by the gateway). */
export function readBotLogin(gateway: GitHubGateway): Promise<string> {
  return gateway.getBotLogin();
}

/** The app's own comments on a pull request, oldest first. */
export async function readOurComments(gateway: GitHubGateway, repo: RepoRef, number: number, botLogin: string): Promise<IssueComment[]> {
  const comments = await gateway.listIssueComments(repo, number);
  return comments.filter((comment) => comment.user?.type === "Bot" && sameLogin(comment.user.login, botLogin));
}
