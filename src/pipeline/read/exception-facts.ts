/**
 * The read step's part for comment exceptions: the pull request's comments and, when any of them
 * asks for or records an exception, the facts that decide who may approve (the bot's login, the pull
 * request's author, team memberships and repository permissions of those who issued commands).
 * Deriving, applying and answering happen later: in the verdict and the decide and write steps.
 *
 * GitHub requests per evaluation:
 * - 1 per 100 comments (always: GitHub is the record);
 * - only when some comment holds a command or an exception record: `GET /app` once per process (the
 *   bot login), and per login that issued a command, one team-membership read per approver team
 *   plus one permission read when an approver rule is a repository permission (read on every
 *   evaluation, never cached across: someone who left the team approves nothing from the next check on).
 * Merge groups: the same reads for the pull request named in the group's branch.
 */
import type { GitHubGateway } from "../../github/gateway.js";
import type { IssueComment, RepoRef } from "../../github/model.js";
import {
  approverTeams,
  buildFacts,
  needsRepoPermission,
  roleFrom,
  type AuthorizationFacts,
  type UserFacts,
} from "../../exceptions/authorize.js";
import { COMMAND } from "../../exceptions/command.js";
import { loginsToVerify } from "../../exceptions/derive.js";
import { RECORD_PREFIX } from "../../exceptions/markers.js";
import type { ExceptionSettings } from "../../exceptions/settings.js";

/** What the comments of one pull request say about exceptions, with the facts to judge them. */
export interface CommentFacts {
  comments: IssueComment[];
  facts: AuthorizationFacts;
  botLogin: string;
  /** Logins whose authority was looked up (for the log). */
  verified: number;
}

/**
 * `facts` is undefined when no comment asks for or records an exception: nothing more is read then.
 * `newestCommentId` is the newest comment listed (0 for none): this check answers every command up to
 * it, which its findings record says (see exceptions/processed.ts).
 */
export async function readCommentFacts(
  gateway: GitHubGateway,
  repo: RepoRef,
  number: number,
  knownAuthor: string | undefined,
  settings: ExceptionSettings,
): Promise<{ newestCommentId: number; facts?: CommentFacts }> {
  const comments = await gateway.listIssueComments(repo, number);
  const newestCommentId = Math.max(0, ...comments.map((comment) => comment.id));
  // Nothing was ever asked or recorded: no need to know who the bot is or who may approve.
  if (!comments.some((comment) => mayConcernExceptions(comment.body))) return { newestCommentId };
  const botLogin = await gateway.getBotLogin();
  const author = knownAuthor ?? (await gateway.getPullRequest(repo, number)).author;
  const logins = loginsToVerify(comments, botLogin);
  const facts = await lookUpFacts(gateway, repo, author, logins, settings);
  return { newestCommentId, facts: { comments, facts, botLogin, verified: logins.length } };
}

/** Whether a comment holds a command or one of the app's records (anything else never matters). */
export function mayConcernExceptions(body: string | null | undefined): boolean {
  return typeof body === "string" && (body.includes(COMMAND) || body.includes(RECORD_PREFIX));
}

/**
 * Team membership (active only; a 404 is "not a member") and repository permission, asked only as
 * far as the org's approver rules need them. A lookup that fails otherwise fails the check: an
 * outage must not be answered with a refusal that the next evaluation would contradict.
 */
async function lookUpFacts(
  gateway: GitHubGateway,
  repo: RepoRef,
  prAuthor: string | undefined,
  logins: readonly string[],
  settings: Pick<ExceptionSettings, "approvers">,
): Promise<AuthorizationFacts> {
  // A deleted author cannot comment: an empty login matches nobody.
  const author = prAuthor ?? "";
  if (settings.approvers.length === 0) return buildFacts(author, []);
  const teams = approverTeams(settings);
  const permission = needsRepoPermission(settings);
  const users: [string, UserFacts][] = [];
  const seen = new Set<string>();
  for (const login of logins) {
    if (seen.has(login.toLowerCase())) continue;
    seen.add(login.toLowerCase());
    const facts: UserFacts = { teams: {} };
    const memberships: Record<string, "active" | "pending"> = {};
    for (const team of teams) {
      const state = await gateway.getTeamMembership(repo.owner, team, login);
      if (state) memberships[team] = state;
    }
    facts.teams = memberships;
    if (permission) {
      const answer = await gateway.getCollaboratorPermission(repo, login);
      facts.permission = answer ? roleFrom({ permission: answer.permission, role_name: answer.roleName }) : "none";
    }
    users.push([login, facts]);
  }
  return buildFacts(author, users);
}
