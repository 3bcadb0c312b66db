/**
 * The write step's review: the suggested changes, posted as one pull request review once the check
 * run is complete. The bot's earlier review comments are read first, so that a suggestion it already
 * made (and that still applies) is not repeated. Suggestions are help, not the verdict: a failure
 * here is logged and never changes the check.
 */
import type { Logger } from "pino";
import type { GitHubGateway } from "../../github/gateway.js";
import type { RepoRef } from "../../github/model.js";
import { reviewToPost, type SuggestionPlan } from "../../suggestions/plan.js";

export async function postSuggestions(
  gateway: GitHubGateway,
  repo: RepoRef,
  pullNumber: number,
  plan: SuggestionPlan,
  log: Logger,
): Promise<void> {
  try {
    const [existing, botLogin] = await Promise.all([gateway.listReviewComments(repo, pullNumber), gateway.getBotLogin()]);
    const review = reviewToPost(
      plan,
      existing.map((comment) => ({ path: comment.path, line: comment.line, body: comment.body, author: comment.user?.login ?? null })),
      botLogin,
    );
    if (!review) {
      log.info({ suggestions: plan.suggestions.length }, "suggested changes: all already posted");
      return;
    }
    const { id } = await gateway.createReview(repo, pullNumber, review);
    log.info({ reviewId: id, comments: review.comments.length, outsideDiff: plan.outsideDiff }, "suggested changes posted");
  } catch (error) {
    log.warn({ err: error }, "could not post the suggested changes (the check run is not affected)");
  }
}
