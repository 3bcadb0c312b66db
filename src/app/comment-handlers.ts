/**
 * `issue_comment` events on pull requests, for `/policy-exception` commands. The comments are the
 * record: the check reads them on every evaluation and answers what is unanswered, so these handlers
 * only acknowledge receipt and trigger a re-check of the pull request's current head (the same path
 * as a re-run), plus, for edits and deletions, the void notice that only the webhook can write
 * (it alone says who edited).
 *
 * - created: a human's comment with a visible command gets the `eyes` reaction, then the re-check.
 *   Bots are ignored, this app included (its replies quote commands as examples).
 * - edited / deleted: when the comment carried (or now carries) a command or one of the app's
 *   records, the void notice from `voidNoticeFor` is posted (unless an identical one already
 *   is: redeliveries), then the re-check.
 *
 * Requests: created = eyes reaction + the pull request read, then the check. edited/deleted of a
 * comment that matters = GET /app once per process, + a comment listing and a post when a notice is
 * due, + the pull request read, then the check. Other comments cost nothing.
 */
import type { Logger } from "pino";
import type { JobRunner } from "./job-runner.js";
import { parseComment } from "../exceptions/command.js";
import type { PullRequestComment } from "../exceptions/derive.js";
import type { GitHubUser } from "../exceptions/authorize.js";
import type { RepoRef } from "../github/model.js";
import type { EventHandlers, WebhookEvent } from "./event-handlers.js";
import { mayConcernExceptions } from "../pipeline/read/exception-facts.js";
import { pullRequestAtCurrentHead, repoOf } from "../pipeline/read/targets.js";
import { recordCommentChange } from "../pipeline/void-notice.js";
import { acknowledgeCommand } from "../pipeline/write/comments.js";

type Json = Record<string, unknown>;

export class CommentHandlers {
  constructor(private readonly deps: { checks: EventHandlers; runner: JobRunner }) {}

  issueComment(event: WebhookEvent): void {
    const action = event.payload["action"];
    const log = event.log.child({ deliveryId: event.id, event: `${event.name}.${String(action)}` });
    const repo = repoOf(event.payload);
    const issue = obj(event.payload["issue"]);
    const number = typeof issue?.["number"] === "number" ? issue["number"] : undefined;
    // Comments on issues (not pull requests) are not ours to judge.
    if (!repo || number === undefined || obj(issue?.["pull_request"]) === undefined) return;
    const comment = commentOf(event.payload["comment"]);
    if (!comment) {
      log.warn("issue_comment payload without a readable comment: ignored");
      return;
    }
    if (action === "created") this.created(event, repo, number, comment, log);
    else if (action === "edited" || action === "deleted") this.changed(event, repo, number, comment, action, log);
  }

  private created(event: WebhookEvent, repo: RepoRef, number: number, comment: PullRequestComment, log: Logger): void {
    if (!comment.user || comment.user.type === "Bot") return;
    if (parseComment(comment.body, comment.id).length === 0) return;
    this.deps.runner.submit(
      `comment:${event.id}`,
      async () => {
        try {
          await acknowledgeCommand(event.gateway, repo, comment.id);
        } catch (error) {
          log.warn({ err: error, commentId: comment.id }, "could not add the eyes reaction; the command is still evaluated");
        }
        await this.recheck(event, repo, number, `comment:${comment.id}`, log);
      },
      log,
    );
  }

  private changed(
    event: WebhookEvent,
    repo: RepoRef,
    number: number,
    comment: PullRequestComment,
    action: "edited" | "deleted",
    log: Logger,
  ): void {
    const changes = obj(event.payload["changes"]);
    const from = obj(changes?.["body"])?.["from"];
    const previousBody = typeof from === "string" ? from : undefined;
    if (!mayConcernExceptions(comment.body) && !mayConcernExceptions(previousBody)) return;
    const sender = userOf(event.payload["sender"]);
    if (!sender) {
      log.warn("issue_comment payload without a sender: ignored");
      return;
    }
    this.deps.runner.submit(
      `comment:${event.id}`,
      async () => {
        try {
          const result = await recordCommentChange(event.gateway, repo, number, {
            action,
            comment,
            ...(previousBody !== undefined ? { previousBody } : {}),
            sender,
          });
          // The app's own edits change nothing that needs recording, nor a re-check.
          if (result === "own-change") return;
          if (result === "posted")
            log.info({ commentId: comment.id, editor: sender.login }, "posted a void notice for a changed exception comment");
        } catch (error) {
          // Without the notice the exception would still count: say so loudly, GitHub's "Redeliver" retries.
          log.error(
            { err: error, commentId: comment.id },
            "could not record that an exception comment was changed; redeliver this webhook once GitHub answers again",
          );
          return;
        }
        await this.recheck(event, repo, number, `comment:${comment.id}:${action}`, log);
      },
      log,
    );
  }

  private async recheck(event: WebhookEvent, repo: RepoRef, number: number, reason: string, log: Logger): Promise<void> {
    let resolution: Awaited<ReturnType<typeof pullRequestAtCurrentHead>>;
    try {
      resolution = await pullRequestAtCurrentHead(event.gateway, repo, number);
    } catch (error) {
      log.error(
        { err: error, number },
        "could not read the pull request to re-check after an exception comment; it is evaluated on the next push or re-run",
      );
      return;
    }
    for (const skipped of resolution.skipped) log.info({ reason: skipped }, "re-check skipped");
    for (const target of resolution.targets) this.deps.checks.schedule(event, target, log, reason);
  }
}

function commentOf(value: unknown): PullRequestComment | undefined {
  const comment = obj(value);
  const id = comment?.["id"];
  const created = comment?.["created_at"];
  if (!comment || typeof id !== "number" || !Number.isInteger(id) || typeof created !== "string") return undefined;
  const body = comment["body"];
  const updated = comment["updated_at"];
  const url = comment["html_url"];
  return {
    id,
    body: typeof body === "string" ? body : null,
    user: userOf(comment["user"]) ?? null,
    created_at: created,
    ...(typeof updated === "string" ? { updated_at: updated } : {}),
    html_url: typeof url === "string" ? url : "",
  };
}

function userOf(value: unknown): GitHubUser | undefined {
  const user = obj(value);
  const login = user?.["login"];
  if (typeof login !== "string" || login === "") return undefined;
  const type = user?.["type"];
  return { login, type: typeof type === "string" ? type : "User" };
}

function obj(value: unknown): Json | undefined {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Json) : undefined;
}
