/**
 * The app keeps no database: what it decided is written into its own comments as hidden HTML
 * comments, and read back from the pull request's comments on every evaluation. Only markers in
 * comments written by the app's own bot account count; anyone can type the same text elsewhere.
 *
 * - `reply to=<comment>`: that command comment has been answered (no second reply on redelivery).
 * - `grant id=<E…> approval=<comment> request-sha=<hex> approver=<login> expires=<ISO> bound=<b,…>`:
 *   the exception was granted by that comment, for the request text with that digest, bound to
 *   those findings (see `bindingOf`). Later evaluations use the record, not today's findings.
 * - `void comment=<comment> [exceptions=<E…,…>] [revokes=<E…,…> by=<login> at=<ISO>]`: that comment
 *   was edited by someone other than its author (or deleted, for the parts below); whatever it granted
 *   no longer counts, the exceptions listed (whose grant record it was) are void for good, and the
 *   revokes it carried stay in force, attributed to its author at its time: a change only ever
 *   takes exceptions away.
 * - `revoke comment=<comment> ids=<E…,…> by=<login> at=<ISO>`: that comment revoked those exceptions,
 *   answered in the reply that carries it; the revoke stays in force should the comment vanish
 *   without a delete webhook.
 * - `unbound id=<E…> approval=<comment>`: that approval could not be bound to a head its approver
 *   could have seen (see `seen-head.ts`); the approver was asked to confirm, and it never grants.
 * - `findings pr=<n> head=<sha> read=<comment> forced=<count> bound=<b,…>` (or `overflow=1`), in the
 *   summary of the app's own check runs, not in comments: the bindings of every finding the run
 *   showed on that head (what an approver who commented after the run completed could have seen),
 *   the newest comment the run read and so answered, and how many force pushes it had seen.
 */
import { createHash } from "node:crypto";

const PREFIX = "kube-policy-bot";
/** How every record the app writes into a comment begins: a comment without it records nothing. */
export const RECORD_PREFIX = `<!-- ${PREFIX}:`;
const MARKER = /<!-- kube-policy-bot:(reply|grant|void|unbound|revoke)((?: [a-z-]+=[^\s>]*)*) -->/g;
const FINDINGS_MARKER = /<!-- kube-policy-bot:findings((?: [a-z-]+=[^\s>]*)*) -->/;
const SHA = /^[0-9a-f]{40}(?:[0-9a-f]{24})?$/;
/** Bindings a run records at most (17 characters each): the summary holds 65,535 characters. */
export const MAX_RECORDED_BINDINGS = 2500;
const ID = /^E\d{1,20}(?:-\d{1,4})?$/;
const COMMENT_ID = /^\d{1,20}$/;
const LOGIN = /^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\[bot\])?$/;
const DIGEST = /^[0-9a-f]{16}$/;

export interface ReplyMarker {
  kind: "reply";
  to: number;
}

export interface GrantMarker {
  kind: "grant";
  id: string;
  approvalCommentId: number;
  requestSha: string;
  approver: string;
  expires: Date;
  bindings: string[];
}

export interface VoidMarker {
  kind: "void";
  commentId: number;
  /** Exceptions void for good: the comment was their grant record. */
  exceptions: string[];
  /** Revokes the comment carried, by its author at its creation time. */
  revokes?: { ids: string[]; by: string; at: Date };
}

export interface UnboundMarker {
  kind: "unbound";
  id: string;
  approvalCommentId: number;
}

export interface RevokeMarker {
  kind: "revoke";
  commentId: number;
  ids: string[];
  by: string;
  at: Date;
}

export type Marker = ReplyMarker | GrantMarker | VoidMarker | UnboundMarker | RevokeMarker;

export function revokeMarker(marker: Omit<RevokeMarker, "kind">): string {
  return `<!-- ${PREFIX}:revoke comment=${marker.commentId} ids=${marker.ids.join(",")} by=${marker.by} at=${marker.at.toISOString()} -->`;
}

/** What one of the app's check runs showed: the bindings of its findings, or too many to record. */
export interface FindingsRecord {
  pullNumber: number;
  headSha: string;
  /** The newest comment id the run's listing of the conversation held (GitHub's ids only grow): it answered up to there. */
  commentsRead: number;
  /** How many force pushes of the head branch GitHub listed before the run read the pull request's files. */
  forcePushesSeen: number;
  /** Undefined when the run had more findings than a record holds (it then serves as no one's seen head). */
  bindings?: string[];
}

export function unboundMarker(marker: Omit<UnboundMarker, "kind">): string {
  return `<!-- ${PREFIX}:unbound id=${marker.id} approval=${marker.approvalCommentId} -->`;
}

export function findingsMarker(record: FindingsRecord): string {
  const what =
    record.bindings === undefined || record.bindings.length > MAX_RECORDED_BINDINGS ? "overflow=1" : `bound=${record.bindings.join(",")}`;
  return `<!-- ${PREFIX}:findings pr=${record.pullNumber} head=${record.headSha} read=${record.commentsRead} forced=${record.forcePushesSeen} ${what} -->`;
}

/** The findings record in a check run's summary, if it has a well-formed one. */
export function readFindingsRecord(summary: string | null | undefined): FindingsRecord | undefined {
  if (typeof summary !== "string" || !summary.includes(PREFIX)) return undefined;
  const match = FINDINGS_MARKER.exec(summary);
  if (!match) return undefined;
  const fields = fieldsOf(match[1] ?? "");
  const pull = commentId(fields.get("pr"));
  const head = fields.get("head") ?? "";
  const count = (text: string | undefined): number | undefined => (text === "0" ? 0 : commentId(text));
  const read = count(fields.get("read"));
  const forced = count(fields.get("forced"));
  if (pull === undefined || !SHA.test(head) || read === undefined || forced === undefined) return undefined;
  const base = { pullNumber: pull, headSha: head, commentsRead: read, forcePushesSeen: forced };
  if (fields.get("overflow") === "1") return base;
  const bound = fields.get("bound");
  if (bound === undefined) return undefined;
  const bindings = list(bound);
  if (!bindings.every((item) => DIGEST.test(item))) return undefined;
  return { ...base, bindings };
}

export function replyMarker(to: number): string {
  return `<!-- ${PREFIX}:reply to=${to} -->`;
}

export function grantMarker(grant: Omit<GrantMarker, "kind">): string {
  return `<!-- ${PREFIX}:grant id=${grant.id} approval=${grant.approvalCommentId} request-sha=${grant.requestSha} approver=${grant.approver} expires=${grant.expires.toISOString()} bound=${grant.bindings.join(",")} -->`;
}

export function voidMarker(marker: Omit<VoidMarker, "kind">): string {
  const parts = [`comment=${marker.commentId}`];
  if (marker.exceptions.length > 0) parts.push(`exceptions=${marker.exceptions.join(",")}`);
  if (marker.revokes && marker.revokes.ids.length > 0) {
    parts.push(`revokes=${marker.revokes.ids.join(",")}`, `by=${marker.revokes.by}`, `at=${marker.revokes.at.toISOString()}`);
  }
  return `<!-- ${PREFIX}:void ${parts.join(" ")} -->`;
}

/** Digest of a request comment's text as granted: an edit after the grant changes it. */
export function bodyDigest(body: string | null | undefined): string {
  return createHash("sha256")
    .update(body ?? "")
    .digest("hex")
    .slice(0, 16);
}

/** Markers in a comment body; malformed ones are ignored (they were not written by this code). */
export function readMarkers(body: string | null | undefined): Marker[] {
  if (typeof body !== "string" || !body.includes(PREFIX)) return [];
  const markers: Marker[] = [];
  for (const match of body.matchAll(MARKER)) {
    const fields = fieldsOf(match[2] ?? "");
    const marker = toMarker(match[1] as Marker["kind"], fields);
    if (marker) markers.push(marker);
  }
  return markers;
}

function fieldsOf(text: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const pair of text.trim().split(" ")) {
    const equals = pair.indexOf("=");
    if (equals > 0 && !fields.has(pair.slice(0, equals))) fields.set(pair.slice(0, equals), pair.slice(equals + 1));
  }
  return fields;
}

function toMarker(kind: Marker["kind"], fields: ReadonlyMap<string, string>): Marker | undefined {
  if (kind === "revoke") {
    const id = commentId(fields.get("comment"));
    const ids = list(fields.get("ids"));
    const by = fields.get("by") ?? "";
    const at = new Date(fields.get("at") ?? "");
    if (id === undefined || ids.length === 0 || !ids.every((item) => ID.test(item)) || !LOGIN.test(by) || Number.isNaN(at.getTime()))
      return undefined;
    return { kind, commentId: id, ids, by, at };
  }
  if (kind === "unbound") {
    const id = fields.get("id") ?? "";
    const approval = commentId(fields.get("approval"));
    return ID.test(id) && approval !== undefined ? { kind, id, approvalCommentId: approval } : undefined;
  }
  if (kind === "reply") {
    const to = commentId(fields.get("to"));
    return to === undefined ? undefined : { kind, to };
  }
  if (kind === "void") {
    const id = commentId(fields.get("comment"));
    const exceptions = list(fields.get("exceptions"));
    const revokes = list(fields.get("revokes"));
    if (id === undefined || !exceptions.every((item) => ID.test(item)) || !revokes.every((item) => ID.test(item))) return undefined;
    const marker: VoidMarker = { kind, commentId: id, exceptions };
    if (revokes.length > 0) {
      const by = fields.get("by") ?? "";
      const at = new Date(fields.get("at") ?? "");
      // Revokes without their author cannot be authorised; the void itself still counts.
      if (LOGIN.test(by) && !Number.isNaN(at.getTime())) marker.revokes = { ids: revokes, by, at };
    }
    return marker;
  }
  const id = fields.get("id") ?? "";
  const approval = commentId(fields.get("approval"));
  const requestSha = fields.get("request-sha") ?? "";
  const approver = fields.get("approver") ?? "";
  const expires = new Date(fields.get("expires") ?? "");
  const bindings = list(fields.get("bound"));
  if (!ID.test(id) || approval === undefined || !DIGEST.test(requestSha) || !LOGIN.test(approver)) return undefined;
  if (Number.isNaN(expires.getTime()) || !bindings.every((item) => DIGEST.test(item))) return undefined;
  return { kind, id, approvalCommentId: approval, requestSha, approver, expires, bindings };
}

function commentId(text: string | undefined): number | undefined {
  if (text === undefined || !COMMENT_ID.test(text)) return undefined;
  const value = Number(text);
  return Number.isSafeInteger(value) ? value : undefined;
}

function list(text: string | undefined): string[] {
  return text === undefined || text === "" ? [] : text.split(",");
}
