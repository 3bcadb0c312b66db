import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import type { Octokit } from "@octokit/rest";
import type { TestEmulator } from "../../emulator/fixture.js";
import { seedAcme, startTestEmulator } from "../../emulator/fixture.js";

let t: TestEmulator;
let octokit: Octokit;
let number: number;
const repo = { owner: "acme", repo: "gitops" };

beforeAll(async () => {
  t = await startTestEmulator();
  const installationId = seedAcme(t.emulator);
  const c = t.emulator.client;
  c.createTeam("acme", "platform", { members: { carol: "maintainer" } });
  c.createTeam("acme", "sre", { parent: "platform", members: { dave: "member" } });
  c.addTeamMember("acme", "platform", "erin", { state: "pending" });
  c.addTeamMember("acme", "platform", "alice");
  c.setCollaborator("acme/gitops", "frank", "maintain");
  c.createUser("stranger");
  octokit = await t.installationOctokit(installationId);
  number = (await c.openPullRequest({ repo: "acme/gitops", files: { "a.yaml": "a: 1\n" }, author: "bob", deliver: false })).number;
});
afterAll(() => t.stop());

describe("issue comments on a pull request", () => {
  test("the app creates, lists, edits and deletes its comment", async () => {
    const created = await octokit.rest.issues.createComment({ ...repo, issue_number: number, body: "policy report" });
    expect(created.status).toBe(201);
    expect(created.data).toMatchObject({ body: "policy report", user: { login: "kube-policy-bot[bot]", type: "Bot" } });
    expect(created.data.performed_via_github_app).toMatchObject({ id: 4242 });
    await t.emulator.client.comment({ repo: "acme/gitops", number, body: "/policy recheck", author: "bob", deliver: false });
    const listed = await octokit.rest.issues.listComments({ ...repo, issue_number: number });
    expect(listed.data.map((c) => c.body)).toEqual(["policy report", "/policy recheck"]);
    const edited = await octokit.rest.issues.updateComment({ ...repo, comment_id: created.data.id, body: "updated report" });
    expect(edited.data.body).toBe("updated report");
    expect((await octokit.rest.issues.getComment({ ...repo, comment_id: created.data.id })).data.body).toBe("updated report");
    expect((await octokit.rest.issues.deleteComment({ ...repo, comment_id: created.data.id })).status).toBe(204);
    await expect(octokit.rest.issues.getComment({ ...repo, comment_id: created.data.id })).rejects.toMatchObject({ status: 404 });
  });

  test("blank, missing or over-long bodies are 422; unknown issues are 404", async () => {
    await expect(octokit.rest.issues.createComment({ ...repo, issue_number: number, body: " " })).rejects.toMatchObject({ status: 422 });
    await expect(octokit.rest.issues.createComment({ ...repo, issue_number: number, body: "x".repeat(65537) })).rejects.toMatchObject({
      status: 422,
    });
    await expect(octokit.rest.issues.createComment({ ...repo, issue_number: 999, body: "x" })).rejects.toMatchObject({ status: 404 });
  });

  test("listing pages comments with Link headers", async () => {
    for (let i = 0; i < 35; i++)
      await t.emulator.client.comment({ repo: "acme/gitops", number, body: `c${i}`, author: "bob", deliver: false });
    const first = await octokit.rest.issues.listComments({ ...repo, issue_number: number });
    expect(first.data).toHaveLength(30);
    expect(first.headers.link).toContain('rel="next"');
    const all = await octokit.paginate(octokit.rest.issues.listComments, { ...repo, issue_number: number });
    expect(all.length).toBe(t.emulator.client.comments("acme/gitops", number).length);
  });

  test("a reaction is 201 when new and 200 when it already exists; unknown content is 422", async () => {
    const { id } = await t.emulator.client.comment({
      repo: "acme/gitops",
      number,
      body: "/policy approve",
      author: "carol",
      deliver: false,
    });
    const first = await octokit.rest.reactions.createForIssueComment({ ...repo, comment_id: id, content: "eyes" });
    const again = await octokit.rest.reactions.createForIssueComment({ ...repo, comment_id: id, content: "eyes" });
    expect([first.status, again.status]).toEqual([201, 200]);
    expect(again.data.id).toBe(first.data.id);
    expect(t.emulator.client.reactions(id).map((r) => r.content)).toEqual(["eyes"]);
    await expect(
      octokit.rest.reactions.createForIssueComment({ ...repo, comment_id: id, content: "party" as "eyes" }),
    ).rejects.toMatchObject({ status: 422 });
    const comment = await octokit.rest.issues.getComment({ ...repo, comment_id: id });
    expect(comment.data.reactions).toMatchObject({ total_count: 1, eyes: 1 });
  });
});

describe("who may do what", () => {
  test.each([
    ["carol", { state: "active", role: "maintainer" }],
    ["dave", { state: "active", role: "member" }],
    ["erin", { state: "pending", role: "member" }],
    ["alice", { state: "active", role: "maintainer" }],
  ])("team membership of %s (child teams count, owners are maintainers)", async (user, expected) => {
    const { data } = await octokit.rest.teams.getMembershipForUserInOrg({ org: "acme", team_slug: "platform", username: user });
    expect(data).toMatchObject(expected);
  });

  test("non-members and unknown teams are 404", async () => {
    await expect(
      octokit.rest.teams.getMembershipForUserInOrg({ org: "acme", team_slug: "platform", username: "bob" }),
    ).rejects.toMatchObject({ status: 404 });
    await expect(octokit.rest.teams.getMembershipForUserInOrg({ org: "acme", team_slug: "sre", username: "carol" })).rejects.toMatchObject({
      status: 404,
    });
    await expect(octokit.rest.teams.getMembershipForUserInOrg({ org: "acme", team_slug: "nope", username: "carol" })).rejects.toMatchObject(
      { status: 404 },
    );
  });

  test.each([
    ["alice", "admin", "admin"],
    ["frank", "write", "maintain"],
    ["bob", "read", "read"],
    ["stranger", "read", "read"],
  ])("repository permission of %s is %s (role %s)", async (user, permission, role) => {
    const { data } = await octokit.rest.repos.getCollaboratorPermissionLevel({ ...repo, username: user });
    expect(data).toMatchObject({ permission, role_name: role, user: { login: user } });
  });

  test("a stranger has no permission on a private repository", async () => {
    t.emulator.client.createRepo("acme/private", { private: true });
    const { data } = await octokit.rest.repos.getCollaboratorPermissionLevel({ owner: "acme", repo: "private", username: "stranger" });
    expect(data.permission).toBe("none");
  });

  test("organisation membership check is 204 or 404", async () => {
    expect((await octokit.rest.orgs.checkMembershipForUser({ org: "acme", username: "bob" })).status).toBe(204);
    await expect(octokit.rest.orgs.checkMembershipForUser({ org: "acme", username: "stranger" })).rejects.toMatchObject({ status: 404 });
  });

  test("without the members permission, team lookups are 403", async () => {
    const c = t.emulator.client;
    c.createOrg("nomembers");
    c.createTeam("nomembers", "t", { members: { zed: "member" } });
    c.createRepo("nomembers/r");
    const id = c.install("nomembers", { permissions: { metadata: "read", checks: "write" } });
    const limited = await t.installationOctokit(id);
    await expect(limited.rest.teams.getMembershipForUserInOrg({ org: "nomembers", team_slug: "t", username: "zed" })).rejects.toMatchObject(
      { status: 403 },
    );
  });
});
