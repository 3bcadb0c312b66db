import { describe, expect, it } from "@jest/globals";
import { applyExceptions } from "../../src/exceptions/apply.js";
import { parseComment, type ParseError } from "../../src/exceptions/command.js";
import { deriveExceptions, type PullRequestComment } from "../../src/exceptions/derive.js";
import { readMarkers } from "../../src/exceptions/markers.js";
import { helpText, malformedText, planReplies } from "../../src/exceptions/reply.js";
import { loadPolicies } from "../../src/config/policy-files.js";
import { BOT, SETTINGS, T0, baselineFindings, botComment, checkedBefore, comment, facts, fluentBit } from "./support.js";

const findings = baselineFindings({ file: "deploy/fluent-bit.yaml", content: fluentBit() });
const derive = (comments: PullRequestComment[], minutes = 10, users = facts()) =>
  deriveExceptions({
    comments,
    facts: users,
    settings: SETTINGS,
    botLogin: BOT,
    now: new Date(T0 + minutes * 60_000),
    findings,
    ...checkedBefore(findings),
  });
const REQUEST =
  "/policy-exception pod-security-baseline/hostPathVolumes DaemonSet/logging/fluent-bit --expires 2w\nReason: ships node logs; @platform-security knows (SEC-123)";

describe("the reply to a grant", () => {
  const request = comment("alice", REQUEST, 1);
  const [reply] = planReplies(derive([request]), SETTINGS);
  const body = reply?.body ?? "";

  it("says what was granted: policy, rule, resources, expiry, approver, and what it excuses", () => {
    expect(reply).toMatchObject({ commentId: request.id, reaction: "+1" });
    expect(body).toContain(`✅ **Exception E${request.id} granted** by @alice (active member of team platform-security).`);
    expect(body).toContain("- Policy: `pod-security-baseline`\n- Rule: `hostPathVolumes`\n- Resources: `DaemonSet/logging/fluent-bit`");
    expect(body).toContain("- Expires: 2026-03-16T10:01:00.000Z");
    expect(body).toMatch(
      /It excuses this finding, as they are now; if their content or image changes, they block again:\n- `pod-security-baseline\/hostPathVolumes` on `DaemonSet\/logging\/fluent-bit` \(image `fluent\/fluent-bit:3.0`\) at `deploy\/fluent-bit.yaml:16`/,
    );
    expect(body).toContain(`/policy-exception revoke E${request.id}`);
  });

  it("does not ping anyone named in the reason (mentions inside code blocks do not notify)", () => {
    const outsideCode = body.replace(/```[^]*?```/g, "");
    expect(outsideCode).not.toMatch(/@platform-security/);
    expect(outsideCode).toContain("@\u200bplatform-security");
  });

  it("carries the grant record and the answered marker", () => {
    expect(readMarkers(body).map((marker) => marker.kind)).toEqual(["grant", "reply"]);
  });

  it("includes the equivalent PolicyException, which loads and covers the same finding", () => {
    const yaml = /```yaml\n([^]*?)\n```/.exec(body)?.[1] ?? "";
    const loaded = loadPolicies([{ file: "exception.yaml", content: yaml }]);
    expect(loaded.errors).toEqual([]);
    expect(loaded.exceptions[0]).toMatchObject({
      id: "fluent-bit-pod-security-baseline",
      policies: [{ name: "pod-security-baseline", rules: ["hostPathVolumes"] }],
      resources: [{ kinds: ["DaemonSet"], namespaces: ["logging"], names: ["fluent-bit"] }],
      reason: "ships node logs; @platform-security knows (SEC-123)",
      approver: "alice",
    });
    const applied = applyExceptions(findings, loaded.exceptions, new Date(T0 + 60_000 * 2));
    expect(applied.filter((finding) => finding.exception).map((finding) => finding.rule)).toEqual(["hostPathVolumes"]);
  });
});

describe("acknowledging every command comment once", () => {
  it("pending requests get an explanation and no reaction; refusals and malformed commands get -1", () => {
    const request = comment("bob", REQUEST, 1);
    const comments = [
      request,
      comment("pat", `/policy-exception approve E${request.id}`, 2),
      comment("bob", "/policy-exception pod-security-baseline\nReason: x", 3),
    ];
    const replies = planReplies(derive(comments), SETTINGS);
    expect(replies.map((reply) => [reply.commentId, reply.reaction])).toEqual([
      [request.id, undefined],
      [comments[1]?.id, "-1"],
      [comments[2]?.id, "-1"],
    ]);
    expect(replies[0]?.body).toMatch(
      /⏳ \*\*Exception E\d+ requested\*\*: `pod-security-baseline\/hostPathVolumes` on `DaemonSet\/logging\/fluent-bit`/,
    );
    expect(replies[0]?.body).toMatch(/can answer `\/policy-exception approve E\d+`/);
    expect(replies[1]?.body).toMatch(/❌ \*\*Refused: approve E\d+\.\*\* @\u200bpat opened this pull request/);
    expect(replies[2]?.body).toMatch(/I could not read the command on line 1:\*\* the command names no resource/);
  });

  it("answered comments get no second reply (redelivered webhooks, re-runs)", () => {
    const request = comment("alice", REQUEST, 1);
    const first = planReplies(derive([request]), SETTINGS);
    const posted = first.map((reply) => botComment(reply.body, 2));
    expect(planReplies(derive([request, ...posted]), SETTINGS)).toEqual([]);
  });

  it("a grant that becomes valid later (the approver joined the team) is recorded in a reply of its own", () => {
    const request = comment("bob", REQUEST, 1);
    const approval = comment("dave", `/policy-exception approve E${request.id}`, 2);
    const before = planReplies(derive([request, approval]), SETTINGS);
    expect(before.map((reply) => reply.reaction)).toEqual([undefined, "-1"]);
    const answered = [request, approval, ...before.map((reply) => botComment(reply.body, 3))];

    const joined = facts({ dave: { teams: { "platform-security": "active" } } });
    const after = planReplies(derive(answered, 20, joined), SETTINGS);
    expect(after).toHaveLength(1);
    expect(after[0]).toMatchObject({ commentId: approval.id, reaction: "+1" });
    expect(readMarkers(after[0]?.body).map((marker) => marker.kind)).toEqual(["grant", "reply"]);
  });

  it("help is answered with the syntax, the org's durations and approvers", () => {
    const [reply] = planReplies(derive([comment("bob", "/policy-exception help", 1)]), SETTINGS);
    expect(reply?.reaction).toBeUndefined();
    expect(reply?.body).toContain(helpText(SETTINGS));
    expect(helpText(SETTINGS)).toMatch(/the default is 14 days and the maximum 30 days/);
    expect(helpText(SETTINGS)).toMatch(
      /Approvers: active members of team platform-security, or people with admin permission or higher on this repository, or active members of team observability \(for pod-security-restricted\)/,
    );
  });
});

describe("the reply to a malformed command", () => {
  it("quotes the line, says what is wrong, and shows a command that works and parses", () => {
    const [error] = parseComment(
      "/policy-exception pod-security-baseline/hostPathVolumes deployment/logging/fluent-bit\nReason: logs",
      1,
    ) as ParseError[];
    const text = malformedText(error as ParseError);
    expect(text).toContain("You wrote:\n```\n/policy-exception pod-security-baseline/hostPathVolumes deployment/logging/fluent-bit\n```");
    expect(text).toMatch(/is not a kind: .*did you mean Deployment\?/);
    const example = /A command that works:\n```\n([^]*?)\n```/.exec(text)?.[1] ?? "";
    expect(parseComment(example, 1).map((command) => command.kind)).toEqual(["request"]);
  });

  it("cannot be broken out of by backticks in what was typed", () => {
    const [error] = parseComment("/policy-exception p Pod/ns/x --bogus\nReason: ``` closes the fence?", 1) as ParseError[];
    const text = malformedText(error as ParseError);
    expect(text).toContain("````\n/policy-exception p Pod/ns/x --expires 14d\nReason: ``` closes the fence?\n````");
  });
});
