import { describe, expect, it } from "@jest/globals";
import { approverTeams, authorize, needsRepoPermission, roleFrom } from "../../src/exceptions/authorize.js";
import { parseExpiry, type ExpirySpec } from "../../src/exceptions/expiry.js";
import { DAY, SETTINGS, facts } from "./support.js";

const at = new Date("2026-03-02T10:00:00Z");
const user = (login: string, type = "User") => ({ login, type });
const ask = (login: string, policy = "pod-security-baseline", expires?: ExpirySpec, type = "User") =>
  authorize({ actor: user(login, type), policy, at, ...(expires ? { expires } : {}) }, facts(), SETTINGS);
const expiry = (text: string) => parseExpiry(text) as ExpirySpec;

describe("who may grant an exception", () => {
  it("an active member of an approver team, for 14 days by default", () => {
    expect(ask("alice")).toEqual({
      granted: true,
      approver: "alice",
      via: "active member of team platform-security",
      expires: new Date(at.getTime() + 14 * DAY),
    });
  });

  it("someone with the minimum repository permission", () => {
    expect(ask("erin")).toMatchObject({ granted: true, via: "admin permission or higher on the repository" });
  });

  it("not someone with less than the minimum permission, and the reason names who can", () => {
    const decision = ask("bob");
    expect(decision).toEqual({
      granted: false,
      reason:
        "@bob is not an approver for pod-security-baseline: approvers are active members of team platform-security, or people with admin permission or higher on this repository",
    });
  });

  it("not a pending team member: an invitation not accepted does not count", () => {
    expect(ask("dave")).toMatchObject({ granted: false, reason: expect.stringMatching(/membership of team platform-security is pending/) });
  });

  it("an approver limited to some policies only for those", () => {
    expect(ask("carol", "pod-security-restricted")).toMatchObject({
      granted: true,
      via: "active member of team observability, for pod-security-restricted",
    });
    expect(ask("carol", "pod-security-baseline")).toEqual({
      granted: false,
      reason:
        "@carol is an approver only for pod-security-restricted (active member of team observability, for pod-security-restricted), not for pod-security-baseline",
    });
  });

  it("never the pull request's author, even an approver", () => {
    expect(ask("pat")).toMatchObject({
      granted: false,
      reason: expect.stringMatching(/@pat opened this pull request, and nobody can approve an exception on their own pull request/),
    });
    expect(ask("PAT")).toMatchObject({ granted: false });
  });

  it("never a bot, whatever its memberships", () => {
    const withBot = facts({ "ci[bot]": { teams: { "platform-security": "active" }, permission: "admin" } });
    expect(authorize({ actor: user("ci[bot]", "Bot"), policy: "pod-security-baseline", at }, withBot, SETTINGS)).toMatchObject({
      granted: false,
      reason: expect.stringMatching(/bot/),
    });
  });

  it("nobody whose facts were not looked up (fails closed)", () => {
    expect(ask("mallory")).toMatchObject({
      granted: false,
      reason: expect.stringMatching(/could not verify whether @mallory is an approver/),
    });
  });

  it("nobody at all when the org configured no approvers", () => {
    const decision = authorize({ actor: user("alice"), policy: "p", at }, facts(), { ...SETTINGS, approvers: [] });
    expect(decision).toMatchObject({ granted: false, reason: expect.stringMatching(/no approvers are configured/) });
  });

  it("logins compare case-insensitively, as GitHub's do", () => {
    expect(ask("Alice")).toMatchObject({ granted: true, approver: "Alice" });
  });
});

describe("how long an exception lasts", () => {
  it("a duration counts from the grant", () => {
    expect(ask("alice", "p", expiry("36h"))).toMatchObject({ granted: true, expires: new Date(at.getTime() + 36 * 3600_000) });
  });

  it("a date is 00:00 UTC that day", () => {
    expect(ask("alice", "p", expiry("2026-03-20"))).toMatchObject({ granted: true, expires: new Date("2026-03-20T00:00:00Z") });
  });

  it("is capped at the org maximum, and the decision says so", () => {
    const decision = ask("alice", "p", expiry("8w"));
    expect(decision).toEqual({
      granted: true,
      approver: "alice",
      via: "active member of team platform-security",
      expires: new Date(at.getTime() + 30 * DAY),
      expiryNote: "--expires 8w is longer than the organisation's maximum of 30 days, so it expires at 2026-04-01T10:00:00.000Z",
    });
    expect(ask("alice", "p", expiry("2027-01-01"))).toMatchObject({
      expires: new Date(at.getTime() + 30 * DAY),
      expiryNote: expect.stringMatching(/maximum of 30 days/),
    });
  });

  it("a date that has passed is refused", () => {
    expect(ask("alice", "p", expiry("2026-03-01"))).toMatchObject({
      granted: false,
      reason: expect.stringMatching(/--expires 2026-03-01 is not after 2026-03-02T10:00:00.000Z/),
    });
  });
});

describe("what the app must look up", () => {
  it("the approver teams and whether permissions matter", () => {
    expect(approverTeams(SETTINGS)).toEqual(["platform-security", "observability"]);
    expect(needsRepoPermission(SETTINGS)).toBe(true);
    expect(needsRepoPermission({ approvers: [{ team: "x" }] })).toBe(false);
  });

  it("reads the collaborator permission answer with its role name (triage and maintain)", () => {
    expect(roleFrom({ permission: "write", role_name: "maintain" })).toBe("maintain");
    expect(roleFrom({ permission: "read", role_name: "triage" })).toBe("triage");
    expect(roleFrom({ permission: "write", role_name: "security-reviewer" })).toBe("write");
    expect(roleFrom({ permission: "none", role_name: null })).toBe("none");
    expect(roleFrom({ permission: "weird" })).toBe("none");
  });

  it("a maintain minimum admits maintain and admin but not write", () => {
    const settings = { ...SETTINGS, approvers: [{ permission: "maintain" as const }] };
    const users = facts({ mo: { teams: {}, permission: "maintain" }, wes: { teams: {}, permission: "write" } });
    expect(authorize({ actor: user("mo"), policy: "p", at }, users, settings)).toMatchObject({ granted: true });
    expect(authorize({ actor: user("erin"), policy: "p", at }, users, settings)).toMatchObject({ granted: true });
    expect(authorize({ actor: user("wes"), policy: "p", at }, users, settings)).toMatchObject({ granted: false });
  });
});
