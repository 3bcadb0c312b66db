/**
 * Who may grant an exception, decided from facts the app looked up on GitHub: team membership
 * (active only) and repository permission, as the org config's `exceptions.approvers` asks.
 *
 * Never used: `author_association` (a private org member shows as CONTRIBUTOR, and it is not a
 * statement of authority). Never allowed: a bot, or the pull request's author on their own pull
 * request. A fact that could not be looked up counts as "no": authorisation fails closed.
 */
import type { ApproverRule, ExceptionSettings, RepoPermission } from "./settings.js";
import { resolveExpiry, type ExpirySpec } from "./expiry.js";

/** GitHub's repository roles, weakest first. */
export const PERMISSION_ORDER: readonly RepoPermission[] = ["read", "triage", "write", "maintain", "admin"];

export interface GitHubUser {
  login: string;
  /** `User`, `Bot` or `Organization`, as GitHub sends `user.type`. */
  type: string;
}

export interface UserFacts {
  /**
   * Membership state per approver team slug, from `GET /orgs/{org}/teams/{slug}/memberships/{user}`;
   * a team missing here is a 404 (not a member). Only `active` counts.
   */
  teams: Readonly<Record<string, "active" | "pending">>;
  /**
   * The user's role on the repository: `role_name` from the collaborator permission endpoint when it
   * is one of the five built-in roles, otherwise its `permission` (custom roles inherit one of
   * read/write/admin). `none` for no access; absent when it was not looked up.
   */
  permission?: RepoPermission | "none";
}

export interface AuthorizationFacts {
  /** Login of the pull request's author. */
  prAuthor: string;
  /** Facts per login, keys in lower case (GitHub logins are case-insensitive). */
  users: ReadonlyMap<string, UserFacts>;
}

/** Facts keyed the way `authorize` looks them up (lower-case logins). */
export function buildFacts(prAuthor: string, users: Iterable<readonly [login: string, facts: UserFacts]>): AuthorizationFacts {
  return { prAuthor, users: new Map([...users].map(([login, facts]) => [login.toLowerCase(), facts])) };
}

export interface AuthorizationRequest {
  /** Who states the exception: an approver writing it, or answering someone's request. */
  actor: GitHubUser;
  /** The policy the exception is for (approvers may be limited to some policies). */
  policy: string;
  expires?: ExpirySpec;
  /** When the actor stated it (their comment's creation time): durations count from here. */
  at: Date;
}

export type AuthorizationDecision =
  | {
      granted: true;
      approver: string;
      /** Why they may: `member of team platform-security`, `write permission on the repository`. */
      via: string;
      expires: Date;
      /** Set when the expiry was capped at the org maximum: say so in the reply. */
      expiryNote?: string;
    }
  | { granted: false; reason: string };

export type SettingsForAuthorization = Pick<ExceptionSettings, "approvers" | "maxDurationMs" | "defaultDurationMs">;

export function authorize(
  request: AuthorizationRequest,
  facts: AuthorizationFacts,
  settings: SettingsForAuthorization,
): AuthorizationDecision {
  const login = request.actor.login;
  if (request.actor.type === "Bot") return { granted: false, reason: `@${login} is a bot; bots cannot grant exceptions` };
  if (sameLogin(login, facts.prAuthor)) {
    return {
      granted: false,
      reason: `@${login} opened this pull request, and nobody can approve an exception on their own pull request: another approver must approve it`,
    };
  }
  const standing = approverStanding(login, request.policy, facts, settings);
  if (!standing.approver) return { granted: false, reason: standing.reason };
  const expiry = resolveExpiry(request.expires, request.at, settings);
  if ("error" in expiry) return { granted: false, reason: expiry.error };
  const decision: AuthorizationDecision = { granted: true, approver: login, via: standing.via, expires: expiry.expires };
  if (expiry.note) decision.expiryNote = expiry.note;
  return decision;
}

export type ApproverStanding = { approver: true; via: string } | { approver: false; reason: string };

/**
 * Whether a user is an approver for a policy, and why (not). `policy` undefined: for any policy,
 * which is what withdrawing an exception needs (revoking only ever makes the check stricter).
 */
export function approverStanding(
  login: string,
  policy: string | undefined,
  facts: AuthorizationFacts,
  settings: Pick<ExceptionSettings, "approvers">,
): ApproverStanding {
  if (settings.approvers.length === 0) {
    return {
      approver: false,
      reason:
        "no approvers are configured: the organisation's .github/kube-policy.yml has no exceptions.approvers, so nobody can grant exceptions",
    };
  }
  const userFacts = facts.users.get(login.toLowerCase());
  if (!userFacts)
    return {
      approver: false,
      reason: `could not verify whether @${login} is an approver (their team membership and permission were not looked up), so the answer is no`,
    };

  const qualifying = settings.approvers.filter((rule) => qualifies(rule, userFacts));
  const forPolicy = qualifying.find((rule) => policy === undefined || rule.policies === undefined || rule.policies.includes(policy));
  if (forPolicy) return { approver: true, via: describeRule(forPolicy) };
  if (qualifying.length > 0 && policy !== undefined) {
    const allowed = [...new Set(qualifying.flatMap((rule) => rule.policies ?? []))].sort();
    return {
      approver: false,
      reason: `@${login} is an approver only for ${allowed.join(", ")} (${qualifying.map(describeRule).join("; ")}), not for ${policy}`,
    };
  }
  const pending = settings.approvers.filter((rule) => rule.team !== undefined && userFacts.teams[rule.team] === "pending");
  const pendingNote =
    pending.length > 0
      ? ` (@${login}'s membership of ${pending.map((rule) => `team ${rule.team}`).join(", ")} is pending: an invitation not yet accepted does not count)`
      : "";
  const unknownPermission = settings.approvers.some((rule) => rule.permission !== undefined) && userFacts.permission === undefined;
  const permissionNote = unknownPermission ? ` (their repository permission could not be looked up)` : "";
  return {
    approver: false,
    reason: `@${login} is not an approver${policy ? ` for ${policy}` : ""}: approvers are ${describeApprovers(settings.approvers, policy)}${pendingNote}${permissionNote}`,
  };
}

function qualifies(rule: ApproverRule, facts: UserFacts): boolean {
  if (rule.team !== undefined) return facts.teams[rule.team] === "active";
  if (rule.permission !== undefined) {
    if (facts.permission === undefined || facts.permission === "none") return false;
    return PERMISSION_ORDER.indexOf(facts.permission) >= PERMISSION_ORDER.indexOf(rule.permission);
  }
  return false;
}

function describeRule(rule: ApproverRule): string {
  const who = rule.team !== undefined ? `active member of team ${rule.team}` : `${rule.permission} permission or higher on the repository`;
  return rule.policies ? `${who}, for ${rule.policies.join(", ")}` : who;
}

/** `members of team platform-security, or people with maintain permission or higher` (for one policy when given). */
export function describeApprovers(approvers: readonly ApproverRule[], policy?: string): string {
  const relevant = approvers.filter((rule) => policy === undefined || rule.policies === undefined || rule.policies.includes(policy));
  if (relevant.length === 0) return policy ? `not configured for ${policy}` : "not configured";
  return relevant
    .map((rule) => {
      const who =
        rule.team !== undefined
          ? `active members of team ${rule.team}`
          : `people with ${rule.permission} permission or higher on this repository`;
      return rule.policies && policy === undefined ? `${who} (for ${rule.policies.join(", ")})` : who;
    })
    .join(", or ");
}

/** The team slugs to look up for each user, so the app asks GitHub only what the decision needs. */
export function approverTeams(settings: Pick<ExceptionSettings, "approvers">): string[] {
  return [...new Set(settings.approvers.flatMap((rule) => (rule.team !== undefined ? [rule.team] : [])))];
}

/** Whether any approver rule is a repository permission (one more lookup per user). */
export function needsRepoPermission(settings: Pick<ExceptionSettings, "approvers">): boolean {
  return settings.approvers.some((rule) => rule.permission !== undefined);
}

/**
 * The collaborator permission endpoint's answer as a role: `role_name` when it is a built-in role
 * (it distinguishes triage and maintain, which `permission` folds into read and write), else the
 * legacy `permission`.
 */
export function roleFrom(answer: { permission: string; role_name?: string | null }): RepoPermission | "none" {
  const role = answer.role_name ?? "";
  if ((PERMISSION_ORDER as readonly string[]).includes(role)) return role as RepoPermission;
  if ((PERMISSION_ORDER as readonly string[]).includes(answer.permission)) return answer.permission as RepoPermission;
  return "none";
}

export function sameLogin(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}
