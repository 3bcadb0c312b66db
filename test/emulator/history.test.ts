/**
 * The GitHub facts that order an approval after the check its approver saw: GitHub's own clock on
 * comments and check-run completion (whole seconds, moved on by tests instead of sleeping), force
 * pushes as issue events, a pull request's commits with their parents, and reactions with their
 * authors.
 */
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import type { Octokit } from "@octokit/rest";
import type { TestEmulator } from "../../emulator/fixture.js";
import { seedAcme, startTestEmulator } from "../../emulator/fixture.js";

let t: TestEmulator;
let octokit: Octokit;
const repo = { owner: "acme", repo: "gitops" };

beforeAll(async () => {
  t = await startTestEmulator();
  octokit = await t.installationOctokit(seedAcme(t.emulator));
});
afterAll(() => t.stop());

describe("GitHub's clock", () => {
  test("stamps completed_at when the app completes a run without one, and comments' created_at, in whole seconds; tests move it on", async () => {
    const pr = await t.emulator.client.openPullRequest({ repo: "acme/gitops", files: { "a.yaml": "a: 1\n" }, deliver: false });
    const { data: run } = await octokit.rest.checks.create({
      ...repo,
      name: "policy",
      head_sha: pr.headSha,
      status: "in_progress",
      started_at: "2020-01-01T00:00:00Z",
    });
    expect(run.started_at).toBe("2020-01-01T00:00:00Z");
    const { data: done } = await octokit.rest.checks.update({
      ...repo,
      check_run_id: run.id,
      conclusion: "success",
      output: { title: "t", summary: "s" },
    });
    expect(done.completed_at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);

    t.emulator.client.advanceClock(5000);
    const comment = await t.emulator.client.comment({
      repo: "acme/gitops",
      number: pr.number,
      author: "alice",
      body: "later",
      deliver: false,
    });
    const created = t.emulator.client.comments("acme/gitops", pr.number).find((entry) => entry.id === comment.id)?.created_at as string;
    expect(Date.parse(created) - Date.parse(done.completed_at as string)).toBeGreaterThanOrEqual(5000);
    expect(() => t.emulator.client.advanceClock(-1)).toThrow(/only moves forward/);
  });
});

describe("force pushes", () => {
  test("replace the head's commits, are listed as head_ref_force_pushed issue events, and leave the pull request's commits without the replaced head", async () => {
    const pr = await t.emulator.client.openPullRequest({ repo: "acme/gitops", files: { "b.yaml": "b: 1\n" }, deliver: false });
    const pushed = await t.emulator.client.push({ repo: "acme/gitops", number: pr.number, files: { "b.yaml": "b: 2\n" }, deliver: false });
    const forced = await t.emulator.client.forcePush({
      repo: "acme/gitops",
      number: pr.number,
      files: { "b.yaml": "b: 3\n" },
      deliver: false,
    });
    expect(forced.before).toBe(pushed.headSha);

    const { data: commits } = await octokit.rest.pulls.listCommits({ ...repo, pull_number: pr.number });
    expect(commits.map((commit) => commit.sha)).toEqual([pr.headSha, forced.headSha]);
    expect(commits[1]?.parents.map((parent) => parent.sha)).toEqual([pr.headSha]);

    const { data: events } = await octokit.rest.issues.listEvents({ ...repo, issue_number: pr.number });
    expect(events).toEqual([
      expect.objectContaining({ event: "head_ref_force_pushed", actor: expect.objectContaining({ login: "octocat" }), commit_id: null }),
    ]);
    expect(events[0]?.created_at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
  });
});

describe("reactions", () => {
  test("are listed with the user who made them", async () => {
    const pr = await t.emulator.client.openPullRequest({ repo: "acme/gitops", files: { "c.yaml": "c: 1\n" }, deliver: false });
    const comment = await t.emulator.client.comment({
      repo: "acme/gitops",
      number: pr.number,
      author: "alice",
      body: "/policy-exception help",
      deliver: false,
    });
    await octokit.rest.reactions.createForIssueComment({ ...repo, comment_id: comment.id, content: "+1" });
    const { data: reactions } = await octokit.rest.reactions.listForIssueComment({ ...repo, comment_id: comment.id });
    expect(reactions.map((reaction) => [reaction.content, reaction.user?.login])).toEqual([["+1", t.emulator.state.botLogin()]]);
  });
});
