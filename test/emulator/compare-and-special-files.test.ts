/**
 * The compare endpoint (merge queues read a merge group's files from it) and the special entries a
 * pull request can hold: submodules (gitlinks) and symbolic links, as GitHub's REST API shows them.
 */
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import type { Octokit } from "@octokit/rest";
import type { TestEmulator } from "../../emulator/fixture.js";
import { seedAcme, startTestEmulator } from "../../emulator/fixture.js";

let t: TestEmulator;
let octokit: Octokit;
const SUBMODULE_COMMIT = "a".repeat(40);
const BUMPED_COMMIT = "b".repeat(40);

beforeAll(async () => {
  t = await startTestEmulator();
  const installationId = seedAcme(t.emulator, {
    "README.md": "# gitops\n",
    "base/pod.yaml": "apiVersion: v1\nkind: Pod\n",
    ".gitmodules": '[submodule "vendor/charts"]\n\tpath = vendor/charts\n\turl = https://github.example/other/charts.git\n',
  });
  t.emulator.client.commit("acme/gitops", { files: { "vendor/charts": { submodule: SUBMODULE_COMMIT } } });
  octokit = await t.installationOctokit(installationId);
});
afterAll(() => t.stop());

describe("compare", () => {
  test("BASE...HEAD lists the three-dot diff's files, the commits ahead, and the status", async () => {
    const c = t.emulator.client;
    const base = c.commit("acme/gitops", { branch: "main", files: { "on-main.yaml": "x: 1\n" } });
    c.createBranch("acme/gitops", "feature", base);
    c.commit("acme/gitops", { branch: "feature", files: { "a.yaml": "a: 1\n" } });
    const head = c.commit("acme/gitops", { branch: "feature", files: { "b.yaml": "b: 1\n", "on-main.yaml": null } });
    const moved = c.commit("acme/gitops", { branch: "main", files: { "later.yaml": "l: 1\n" } });

    const { data } = await octokit.rest.repos.compareCommitsWithBasehead({ owner: "acme", repo: "gitops", basehead: `${moved}...${head}` });
    expect(data.status).toBe("diverged");
    expect([data.ahead_by, data.behind_by, data.total_commits]).toEqual([2, 1, 2]);
    expect(data.merge_base_commit.sha).toBe(base);
    expect(data.base_commit.sha).toBe(moved);
    expect(data.commits.map((commit) => commit.sha).at(-1)).toBe(head);
    // Three dots: the change of `feature` since the merge base; main's later.yaml is not in it.
    expect(data.files?.map((file) => [file.filename, file.status])).toEqual([
      ["a.yaml", "added"],
      ["b.yaml", "added"],
      ["on-main.yaml", "removed"],
    ]);

    const same = await octokit.rest.repos.compareCommitsWithBasehead({ owner: "acme", repo: "gitops", basehead: `${head}...feature` });
    expect([same.data.status, same.data.files]).toEqual(["identical", []]);
    const behind = await octokit.rest.repos.compareCommitsWithBasehead({ owner: "acme", repo: "gitops", basehead: `feature...${base}` });
    expect([behind.data.status, behind.data.ahead_by, behind.data.behind_by]).toEqual(["behind", 0, 2]);
  });

  test("at most 300 files; an unknown ref or a malformed basehead is a 404", async () => {
    const c = t.emulator.client;
    const files = Object.fromEntries(
      Array.from({ length: 320 }, (_, index) => [`many/f${String(index).padStart(3, "0")}.yaml`, `i: ${index}\n`]),
    );
    const before = c.createBranch("acme/gitops", "many-base");
    const head = c.commit("acme/gitops", { branch: "many", from: "many-base", files });
    const { data } = await octokit.rest.repos.compareCommitsWithBasehead({
      owner: "acme",
      repo: "gitops",
      basehead: `${before}...${head}`,
    });
    expect(data.files).toHaveLength(300);
    await expect(
      octokit.rest.repos.compareCommitsWithBasehead({ owner: "acme", repo: "gitops", basehead: `main...${"0".repeat(40)}` }),
    ).rejects.toMatchObject({ status: 404 });
    await expect(
      octokit.request("GET /repos/{owner}/{repo}/compare/{basehead}", { owner: "acme", repo: "gitops", basehead: "main" }),
    ).rejects.toMatchObject({ status: 404 });
  });
});

describe("submodules and symbolic links", () => {
  test("a submodule bump is listed with the new commit as its sha and a Subproject patch; its 'blob' is not readable", async () => {
    const pr = await t.emulator.client.openPullRequest({
      repo: "acme/gitops",
      deliver: false,
      files: { "vendor/charts": { submodule: BUMPED_COMMIT } },
    });
    const { data: files } = await octokit.rest.pulls.listFiles({ owner: "acme", repo: "gitops", pull_number: pr.number });
    expect(files).toEqual([
      expect.objectContaining({
        filename: "vendor/charts",
        status: "modified",
        sha: BUMPED_COMMIT,
        patch: `@@ -1 +1 @@\n-Subproject commit ${SUBMODULE_COMMIT}\n+Subproject commit ${BUMPED_COMMIT}`,
      }),
    ]);
    await expect(octokit.rest.git.getBlob({ owner: "acme", repo: "gitops", file_sha: BUMPED_COMMIT })).rejects.toMatchObject({
      status: 404,
    });
    const { data: content } = await octokit.rest.repos.getContent({
      owner: "acme",
      repo: "gitops",
      path: "vendor/charts",
      ref: pr.headSha,
    });
    expect(content).toMatchObject({ type: "submodule", sha: BUMPED_COMMIT, submodule_git_url: "https://github.example/other/charts.git" });
    const { data: tree } = await octokit.rest.git.getTree({ owner: "acme", repo: "gitops", tree_sha: pr.headSha, recursive: "1" });
    expect(tree.tree.find((entry) => entry.path === "vendor/charts")).toMatchObject({ type: "commit", mode: "160000", sha: BUMPED_COMMIT });
  });

  test("a symbolic link's blob is its target; the Contents API follows it to a file of the repository", async () => {
    const pr = await t.emulator.client.openPullRequest({
      repo: "acme/gitops",
      deliver: false,
      files: {
        "deploy/pod.yaml": { content: "../base/pod.yaml", mode: "120000" },
        "deploy/away.yaml": { content: "/etc/passwd", mode: "120000" },
      },
    });
    const { data: files } = await octokit.rest.pulls.listFiles({ owner: "acme", repo: "gitops", pull_number: pr.number });
    const link = files.find((file) => file.filename === "deploy/pod.yaml");
    const { data: blob } = await octokit.rest.git.getBlob({ owner: "acme", repo: "gitops", file_sha: link?.sha as string });
    expect(Buffer.from(blob.content, "base64").toString("utf8")).toBe("../base/pod.yaml");
    const { data: followed } = await octokit.rest.repos.getContent({
      owner: "acme",
      repo: "gitops",
      path: "deploy/pod.yaml",
      ref: pr.headSha,
    });
    expect(followed).toMatchObject({ type: "file", path: "base/pod.yaml" });
    const { data: away } = await octokit.rest.repos.getContent({
      owner: "acme",
      repo: "gitops",
      path: "deploy/away.yaml",
      ref: pr.headSha,
    });
    expect(away).toMatchObject({ type: "symlink", target: "/etc/passwd" });
  });
});
