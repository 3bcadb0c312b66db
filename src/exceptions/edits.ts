/**
 * What an edited or deleted comment means for exceptions, decided from the `issue_comment` webhook
 * (the only place GitHub says who edited: the event's sender). The app answers with a void notice,
 * a comment of its own carrying a hidden marker, which every later derivation reads.
 *
 * - Someone edits a comment they did not write and that carries (or now carries) a command: what it
 *   granted no longer counts, and a command slipped into it is not its author's.
 * - Someone edits or deletes one of the app's own comments: grants it recorded are void, and void
 *   markers it carried are posted again (removing one must not bring an exception back).
 * - A deleted comment's revokes stay in force: deleting a revoke must not bring an exception back
 *   either. Deleted requests and approvals simply vanish, and with them what they granted.
 * - An author editing their own comment needs no notice: a grant records a digest of the request
 *   text, so an edit after the grant voids it anyway.
 */
import { sameLogin, type GitHubUser } from "./authorize.js";
import { parseComment } from "./command.js";
import type { PullRequestComment } from "./derive.js";
import { readMarkers, voidMarker, type VoidMarker } from "./markers.js";
import { voidNoticeText } from "./reply.js";

export interface CommentChange {
  action: "edited" | "deleted";
  /** `payload.comment`: the comment after the edit, or as it was when deleted. */
  comment: PullRequestComment;
  /** `payload.changes.body.from` for an edit; undefined when GitHub did not send it. */
  previousBody?: string | null;
  /** `payload.sender`: who edited or deleted it. */
  sender: GitHubUser;
}

/** The comment body to post, or undefined when the change affects no exception. */
export function voidNoticeFor(change: CommentChange, botLogin: string): string | undefined {
  const { comment, sender } = change;
  const author = comment.user;
  if (sender.type === "Bot" && sameLogin(sender.login, botLogin)) return undefined;
  const before = change.action === "edited" ? (change.previousBody ?? comment.body) : comment.body;
  const base = { commentId: comment.id, url: comment.html_url, deleted: change.action === "deleted", editor: sender.login };

  if (author && author.type === "Bot" && sameLogin(author.login, botLogin)) {
    const markers = readMarkers(before);
    const granted = [...new Set(markers.flatMap((marker) => (marker.kind === "grant" ? [marker.id] : [])))];
    const voids = markers.filter((marker): marker is VoidMarker => marker.kind === "void");
    if (granted.length === 0 && voids.length === 0) return undefined;
    const reposted = voids.map((marker) => voidMarker(marker));
    return [voidNoticeText({ ...base, exceptions: granted }), ...reposted].join("\n");
  }

  const wroteIt = author !== null && author !== undefined && sameLogin(author.login, sender.login);
  const commandsBefore = parseComment(before, comment.id).filter((command) => command.kind !== "error" && command.kind !== "help");
  const revokes = [...new Set(commandsBefore.flatMap((command) => (command.kind === "revoke" ? [command.id] : [])))];
  const revokeMarker = revokes.length > 0 && author ? { ids: revokes, by: author.login, at: new Date(comment.created_at) } : undefined;
  const validRevokes = revokeMarker && !Number.isNaN(revokeMarker.at.getTime()) ? revokeMarker : undefined;

  if (change.action === "deleted") {
    return validRevokes ? voidNoticeText({ ...base, exceptions: [], revokes: validRevokes }) : undefined;
  }
  if (wroteIt) return undefined;
  const commandsNow = parseComment(comment.body, comment.id).filter((command) => command.kind !== "error" && command.kind !== "help");
  if (commandsBefore.length === 0 && commandsNow.length === 0) return undefined;
  return voidNoticeText({ ...base, exceptions: [], ...(validRevokes ? { revokes: validRevokes } : {}) });
}
