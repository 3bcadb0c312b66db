import { describe, expect, it } from "@jest/globals";
import { deriveExceptions, type PullRequestComment } from "../../src/exceptions/derive.js";
import { voidNoticeFor } from "../../src/exceptions/edits.js";
import { readMarkers } from "../../src/exceptions/markers.js";
import { planReplies } from "../../src/exceptions/reply.js";
import { BOT, SETTINGS, T0, baselineFindings, botComment, checkedBefore, comment, facts, fluentBit } from "./support.js";

const findings = baselineFindings({ file: "deploy/fluent-bit.yaml", content: fluentBit() });
const REQUEST = "/policy-exception pod-security-baseline/hostPathVolumes DaemonSet/logging/fluent-bit\nReason: node logs";
const derive = (comments: PullRequestComment[]) =>
  deriveExceptions({
    comments,
    facts: facts(),
    settings: SETTINGS,
    botLogin: BOT,
    now: new Date(T0 + 3600_000),
    findings,
    ...checkedBefore(findings),
  });
const user = (login: string) => ({ login, type: "User" });

/** The conversation after the app answered everything. */
function answered(...comments: PullRequestComment[]): PullRequestComment[] {
  return [...comments, ...planReplies(derive(comments), SETTINGS).map((reply) => botComment(reply.body, 30))];
}

describe("a comment edited by someone other than its author", () => {
  it("voids the exception its command carried", () => {
    const request = comment("alice", REQUEST, 1);
    const conversation = answered(request);
    expect(derive(conversation).exceptions[0]?.status).toBe("active");

    const notice = voidNoticeFor(
      { action: "edited", comment: { ...request, body: `${REQUEST} (typo fixed)` }, previousBody: REQUEST, sender: user("bob") },
      BOT,
    );
    expect(notice).toMatch(/Comment https:\/\/\S+ was edited by @bob, who did not write it: anything it granted no longer counts/);
    conversation.push(botComment(notice ?? "", 40));
    expect(derive(conversation).exceptions[0]?.status).toBe("voided");
  });

  it("voids a command slipped into someone else's comment", () => {
    const chat = comment("alice", "LGTM", 1);
    const edited = { ...chat, body: `LGTM\n/policy-exception approve E123` };
    expect(voidNoticeFor({ action: "edited", comment: edited, previousBody: "LGTM", sender: user("bob") }, BOT)).toBeDefined();
  });

  it("keeps the revokes it carried in force", () => {
    const revoke = comment("erin", "/policy-exception revoke E1", 5);
    const notice = voidNoticeFor(
      { action: "edited", comment: { ...revoke, body: "nothing to see" }, previousBody: revoke.body ?? "", sender: user("bob") },
      BOT,
    );
    expect(readMarkers(notice)).toEqual([
      { kind: "void", commentId: revoke.id, exceptions: [], revokes: { ids: ["E1"], by: "erin", at: new Date(revoke.created_at) } },
    ]);
  });

  it("needs no notice when the comment never carried a command", () => {
    const chat = comment("alice", "LGTM", 1);
    expect(
      voidNoticeFor({ action: "edited", comment: { ...chat, body: "LGTM!" }, previousBody: "LGTM", sender: user("bob") }, BOT),
    ).toBeUndefined();
  });
});

describe("an author editing their own comment", () => {
  it("needs no notice: the grant record's digest voids a granted request edited afterwards", () => {
    const request = comment("alice", REQUEST, 1);
    expect(voidNoticeFor({ action: "edited", comment: request, previousBody: "old", sender: user("ALICE") }, BOT)).toBeUndefined();
  });
});

describe("deleted comments", () => {
  it("a deleted revoke stays in force", () => {
    const request = comment("alice", REQUEST, 1);
    const revoke = comment("alice", `/policy-exception revoke E${request.id}`, 2);
    const notice = voidNoticeFor({ action: "deleted", comment: revoke, sender: user("bob") }, BOT);
    expect(notice).toMatch(/was deleted: .*the revokes it carried \(E\d+\) stay in force/);
    const conversation = [request, botComment(notice ?? "", 3)];
    expect(derive(conversation).exceptions[0]).toMatchObject({ status: "revoked", explanation: "revoked by @alice" });
  });

  it("a deleted request or approval needs no notice: it vanishes with what it granted", () => {
    expect(voidNoticeFor({ action: "deleted", comment: comment("alice", REQUEST, 1), sender: user("alice") }, BOT)).toBeUndefined();
  });
});

describe("the app's own comments", () => {
  it("editing or deleting a grant record voids the exception for good", () => {
    const request = comment("alice", REQUEST, 1);
    const conversation = answered(request);
    const record = conversation[conversation.length - 1] as PullRequestComment;
    for (const action of ["edited", "deleted"] as const) {
      const notice = voidNoticeFor(
        {
          action,
          comment: { ...record, body: action === "edited" ? "gone" : record.body },
          previousBody: record.body,
          sender: user("bob"),
        },
        BOT,
      );
      expect(readMarkers(notice)).toEqual([{ kind: "void", commentId: record.id, exceptions: [`E${request.id}`] }]);
      const after =
        action === "deleted"
          ? conversation.filter((posted) => posted !== record)
          : conversation.map((posted) => (posted === record ? { ...record, body: "gone" } : posted));
      const derived = derive([...after, botComment(notice ?? "", 50)]);
      expect(derived.exceptions[0]?.status).toBe("voided");
      expect(derived.active).toEqual([]);
    }
  });

  it("removing a void marker by editing posts it again", () => {
    const request = comment("alice", REQUEST, 1);
    const first = voidNoticeFor({ action: "edited", comment: request, previousBody: REQUEST, sender: user("bob") }, BOT) ?? "";
    const notice = botComment(first, 2);
    const again = voidNoticeFor(
      { action: "edited", comment: { ...notice, body: "harmless" }, previousBody: first, sender: user("bob") },
      BOT,
    );
    expect(readMarkers(again).filter((marker) => marker.kind === "void" && marker.commentId === request.id)).toHaveLength(1);
  });

  it("its own edits need no notice", () => {
    const notice = botComment("text", 1);
    expect(
      voidNoticeFor({ action: "edited", comment: notice, previousBody: "x", sender: { login: BOT, type: "Bot" } }, BOT),
    ).toBeUndefined();
  });
});
