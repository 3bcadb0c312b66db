import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import type { Octokit } from "@octokit/rest";
import type { TestEmulator } from "../../emulator/fixture.js";
import { seedAcme, startTestEmulator } from "../../emulator/fixture.js";

let t: TestEmulator;
let octokit: Octokit;

const BASE_FILES: Record<string, string> = {
  "keep.yaml": "a: 1\n",
  "edit.yaml": "one: 1\ntwo: 2\nthree: 3\n",
  "gone.yaml": "bye: true\n",
  "old-name.yaml": "moved: true\n",
  "similar-old.yaml": "l1: 1\nl2: 2\nl3: 3\nl4: 4\nl5: 5\nl6: 6\n",
};

beforeAll(async () => {
  t = await startTestEmulator();
  const installationId = seedAcme(t.emulator, BASE_FILES);
  octokit = await t.installationOctokit(installationId);
});
afterAll(() => t.stop());

function parseLink(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (header ?? "").split(",")) {
    const m = /<([^>]+)>;\s*rel="(\w+)"/.exec(part.trim());
    if (m) out[m[2] as string] = m[1] as string;
  }
  return out;
}

describe("pull request files", () => {
  test("statuses added / removed / modified / renamed (exact and similar) with previous_filename, in path order", async () => {
    const pr = await t.emulator.client.openPullRequest({
      repo: "acme/gitops",
      deliver: false,
      files: {
        "edit.yaml": "one: 1\ntwo: 22\nthree: 3\n",
        "new.yaml": "fresh: true\n",
        "gone.yaml": null,
        "old-name.yaml": null,
        "new-name.yaml": "moved: true\n",
        "similar-old.yaml": null,
        "similar-new.yaml": "l1: 1\nl2: 2\nl3: 3\nl4: 4\nl5: 5\nl6: 66\n",
      },
    });
    const { data } = await octokit.rest.pulls.listFiles({ owner: "acme", repo: "gitops", pull_number: pr.number });
    expect(data.map((f) => [f.filename, f.status, f.previous_filename])).toEqual([
      ["edit.yaml", "modified", undefined],
      ["gone.yaml", "removed", undefined],
      ["new-name.yaml", "renamed", "old-name.yaml"],
      ["new.yaml", "added", undefined],
      ["similar-new.yaml", "renamed", "similar-old.yaml"],
    ]);
    const edit = data[0];
    expect(edit).toMatchObject({ additions: 1, deletions: 1, changes: 2, patch: "@@ -1,3 +1,3 @@\n one: 1\n-two: 2\n+two: 22\n three: 3" });
    expect(data[3]).toMatchObject({ additions: 1, deletions: 0, patch: "@@ -0,0 +1 @@\n+fresh: true" });
    expect(data[1]).toMatchObject({ deletions: 1, patch: "@@ -1 +0,0 @@\n-bye: true" });
    for (const f of data) {
      expect(f.blob_url).toContain(`/blob/${pr.headSha}/`);
      expect(f.raw_url).toContain(`/raw/${pr.headSha}/`);
      expect(f.contents_url).toContain(`/contents/${f.filename}?ref=${pr.headSha}`);
    }
    // The listed SHA of a surviving file is its blob in the head commit.
    const blob = await octokit.rest.git.getBlob({ owner: "acme", repo: "gitops", file_sha: data[3]?.sha as string });
    expect(Buffer.from(blob.data.content, "base64").toString()).toBe("fresh: true\n");
  });

  test("pagination: per_page <= 100, Link rel=next/last like GitHub, /repositories/{id} links work", async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 250; i++) files[`many/f${String(i).padStart(3, "0")}.yaml`] = `i: ${i}\n`;
    const pr = await t.emulator.client.openPullRequest({ repo: "acme/gitops", files, deliver: false });
    const first = await octokit.rest.pulls.listFiles({ owner: "acme", repo: "gitops", pull_number: pr.number, per_page: 100 });
    expect(first.data).toHaveLength(100);
    const links = parseLink(first.headers.link);
    expect(Object.keys(links).sort()).toEqual(["last", "next"]);
    expect(links.next).toMatch(/\/api\/v3\/repositories\/\d+\/pulls\/\d+\/files\?per_page=100&page=2$/);
    expect(links.last).toMatch(/page=3$/);
    const second = await octokit.request(`GET ${links.next}`);
    expect(Object.keys(parseLink(second.headers.link)).sort()).toEqual(["first", "last", "next", "prev"]);
    const last = await octokit.request(`GET ${links.last}`);
    expect(last.data).toHaveLength(50);
    expect(Object.keys(parseLink(last.headers.link)).sort()).toEqual(["first", "prev"]);
    const all = await octokit.paginate(octokit.rest.pulls.listFiles, {
      owner: "acme",
      repo: "gitops",
      pull_number: pr.number,
      per_page: 100,
    });
    expect(all.map((f) => f.filename)).toEqual(Object.keys(files));
    const big = await octokit.rest.pulls.listFiles({ owner: "acme", repo: "gitops", pull_number: pr.number, per_page: 500 });
    expect(big.data).toHaveLength(100);
  });

  test("at most 3000 files are listed in all, while the PR reports the real count", async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 3005; i++) files[`huge/f${String(i).padStart(4, "0")}.yaml`] = `i: ${i}\n`;
    const pr = await t.emulator.client.openPullRequest({ repo: "acme/gitops", files, deliver: false });
    const all = await octokit.paginate(octokit.rest.pulls.listFiles, {
      owner: "acme",
      repo: "gitops",
      pull_number: pr.number,
      per_page: 100,
    });
    expect(all).toHaveLength(3000);
    const { data } = await octokit.rest.pulls.get({ owner: "acme", repo: "gitops", pull_number: pr.number });
    expect(data.changed_files).toBe(3005);
  });

  test("the PR lists the three-dot diff: changes on the base after branching are not the PR's", async () => {
    const pr = await t.emulator.client.openPullRequest({ repo: "acme/gitops", files: { "mine.yaml": "x: 1\n" }, deliver: false });
    t.emulator.client.commit("acme/gitops", { branch: "main", files: { "theirs.yaml": "y: 1\n" } });
    const { data } = await octokit.rest.pulls.listFiles({ owner: "acme", repo: "gitops", pull_number: pr.number });
    expect(data.map((f) => f.filename)).toEqual(["mine.yaml"]);
  });
});

describe("pull request objects", () => {
  test("GET pulls/{n} has head/base sha, ref and repo, user and draft", async () => {
    const pr = await t.emulator.client.openPullRequest({
      repo: "acme/gitops",
      head: "feat/draft",
      files: { "d.yaml": "d: 1\n" },
      draft: true,
      author: "bob",
      deliver: false,
    });
    const { data } = await octokit.rest.pulls.get({ owner: "acme", repo: "gitops", pull_number: pr.number });
    expect(data).toMatchObject({
      number: pr.number,
      state: "open",
      draft: true,
      user: { login: "bob" },
      head: { sha: pr.headSha, ref: "feat/draft", repo: { full_name: "acme/gitops" } },
      base: { sha: pr.baseSha, ref: "main", repo: { full_name: "acme/gitops" } },
    });
    const listed = await octokit.rest.pulls.list({ owner: "acme", repo: "gitops", head: "acme:feat/draft" });
    expect(listed.data.map((p) => p.number)).toEqual([pr.number]);
    await expect(octokit.rest.pulls.get({ owner: "acme", repo: "gitops", pull_number: 9999 })).rejects.toMatchObject({ status: 404 });
  });

  test("a push moves the PR head and the files follow it", async () => {
    const pr = await t.emulator.client.openPullRequest({ repo: "acme/gitops", files: { "p.yaml": "v: 1\n" }, deliver: false });
    const pushed = await t.emulator.client.push({ repo: "acme/gitops", number: pr.number, files: { "q.yaml": "v: 2\n" }, deliver: false });
    expect(pushed.before).toBe(pr.headSha);
    const { data } = await octokit.rest.pulls.get({ owner: "acme", repo: "gitops", pull_number: pr.number });
    expect(data.head.sha).toBe(pushed.headSha);
    expect(data.commits).toBe(2);
    const files = await octokit.rest.pulls.listFiles({ owner: "acme", repo: "gitops", pull_number: pr.number });
    expect(files.data.map((f) => f.filename)).toEqual(["p.yaml", "q.yaml"]);
  });
});

describe("pull requests from forks", () => {
  test("the fork's blobs become readable through the base repository once the PR exists", async () => {
    const c = t.emulator.client;
    c.fork("acme/gitops", "mallory");
    const content = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: from-fork\n";
    c.commit("mallory/gitops", { branch: "evil", files: { "fork.yaml": content }, author: "mallory" });
    const sha = t.emulator.state.commits
      .get(t.emulator.state.repo("mallory/gitops")?.branches.get("evil") as string)
      ?.files.get("fork.yaml")?.sha as string;

    await expect(octokit.rest.git.getBlob({ owner: "acme", repo: "gitops", file_sha: sha })).rejects.toMatchObject({ status: 404 });
    const pr = await c.openPullRequest({ repo: "acme/gitops", fork: "mallory", head: "evil", deliver: false });

    const blob = await octokit.rest.git.getBlob({ owner: "acme", repo: "gitops", file_sha: sha });
    expect(Buffer.from(blob.data.content, "base64").toString()).toBe(content);
    const { data } = await octokit.rest.pulls.get({ owner: "acme", repo: "gitops", pull_number: pr.number });
    expect(data.head).toMatchObject({ label: "mallory:evil", repo: { full_name: "mallory/gitops", fork: true } });
    // The app is installed on acme only: the fork itself stays out of reach.
    await expect(octokit.rest.repos.getContent({ owner: "mallory", repo: "gitops", path: "fork.yaml", ref: "evil" })).rejects.toMatchObject(
      { status: 404 },
    );
    // Contents of the fork's head commit are readable from the base by SHA, as on GitHub.
    const viaBase = await octokit.rest.repos.getContent({ owner: "acme", repo: "gitops", path: "fork.yaml", ref: pr.headSha });
    expect(viaBase.data).toMatchObject({ sha });
  });
});
