/**
 * An edited or deleted comment that carried (or now carries) a command or one of the app's records,
 * in three steps like a check: read (who the bot is, and, when a notice is due, the app's comments
 * on the pull request), decide (`voidNoticeFor`, and whether an identical notice is already there:
 * a redelivery), write (the notice). Only the webhook says who edited, so only it can write this.
 */
import { sameLogin } from "../exceptions/authorize.js";
import { voidNoticeFor, type CommentChange } from "../exceptions/edits.js";
import type { GitHubGateway } from "../github/gateway.js";
import type { IssueComment, RepoRef } from "../github/model.js";
import { readBotLogin, readOurComments } from "./read/comments.js";
import { postComment } from "./write/comments.js";

/** The void notice's markers: one per comment or exception it voids. */
const VOID_MARKER = /<!-- kube-policy-bot:void [^>]*-->/g;

export type VoidNoticeResult = "own-change" | "not-needed" | "already-posted" | "posted";

export async function recordCommentChange(
  gateway: GitHubGateway,
  repo: RepoRef,
  pullNumber: number,
  change: CommentChange,
): Promise<VoidNoticeResult> {
  const botLogin = await readBotLogin(gateway);
  if (change.sender.type === "Bot" && sameLogin(change.sender.login, botLogin)) return "own-change";
  const notice = voidNoticeFor(change, botLogin);
  if (notice === undefined) return "not-needed";
  if (alreadyPosted(notice, await readOurComments(gateway, repo, pullNumber, botLogin))) return "already-posted";
  await postComment(gateway, repo, pullNumber, notice);
  return "posted";
}

/** Whether every void marker of the notice is already in one of the app's comments. */
function alreadyPosted(notice: string, ours: readonly IssueComment[]): boolean {
  const markers = notice.match(VOID_MARKER) ?? [];
  if (markers.length === 0) return false;
  return markers.every((marker) => ours.some((comment) => (comment.body ?? "").includes(marker)));
}
