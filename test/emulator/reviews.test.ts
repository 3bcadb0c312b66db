import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import type { Octokit } from "@octokit/rest";
import type { TestEmulator } from "../../emulator/fixture.js";
import { seedAcme, startTestEmulator } from "../../emulator/fixture.js";

let t: TestEmulator;
let octokit: Octokit;

const BASE = "one: 1\ntwo: 2\nthree: 3\nfour: 4\nfive: 5\nsix: 6\nseven: 7\neight: 8\nnine: 9\nten: 10\n";

beforeAll(async () => {
  t = await startTestEmulator();
  const installationId = seedAcme(t.emulator, { "a.yaml": BASE });
  octokit = await t.installationOctokit(installationId);
});
afterAll(() => t.stop());

async function openWithChange(change: string): Promise<number> {
  const pr = await t.emulator.client.openPullRequest({ repo: "acme/gitops", deliver: false, files: { "a.yaml": change } });
  return pr.number;
}

describe("pull request reviews", () => {
  test("a COMMENT review with single- and multi-line comments on the new side, listed with GitHub's fields", async () => {
    const number = await openWithChange(BASE.replace("two: 2", "two: 22").replace("three: 3", "three: 33"));
    const { data: review } = await octokit.rest.pulls.createReview({
      owner: "acme",
      repo: "gitops",
      pull_number: number,
      event: "COMMENT",
      body: "two suggestions",
      comments: [
        { path: "a.yaml", line: 2, side: "RIGHT", body: "```suggestion\ntwo: 2\n```" },
        { path: "a.yaml", start_line: 2, start_side: "RIGHT", line: 3, side: "RIGHT", body: "both" },
      ],
    });
    expect(review).toMatchObject({ state: "COMMENTED", body: "two suggestions", user: { login: "kube-policy-bot[bot]", type: "Bot" } });

    const { data: comments } = await octokit.rest.pulls.listReviewComments({ owner: "acme", repo: "gitops", pull_number: number });
    expect(comments.map((c) => [c.path, c.start_line, c.line, c.side, c.original_line, c.pull_request_review_id])).toEqual([
      ["a.yaml", null, 2, "RIGHT", 2, review.id],
      ["a.yaml", 2, 3, "RIGHT", 3, review.id],
    ]);
    expect(comments[0]?.diff_hunk).toBe("@@ -1,6 +1,6 @@\n one: 1\n-two: 2\n-three: 3\n+two: 22");
    expect(comments[0]?.position).toBe(4);
    const { data: reviews } = await octokit.rest.pulls.listReviews({ owner: "acme", repo: "gitops", pull_number: number });
    expect(reviews.map((r) => r.id)).toEqual([review.id]);
  });

  test("refuses, with 422 and nothing recorded, lines outside the diff, ranges across hunks, a missing body", async () => {
    const number = await openWithChange(BASE.replace("one: 1", "one: 11").replace("ten: 10", "ten: 100"));
    type Comment = { path: string; body: string; line?: number; start_line?: number };
    const create = (comments: Comment[], body = "x") =>
      octokit.request("POST /repos/{owner}/{repo}/pulls/{pull_number}/reviews", {
        owner: "acme",
        repo: "gitops",
        pull_number: number,
        event: "COMMENT",
        body,
        comments,
      });
    // Hunks: lines 1-4 and 7-10 of the new file; line 5 and 6 are outside both.
    await expect(create([{ path: "a.yaml", line: 5, body: "no" }])).rejects.toMatchObject({
      status: 422,
      response: { data: { errors: ["Line could not be resolved"] } },
    });
    await expect(create([{ path: "a.yaml", start_line: 3, line: 8, body: "no" }])).rejects.toMatchObject({
      status: 422,
      response: { data: { errors: ["Start line must be part of the same hunk as the line"] } },
    });
    await expect(create([{ path: "b.yaml", line: 1, body: "no" }])).rejects.toMatchObject({
      status: 422,
      response: { data: { errors: ["Path could not be resolved"] } },
    });
    await expect(create([{ path: "a.yaml", line: 1, body: "ok" }], "")).rejects.toMatchObject({
      status: 422,
      response: { data: { errors: ["Review body is required"] } },
    });
    await expect(create([{ path: "a.yaml", start_line: 2, line: 1, body: "no" }])).rejects.toMatchObject({ status: 422 });
    const { data } = await octokit.rest.pulls.listReviewComments({ owner: "acme", repo: "gitops", pull_number: number });
    expect(data).toEqual([]);
  });

  test("after a push, a comment on lines that changed is outdated (line null) and one on moved lines follows them", async () => {
    const changed = BASE.replace("two: 2", "two: 22").replace("nine: 9", "nine: 99");
    const number = await openWithChange(changed);
    await octokit.rest.pulls.createReview({
      owner: "acme",
      repo: "gitops",
      pull_number: number,
      event: "COMMENT",
      body: "r",
      comments: [
        { path: "a.yaml", line: 2, body: "on two" },
        { path: "a.yaml", line: 9, body: "on nine" },
      ],
    });
    // Line 2 changes again; a line inserted at the top moves line 9 to 10.
    await t.emulator.client.push({
      repo: "acme/gitops",
      number,
      deliver: false,
      files: { "a.yaml": `zero: 0\n${changed.replace("two: 22", "two: 222")}` },
    });
    const { data } = await octokit.rest.pulls.listReviewComments({ owner: "acme", repo: "gitops", pull_number: number });
    expect(data.map((c) => [c.body, c.line, c.original_line, c.position === null])).toEqual([
      ["on two", null, 2, true],
      ["on nine", 10, 9, false],
    ]);
  });

  test("committing suggestions replaces their lines in one commit; outdated or overlapping ones are refused", async () => {
    const number = await openWithChange(BASE.replace("two: 2", "two: 22").replace("three: 3", "three: 33"));
    await octokit.rest.pulls.createReview({
      owner: "acme",
      repo: "gitops",
      pull_number: number,
      event: "COMMENT",
      body: "r",
      comments: [
        {
          path: "a.yaml",
          start_line: 2,
          line: 3,
          body: "fix\n```suggestion\ntwo: 2\nthree: 3\nthree-and-a-half: 3.5\n```\n<!-- marker -->",
        },
        { path: "a.yaml", line: 3, body: "```suggestion\nthree: 4\n```" },
      ],
    });
    const [first, second] = t.emulator.client.reviewComments("acme/gitops", number);
    await expect(
      t.emulator.client.commitSuggestions({
        repo: "acme/gitops",
        number,
        commentIds: [first?.id as number, second?.id as number],
        author: "bob",
        deliver: false,
      }),
    ).rejects.toThrow(/overlapping/);
    await t.emulator.client.commitSuggestions({
      repo: "acme/gitops",
      number,
      commentIds: [first?.id as number],
      author: "bob",
      deliver: false,
    });
    const { data: file } = await octokit.rest.repos.getContent({
      owner: "acme",
      repo: "gitops",
      path: "a.yaml",
      ref: t.emulator.client.state.requirePull("acme/gitops", number).headSha,
    });
    expect(Buffer.from((file as { content: string }).content, "base64").toString("utf8")).toBe(
      BASE.replace("three: 3\n", "three: 3\nthree-and-a-half: 3.5\n"),
    );
    await expect(
      t.emulator.client.commitSuggestions({
        repo: "acme/gitops",
        number,
        commentIds: [second?.id as number],
        author: "bob",
        deliver: false,
      }),
    ).rejects.toThrow(/outdated/);
  });

  test("an installation without pull_requests write cannot review", async () => {
    const number = await openWithChange(BASE.replace("one: 1", "one: 2"));
    const readOnly = t.emulator.client.install("acme", { permissions: { pull_requests: "read", metadata: "read" } });
    const reader = await t.installationOctokit(readOnly);
    await expect(
      reader.rest.pulls.createReview({
        owner: "acme",
        repo: "gitops",
        pull_number: number,
        event: "COMMENT",
        body: "x",
        comments: [{ path: "a.yaml", line: 1, body: "x" }],
      }),
    ).rejects.toMatchObject({ status: 403 });
  });
});
