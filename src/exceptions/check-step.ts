/**
 * The exception step of a check (the imperative shell around derive/apply/reply): on every
 * evaluation it reads the pull request's comments, looks up whether the people who issued commands
 * are approvers, derives the exceptions in force, answers commands not yet answered (which records
 * grants), and applies comment exceptions together with the `PolicyException` documents of the org
 * and the repository.
 *
 * GitHub requests per evaluation:
 * - 1 per 100 comments (always: GitHub is the record);
 * - only when some comment holds a command or an exception record: `GET /app` once per process (the
 *   bot login), and per login that issued a command, one team-membership read per approver team
 *   plus one permission read when an approver rule is a repository permission (cached within the
 *   evaluation, never across: someone who left the team approves nothing from the next check on);
 * - per command comment not yet answered: one reply and one reaction.
 * Merge groups: the same reads for the pull request named in the group's branch, no replies.
 */
import type { Logger } from "pino";
import type { ResolvedConfig } from "../config/load.js";
import type { ExceptionSettings } from "../config/types.js";
import type { GitHubGateway, IssueComment, RepoRef } from "../github/gateway.js";
import type { Finding } from "../policy/types.js";
import type { AmendFindings } from "../checks/run-check.js";
import { KeyedLock } from "../checks/keyed-lock.js";
import type { CheckTarget } from "../checks/target.js";
import { applyExceptions, isBlocking } from "./apply.js";
import { approverTeams, buildFacts, needsRepoPermission, roleFrom, type AuthorizationFacts, type UserFacts } from "./authorize.js";
import { COMMAND } from "./command.js";
import { pullHistoryReader } from "../checks/pull-history.js";
import { deriveExceptions, loginsToVerify, needsAnything, type DeriveInput, type DerivedExceptions } from "./derive.js";
import { findingsMarker } from "./markers.js";
import type { PolicyException } from "./model.js";
import { planReplies } from "./reply.js";
import { bindingOf, inScope } from "./scope.js";
import type { PullHistory } from "./seen-head.js";
import { exceptionsMarkdown, summarizeExceptions } from "./summary.js";

/** Marker prefix of the app's own records (see markers.ts). */
const RECORD_PREFIX = "<!-- kube-policy-bot:";

export interface ExceptionStepOptions {
  /** Shared by every check of the process, so one pull request's comments are answered one evaluation at a time. */
  lock?: KeyedLock;
}

/** The step to plug into `runCheck` (`CheckDeps.amendFindings`). */
export function exceptionStep(options: ExceptionStepOptions = {}): AmendFindings {
  const lock = options.lock ?? new KeyedLock();
  return async ({ gateway, target, config, findings, log, now, forcePushesSeen }) => {
    const notes: string[] = [];
    const number = target.kind === "pull_request" ? target.number : target.pullNumber;
    let derived: DerivedExceptions | undefined;
    let commentsRead = 0;
    let commentExceptions: PolicyException[] = [];
    if (number !== undefined) {
      const key = `${target.repo.owner}/${target.repo.repo}#${number}`.toLowerCase();
      derived = await lock.run(key, () =>
        readComments({ gateway, target, number, config, findings, now, log, read: (newest) => (commentsRead = newest) }),
      );
      commentExceptions = derived?.active ?? [];
      if (derived && target.kind === "merge_group") {
        // A grant is recorded by the pull request's own check; a merge group never records one, so
        // it applies only what is recorded (bound to the content the approver saw).
        const unrecorded = new Set(derived.toRecord.map((record) => record.exception.id));
        commentExceptions = commentExceptions.filter((exception) => !unrecorded.has(exception.id));
      }
    }
    const applied = applyExceptions(findings, [...commentExceptions, ...config.exceptions], now);
    if (target.kind === "merge_group" && applied.some(isBlocking)) notes.push(mergeGroupNote(target.pullNumber));
    // Documents hold for the whole org: list those that concern this change (excusing a finding, or
    // expired where they would have), not every one the org ever committed.
    const relevant = config.exceptions.filter((exception) => findings.some((finding) => inScope(exception, finding)));
    const section = exceptionsMarkdown(summarizeExceptions({ ...(derived ? { derived } : {}), permanent: relevant, findings: applied, now }));
    // What this run shows on this head, recorded in its summary: an approver who comments after it
    // completed is bound to these findings (see seen-head.ts).
    const record =
      target.kind === "pull_request" && forcePushesSeen !== undefined
        ? findingsMarker({ pullNumber: target.number, headSha: target.headSha, commentsRead, forcePushesSeen, bindings: [...new Set(findings.map(bindingOf))] })
        : undefined;
    return { findings: applied, notes, sections: section === "" ? [] : [section], ...(record ? { record } : {}) };
  };
}

interface ReadInput {
  gateway: GitHubGateway;
  target: CheckTarget;
  number: number;
  config: ResolvedConfig;
  findings: readonly Finding[];
  now: Date;
  log: Logger;
  /** Told the newest comment id listed: every command up to it is answered by this run. */
  read: (newest: number) => void;
}

async function readComments({ gateway, target, number, config, findings, now, log, read }: ReadInput): Promise<DerivedExceptions | undefined> {
  const comments = await gateway.listIssueComments(target.repo, number);
  read(Math.max(0, ...comments.map((comment) => comment.id)));
  // Nothing was ever asked or recorded: no need to know who the bot is or who may approve.
  if (!comments.some(mayMatter)) return undefined;

  const settings = config.org.exceptions;
  const botLogin = await gateway.getBotLogin();
  const author = (target.kind === "pull_request" ? target.author : undefined) ?? (await gateway.getPullRequest(target.repo, number)).author;
  const logins = loginsToVerify(comments, botLogin);
  const facts = await lookUpFacts(gateway, target.repo, author, logins, settings);
  const input: DeriveInput = { comments, facts, settings, botLogin, now, findings, policyNames: config.policies.map((policy) => policy.name) };
  let derived = deriveExceptions(input);
  // A merge group never binds a grant (it applies recorded ones only), so it needs no history.
  if (target.kind !== "pull_request") return derived;

  if (needsAnything(derived.needs)) {
    const reader = pullHistoryReader(gateway, { repo: target.repo, number, headSha: target.headSha }, botLogin);
    const reactions = new Map<number, string[]>();
    let history: PullHistory | undefined;
    // Each round reads what the last derivation lacked; the commits are finite, so this ends.
    for (let round = 0; needsAnything(derived.needs); round++) {
      if (round > MAX_HISTORY_ROUNDS) throw new Error(`the pull request's history could not be established in ${MAX_HISTORY_ROUNDS} rounds of reads`);
      const { needs } = derived;
      if (needs.history || needs.unreadRuns.length > 0) {
        if (needs.unreadRuns.length > 0) await reader.readRuns(needs.unreadRuns);
        history = await reader.history();
      }
      for (const commentId of needs.reactionsOf) if (!reactions.has(commentId)) reactions.set(commentId, await reader.botReactions(commentId));
      derived = deriveExceptions({ ...input, ...(history ? { history } : {}), botReactions: reactions });
    }
  }

  if (needsAnything(derived.needs)) throw new Error("exception grants could not be bound: the pull request's history is incomplete");
  const replies = planReplies(derived, settings);
  for (const reply of replies) {
    // A reply that cannot be posted fails the check (and is retried with it): it is what records a grant.
    await gateway.createIssueComment(target.repo, number, reply.body);
    if (!reply.reaction) continue;
    try {
      await gateway.createCommentReaction(target.repo, reply.commentId, reply.reaction);
    } catch (error) {
      // The reply records the answer. The reaction is a second trace of it, should the reply be
      // deleted unseen (processed.ts), but so is this run's own record: it must not fail the check.
      log.warn({ err: error, commentId: reply.commentId, reaction: reply.reaction }, "could not react to an exception command");
    }
  }
  log.info({ comments: comments.length, verified: logins.length, replies: replies.length, active: derived.active.length, recorded: derived.toRecord.length }, "exception commands evaluated");
  return derived;
}

/** Bounds the read rounds of one evaluation: GitHub lists at most 250 commits of a pull request. */
const MAX_HISTORY_ROUNDS = 300;

/** Why a finding excepted on a pull request may still block its merge group. */
function mergeGroupNote(pullNumber: number | undefined): string {
  const source =
    pullNumber === undefined
      ? "none apply here, because this merge group's branch names no pull request (a re-run of a merge group)"
      : `only those of the pull request the group was made for (#${pullNumber}) apply here, so a finding excepted on a pull request queued ahead of it blocks`;
  return `\`${COMMAND}\` exceptions come from pull request comments: ${source}. Commit a \`PolicyException\` document for an exception that must hold in the merge queue.`;
}

function mayMatter(comment: IssueComment): boolean {
  const body = comment.body ?? "";
  return body.includes(COMMAND) || body.includes(RECORD_PREFIX);
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
