/**
 * Issue comments (which is how GitHub stores PR conversation comments) and their reactions.
 * Writes by the app are marked `performed_via_github_app` and authored by the app's bot user.
 */
import { commentJson, issueEventJson, issueJson, reactionJson, VALID_REACTIONS } from "./representations.js";
import type { Reply, RequestContext, Route } from "./router.js";
import { HttpError, accessibleRepo, intParam, notFound, ok, paginate, requirePermission, validationFailed } from "./router.js";
import type { CommentRecord, RepoRecord } from "./state.js";
import { nowIso } from "./state.js";

const MAX_COMMENT_BODY = 65536;
const READ: Array<[string, "read"]> = [
  ["issues", "read"],
  ["pull_requests", "read"],
];
const WRITE: Array<[string, "write"]> = [
  ["issues", "write"],
  ["pull_requests", "write"],
];

function commentBody(ctx: RequestContext): string {
  const body = (ctx.body as { body?: unknown } | undefined)?.body;
  if (typeof body !== "string") throw validationFailed([{ resource: "IssueComment", field: "body", code: "missing_field" }]);
  if (body.trim() === "")
    throw validationFailed([{ resource: "IssueComment", field: "body", code: "missing_field", message: "body cannot be blank" }]);
  if (body.length > MAX_COMMENT_BODY) {
    throw validationFailed([
      { resource: "IssueComment", field: "body", code: "custom", message: `Body is too long (maximum is ${MAX_COMMENT_BODY} characters)` },
    ]);
  }
  return body;
}

function issueExists(repo: RepoRecord, number: number): boolean {
  return repo.pulls.has(number) || repo.issues.has(number);
}

function commentOf(ctx: RequestContext, repo: RepoRecord): CommentRecord {
  const comment = ctx.state.comments.get(intParam(ctx.params.comment_id));
  if (!comment || comment.repo.toLowerCase() !== repo.fullName.toLowerCase()) throw notFound();
  return comment;
}

function createReaction(ctx: RequestContext): Reply {
  const repo = accessibleRepo(ctx);
  requirePermission(ctx, WRITE);
  const comment = commentOf(ctx, repo);
  const content = (ctx.body as { content?: unknown } | undefined)?.content;
  if (typeof content !== "string" || !VALID_REACTIONS.includes(content)) {
    throw validationFailed([{ resource: "Reaction", field: "content", code: "invalid" }]);
  }
  const user = ctx.state.botLogin();
  const existing = comment.reactions.find((r) => r.user === user && r.content === content);
  // GitHub answers 200 with the existing reaction instead of creating a duplicate.
  if (existing) return ok(reactionJson(ctx.state, existing), 200);
  const reaction = { id: ctx.state.nextId(), user, content, createdAt: nowIso() };
  comment.reactions.push(reaction);
  return ok(reactionJson(ctx.state, reaction), 201);
}

export function issueRoutes(): Route[] {
  return [
    {
      method: "GET",
      pattern: "/repos/:owner/:repo/issues/comments/:comment_id",
      auth: "installation",
      handler: (ctx) => {
        const repo = accessibleRepo(ctx);
        requirePermission(ctx, READ);
        return ok(commentJson(ctx.state, commentOf(ctx, repo)));
      },
    },
    {
      method: "PATCH",
      pattern: "/repos/:owner/:repo/issues/comments/:comment_id",
      auth: "installation",
      handler: (ctx) => {
        const repo = accessibleRepo(ctx);
        requirePermission(ctx, WRITE);
        const comment = commentOf(ctx, repo);
        const body = commentBody(ctx);
        const from = comment.body;
        comment.body = body;
        comment.updatedAt = nowIso();
        ctx.state.events.emit("comment", comment, "edited", { from, byApp: true });
        return ok(commentJson(ctx.state, comment));
      },
    },
    {
      method: "DELETE",
      pattern: "/repos/:owner/:repo/issues/comments/:comment_id",
      auth: "installation",
      handler: (ctx) => {
        const repo = accessibleRepo(ctx);
        requirePermission(ctx, WRITE);
        const comment = commentOf(ctx, repo);
        ctx.state.comments.delete(comment.id);
        ctx.state.events.emit("comment", comment, "deleted", { byApp: true });
        return { status: 204 };
      },
    },
    {
      method: "GET",
      pattern: "/repos/:owner/:repo/issues/comments/:comment_id/reactions",
      auth: "installation",
      handler: (ctx) => {
        const repo = accessibleRepo(ctx);
        requirePermission(ctx, READ);
        const comment = commentOf(ctx, repo);
        const content = ctx.query.get("content");
        const reactions = comment.reactions.filter((r) => !content || r.content === content);
        const page = paginate(reactions, ctx.query, `${ctx.state.apiBase}/repositories/${repo.id}/issues/comments/${comment.id}/reactions`);
        return ok(
          page.items.map((r) => reactionJson(ctx.state, r)),
          200,
          page.headers,
        );
      },
    },
    { method: "POST", pattern: "/repos/:owner/:repo/issues/comments/:comment_id/reactions", auth: "installation", handler: createReaction },
    {
      method: "DELETE",
      pattern: "/repos/:owner/:repo/issues/comments/:comment_id/reactions/:reaction_id",
      auth: "installation",
      handler: (ctx) => {
        const repo = accessibleRepo(ctx);
        requirePermission(ctx, WRITE);
        const comment = commentOf(ctx, repo);
        const id = intParam(ctx.params.reaction_id);
        const index = comment.reactions.findIndex((r) => r.id === id);
        if (index === -1) throw notFound();
        comment.reactions.splice(index, 1);
        return { status: 204 };
      },
    },
    {
      method: "GET",
      pattern: "/repos/:owner/:repo/issues/:issue_number",
      auth: "installation",
      handler: (ctx) => {
        const repo = accessibleRepo(ctx);
        requirePermission(ctx, READ);
        const number = intParam(ctx.params.issue_number);
        if (!issueExists(repo, number)) throw notFound();
        return ok(issueJson(ctx.state, repo.fullName, number));
      },
    },
    {
      // Issue events, oldest first; a pull request's include `head_ref_force_pushed`.
      method: "GET",
      pattern: "/repos/:owner/:repo/issues/:issue_number/events",
      auth: "installation",
      handler: (ctx) => {
        const repo = accessibleRepo(ctx);
        requirePermission(ctx, READ);
        const number = intParam(ctx.params.issue_number);
        if (!issueExists(repo, number)) throw notFound();
        const events = ctx.state.issueEvents.filter(
          (event) => event.repo.toLowerCase() === repo.fullName.toLowerCase() && event.number === number,
        );
        const page = paginate(events, ctx.query, `${ctx.state.apiBase}/repositories/${repo.id}/issues/${number}/events`);
        return ok(
          page.items.map((event) => issueEventJson(ctx.state, repo, event)),
          200,
          page.headers,
        );
      },
    },
    {
      method: "GET",
      pattern: "/repos/:owner/:repo/issues/:issue_number/comments",
      auth: "installation",
      handler: (ctx) => {
        const repo = accessibleRepo(ctx);
        requirePermission(ctx, READ);
        const number = intParam(ctx.params.issue_number);
        if (!issueExists(repo, number)) throw notFound();
        const since = ctx.query.get("since");
        const sinceMs = since ? Date.parse(since) : Number.NaN;
        if (since && Number.isNaN(sinceMs)) throw new HttpError(422, "Invalid value for since");
        const comments = ctx.state.commentsOn(repo.fullName, number).filter((c) => !since || Date.parse(c.updatedAt) >= sinceMs);
        const page = paginate(comments, ctx.query, `${ctx.state.apiBase}/repositories/${repo.id}/issues/${number}/comments`);
        return ok(
          page.items.map((c) => commentJson(ctx.state, c)),
          200,
          page.headers,
        );
      },
    },
    {
      method: "POST",
      pattern: "/repos/:owner/:repo/issues/:issue_number/comments",
      auth: "installation",
      handler: (ctx) => {
        const repo = accessibleRepo(ctx);
        requirePermission(ctx, WRITE);
        const number = intParam(ctx.params.issue_number);
        if (!issueExists(repo, number)) throw notFound();
        const comment = ctx.state.addComment(repo.fullName, number, commentBody(ctx), ctx.state.botLogin(), true);
        const json = commentJson(ctx.state, comment);
        return ok(json, 201, { location: json.url as string });
      },
    },
  ];
}
