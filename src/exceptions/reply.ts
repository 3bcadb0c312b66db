/**
 * What the app says back. Every decision is acknowledged: a reaction (+1 granted, -1 refused or
 * malformed) and a reply saying what was granted or exactly why not. Replies carry hidden markers
 * (see markers.ts) so that the next evaluation knows what was answered and recorded.
 *
 * Text the commenter typed is echoed only inside code, or escaped, with @-mentions defused: a reply
 * must not ping a team because someone wrote its name in a reason.
 */
import type { Finding } from "../policy/types.js";
import { escape } from "../text/markdown.js";
import { describeApprovers, type SettingsForAuthorization } from "./authorize.js";
import { COMMAND, REASON_PLACEHOLDER, type ParseError } from "./command.js";
import {
  scopeOf,
  type CommandResult,
  type CommentOutcome,
  type DerivedException,
  type DerivedExceptions,
  type GrantToRecord,
} from "./derive.js";
import { documentName, exceptionDocumentYaml } from "./document.js";
import { formatDuration } from "./expiry.js";
import { RECORD_PREFIX, replyMarker, revokeMarker, voidMarker } from "./markers.js";
import { formatNamedResource, type NamedResource } from "./model.js";

export type Reaction = "+1" | "-1";

export interface PlannedReply {
  /** The comment answered (reactions go on it; the reply links to it). */
  commentId: number;
  body: string;
  reaction?: Reaction;
}

/** Findings listed by name in a grant reply; the rest are counted. */
const LISTED_FINDINGS = 20;

/**
 * The replies to post after an evaluation: one per command comment not yet answered, and one per
 * grant bound now whose approving comment was answered before (e.g. an approver who joined the
 * team later). Posting them is what records the grants.
 */
export function planReplies(derived: DerivedExceptions, settings: SettingsForAuthorization): PlannedReply[] {
  const replies: PlannedReply[] = [];
  const recordsByComment = new Map<number, GrantToRecord[]>();
  for (const record of derived.toRecord)
    recordsByComment.set(record.inReplyTo, [...(recordsByComment.get(record.inReplyTo) ?? []), record]);

  for (const outcome of derived.comments) {
    if (outcome.answered) continue;
    const records = recordsByComment.get(outcome.commentId) ?? [];
    recordsByComment.delete(outcome.commentId);
    const reply: PlannedReply = {
      commentId: outcome.commentId,
      body: replyForComment(outcome, records, settings, derived.markersFor.get(outcome.commentId) ?? []),
    };
    const reaction = reactionFor(outcome.results);
    if (reaction) reply.reaction = reaction;
    replies.push(reply);
  }
  // Records about a comment answered before (an approver authorised since): a notice carries them.
  const replied = new Set(replies.map((reply) => reply.commentId));
  for (const [commentId, markers] of derived.markersFor) {
    if (replied.has(commentId) || recordsByComment.has(commentId)) continue;
    const url = derived.comments.find((outcome) => outcome.commentId === commentId)?.url ?? `comment ${commentId}`;
    const notice = markers.some((marker) => marker.startsWith(`${RECORD_PREFIX}void `))
      ? `⚠️ What ${url} granted was answered before, but the app's reply recording it is gone, so that grant is void; post a new request.`
      : `⏸️ The approval in ${url} could not be bound to a head its approver could have seen, so it grants nothing; once this app's check of the current head has completed, confirm with \`${COMMAND} approve <id>\`.`;
    replies.push({ commentId, body: [notice, ...markers].join("\n\n") });
  }
  for (const [commentId, records] of recordsByComment) {
    const header = `> Granted by the approval in ${records[0]?.exception.grant.url ?? `comment ${commentId}`}, now that its approver is authorised`;
    const body = [
      header,
      ...records.map((record) => grantedText(record.exception, record)),
      ...records.map((record) => record.marker),
    ].join("\n\n");
    replies.push({ commentId, body: `${body}\n${replyMarker(commentId)}`, reaction: "+1" });
  }
  return replies;
}

/** +1 when the comment granted or revoked something, -1 when anything in it was refused or malformed. */
export function reactionFor(results: readonly CommandResult[]): Reaction | undefined {
  let reaction: Reaction | undefined;
  for (const result of results) {
    if (result.kind === "malformed") return "-1";
    if (result.kind === "request") {
      if (result.exception.status === "refused") return "-1";
      // Not granted: the approver must confirm (an answer, which a later evaluation must see).
      if (result.exception.unconfirmedIn?.includes(result.exception.comment.id)) return "-1";
      if (result.exception.status === "active" && result.exception.grant?.commentId === result.exception.comment.id) reaction = "+1";
    }
    if (result.kind === "approve" || result.kind === "revoke") {
      if (result.outcome === "refused" || result.outcome === "unconfirmed") return "-1";
      if (result.outcome === "granted" || result.outcome === "revoked") reaction = "+1";
    }
  }
  return reaction;
}

export function replyForComment(
  outcome: CommentOutcome,
  records: readonly GrantToRecord[],
  settings: SettingsForAuthorization,
  markers: readonly string[] = [],
): string {
  const sections = outcome.results.map((result) => resultText(result, records, settings));
  const header = `> In reply to ${outcome.url} by ${mention(outcome.author)}`;
  // A revoke is recorded in the reply too: should its comment vanish unseen, the revoke stays.
  const revoked = outcome.results.flatMap((result) => (result.kind === "revoke" && result.outcome === "revoked" ? [result.id] : []));
  const revokeRecord =
    revoked.length > 0 && !Number.isNaN(outcome.at.getTime())
      ? [revokeMarker({ commentId: outcome.commentId, ids: revoked, by: outcome.author, at: outcome.at })]
      : [];
  return [header, ...sections, ...records.map((record) => record.marker), ...markers, ...revokeRecord, replyMarker(outcome.commentId)].join(
    "\n\n",
  );
}

function resultText(result: CommandResult, records: readonly GrantToRecord[], settings: SettingsForAuthorization): string {
  switch (result.kind) {
    case "help":
      return helpText(settings);
    case "malformed":
      return malformedText(result.error);
    case "request":
      return requestText(result.exception, records);
    case "approve":
      if (result.outcome === "granted" && result.exception) return grantedText(result.exception, boundBy(records, result.id));
      if (result.outcome === "refused") return refusedText(`approve ${result.id}`, result.message);
      if (result.outcome === "unconfirmed") return unconfirmedText(result.id, result.message);
      return `ℹ️ ${defuse(result.message)}.`;
    case "revoke":
      if (result.outcome === "revoked")
        return `✅ **Revoked ${result.id}.** ${defuse(result.message)}; the findings it excused block again from the next check run.`;
      if (result.outcome === "refused") return refusedText(`revoke ${result.id}`, result.message);
      return `ℹ️ ${defuse(result.message)}.`;
  }
}

function requestText(exception: DerivedException, records: readonly GrantToRecord[]): string {
  switch (exception.status) {
    case "active":
      return grantedText(exception, boundBy(records, exception.id));
    case "pending":
      if (exception.unconfirmedIn?.includes(exception.comment.id))
        return `⏸️ **Exception ${exception.id} is not granted yet.** ${defuse(exception.explanation)}.`;
      return [
        `⏳ **Exception ${exception.id} requested**: ${scopeLine(exception)}.`,
        defuse(exception.explanation),
        "It applies only once an approver states it, and only to findings that were on the newest head whose check had completed when the approver wrote it.",
      ].join("\n\n");
    case "refused":
      return refusedText(exception.id, exception.explanation);
    default:
      return `ℹ️ **Exception ${exception.id}** is ${exception.status}: ${defuse(exception.explanation)}.`;
  }
}

/**
 * A grant: what is excepted (policy, rule, resources, container), until when, by whom, what it
 * excuses now, and the equivalent `PolicyException` document in case it should outlive the PR.
 */
export function grantedText(exception: DerivedException, bound: Pick<GrantToRecord, "covered" | "unseen"> | undefined): string {
  const grant = exception.grant;
  const covered = bound?.covered;
  const unseen = bound?.unseen ?? [];
  const seenHead = grant?.seenHead;
  const request = exception.request;
  if (!grant) return requestText(exception, []);
  const lines = [
    `✅ **Exception ${exception.id} granted** by ${mention(grant.approver)} (${escape(grant.via)}).`,
    "",
    `- Policy: \`${request.policy}\``,
    `- Rule: ${request.rule === undefined ? "all rules of the policy" : `\`${request.rule}\``}`,
    `- Resources: ${request.resources.map((resource) => `\`${formatNamedResource(resource)}\``).join(", ")}`,
  ];
  if (request.container !== undefined) lines.push(`- Container: \`${request.container}\``);
  lines.push(`- Expires: ${grant.expires.toISOString()}${grant.expiryNote ? ` (${escape(grant.expiryNote)})` : ""}`);
  lines.push(`- Reason: ${defuse(escape(request.reason))}`);
  if (exception.status !== "active") lines.push(`- Status now: ${exception.status} (${defuse(exception.explanation)})`);

  if (covered !== undefined) {
    lines.push("");
    if (covered.length === 0) {
      lines.push(
        `⚠️ It covers **no current finding**, so it excuses nothing: an exception is bound to the findings it covers when granted. Check the policy, rule and resource names against the check run's findings (\`Kind/name\` is for cluster-scoped resources; namespaced ones are \`Kind/namespace/name\`).`,
      );
    } else {
      lines.push(
        `It excuses ${covered.length === 1 ? "this finding" : `these ${covered.length} findings`}, as they are now; if their content or image changes, they block again:`,
      );
      for (const finding of covered.slice(0, LISTED_FINDINGS)) lines.push(`- ${findingLine(finding)}`);
      if (covered.length > LISTED_FINDINGS) lines.push(`- … and ${covered.length - LISTED_FINDINGS} more`);
    }
    if (unseen.length > 0) {
      lines.push(
        "",
        `⚠️ ${unseen.length === 1 ? "One finding it names was" : `${unseen.length} findings it names were`} not on ${seenHead ? `\`${seenHead.slice(0, 7)}\`, the newest head whose check had completed when the approval was written` : "the head its approver could have seen"}, so ${unseen.length === 1 ? "it is" : "they are"} **not** covered:`,
      );
      for (const finding of unseen.slice(0, LISTED_FINDINGS)) lines.push(`- ${findingLine(finding)}`);
      if (unseen.length > LISTED_FINDINGS) lines.push(`- … and ${unseen.length - LISTED_FINDINGS} more`);
    }
  }

  const scope = scopeOf(request);
  const yaml = exceptionDocumentYaml({
    name: documentName(request.resources[0]?.name ?? "", request.policy),
    ...scope,
    reason: request.reason,
    approver: grant.approver,
    expires: grant.expires,
  });
  lines.push(
    "",
    "<details><summary>The same exception as a <code>PolicyException</code> document, to commit if it should outlive this pull request</summary>",
    "",
    "Committed documents are reviewed like code and are not bound to today's content; extend `expires` as your process allows.",
    "",
    fenced(yaml, "yaml"),
    "</details>",
    "",
    `Withdraw it with \`${COMMAND} revoke ${exception.id}\`.`,
  );
  return lines.join("\n");
}

/** An approval that could not be bound to a head its approver could have seen. */
function unconfirmedText(id: string, reason: string): string {
  return [
    `⏸️ **Not granted yet: approve ${id}.** An approval covers only the findings its approver could have seen, and here ${defuse(reason)}.`,
    `Once this app's check of the current head has completed, look at its findings and confirm with \`${COMMAND} approve ${id}\`.`,
  ].join("\n\n");
}

export function refusedText(what: string, reason: string): string {
  return `❌ **Refused: ${what}.** ${defuse(reason)}`;
}

/** What is wrong, the line as written, and a command that works. */
export function malformedText(error: ParseError): string {
  return [
    `❌ **I could not read the command on line ${error.line}:** ${defuse(error.message)}`,
    "",
    "You wrote:",
    fenced(error.text),
    "A command that works:",
    fenced(error.example),
    `\`${COMMAND} help\` explains the syntax.`,
  ].join("\n");
}

export function helpText(settings: SettingsForAuthorization): string {
  return [
    "**`/policy-exception`: a scoped, approved, expiring exception to a policy on this pull request**",
    "",
    fenced(
      `${COMMAND} <policy>[/<rule>] <Kind>/<namespace>/<name> [more resources] [--container NAME] [--expires 14d|36h|2w|YYYY-MM-DD]\nReason: ${REASON_PLACEHOLDER}`,
    ),
    "For example:",
    fenced(
      `${COMMAND} pod-security-baseline/hostPathVolumes Deployment/logging/fluent-bit --expires 14d\nReason: node log shipping needs hostPath /var/log; tracked in SEC-123`,
    ),
    "- The policy is its name in the check run (e.g. `pod-security-baseline`); the rule is optional: a check id (e.g. `hostPathVolumes`) or a constraint kind (e.g. `K8sAllowedRepos`). Without it, every rule of the policy is excepted.",
    "- Resources are written `Kind/namespace/name`, or `Kind/name` for cluster-scoped ones; `--container` narrows it to one container. An exception never covers more than it names.",
    "- `Reason:` on the next line is required.",
    `- \`--expires\` takes a duration from the grant or a date (00:00 UTC that day); the default is ${formatDuration(settings.defaultDurationMs)} and the maximum ${formatDuration(settings.maxDurationMs)}.`,
    `- Approvers: ${describeApprovers(settings.approvers)}. An approver's own request applies at once; anyone else's needs \`${COMMAND} approve <id>\` from an approver. Nobody approves exceptions on their own pull request.`,
    "- An exception covers only findings that were on the newest head whose check had completed when the approver wrote it, and is bound to their content and images: if a later push changes either, the finding blocks again. Editing a command comment after it was granted, or anyone else editing it, voids it.",
    `- \`${COMMAND} revoke <id>\` withdraws one (its requester, its approver, or any approver).`,
    "- The command must start a line of its own: quoted lines and code blocks are ignored.",
  ].join("\n");
}

/** The comment to post when someone edited a comment they did not write (or deleted one that mattered). */
export function voidNoticeText(notice: {
  commentId: number;
  url?: string;
  editor?: string;
  deleted: boolean;
  exceptions: readonly string[];
  revokes?: { ids: readonly string[]; by: string; at: Date };
}): string {
  const what = notice.deleted
    ? `Comment ${notice.url ?? notice.commentId} was deleted`
    : `Comment ${notice.url ?? notice.commentId} was edited by ${notice.editor ? mention(notice.editor) : "someone"}, who did not write it`;
  const effects = [
    "anything it granted no longer counts",
    notice.exceptions.length > 0 ? `exceptions ${notice.exceptions.join(", ")} are void` : "",
    notice.revokes && notice.revokes.ids.length > 0 ? `the revokes it carried (${notice.revokes.ids.join(", ")}) stay in force` : "",
  ].filter(Boolean);
  const marker = voidMarker({
    commentId: notice.commentId,
    exceptions: [...notice.exceptions],
    ...(notice.revokes ? { revokes: { ids: [...notice.revokes.ids], by: notice.revokes.by, at: notice.revokes.at } } : {}),
  });
  return `⚠️ ${what}: ${effects.join("; ")}. The check runs again.\n\n${marker}`;
}

function scopeLine(exception: DerivedException): string {
  const request = exception.request;
  const rule = request.rule === undefined ? `\`${request.policy}\` (all rules)` : `\`${request.policy}/${request.rule}\``;
  const container = request.container === undefined ? "" : ` container \`${request.container}\``;
  return `${rule} on ${request.resources.map((resource: NamedResource) => `\`${formatNamedResource(resource)}\``).join(", ")}${container}`;
}

function boundBy(records: readonly GrantToRecord[], id: string): GrantToRecord | undefined {
  return records.find((record) => record.exception.id === id);
}

function findingLine(finding: Finding): string {
  const container = finding.container === undefined ? "" : ` container \`${finding.container}\``;
  const images =
    finding.images && finding.images.length > 0
      ? ` (image ${finding.images.map((image) => `\`${image.replace(/`/g, "")}\``).join(", ")})`
      : "";
  return `\`${finding.policy}/${finding.rule}\` on \`${describe(finding.resource)}\`${container}${images} at \`${finding.file}:${finding.line}\` (\`${finding.path}\`)`;
}

function describe(resource: Finding["resource"]): string {
  return resource.namespace === undefined ? `${resource.kind}/${resource.name}` : `${resource.kind}/${resource.namespace}/${resource.name}`;
}

function mention(login: string): string {
  return `@${login}`;
}

/** `@team` typed by a user must not notify anyone when the bot repeats it. */
function defuse(text: string): string {
  return text.replace(/@(?=[A-Za-z0-9])/g, "@\u200b");
}

/** A fenced block that no content can close early. */
function fenced(text: string, language = ""): string {
  const longest = Math.max(2, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = "`".repeat(longest + 1);
  return `${fence}${language}\n${text}\n${fence}`;
}
