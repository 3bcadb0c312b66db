/**
 * The head an approval is bound to, case by case: where it can be established, and each reason it
 * cannot (the approver is then asked to confirm). The binding's properties over random histories are
 * in binding.property.test.ts.
 */
import { describe, expect, it } from "@jest/globals";
import { findingsMarker, readFindingsRecord, readMarkers, revokeMarker, unboundMarker } from "../../src/exceptions/markers.js";
import { earlierAnswer } from "../../src/exceptions/processed.js";
import { seenHead, type PullHistory, type RecordedRun } from "../../src/exceptions/seen-head.js";

const T = Date.parse("2026-03-02T10:00:00Z");
const at = (seconds: number) => new Date(T + seconds * 1000);
const [A, B, C] = ["a", "b", "c"].map((letter) => letter.repeat(40)) as [string, string, string];

function run(head: string, completedSecond: number, findings: RecordedRun["findings"], extra: Partial<RecordedRun> = {}): RecordedRun {
  return {
    headSha: head,
    completedAt: at(completedSecond),
    conclusion: "failure",
    ...(findings !== undefined ? { findings } : {}),
    commentsRead: 0,
    forcePushesSeen: 0,
    ...extra,
  };
}

function history(runs: RecordedRun[], options: Partial<PullHistory> = {}): PullHistory {
  return {
    headSha: C,
    commits: [
      { sha: A, parents: ["0".repeat(40)] },
      { sha: B, parents: [A] },
      { sha: C, parents: [B] },
    ],
    complete: true,
    runs: new Map([A, B, C].map((sha) => [sha, runs.filter((entry) => entry.headSha === sha)])),
    forcePushes: [],
    ...options,
  };
}

describe("the head an approver could have seen", () => {
  it("is the newest head whose check completed before the comment, with that check's findings", () => {
    const seen = seenHead(history([run(A, 1, ["x", "y"]), run(B, 5, ["x"]), run(C, 20, ["x", "z"])]), at(10));
    expect(seen).toEqual({ kind: "head", sha: B, bindings: new Set(["x"]) });
  });

  it("ignores cancelled (superseded) runs, and takes what two heads have in common when one completed in the comment's second", () => {
    expect(seenHead(history([run(A, 1, ["x"]), run(B, 2, ["x", "y"], { conclusion: "cancelled" })]), at(10))).toMatchObject({ sha: A });
    expect(seenHead(history([run(A, 1, ["x", "y"]), run(B, 10, ["y", "z"])]), at(10))).toEqual({
      kind: "head",
      sha: A,
      bindings: new Set(["y"]),
    });
  });

  it("cannot be established without a completed check, a record, a complete commit list, or a single line of heads", () => {
    expect(seenHead(history([run(A, 11, ["x"])]), at(10))).toMatchObject({
      kind: "unknown",
      reason: expect.stringMatching(/no check of this app had completed/),
    });
    expect(seenHead(history([run(A, 10, ["x"])]), at(10))).toMatchObject({ kind: "unknown", reason: expect.stringMatching(/same second/) });
    expect(seenHead(history([run(B, 1, undefined)]), at(10))).toMatchObject({
      kind: "unknown",
      reason: expect.stringMatching(/recorded no findings/),
    });
    expect(seenHead(history([run(B, 1, "overflow")]), at(10))).toMatchObject({
      kind: "unknown",
      reason: expect.stringMatching(/too many findings/),
    });
    expect(seenHead(history([run(B, 1, ["x"])], { complete: false }), at(10))).toMatchObject({
      kind: "unknown",
      reason: expect.stringMatching(/more commits than GitHub lists/),
    });
    const merged = history([run(B, 1, ["x"]), run("d".repeat(40), 2, ["x", "y"])], {
      commits: [
        { sha: A, parents: [] },
        { sha: B, parents: [A] },
        { sha: "d".repeat(40), parents: [A] },
        { sha: C, parents: [B, "d".repeat(40)] },
      ],
    });
    (merged.runs as Map<string, RecordedRun[]>).set("d".repeat(40), [run("d".repeat(40), 2, ["x", "y"])]);
    expect(seenHead(merged, at(10))).toMatchObject({ kind: "unknown", reason: expect.stringMatching(/off its head's first-parent line/) });
  });

  it("asks for the runs of a commit it has not read, newest first", () => {
    const partial = history([run(C, 1, ["x"])]);
    (partial.runs as Map<string, RecordedRun[]>).delete(C);
    expect(seenHead(partial, at(10))).toEqual({ kind: "incomplete", unread: [C] });
  });

  it("after a force push, is only a head judged after every force push", () => {
    const forced = { forcePushes: [at(3)] };
    expect(seenHead(history([run(B, 5, ["x"], { forcePushesSeen: 0 })], forced), at(10))).toMatchObject({
      kind: "unknown",
      reason: expect.stringMatching(/force-pushed at 2026-03-02T10:00:03.000Z/),
    });
    expect(seenHead(history([run(B, 5, ["x"], { forcePushesSeen: 1 })], forced), at(10))).toMatchObject({ kind: "head", sha: B });
  });
});

describe("traces of an earlier answer", () => {
  it("are the app's 👍 or 👎 (not 👀), or a recorded check that read comments up to this one", () => {
    const runs = history([run(C, 30, ["x"], { commentsRead: 500 })]);
    expect(earlierAnswer({ id: 400 }, ["eyes"], runs)).toMatch(/read it and answered it/);
    expect(earlierAnswer({ id: 600 }, ["eyes"], runs)).toBeUndefined();
    expect(earlierAnswer({ id: 600 }, ["eyes", "+1"], runs)).toBe("the app reacted 👍 to it");
  });
});

describe("the records", () => {
  it("read back what was written, and nothing malformed", () => {
    const record = { pullNumber: 7, headSha: A, commentsRead: 42, forcePushesSeen: 1, bindings: ["0123456789abcdef"] };
    expect(readFindingsRecord(`${findingsMarker(record)}\n\n**❌ Blocked**`)).toEqual(record);
    expect(readFindingsRecord(findingsMarker({ ...record, bindings: undefined }))).toEqual({
      pullNumber: 7,
      headSha: A,
      commentsRead: 42,
      forcePushesSeen: 1,
    });
    expect(readFindingsRecord(findingsMarker(record).replace("0123456789abcdef", "not-a-digest"))).toBeUndefined();
    expect(readFindingsRecord(findingsMarker(record).replace(` head=${A}`, ""))).toBeUndefined();
    const revoke = revokeMarker({ commentId: 9, ids: ["E1"], by: "alice", at: at(0) });
    expect(readMarkers(`${unboundMarker({ id: "E1", approvalCommentId: 8 })}${revoke}`)).toEqual([
      { kind: "unbound", id: "E1", approvalCommentId: 8 },
      { kind: "revoke", commentId: 9, ids: ["E1"], by: "alice", at: at(0) },
    ]);
  });
});
