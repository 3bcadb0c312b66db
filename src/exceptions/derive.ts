/**
 * The exceptions in force on a pull request, derived on every evaluation from its comments: GitHub
 * is the record, the app keeps no database. Requests, approvals and revokes are read in the order
 * they were posted; authorisation is checked again with today's facts (someone who left the
 * approver team no longer approves anything); the app's own hidden markers say what it recorded
 * (grants and what they were bound to), what it answered, and which comments were tampered with.
 *
 * A grant not recorded yet is bound once, to the findings of the head its approver could have seen
 * (seen-head.ts) that are still there, unless its comment was evidently answered before and that
 * answer is gone (processed.ts): then it is void. What a derivation lacks for that (the pull
 * request's history, the app's reactions) it says in `needs`; the read step fetches it and derives
 * again (`bindingNeeds`).
 *
 * Pure: comments, facts, settings, findings, the pull request's history and the clock in; statuses,
 * exceptions to apply, grants to record and per-comment outcomes to acknowledge out.
 */
import { closest } from "../text/suggest.js";
import type { Finding } from "../policy/types.js";
import {
  approverStanding,
  authorize,
  describeApprovers,
  sameLogin,
  type AuthorizationFacts,
  type GitHubUser,
  type SettingsForAuthorization,
} from "./authorize.js";
import { parseComment, type ExceptionRequest, type ParseError } from "./command.js";
import { resolveExpiry } from "./expiry.js";
import { bodyDigest, grantMarker, readMarkers, unboundMarker, voidMarker, type GrantMarker } from "./markers.js";
import { selectorOf, type PolicyException } from "./model.js";
import { earlierAnswer } from "./processed.js";
import { bindingOf, inScope, type ExceptionScope } from "./scope.js";
import { seenHead, type PullHistory } from "./seen-head.js";

/** A pull request comment as the issue comments API returns it (fields used here only). */
export interface PullRequestComment {
  id: number;
  body?: string | null;
  /** Null for a deleted account ("ghost"). */
  user: GitHubUser | null;
  created_at: string;
  updated_at?: string;
  html_url: string;
}

export interface DeriveInput {
  /** Every comment of the pull request (all pages). */
  comments: readonly PullRequestComment[];
  facts: AuthorizationFacts;
  settings: SettingsForAuthorization;
  /** The app's own login, e.g. `kube-policy-bot[bot]`: only its comments carry markers that count. */
  botLogin: string;
  now: Date;
  /**
   * This evaluation's findings: a grant not yet recorded is bound to the ones it covers now that were
   * also on the head its approver could have seen (see `seen-head.ts`).
   */
  findings: readonly Finding[];
  /**
   * The pull request's heads and this app's check runs on them: what binds a grant not yet recorded.
   * Absent: such a grant waits (`needs.history`) and applies nowhere.
   */
  history?: PullHistory;
  /** The app's own reactions on the comments read so far (see `needs.reactionsOf`). */
  botReactions?: ReadonlyMap<number, readonly string[]>;
  /** Names of the policies in force: a request for another policy is refused. Omit to skip the check. */
  policyNames?: readonly string[];
}

export type ExceptionStatus = "active" | "pending" | "expired" | "refused" | "revoked" | "voided";

export interface Grant {
  approver: string;
  /** Why they may approve, e.g. `active member of team platform-security`. */
  via: string;
  /** The approving comment: the request itself when an approver wrote it. */
  commentId: number;
  url: string;
  at: Date;
  expires: Date;
  /** Set when the requested expiry was capped at the org maximum. */
  expiryNote?: string;
  /** What the grant is bound to: from its record, or computed now (see `DerivedExceptions.toRecord`). */
  bindings: readonly string[];
  /** For a grant bound now: the head its approver could have seen, whose findings bound it. */
  seenHead?: string;
}

export interface DerivedException {
  id: string;
  status: ExceptionStatus;
  /** Why it has this status, one or two sentences for the summary and replies. */
  explanation: string;
  request: ExceptionRequest;
  requester: string;
  comment: { id: number; url: string; createdAt: Date };
  grant?: Grant;
  /** The exception to apply, when active (also kept when expired, for display). */
  exception?: PolicyException;
  /** Comments whose approval could not be bound to a head their approver could have seen. */
  unconfirmedIn?: number[];
}

/** A grant bound in this evaluation: the app posts the marker (in its reply) so later evaluations use it. */
export interface GrantToRecord {
  exception: DerivedException & { grant: Grant; exception: PolicyException };
  /** The findings it covers now, which it is bound to. */
  covered: Finding[];
  /** Findings its scope names that were not on the head its approver could have seen: not covered. */
  unseen: Finding[];
  /** The hidden marker to include in the reply. */
  marker: string;
  /** The comment whose reply carries it: the approving comment. */
  inReplyTo: number;
}

export type CommandResult =
  | { kind: "request"; exception: DerivedException }
  | {
      kind: "approve";
      id: string;
      outcome: "granted" | "refused" | "unchanged" | "unconfirmed";
      message: string;
      exception?: DerivedException;
    }
  | { kind: "revoke"; id: string; outcome: "revoked" | "refused" | "unchanged"; message: string; exception?: DerivedException }
  | { kind: "help" }
  | { kind: "malformed"; error: ParseError };

/** What one command comment did, for its acknowledgement (reaction and reply). */
export interface CommentOutcome {
  commentId: number;
  url: string;
  author: string;
  /** When it was written (the time its revokes take effect). */
  at: Date;
  /** The app already replied to it: do not reply again (redelivered webhooks, re-runs). */
  answered: boolean;
  results: CommandResult[];
}

export interface DerivedExceptions {
  /** One per request, in the order requested. */
  exceptions: DerivedException[];
  /** What to apply now: active comment exceptions, bound. */
  active: PolicyException[];
  toRecord: GrantToRecord[];
  /** Per comment with commands, in order. */
  comments: CommentOutcome[];
  /** Grants whose request comment was deleted: nothing applies, but the summary says what happened. */
  vanished: { id: string; approver: string; explanation: string }[];
  /** Hidden markers to add to the reply to a comment (approvals that could not be bound, grants found void). */
  markersFor: Map<number, string[]>;
  /**
   * GitHub facts this derivation lacked to bind a grant: read them and derive again. Until then
   * such grants apply nowhere, and nothing may be answered.
   */
  needs: DerivationNeeds;
}

export interface DerivationNeeds {
  /** The pull request's commits, force pushes and check runs (`DeriveInput.history`). */
  history: boolean;
  /** Commits whose check runs are not in `history.runs` yet. */
  unreadRuns: string[];
  /** Comments whose reactions by the app are not in `botReactions` yet. */
  reactionsOf: number[];
}

export function needsAnything(needs: DerivationNeeds): boolean {
  return needs.history || needs.unreadRuns.length > 0 || needs.reactionsOf.length > 0;
}

/**
 * What the read step must fetch before a derivation can bind every authorised grant. It depends on
 * the comments, the facts, the history and reactions read so far, never on the findings or the
 * clock (which only decide what a bound grant covers and whether it expired).
 */
export function bindingNeeds(input: Omit<DeriveInput, "findings" | "now">): DerivationNeeds {
  return deriveExceptions({ ...input, findings: [], now: new Date(0) }).needs;
}

interface RequestState {
  request: ExceptionRequest;
  comment: PullRequestComment;
  requester: string;
  refused?: string;
  voided?: string;
  revoked?: { by: string; commentId: number };
  grant?: GrantState;
  /** Approvals that could not be bound to a head their approver could have seen: they wait for a confirmation. */
  unconfirmed: { commentId: number; approver: string; reason: string }[];
  /** An approval waits for facts this derivation lacks (`needs`). */
  waiting?: boolean;
  /** Why the requester's own statement did not grant it. */
  notSelfGranted?: string;
  refusedApprovals: string[];
  voidedApprovals: number[];
}

interface GrantState {
  approver: string;
  via: string;
  expires: Date;
  expiryNote?: string;
  comment: PullRequestComment;
  /** Not recorded yet: the head the approver could have seen and the bindings of its findings. */
  seen?: { sha: string; bindings: ReadonlySet<string> };
}

interface Ledger {
  answered: Set<number>;
  /** `id@approvalCommentId` of approvals answered with a request to confirm: they never grant. */
  unbound: Set<string>;
  /** `id@approvalCommentId` -> the first record of that grant, with the bot comment holding it. */
  grants: Map<string, { marker: GrantMarker; commentId: number }>;
  voidedComments: Set<number>;
  /** Exception id -> the comment whose tampering voided it. */
  voidedExceptions: Map<string, number>;
  markerRevokes: { ids: string[]; by: string; at: Date; commentId: number }[];
}

type Event =
  | { at: number; order: number; kind: "comment"; comment: PullRequestComment & { user: GitHubUser } }
  | { at: number; order: number; kind: "marker-revoke"; ids: string[]; by: string; commentId: number };

export function deriveExceptions(input: DeriveInput): DerivedExceptions {
  const comments = input.comments.filter(
    (comment): comment is PullRequestComment & { user: GitHubUser } => comment.user !== null && comment.user !== undefined,
  );
  const isOurs = (comment: { user: GitHubUser }) => comment.user.type === "Bot" && sameLogin(comment.user.login, input.botLogin);
  const ledger = readLedger(comments.filter(isOurs).sort(byTime));
  const present = new Set(input.comments.map((comment) => comment.id));

  const events: Event[] = [];
  for (const comment of comments) {
    // Bots are ignored, including this app: its replies quote commands as examples.
    if (comment.user.type === "Bot") continue;
    events.push({ at: time(comment.created_at), order: comment.id, kind: "comment", comment });
  }
  for (const revoke of ledger.markerRevokes) {
    events.push({
      at: revoke.at.getTime(),
      order: revoke.commentId,
      kind: "marker-revoke",
      ids: revoke.ids,
      by: revoke.by,
      commentId: revoke.commentId,
    });
  }
  events.sort((a, b) => a.at - b.at || a.order - b.order);

  const states = new Map<string, RequestState>();
  // Requests are resolved once every later approval and revoke has been read: refer to them by id until then.
  type Pending = { kind: "request-ref"; id: string } | CommandResult;
  const outcomes: { outcome: CommentOutcome; pending: Pending[] }[] = [];
  const needs: DerivationNeeds = { history: false, unreadRuns: [], reactionsOf: [] };
  const markersFor = new Map<number, string[]>();
  const context: Context = { input, ledger, states, needs, markersFor };

  for (const event of events) {
    if (event.kind === "marker-revoke") {
      for (const id of event.ids) revoke(context, id, event.by, event.commentId);
      continue;
    }
    const { comment } = event;
    const commands = parseComment(comment.body, comment.id);
    if (commands.length === 0) continue;
    const results: Pending[] = [];
    for (const command of commands) {
      switch (command.kind) {
        case "error":
          results.push({ kind: "malformed", error: command });
          break;
        case "help":
          results.push({ kind: "help" });
          break;
        case "request":
          states.set(command.id, request(context, command, comment));
          results.push({ kind: "request-ref", id: command.id });
          break;
        case "approve":
          results.push(approve(context, command.id, comment));
          break;
        case "revoke": {
          const result = revoke(context, command.id, comment.user.login, comment.id);
          results.push({ kind: "revoke", id: command.id, ...result });
          break;
        }
      }
    }
    outcomes.push({
      outcome: {
        commentId: comment.id,
        url: comment.html_url,
        author: comment.user.login,
        at: new Date(time(comment.created_at)),
        answered: ledger.answered.has(comment.id),
        results: [],
      },
      pending: results,
    });
  }

  const exceptions: DerivedException[] = [];
  const byId = new Map<string, DerivedException>();
  const active: PolicyException[] = [];
  const toRecord: GrantToRecord[] = [];
  for (const state of states.values()) {
    const derived = resolve(state, input, ledger, present, toRecord);
    exceptions.push(derived);
    byId.set(derived.id, derived);
    if (derived.status === "active" && derived.exception) active.push(derived.exception);
  }

  const commentOutcomes: CommentOutcome[] = outcomes.map(({ outcome, pending }) => ({
    ...outcome,
    results: pending.map((result): CommandResult => {
      if (result.kind === "request-ref") return { kind: "request", exception: byId.get(result.id) as DerivedException };
      if (result.kind === "approve" || result.kind === "revoke") {
        const exception = byId.get(result.id);
        return exception ? { ...result, exception } : result;
      }
      return result;
    }),
  }));

  const vanished: DerivedExceptions["vanished"] = [];
  for (const { marker } of ledger.grants.values()) {
    if (states.has(marker.id) || vanished.some((entry) => entry.id === marker.id)) continue;
    vanished.push({
      id: marker.id,
      approver: marker.approver,
      explanation: `the comment requesting ${marker.id} was deleted, so the exception no longer applies`,
    });
  }

  needs.unreadRuns = [...new Set(needs.unreadRuns)];
  needs.reactionsOf = [...new Set(needs.reactionsOf)];
  return { exceptions, active, toRecord, comments: commentOutcomes, vanished, markersFor, needs };
}

/** Logins whose team membership and permission the app must look up before deriving. */
export function loginsToVerify(comments: readonly PullRequestComment[], botLogin: string): string[] {
  const logins = new Map<string, string>();
  const add = (login: string) => {
    if (!logins.has(login.toLowerCase())) logins.set(login.toLowerCase(), login);
  };
  for (const comment of comments) {
    if (!comment.user) continue;
    if (comment.user.type === "Bot") {
      if (!sameLogin(comment.user.login, botLogin)) continue;
      for (const marker of readMarkers(comment.body)) {
        if (marker.kind === "void" && marker.revokes) add(marker.revokes.by);
        if (marker.kind === "revoke") add(marker.by);
      }
      continue;
    }
    if (
      parseComment(comment.body, comment.id).some(
        (command) => command.kind === "request" || command.kind === "approve" || command.kind === "revoke",
      )
    ) {
      add(comment.user.login);
    }
  }
  return [...logins.values()];
}

function readLedger(ours: readonly PullRequestComment[]): Ledger {
  const ledger: Ledger = {
    answered: new Set(),
    unbound: new Set(),
    grants: new Map(),
    voidedComments: new Set(),
    voidedExceptions: new Map(),
    markerRevokes: [],
  };
  for (const comment of ours) {
    for (const marker of readMarkers(comment.body)) {
      if (marker.kind === "reply") ledger.answered.add(marker.to);
      else if (marker.kind === "unbound") ledger.unbound.add(`${marker.id}@${marker.approvalCommentId}`);
      else if (marker.kind === "revoke")
        ledger.markerRevokes.push({ ids: marker.ids, by: marker.by, at: marker.at, commentId: marker.commentId });
      else if (marker.kind === "grant") {
        const key = `${marker.id}@${marker.approvalCommentId}`;
        // The first record wins: a second one (a race, a redelivery) cannot rebind to newer content.
        if (!ledger.grants.has(key)) ledger.grants.set(key, { marker, commentId: comment.id });
      } else {
        ledger.voidedComments.add(marker.commentId);
        for (const id of marker.exceptions) if (!ledger.voidedExceptions.has(id)) ledger.voidedExceptions.set(id, marker.commentId);
        if (marker.revokes) ledger.markerRevokes.push({ ...marker.revokes, commentId: marker.commentId });
      }
    }
  }
  return ledger;
}

interface Context {
  input: DeriveInput;
  ledger: Ledger;
  states: Map<string, RequestState>;
  needs: DerivationNeeds;
  markersFor: Map<number, string[]>;
}

function request(context: Context, command: ExceptionRequest, comment: PullRequestComment & { user: GitHubUser }): RequestState {
  const { input, ledger } = context;
  const state: RequestState = {
    request: command,
    comment,
    requester: comment.user.login,
    refusedApprovals: [],
    voidedApprovals: [],
    unconfirmed: [],
  };
  const at = new Date(time(comment.created_at));
  if (input.policyNames && !input.policyNames.includes(command.policy)) {
    const near = closest(command.policy, input.policyNames);
    state.refused = `no policy named ${command.policy} applies to this repository${near ? ` (did you mean ${near}?)` : ""}; policies in force: ${[...input.policyNames].sort().join(", ") || "none"}`;
    return state;
  }
  if (ledger.voidedComments.has(comment.id)) {
    state.voided =
      ledger.voidedExceptions.get(command.id) === comment.id
        ? `the app's answer recording what this comment granted is gone, so it no longer counts; post a new request`
        : `the comment carrying it was edited by someone other than its author, so it no longer counts; post a new request`;
    return state;
  }
  if (command.expires?.kind === "date") {
    const early = resolveExpiry(command.expires, at, input.settings);
    if ("error" in early) {
      state.refused = early.error;
      return state;
    }
  }
  const decision = authorize(
    { actor: comment.user, policy: command.policy, ...(command.expires ? { expires: command.expires } : {}), at },
    input.facts,
    input.settings,
  );
  if (decision.granted) {
    bindGrant(context, state, {
      approver: decision.approver,
      via: decision.via,
      expires: decision.expires,
      comment,
      ...(decision.expiryNote ? { expiryNote: decision.expiryNote } : {}),
    });
  } else {
    state.notSelfGranted = decision.reason;
  }
  return state;
}

/**
 * An authorised grant in `grant.comment`: bound by its record when there is one; otherwise, if the
 * comment was evidently answered before and the answer is gone, void; otherwise bound to the head
 * its approver could have seen, or, when that head cannot be established, left unconfirmed.
 */
function bindGrant(
  context: Context,
  state: RequestState,
  grant: GrantState,
): { outcome: "granted" } | { outcome: "unconfirmed" | "void" | "waiting"; reason: string } {
  const { input, ledger, needs } = context;
  const id = state.request.id;
  const comment = grant.comment;
  const key = `${id}@${comment.id}`;
  if (ledger.grants.has(key)) {
    state.grant = grant;
    return { outcome: "granted" };
  }
  if (ledger.unbound.has(key)) {
    const reason = "it could not be bound to a head its approver could have seen";
    state.unconfirmed.push({ commentId: comment.id, approver: grant.approver, reason });
    return { outcome: "unconfirmed", reason };
  }
  if (Number.isNaN(Date.parse(comment.created_at))) {
    // Without its time there is no telling what its approver could have seen.
    const reason = "the comment's creation time cannot be read";
    state.unconfirmed.push({ commentId: comment.id, approver: grant.approver, reason });
    addMarker(context, comment.id, unboundMarker({ id, approvalCommentId: comment.id }));
    return { outcome: "unconfirmed", reason };
  }
  const history = input.history;
  const reactions = input.botReactions?.get(comment.id);
  if (reactions === undefined) needs.reactionsOf.push(comment.id);
  if (!history) needs.history = true;
  if (!history || reactions === undefined) {
    state.waiting = true;
    return { outcome: "waiting", reason: "the pull request's history is being read" };
  }
  {
    // Answered and not recorded is an approval refused before (its approver joined the team since),
    // unless the app's 👍 says a grant was answered: then the reply that recorded it is gone.
    const evidence = ledger.answered.has(comment.id)
      ? reactions.includes("+1")
        ? "the app reacted 👍 to it"
        : undefined
      : earlierAnswer({ id: comment.id }, reactions, history);
    if (evidence !== undefined) {
      const reason = `this comment was answered before (${evidence}), but the app's reply recording that answer is gone, so what it granted cannot be known and is void; post a new request`;
      state.voided = reason;
      addMarker(context, comment.id, voidMarker({ commentId: comment.id, exceptions: [id] }));
      return { outcome: "void", reason };
    }
  }
  const seen = seenHead(history, new Date(time(comment.created_at)));
  if (seen.kind === "incomplete") {
    needs.unreadRuns.push(...seen.unread);
    state.waiting = true;
    return { outcome: "waiting", reason: "the pull request's history is being read" };
  }
  if (seen.kind === "unknown") {
    state.unconfirmed.push({ commentId: comment.id, approver: grant.approver, reason: seen.reason });
    addMarker(context, comment.id, unboundMarker({ id, approvalCommentId: comment.id }));
    return { outcome: "unconfirmed", reason: seen.reason };
  }
  state.grant = { ...grant, seen: { sha: seen.sha, bindings: seen.bindings } };
  return { outcome: "granted" };
}

function addMarker(context: Context, commentId: number, marker: string): void {
  context.markersFor.set(commentId, [...(context.markersFor.get(commentId) ?? []), marker]);
}

function approve(context: Context, id: string, comment: PullRequestComment & { user: GitHubUser }): CommandResult {
  const { input, ledger, states } = context;
  const refuse = (message: string): CommandResult => ({ kind: "approve", id, outcome: "refused", message });
  const state = states.get(id);
  if (!state)
    return refuse(
      `there is no exception request ${id} on this pull request before this comment (ids are in the bot's reply to each request)`,
    );
  if (ledger.voidedComments.has(comment.id)) {
    state.voidedApprovals.push(comment.id);
    return refuse(
      `this comment was edited by someone other than its author, so its approval does not count; approve again in a new comment`,
    );
  }
  if (state.refused) return refuse(`${id} cannot be granted: ${state.refused}`);
  if (state.voided) return refuse(`${id} is void: ${state.voided}`);
  if (state.revoked) return refuse(`${id} was revoked by @${state.revoked.by}; post a new request`);
  if (state.grant) {
    return { kind: "approve", id, outcome: "unchanged", message: `${id} is already granted by @${state.grant.approver}` };
  }
  // Until the grant is recorded (with a digest of the text), the request's last edit time is all that
  // says whether the approver saw the text as it is now.
  const edited = state.comment.updated_at === undefined ? 0 : time(state.comment.updated_at);
  if (edited > time(comment.created_at) && !ledger.grants.has(`${id}@${comment.id}`)) {
    state.refusedApprovals.push(`the approval by @${comment.user.login} came before the request's last edit`);
    return refuse(`${id} was edited after this approval, so the approval does not cover its text; approve it again`);
  }
  const request = state.request;
  const decision = authorize(
    {
      actor: comment.user,
      policy: request.policy,
      ...(request.expires ? { expires: request.expires } : {}),
      at: new Date(time(comment.created_at)),
    },
    input.facts,
    input.settings,
  );
  if (!decision.granted) {
    state.refusedApprovals.push(`approval by @${comment.user.login} refused: ${decision.reason}`);
    return refuse(decision.reason);
  }
  const bound = bindGrant(context, state, {
    approver: decision.approver,
    via: decision.via,
    expires: decision.expires,
    comment,
    ...(decision.expiryNote ? { expiryNote: decision.expiryNote } : {}),
  });
  if (bound.outcome === "granted")
    return { kind: "approve", id, outcome: "granted", message: `${id} granted by @${decision.approver} (${decision.via})` };
  if (bound.outcome === "void") return refuse(`${id} is void: ${bound.reason}`);
  return { kind: "approve", id, outcome: "unconfirmed", message: bound.reason };
}

/**
 * Withdrawing only ever makes the check stricter, so the requester, the granting approver and any
 * approver (whatever policies they are limited to) may do it.
 */
function revoke(
  { input, states }: Context,
  id: string,
  by: string,
  commentId: number,
): { outcome: "revoked" | "refused" | "unchanged"; message: string } {
  const state = states.get(id);
  if (!state) return { outcome: "refused", message: `there is no exception request ${id} on this pull request before this comment` };
  if (state.revoked) return { outcome: "unchanged", message: `${id} was already revoked by @${state.revoked.by}` };
  const allowed =
    sameLogin(by, state.requester) ||
    (state.grant !== undefined && sameLogin(by, state.grant.approver)) ||
    approverStanding(by, undefined, input.facts, input.settings).approver;
  if (!allowed) {
    return {
      outcome: "refused",
      message: `@${by} may not revoke ${id}: only its requester (@${state.requester}), the approver who granted it, or an approver (${describeApprovers(input.settings.approvers)}) can`,
    };
  }
  state.revoked = { by, commentId };
  return { outcome: "revoked", message: `${id} revoked by @${by}` };
}

function resolve(
  state: RequestState,
  input: DeriveInput,
  ledger: Ledger,
  present: ReadonlySet<number>,
  toRecord: GrantToRecord[],
): DerivedException {
  const { request, comment } = state;
  const base = {
    id: request.id,
    request,
    requester: state.requester,
    comment: { id: comment.id, url: comment.html_url, createdAt: new Date(time(comment.created_at)) },
  };
  const approveHint = `an approver (${describeApprovers(input.settings.approvers, request.policy)}) can answer \`/policy-exception approve ${request.id}\``;

  if (state.refused) return { ...base, status: "refused", explanation: state.refused };
  if (state.voided) return { ...base, status: "voided", explanation: state.voided };
  const tampered = ledger.voidedExceptions.get(request.id);
  if (tampered !== undefined) {
    return {
      ...base,
      status: "voided",
      explanation: `the bot's record of this grant (comment ${tampered}) was edited or deleted by someone else, so it no longer applies; post a new request`,
    };
  }
  if (state.revoked) return { ...base, status: "revoked", explanation: `revoked by @${state.revoked.by}` };

  if (!state.grant) {
    const orphan = [...ledger.grants.values()].find(({ marker }) => marker.id === request.id && !present.has(marker.approvalCommentId));
    if (orphan) {
      return {
        ...base,
        status: "voided",
        explanation: `the comment approving it (${orphan.marker.approvalCommentId}) was deleted; ${approveHint}`,
      };
    }
    if (state.voidedApprovals.length > 0) {
      return {
        ...base,
        status: "voided",
        explanation: `its approval (comment ${state.voidedApprovals.join(", ")}) was edited by someone other than its author, so it no longer counts; ${approveHint}`,
      };
    }
    if (request.expires?.kind === "date" && request.expires.date.getTime() <= input.now.getTime()) {
      return { ...base, status: "expired", explanation: `its --expires date ${request.expires.text} passed before anyone approved it` };
    }
    const unconfirmed = state.unconfirmed.at(-1);
    if (unconfirmed) {
      return {
        ...base,
        unconfirmedIn: state.unconfirmed.map((entry) => entry.commentId),
        status: "pending",
        explanation: `approved by @${unconfirmed.approver} in comment ${unconfirmed.commentId}, but ${unconfirmed.reason}, so the approval covers nothing; once this app's check of the current head has completed, @${unconfirmed.approver} can confirm with \`/policy-exception approve ${request.id}\``,
      };
    }
    if (state.waiting)
      return { ...base, status: "pending", explanation: "approved; the head its approver could have seen is being established" };
    const why = [state.notSelfGranted, ...state.refusedApprovals].filter((text): text is string => text !== undefined);
    return {
      ...base,
      status: "pending",
      explanation: `waiting for approval: ${approveHint}.${why.length > 0 ? ` (${why.join("; ")})` : ""}`,
    };
  }

  const grantComment = state.grant.comment;
  const record = ledger.grants.get(`${request.id}@${grantComment.id}`);
  let expires = state.grant.expires;
  let bindings: readonly string[];
  let covered: Finding[] | undefined;
  let unseen: Finding[] = [];
  if (record) {
    if (ledger.voidedComments.has(record.commentId)) {
      return {
        ...base,
        status: "voided",
        explanation: `the bot's record of this grant (comment ${record.commentId}) was edited by someone else, so it no longer applies; post a new request`,
      };
    }
    if (record.marker.requestSha !== bodyDigest(comment.body)) {
      return {
        ...base,
        status: "voided",
        explanation: `the request comment was edited after the exception was granted, so the grant no longer applies; post a new request`,
      };
    }
    if (!sameLogin(record.marker.approver, state.grant.approver)) {
      return {
        ...base,
        status: "voided",
        explanation: `the grant was recorded for @${record.marker.approver}, but the approving comment is now by @${state.grant.approver}`,
      };
    }
    if (record.marker.expires.getTime() < expires.getTime()) expires = record.marker.expires;
    bindings = record.marker.bindings;
  } else {
    const seen = state.grant.seen;
    const named = input.findings.filter((finding) => inScope(scopeOf(request), finding));
    // A finding the approver could not have seen is not covered, whatever the grant names.
    covered = seen ? named.filter((finding) => seen.bindings.has(bindingOf(finding))) : [];
    unseen = named.filter((finding) => !covered?.includes(finding));
    bindings = [...new Set(covered.map(bindingOf))];
  }

  const grant: Grant = {
    approver: state.grant.approver,
    via: state.grant.via,
    commentId: grantComment.id,
    url: grantComment.html_url,
    at: new Date(time(grantComment.created_at)),
    expires,
    bindings,
    ...(state.grant.expiryNote ? { expiryNote: state.grant.expiryNote } : {}),
    ...(!record && state.grant.seen ? { seenHead: state.grant.seen.sha } : {}),
  };
  const exception: PolicyException = {
    id: request.id,
    ...scopeOf(request),
    reason: request.reason,
    approver: grant.approver,
    expires,
    source: { kind: "comment", commentId: comment.id, url: comment.html_url },
    bindings,
  };
  if (expires.getTime() <= input.now.getTime()) {
    return { ...base, status: "expired", explanation: `expired at ${expires.toISOString()}`, grant, exception };
  }
  const derived = {
    ...base,
    status: "active" as const,
    explanation: `granted by @${grant.approver} until ${expires.toISOString()}`,
    grant,
    exception,
  };
  if (!record && covered) {
    toRecord.push({
      exception: derived,
      covered,
      unseen,
      inReplyTo: grantComment.id,
      marker: grantMarker({
        id: request.id,
        approvalCommentId: grantComment.id,
        requestSha: bodyDigest(comment.body),
        approver: grant.approver,
        expires,
        bindings: [...bindings],
      }),
    });
  }
  return derived;
}

export function scopeOf(request: ExceptionRequest): ExceptionScope & { policies: PolicyException["policies"] } {
  const scope: ExceptionScope = {
    policies: [request.rule === undefined ? { name: request.policy } : { name: request.policy, rules: [request.rule] }],
    resources: request.resources.map(selectorOf),
  };
  if (request.container !== undefined) scope.containers = [request.container];
  return scope;
}

function byTime(a: PullRequestComment, b: PullRequestComment): number {
  return time(a.created_at) - time(b.created_at) || a.id - b.id;
}

/** An unreadable timestamp sorts first: it cannot make a comment look later than it is. */
function time(text: string): number {
  const value = Date.parse(text);
  return Number.isNaN(value) ? 0 : value;
}
