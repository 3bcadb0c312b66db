/**
 * Exceptions derived from a pull request's comments, evaluation after evaluation, the way the app
 * will run it: derive, apply, post the planned replies (which record grants), and derive again on
 * the next push or comment.
 */
import { describe, expect, it } from "@jest/globals";
import { applyExceptions } from "../../src/exceptions/apply.js";
import type { AuthorizationFacts } from "../../src/exceptions/authorize.js";
import { deriveExceptions, loginsToVerify, type DerivedExceptions, type PullRequestComment } from "../../src/exceptions/derive.js";
import { bodyDigest, grantMarker, voidMarker } from "../../src/exceptions/markers.js";
import { planReplies } from "../../src/exceptions/reply.js";
import type { Finding } from "../../src/policy/types.js";
import {
  BOT,
  BotReactions,
  CheckRuns,
  DAY,
  SETTINGS,
  T0,
  baselineFindings,
  botComment,
  checkedBefore,
  comment,
  facts,
  fluentBit,
} from "./support.js";

const REQUEST =
  "/policy-exception pod-security-baseline/hostPathVolumes DaemonSet/logging/fluent-bit --expires 14d\nReason: node log shipping needs hostPath /var/log; tracked in SEC-123";
const minutes = (count: number) => new Date(T0 + count * 60_000);
const manifest = (options: Parameters<typeof fluentBit>[0] = {}) =>
  baselineFindings({ file: "deploy/fluent-bit.yaml", content: fluentBit(options) });

/**
 * A pull request's conversation, with the app answering after each evaluation. Each evaluation is a
 * check run that completes at its minute showing its findings; the first is preceded by the check
 * run of the opened pull request (a minute before T0), which showed the same findings.
 */
class Conversation {
  readonly comments: PullRequestComment[] = [];
  readonly runs = new CheckRuns();
  readonly reactions = new BotReactions();
  private clock = 0;

  constructor(public users: AuthorizationFacts = facts()) {}

  say(login: string, body: string, at = ++this.clock): PullRequestComment {
    this.clock = Math.max(this.clock, at);
    const posted = comment(login, body, at);
    this.comments.push(posted);
    return posted;
  }

  /** One evaluation: derive, then post what the app would post. */
  evaluate(
    findings: readonly Finding[],
    at = ++this.clock,
    options: { policyNames?: string[] } = {},
  ): { derived: DerivedExceptions; applied: Finding[] } {
    this.clock = Math.max(this.clock, at);
    const now = minutes(at);
    if (this.runs.runs.length === 0) this.runs.completed(findings, -1);
    const derived = deriveExceptions({
      comments: this.comments,
      facts: this.users,
      settings: SETTINGS,
      botLogin: BOT,
      now,
      findings,
      ...this.facts(),
      ...options,
    });
    expect(derived.needs).toEqual({ history: false, unreadRuns: [], reactionsOf: [] });
    const commentsRead = Math.max(0, ...this.comments.map((posted) => posted.id));
    for (const reply of planReplies(derived, SETTINGS)) {
      this.comments.push(botComment(reply.body, at));
      if (reply.reaction) this.reactions.add(reply.commentId, reply.reaction);
    }
    this.runs.completed(findings, at, { commentsRead });
    return { derived, applied: applyExceptions(findings, derived.active, now) };
  }

  /** What the app reads from GitHub besides the comments: its check runs and reactions. */
  facts() {
    return { history: this.runs.history(), botReactions: this.reactions };
  }
}

const excused = (findings: readonly Finding[]) => findings.filter((finding) => finding.exception).map((finding) => finding.rule);

describe("an approver's own request", () => {
  it("applies at once, to the finding it names and no other, and is recorded in the reply", () => {
    const pr = new Conversation();
    const request = pr.say("alice", REQUEST);
    const { derived, applied } = pr.evaluate(manifest());

    expect(derived.exceptions).toHaveLength(1);
    expect(derived.exceptions[0]).toMatchObject({
      id: `E${request.id}`,
      status: "active",
      requester: "alice",
      grant: { approver: "alice", via: "active member of team platform-security", commentId: request.id },
    });
    expect(derived.exceptions[0]?.grant?.expires).toEqual(new Date(Date.parse(request.created_at) + 14 * DAY));
    expect(excused(applied)).toEqual(["hostPathVolumes"]);
    expect(applied.find((finding) => finding.rule === "privileged")?.exception).toBeUndefined();
    expect(applied.find((finding) => finding.exception)?.exception).toEqual({
      id: `E${request.id}`,
      approver: "alice",
      reason: "node log shipping needs hostPath /var/log; tracked in SEC-123",
      expires: new Date(Date.parse(request.created_at) + 14 * DAY).toISOString(),
      source: `comment ${request.html_url}`,
    });

    expect(derived.toRecord).toHaveLength(1);
    expect(derived.toRecord[0]?.covered.map((finding) => finding.rule)).toEqual(["hostPathVolumes"]);
    const reply = pr.comments[pr.comments.length - 1];
    expect(reply?.user?.login).toBe(BOT);
    expect(reply?.body).toContain(derived.toRecord[0]?.marker);

    // The next evaluation reads the record instead of binding again, and does not reply twice.
    const next = pr.evaluate(manifest());
    expect(next.derived.toRecord).toEqual([]);
    expect(next.derived.comments[0]?.answered).toBe(true);
    expect(excused(next.applied)).toEqual(["hostPathVolumes"]);
  });

  it("stays bound to the content it excused: a push changing the hostPath blocks again, an unrelated push does not", () => {
    const pr = new Conversation();
    pr.say("alice", REQUEST);
    pr.evaluate(manifest());

    const unrelated = baselineFindings({ file: "deploy/fluent-bit.yaml", content: `# a comment moves every line\n${fluentBit()}` });
    expect(excused(pr.evaluate(unrelated).applied)).toEqual(["hostPathVolumes"]);

    // The same hostPath in a container running another image is another thing to except.
    expect(excused(pr.evaluate(manifest({ image: "ghcr.io/evil/rootkit:latest" })).applied)).toEqual([]);
    expect(excused(pr.evaluate(manifest()).applied)).toEqual(["hostPathVolumes"]);

    const changed = pr.evaluate(manifest({ hostPath: "/" }));
    expect(excused(changed.applied)).toEqual([]);
    expect(changed.derived.exceptions[0]?.status).toBe("active");
  });

  it("does not cover a second resource that later gets the same content", () => {
    const pr = new Conversation();
    pr.say(
      "alice",
      "/policy-exception pod-security-baseline/hostPathVolumes DaemonSet/logging/fluent-bit DaemonSet/logging/vector\nReason: both ship logs",
    );
    pr.evaluate(manifest());
    const later = [...manifest(), ...baselineFindings({ file: "deploy/vector.yaml", content: fluentBit({ name: "vector" }) })];
    const applied = pr.evaluate(later).applied;
    expect(applied.filter((finding) => finding.exception).map((finding) => finding.resource.name)).toEqual(["fluent-bit"]);
  });

  it("covers nothing when nothing matched at grant time, and says so", () => {
    const pr = new Conversation();
    pr.say("alice", "/policy-exception pod-security-baseline/hostPathVolumes DaemonSet/fluent-bit\nReason: forgot the namespace");
    const { derived, applied } = pr.evaluate(manifest());
    expect(derived.exceptions[0]?.status).toBe("active");
    expect(derived.exceptions[0]?.grant?.bindings).toEqual([]);
    expect(excused(applied)).toEqual([]);
    expect(pr.comments[pr.comments.length - 1]?.body).toMatch(/covers \*\*no current finding\*\*/);
  });
});

describe("a request by someone who is not an approver", () => {
  it("waits for an approver; a refused approval does not change that; an approver's approval grants it from then", () => {
    const pr = new Conversation();
    const request = pr.say("bob", REQUEST, 1);
    let { derived, applied } = pr.evaluate(manifest(), 2);
    expect(derived.exceptions[0]).toMatchObject({
      status: "pending",
      explanation: expect.stringMatching(
        /waiting for approval: an approver \(active members of team platform-security, or people with admin permission or higher on this repository\) can answer `\/policy-exception approve E\d+`/,
      ),
    });
    expect(excused(applied)).toEqual([]);

    pr.say("pat", `/policy-exception approve E${request.id}`, 3);
    pr.say("carol", `/policy-exception approve E${request.id}`, 4);
    ({ derived, applied } = pr.evaluate(manifest(), 5));
    expect(derived.exceptions[0]?.status).toBe("pending");
    expect(derived.exceptions[0]?.explanation).toMatch(/approval by @pat refused: @pat opened this pull request/);
    expect(derived.exceptions[0]?.explanation).toMatch(
      /approval by @carol refused: @carol is an approver only for pod-security-restricted/,
    );
    expect(
      derived.comments.map((outcome) => outcome.results.map((result) => (result.kind === "approve" ? result.outcome : result.kind))),
    ).toEqual([["request"], ["refused"], ["refused"]]);
    expect(excused(applied)).toEqual([]);

    const approval = pr.say("alice", `Looks fine.\n/policy-exception approve E${request.id}`, 60);
    ({ derived, applied } = pr.evaluate(manifest(), 61));
    expect(derived.exceptions[0]).toMatchObject({ status: "active", grant: { approver: "alice", commentId: approval.id } });
    expect(derived.exceptions[0]?.grant?.expires).toEqual(new Date(Date.parse(approval.created_at) + 14 * DAY));
    expect(derived.toRecord[0]?.inReplyTo).toBe(approval.id);
    expect(excused(applied)).toEqual(["hostPathVolumes"]);
  });

  it("an approval must come after the request and name one that exists", () => {
    const pr = new Conversation();
    pr.say("alice", "/policy-exception approve E999999", 1);
    const { derived } = pr.evaluate(manifest(), 2);
    expect(derived.comments[0]?.results[0]).toMatchObject({
      kind: "approve",
      outcome: "refused",
      message: expect.stringMatching(/there is no exception request E999999 on this pull request before this comment/),
    });
  });

  it("a second approval changes nothing", () => {
    const pr = new Conversation();
    const request = pr.say("bob", REQUEST);
    pr.say("alice", `/policy-exception approve E${request.id}`);
    pr.say("erin", `/policy-exception approve E${request.id}`);
    const { derived } = pr.evaluate(manifest());
    expect(derived.exceptions[0]?.grant?.approver).toBe("alice");
    expect(derived.comments[2]?.results[0]).toMatchObject({
      outcome: "unchanged",
      message: expect.stringMatching(/already granted by @alice/),
    });
  });

  it("authorisation is checked again on every evaluation: an approver who left the team no longer approves", () => {
    const pr = new Conversation();
    const request = pr.say("bob", REQUEST);
    pr.say("alice", `/policy-exception approve E${request.id}`);
    expect(pr.evaluate(manifest()).derived.exceptions[0]?.status).toBe("active");

    const left = new Conversation(facts({ alice: { teams: {}, permission: "write" } }));
    left.comments.push(...pr.comments);
    const { derived, applied } = left.evaluate(manifest(), 100);
    expect(derived.exceptions[0]?.status).toBe("pending");
    expect(derived.exceptions[0]?.explanation).toMatch(/approval by @alice refused: @alice is not an approver/);
    expect(excused(applied)).toEqual([]);
  });
});

describe("the PR author", () => {
  it("may request but never grant, even as an approver", () => {
    const pr = new Conversation();
    const request = pr.say("pat", REQUEST);
    const { derived } = pr.evaluate(manifest());
    expect(derived.exceptions[0]).toMatchObject({ status: "pending", explanation: expect.stringMatching(/@pat opened this pull request/) });
    pr.say("alice", `/policy-exception approve E${request.id}`);
    expect(pr.evaluate(manifest()).derived.exceptions[0]?.status).toBe("active");
  });
});

describe("expiry", () => {
  it("an exception stops applying when it expires", () => {
    const pr = new Conversation();
    pr.say("alice", REQUEST.replace("--expires 14d", "--expires 2h"), 0);
    expect(excused(pr.evaluate(manifest(), 60).applied)).toEqual(["hostPathVolumes"]);
    const { derived, applied } = pr.evaluate(manifest(), 120);
    expect(derived.exceptions[0]).toMatchObject({ status: "expired", explanation: `expired at ${minutes(120).toISOString()}` });
    expect(derived.active).toEqual([]);
    expect(excused(applied)).toEqual([]);
  });

  it("an expiry beyond the org maximum is capped (the record keeps the cap)", () => {
    const pr = new Conversation();
    pr.say("alice", REQUEST.replace("--expires 14d", "--expires 9w"), 0);
    const { derived } = pr.evaluate(manifest(), 1);
    expect(derived.exceptions[0]?.grant).toMatchObject({
      expires: new Date(T0 + 30 * DAY),
      expiryNote: expect.stringMatching(/maximum of 30 days/),
    });
    expect(pr.comments[pr.comments.length - 1]?.body).toMatch(/maximum of 30 days/);
  });

  it("a request whose --expires date passed without approval is expired; one with a past date is refused", () => {
    const pr = new Conversation();
    pr.say("bob", REQUEST.replace("--expires 14d", "--expires 2026-03-03"), 0);
    pr.say("alice", REQUEST.replace("--expires 14d", "--expires 2026-03-01"), 1);
    const { derived } = pr.evaluate(manifest(), 2 * 24 * 60);
    expect(derived.exceptions.map((exception) => exception.status)).toEqual(["expired", "refused"]);
    expect(derived.exceptions[1]?.explanation).toMatch(/--expires 2026-03-01 is not after/);
  });
});

describe("revoking", () => {
  it("by an approver, the requester or the granting approver; nobody else", () => {
    const pr = new Conversation();
    const first = pr.say("bob", REQUEST);
    pr.say("alice", `/policy-exception approve E${first.id}`);
    pr.say("dave", `/policy-exception revoke E${first.id}`);
    let { derived, applied } = pr.evaluate(manifest());
    expect(derived.exceptions[0]?.status).toBe("active");
    expect(derived.comments[2]?.results[0]).toMatchObject({
      kind: "revoke",
      outcome: "refused",
      message: expect.stringMatching(/@dave may not revoke/),
    });
    expect(excused(applied)).toEqual(["hostPathVolumes"]);

    pr.say("bob", `/policy-exception revoke E${first.id}`);
    ({ derived, applied } = pr.evaluate(manifest()));
    expect(derived.exceptions[0]).toMatchObject({ status: "revoked", explanation: "revoked by @bob" });
    expect(excused(applied)).toEqual([]);

    pr.say("erin", `/policy-exception approve E${first.id}`);
    ({ derived } = pr.evaluate(manifest()));
    expect(derived.exceptions[0]?.status).toBe("revoked");
    expect(derived.comments[4]?.results[0]).toMatchObject({
      outcome: "refused",
      message: expect.stringMatching(/was revoked by @bob; post a new request/),
    });
  });

  it("an approver limited to other policies may still revoke (it only makes the check stricter)", () => {
    const pr = new Conversation();
    const request = pr.say("alice", REQUEST);
    pr.say("carol", `/policy-exception revoke E${request.id}`);
    expect(pr.evaluate(manifest()).derived.exceptions[0]?.status).toBe("revoked");
  });
});

describe("a grant whose record is gone", () => {
  it("is void when the reply recording it was deleted unseen: the app's 👍 on the comment says it was granted", () => {
    const pr = new Conversation();
    const request = pr.say("bob", REQUEST, 1);
    pr.evaluate(manifest(), 2);
    pr.say("alice", `/policy-exception approve E${request.id}`, 3);
    expect(excused(pr.evaluate(manifest(), 4).applied)).toEqual(["hostPathVolumes"]);
    pr.comments.splice(
      pr.comments.findIndex((posted) => posted.body?.includes("kube-policy-bot:grant ")),
      1,
    );

    const { derived, applied } = pr.evaluate(manifest(), 5);
    expect(excused(applied)).toEqual([]);
    expect(derived.toRecord).toEqual([]);
    expect(derived.exceptions[0]).toMatchObject({
      status: "voided",
      explanation: expect.stringMatching(/answered before \(the app reacted 👍 to it\)/),
    });
    // Recorded: the next evaluation agrees without looking at reactions again.
    pr.reactions.clear();
    expect(pr.evaluate(manifest(), 6).derived.exceptions[0]?.status).toBe("voided");
  });

  it("granted later, once its approver is authorised, is void as well when that reply vanishes", () => {
    const pr = new Conversation(facts({ dave: { teams: { "platform-security": "pending" }, permission: "read" } }));
    const request = pr.say("bob", REQUEST, 1);
    pr.evaluate(manifest(), 2);
    const approval = pr.say("dave", `/policy-exception approve E${request.id}`, 3);
    expect(pr.evaluate(manifest(), 4).derived.exceptions[0]?.status).toBe("pending");
    pr.users = facts({ dave: { teams: { "platform-security": "active" }, permission: "read" } });
    expect(excused(pr.evaluate(manifest(), 5).applied)).toEqual(["hostPathVolumes"]);
    expect(pr.reactions.get(approval.id)).toEqual(["-1", "+1"]);

    pr.comments.splice(
      pr.comments.findIndex((posted) => posted.body?.includes("now that its approver is authorised")),
      1,
    );
    const { derived, applied } = pr.evaluate(manifest(), 6);
    expect(excused(applied)).toEqual([]);
    expect(derived.exceptions[0]?.status).toBe("voided");
    expect(pr.comments.at(-1)?.body).toMatch(/What .* granted was answered before, but the app's reply recording it is gone/);
  });

  it("is bound for the first time when nothing says it was answered: a comment the app never saw", () => {
    const pr = new Conversation();
    pr.evaluate(manifest(), 1);
    pr.say("alice", REQUEST, 2);
    expect(excused(pr.evaluate(manifest(), 3).applied)).toEqual(["hostPathVolumes"]);
  });
});

describe("tampering: edits, deletions, forged markers", () => {
  it("a void marker for the request comment voids it for good", () => {
    const pr = new Conversation();
    const request = pr.say("alice", REQUEST);
    pr.evaluate(manifest());
    pr.comments.push(botComment(voidMarker({ commentId: request.id, exceptions: [] }), 30));
    const { derived, applied } = pr.evaluate(manifest(), 31);
    expect(derived.exceptions[0]).toMatchObject({
      status: "voided",
      explanation: expect.stringMatching(/edited by someone other than its author/),
    });
    expect(excused(applied)).toEqual([]);
  });

  it("a voided approval no longer grants, and a fresh approval grants again", () => {
    const pr = new Conversation();
    const request = pr.say("bob", REQUEST, 1);
    const approval = pr.say("alice", `/policy-exception approve E${request.id}`, 2);
    pr.evaluate(manifest(), 3);
    pr.comments.push(botComment(voidMarker({ commentId: approval.id, exceptions: [] }), 4));
    let { derived } = pr.evaluate(manifest(), 5);
    expect(derived.exceptions[0]).toMatchObject({
      status: "voided",
      explanation: expect.stringMatching(/its approval \(comment \d+\) was edited by someone other than its author/),
    });

    pr.say("erin", `/policy-exception approve E${request.id}`, 6);
    ({ derived } = pr.evaluate(manifest(), 7));
    expect(derived.exceptions[0]).toMatchObject({ status: "active", grant: { approver: "erin" } });
  });

  it("editing the request after the grant voids it (the record holds a digest of the granted text)", () => {
    const pr = new Conversation();
    const request = pr.say("alice", REQUEST);
    pr.evaluate(manifest());
    request.body = REQUEST.replace("DaemonSet/logging/fluent-bit", "DaemonSet/logging/fluent-bit DaemonSet/logging/vector");
    const { derived, applied } = pr.evaluate(manifest());
    expect(derived.exceptions[0]).toMatchObject({
      status: "voided",
      explanation: expect.stringMatching(/request comment was edited after the exception was granted/),
    });
    expect(excused(applied)).toEqual([]);
  });

  it("deleting the approving comment voids the grant; deleting the request makes it vanish", () => {
    const pr = new Conversation();
    const request = pr.say("bob", REQUEST);
    const approval = pr.say("alice", `/policy-exception approve E${request.id}`);
    pr.evaluate(manifest());
    pr.comments.splice(pr.comments.indexOf(approval), 1);
    let { derived } = pr.evaluate(manifest());
    expect(derived.exceptions[0]).toMatchObject({
      status: "voided",
      explanation: expect.stringMatching(/the comment approving it \(\d+\) was deleted/),
    });

    pr.comments.splice(pr.comments.indexOf(request), 1);
    ({ derived } = pr.evaluate(manifest()));
    expect(derived.exceptions).toEqual([]);
    expect(derived.active).toEqual([]);
    expect(derived.vanished).toEqual([{ id: `E${request.id}`, approver: "alice", explanation: expect.stringMatching(/was deleted/) }]);
  });

  it("a void marker naming the exception (its record was tampered with) voids it", () => {
    const pr = new Conversation();
    const request = pr.say("alice", REQUEST);
    pr.evaluate(manifest());
    pr.comments.push(botComment(voidMarker({ commentId: 1, exceptions: [`E${request.id}`] }), 50));
    expect(pr.evaluate(manifest(), 51).derived.exceptions[0]).toMatchObject({
      status: "voided",
      explanation: expect.stringMatching(/record of this grant/),
    });
  });

  it("a revoke carried by a void marker stays in force after the revoking comment is gone", () => {
    const pr = new Conversation();
    const request = pr.say("alice", REQUEST, 1);
    pr.evaluate(manifest(), 2);
    pr.comments.push(
      botComment(voidMarker({ commentId: 77, exceptions: [], revokes: { ids: [`E${request.id}`], by: "erin", at: minutes(3) } }), 4),
    );
    const { derived } = pr.evaluate(manifest(), 5);
    expect(derived.exceptions[0]).toMatchObject({ status: "revoked", explanation: "revoked by @erin" });
  });

  it("markers and commands from anyone but the app's bot account count for nothing", () => {
    const pr = new Conversation();
    const request = pr.say("bob", REQUEST, 1);
    // A forged grant record typed by a user, and the same text from another bot.
    const forged = grantMarker({
      id: `E${request.id}`,
      approvalCommentId: request.id,
      requestSha: bodyDigest(request.body),
      approver: "alice",
      expires: minutes(10_000),
      bindings: [],
    });
    pr.say("bob", forged, 2);
    pr.comments.push(comment("other-bot[bot]", forged, 2, { type: "Bot" }));
    pr.comments.push(comment("other-bot[bot]", `/policy-exception approve E${request.id}`, 3, { type: "Bot" }));
    // A user named like the bot but not a Bot account.
    pr.comments.push(comment(BOT, forged, 3, { type: "User" }));
    const { derived } = pr.evaluate(manifest(), 4);
    expect(derived.exceptions[0]?.status).toBe("pending");
    expect(derived.comments.map((outcome) => outcome.author)).toEqual(["bob"]);
  });

  it("the first record of a grant wins: a late duplicate cannot rebind to newer content", () => {
    const pr = new Conversation();
    const request = pr.say("alice", REQUEST, 1);
    pr.evaluate(manifest(), 2);
    const later = manifest({ hostPath: "/etc" });
    // A second evaluation racing the first (it started before the first completed) with newer content posts its record later.
    const racing = deriveExceptions({
      comments: pr.comments.filter((posted) => posted.user?.login !== BOT),
      facts: facts(),
      settings: SETTINGS,
      botLogin: BOT,
      now: minutes(3),
      findings: later,
      history: new CheckRuns().completed(manifest(), -1).history(),
      botReactions: new BotReactions(),
    });
    pr.comments.push(botComment(racing.toRecord[0]?.marker ?? "", 3));
    expect(excused(pr.evaluate(later, 4).applied)).toEqual([]);
    expect(pr.comments.filter((posted) => posted.body?.includes(`grant id=E${request.id}`))).toHaveLength(2);
  });
});

describe("other outcomes", () => {
  it("a request for a policy not in force is refused with a suggestion", () => {
    const pr = new Conversation();
    pr.say("alice", REQUEST.replace("pod-security-baseline/", "pod-security-basline/"));
    const { derived } = pr.evaluate(manifest(), undefined, { policyNames: ["pod-security-baseline", "pod-security-restricted"] });
    expect(derived.exceptions[0]).toMatchObject({
      status: "refused",
      explanation: expect.stringMatching(
        /no policy named pod-security-basline applies to this repository \(did you mean pod-security-baseline\?\)/,
      ),
    });
  });

  it("malformed commands and help are outcomes of their comment; other comments are not", () => {
    const pr = new Conversation();
    pr.say("bob", "LGTM, but see /policy-exception help");
    pr.say("bob", "/policy-exception help");
    pr.say("bob", "/policy-exception pod-security-baseline\nReason: r");
    const { derived } = pr.evaluate(manifest());
    expect(derived.comments.map((outcome) => outcome.results.map((result) => result.kind))).toEqual([["help"], ["malformed"]]);
  });

  it("comments from deleted accounts and unreadable timestamps do not break derivation", () => {
    const pr = new Conversation();
    pr.comments.push({ id: 5, body: REQUEST, user: null, created_at: "2026-03-02T10:00:00Z", html_url: "u" });
    pr.comments.push({ ...comment("alice", REQUEST, 1), created_at: "not a date" });
    const { derived } = pr.evaluate(manifest(), 2);
    // Without its time, what its approver could have seen is unknown: nothing is granted. Fails closed.
    expect(derived.exceptions.map((exception) => exception.status)).toEqual(["pending"]);
    expect(derived.exceptions[0]?.explanation).toMatch(/the comment's creation time cannot be read, so the approval covers nothing/);
  });
});

describe("facts the app must look up", () => {
  it("are the authors of requests, approvals and revokes, and the revokers named in void markers", () => {
    const comments = [
      comment("bob", REQUEST, 1),
      comment("Alice", "/policy-exception approve E1", 2),
      comment("alice", "/policy-exception revoke E1", 3),
      comment("carol", "/policy-exception help", 4),
      comment("dave", "just chatting", 5),
      comment("other[bot]", "/policy-exception approve E1", 6, { type: "Bot" }),
      botComment(voidMarker({ commentId: 9, exceptions: [], revokes: { ids: ["E1"], by: "erin", at: minutes(1) } }), 7),
    ];
    expect(loginsToVerify(comments, BOT).sort()).toEqual(["Alice", "bob", "erin"]);
  });
});

describe("a request edited between its approval and the record of the grant", () => {
  it("is not granted by that approval: the approver did not see that text", () => {
    const request = comment("bob", REQUEST, 1);
    const approval = comment("alice", `/policy-exception approve E${request.id}`, 2);
    const edited = {
      ...request,
      body: REQUEST.replace("DaemonSet/logging/fluent-bit", "DaemonSet/logging/fluent-bit DaemonSet/logging/vector"),
      updated_at: minutes(3).toISOString(),
    };
    let derived = deriveExceptions({
      comments: [edited, approval],
      facts: facts(),
      settings: SETTINGS,
      botLogin: BOT,
      now: minutes(4),
      findings: manifest(),
      ...checkedBefore(manifest()),
    });
    expect(derived.exceptions[0]).toMatchObject({
      status: "pending",
      explanation: expect.stringMatching(/came before the request's last edit/),
    });
    expect(derived.comments[1]?.results[0]).toMatchObject({
      outcome: "refused",
      message: expect.stringMatching(/was edited after this approval/),
    });

    const again = comment("alice", `/policy-exception approve E${request.id}`, 5);
    derived = deriveExceptions({
      comments: [edited, approval, again],
      facts: facts(),
      settings: SETTINGS,
      botLogin: BOT,
      now: minutes(6),
      findings: manifest(),
      ...checkedBefore(manifest()),
    });
    expect(derived.exceptions[0]).toMatchObject({ status: "active", grant: { commentId: again.id } });
  });
});
