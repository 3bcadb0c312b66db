/**
 * Pull request reviews and review comments (REST: `pulls/{n}/reviews`, `pulls/{n}/comments`), with
 * GitHub's JSON shapes. A review by an installation is authored by the app's bot user and marked
 * `performed_via_github_app`, as on GitHub.
 */
import { appJson, authorAssociation, nodeId, userJson } from "./representations.js";
import { ReviewRefused, createReview, currentPosition, type ReviewCommentRecord, type ReviewRecord } from "./reviews.js";
import type { RequestContext, Route } from "./router.js";
import { HttpError, accessibleRepo, intParam, notFound, ok, paginate, requirePermission } from "./router.js";
import type { EmulatorState, PullRecord } from "./state.js";

type Json = Record<string, unknown>;

function nowIso(): string {
  return new Date().toISOString().replace(/\.\d{3}Z$/, "Z");
}

function pullOf(ctx: RequestContext, level: "read" | "write"): PullRecord {
  const repo = accessibleRepo(ctx);
  requirePermission(ctx, [["pull_requests", level]]);
  const pr = repo.pulls.get(intParam(ctx.params.pull_number));
  if (!pr) throw notFound();
  return pr;
}

export function reviewJson(state: EmulatorState, review: ReviewRecord): Json {
  const repo = state.requireRepo(review.repo);
  const html = `${state.baseUrl}/${repo.fullName}/pull/${review.number}#pullrequestreview-${review.id}`;
  const pullUrl = `${state.apiBase}/repos/${repo.fullName}/pulls/${review.number}`;
  return {
    id: review.id,
    node_id: nodeId("PullRequestReview", review.id),
    user: userJson(state, review.user),
    body: review.body,
    state: review.state,
    html_url: html,
    pull_request_url: pullUrl,
    author_association: authorAssociation(state, repo, review.user),
    _links: { html: { href: html }, pull_request: { href: pullUrl } },
    ...(review.submittedAt ? { submitted_at: review.submittedAt } : {}),
    commit_id: review.commitId,
  };
}

export function reviewCommentJson(state: EmulatorState, pr: PullRecord, comment: ReviewCommentRecord): Json {
  const repo = state.requireRepo(comment.repo);
  const api = `${state.apiBase}/repos/${repo.fullName}`;
  const html = `${state.baseUrl}/${repo.fullName}/pull/${comment.number}#discussion_r${comment.id}`;
  const now = currentPosition(state, pr, comment);
  return {
    url: `${api}/pulls/comments/${comment.id}`,
    pull_request_review_id: comment.reviewId,
    id: comment.id,
    node_id: nodeId("PullRequestReviewComment", comment.id),
    diff_hunk: comment.diffHunk,
    path: comment.path,
    position: now ? now.position : null,
    original_position: comment.position,
    commit_id: now ? pr.headSha : comment.commitId,
    original_commit_id: comment.commitId,
    user: userJson(state, comment.user),
    body: comment.body,
    created_at: comment.createdAt,
    updated_at: comment.updatedAt,
    html_url: html,
    pull_request_url: `${api}/pulls/${comment.number}`,
    author_association: authorAssociation(state, repo, comment.user),
    _links: {
      self: { href: `${api}/pulls/comments/${comment.id}` },
      html: { href: html },
      pull_request: { href: `${api}/pulls/${comment.number}` },
    },
    start_line: now ? now.startLine : null,
    original_start_line: comment.startLine,
    start_side: comment.startSide,
    line: now ? now.line : null,
    original_line: comment.line,
    side: comment.side,
    subject_type: "line",
    performed_via_github_app: comment.viaApp ? appJson(state) : null,
  };
}

export function reviewRoutes(): Route[] {
  return [
    {
      method: "POST",
      pattern: "/repos/:owner/:repo/pulls/:pull_number/reviews",
      auth: "installation",
      handler: (ctx) => {
        const pr = pullOf(ctx, "write");
        const request = (ctx.body ?? {}) as Record<string, unknown>;
        try {
          const review = createReview(ctx.state, pr, request, { user: ctx.state.botLogin(), viaApp: true }, nowIso());
          return ok(reviewJson(ctx.state, review));
        } catch (error) {
          if (error instanceof ReviewRefused) throw new HttpError(422, "Unprocessable Entity", { errors: error.errors });
          throw error;
        }
      },
    },
    {
      method: "GET",
      pattern: "/repos/:owner/:repo/pulls/:pull_number/reviews",
      auth: "installation",
      handler: (ctx) => {
        const pr = pullOf(ctx, "read");
        const reviews = [...ctx.state.reviews.values()]
          .filter((r) => r.repo === pr.repo && r.number === pr.number)
          .sort((a, b) => a.id - b.id);
        const repo = ctx.state.requireRepo(pr.repo);
        const page = paginate(reviews, ctx.query, `${ctx.state.apiBase}/repositories/${repo.id}/pulls/${pr.number}/reviews`);
        return ok(
          page.items.map((r) => reviewJson(ctx.state, r)),
          200,
          page.headers,
        );
      },
    },
    {
      method: "GET",
      pattern: "/repos/:owner/:repo/pulls/:pull_number/comments",
      auth: "installation",
      handler: (ctx) => {
        const pr = pullOf(ctx, "read");
        // Comments of pending reviews are visible only to their author; the app's are never pending.
        const submitted = new Set([...ctx.state.reviews.values()].filter((r) => r.state !== "PENDING").map((r) => r.id));
        const comments = [...ctx.state.reviewComments.values()]
          .filter((c) => c.repo === pr.repo && c.number === pr.number && submitted.has(c.reviewId))
          .sort((a, b) => a.id - b.id);
        if (ctx.query.get("direction") === "desc") comments.reverse();
        const repo = ctx.state.requireRepo(pr.repo);
        const page = paginate(comments, ctx.query, `${ctx.state.apiBase}/repositories/${repo.id}/pulls/${pr.number}/comments`);
        return ok(
          page.items.map((c) => reviewCommentJson(ctx.state, pr, c)),
          200,
          page.headers,
        );
      },
    },
  ];
}
