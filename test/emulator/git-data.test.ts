import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Octokit } from "@octokit/rest";
import type { TestEmulator } from "../../emulator/fixture.js";
import { seedAcme, startTestEmulator } from "../../emulator/fixture.js";

const FILES: Record<string, string> = {
  "README.md": "# gitops\n",
  "apps/web/deployment.yaml": "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n",
  "apps/web/service.yaml": "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n",
  "apps/api/pod.yaml": "apiVersion: v1\nkind: Pod\nmetadata:\n  name: api\n",
  "apps.yaml": "# sorts between apps/ and apps-x in git order\n",
  "apps-x/a.yaml": "a: 1\n",
  "unicode/ünïcødé.yaml": 'name: "é"\n',
  "no-newline.txt": "last line without newline",
};

let t: TestEmulator;
let octokit: Octokit;
let headSha: string;

/** What `git hash-object` prints, computed independently of the emulator. */
function gitHashObject(content: Buffer): string {
  return createHash("sha1")
    .update(Buffer.concat([Buffer.from(`blob ${content.length}\0`), content]))
    .digest("hex");
}

function hasGit(): boolean {
  try {
    execFileSync("git", ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

beforeAll(async () => {
  t = await startTestEmulator();
  const installationId = seedAcme(t.emulator, FILES);
  headSha = t.emulator.state.repo("acme/gitops")?.branches.get("main") as string;
  octokit = await t.installationOctokit(installationId);
});
afterAll(() => t.stop());

describe("blob SHAs", () => {
  test("every blob SHA is git's sha1('blob <len>\\0' + content)", async () => {
    const { data } = await octokit.rest.git.getTree({ owner: "acme", repo: "gitops", tree_sha: headSha, recursive: "1" });
    const blobs = data.tree.filter((e) => e.type === "blob");
    expect(blobs.map((b) => b.path).sort()).toEqual(Object.keys(FILES).sort());
    for (const entry of blobs) expect(entry.sha).toBe(gitHashObject(Buffer.from(FILES[entry.path as string] as string)));
  });

  test("tree and commit objects hash exactly like git's (checked with the git binary)", () => {
    if (!hasGit()) {
      console.warn("git binary not found: skipping the tree SHA comparison with real git");
      return;
    }
    const dir = mkdtempSync(path.join(tmpdir(), "emulator-git-"));
    try {
      execFileSync("git", ["init", "-q", dir]);
      for (const [p, content] of Object.entries(FILES)) {
        mkdirSync(path.dirname(path.join(dir, p)), { recursive: true });
        writeFileSync(path.join(dir, p), content);
      }
      execFileSync("git", ["-C", dir, "add", "-A"]);
      const tree = execFileSync("git", ["-C", dir, "write-tree"]).toString().trim();
      const commit = t.emulator.state.commits.get(headSha);
      expect(commit?.tree).toBe(tree);
      const env = {
        ...process.env,
        GIT_AUTHOR_NAME: commit?.author.name,
        GIT_AUTHOR_EMAIL: commit?.author.email,
        GIT_AUTHOR_DATE: `${Date.parse(commit?.author.date as string) / 1000} +0000`,
        GIT_COMMITTER_NAME: commit?.committer.name,
        GIT_COMMITTER_EMAIL: commit?.committer.email,
        GIT_COMMITTER_DATE: `${Date.parse(commit?.committer.date as string) / 1000} +0000`,
      };
      const gitCommit = execFileSync("git", ["-C", dir, "commit-tree", tree, "-m", commit?.message as string], { env })
        .toString()
        .trim();
      expect(headSha).toBe(gitCommit);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("contents API", () => {
  test("a file comes back base64-encoded (60-character lines) with its blob SHA", async () => {
    const { data } = await octokit.rest.repos.getContent({ owner: "acme", repo: "gitops", path: "apps/web/deployment.yaml" });
    if (Array.isArray(data) || data.type !== "file") throw new Error("expected a file");
    expect(data.encoding).toBe("base64");
    expect(Buffer.from(data.content, "base64").toString()).toBe(FILES["apps/web/deployment.yaml"]);
    expect(data.content.split("\n").every((line) => line.length <= 60)).toBe(true);
    expect(data.sha).toBe(gitHashObject(Buffer.from(FILES["apps/web/deployment.yaml"] as string)));
    expect(data.path).toBe("apps/web/deployment.yaml");
  });

  test("non-ASCII paths round-trip through percent-encoding", async () => {
    const { data } = await octokit.rest.repos.getContent({ owner: "acme", repo: "gitops", path: "unicode/ünïcødé.yaml" });
    if (Array.isArray(data) || data.type !== "file") throw new Error("expected a file");
    expect(Buffer.from(data.content, "base64").toString()).toBe(FILES["unicode/ünïcødé.yaml"]);
  });

  test("the raw media type returns the bytes themselves", async () => {
    const res = await octokit.rest.repos.getContent({
      owner: "acme",
      repo: "gitops",
      path: "no-newline.txt",
      mediaType: { format: "raw" },
    });
    expect(res.data as unknown).toBe(FILES["no-newline.txt"]);
    const viaFetch = await fetch(`${t.emulator.apiUrl}/repos/acme/gitops/contents/apps/web/service.yaml`, {
      headers: { authorization: `token ${((await octokit.auth()) as { token: string }).token}`, accept: "application/vnd.github.raw+json" },
    });
    expect(await viaFetch.text()).toBe(FILES["apps/web/service.yaml"]);
  });

  test("a directory is an array of entries; the root lists top-level entries", async () => {
    const { data } = await octokit.rest.repos.getContent({ owner: "acme", repo: "gitops", path: "apps" });
    if (!Array.isArray(data)) throw new Error("expected a directory");
    expect(data.map((e) => [e.name, e.type])).toEqual([
      ["api", "dir"],
      ["web", "dir"],
    ]);
    const root = await octokit.rest.repos.getContent({ owner: "acme", repo: "gitops", path: "" });
    expect((root.data as Array<{ name: string }>).map((e) => e.name)).toEqual(
      expect.arrayContaining(["README.md", "apps", "apps.yaml", "apps-x"]),
    );
  });

  test("a missing path is 404 {message: Not Found}; an unknown ref names the ref", async () => {
    await expect(octokit.rest.repos.getContent({ owner: "acme", repo: "gitops", path: "nope.yaml" })).rejects.toMatchObject({
      status: 404,
      response: { data: { message: "Not Found" } },
    });
    await expect(
      octokit.rest.repos.getContent({ owner: "acme", repo: "gitops", path: "README.md", ref: "no-such-branch" }),
    ).rejects.toMatchObject({ status: 404 });
  });

  test("ref selects the snapshot: branch name, full SHA or older commit", async () => {
    const newSha = t.emulator.client.commit("acme/gitops", { branch: "feature/x", files: { "README.md": "# changed\n" } });
    for (const ref of ["feature/x", newSha]) {
      const { data } = await octokit.rest.repos.getContent({ owner: "acme", repo: "gitops", path: "README.md", ref });
      if (Array.isArray(data) || data.type !== "file") throw new Error("expected a file");
      expect(Buffer.from(data.content, "base64").toString()).toBe("# changed\n");
    }
    const { data } = await octokit.rest.repos.getContent({ owner: "acme", repo: "gitops", path: "README.md", ref: headSha });
    if (Array.isArray(data) || data.type !== "file") throw new Error("expected a file");
    expect(Buffer.from(data.content, "base64").toString()).toBe(FILES["README.md"]);
  });

  test("past the inline limit GitHub sends encoding 'none' and empty content; raw still works", async () => {
    const big = "x: 1\n".repeat(300);
    t.emulator.client.commit("acme/gitops", { branch: "big", files: { "big.yaml": big } });
    const previous = t.emulator.state.limits.contentsInlineMaxBytes;
    t.emulator.state.limits.contentsInlineMaxBytes = 1000;
    try {
      const { data } = await octokit.rest.repos.getContent({ owner: "acme", repo: "gitops", path: "big.yaml", ref: "big" });
      expect(data).toMatchObject({ encoding: "none", content: "", size: big.length });
      const raw = await octokit.rest.repos.getContent({
        owner: "acme",
        repo: "gitops",
        path: "big.yaml",
        ref: "big",
        mediaType: { format: "raw" },
      });
      expect(raw.data as unknown).toBe(big);
    } finally {
      t.emulator.state.limits.contentsInlineMaxBytes = previous;
    }
  });

  test("a symlink to a file answers with the file; a dangling one describes itself", async () => {
    t.emulator.client.commit("acme/gitops", {
      branch: "links",
      files: { "link.yaml": { content: "apps/api/pod.yaml", mode: "120000" }, dangling: { content: "../outside", mode: "120000" } },
    });
    const { data } = await octokit.rest.repos.getContent({ owner: "acme", repo: "gitops", path: "link.yaml", ref: "links" });
    expect(data).toMatchObject({ type: "file", path: "apps/api/pod.yaml" });
    const dangling = await octokit.rest.repos.getContent({ owner: "acme", repo: "gitops", path: "dangling", ref: "links" });
    expect(dangling.data).toMatchObject({ type: "symlink", target: "../outside" });
  });
});

describe("git trees and blobs", () => {
  test("recursive trees list every blob and tree with mode, type, sha and size", async () => {
    const { data } = await octokit.rest.git.getTree({ owner: "acme", repo: "gitops", tree_sha: "main", recursive: "1" });
    expect(data.truncated).toBe(false);
    expect(data.tree.find((e) => e.path === "apps")).toMatchObject({ type: "tree", mode: "040000" });
    expect(data.tree.find((e) => e.path === "apps/web/service.yaml")).toMatchObject({
      type: "blob",
      mode: "100644",
      size: FILES["apps/web/service.yaml"]?.length,
    });
    const flat = await octokit.rest.git.getTree({ owner: "acme", repo: "gitops", tree_sha: headSha });
    expect(flat.data.tree.every((e) => !(e.path as string).includes("/"))).toBe(true);
  });

  test("trees over the entry limit come back truncated", async () => {
    const previous = t.emulator.state.limits.treeEntriesMax;
    t.emulator.state.limits.treeEntriesMax = 3;
    try {
      const { data } = await octokit.rest.git.getTree({ owner: "acme", repo: "gitops", tree_sha: headSha, recursive: "1" });
      expect(data).toMatchObject({ truncated: true });
      expect(data.tree).toHaveLength(3);
    } finally {
      t.emulator.state.limits.treeEntriesMax = previous;
    }
  });

  test("a blob by SHA is base64 JSON, or raw bytes with the raw media type", async () => {
    const content = FILES["apps/api/pod.yaml"] as string;
    const sha = gitHashObject(Buffer.from(content));
    const { data } = await octokit.rest.git.getBlob({ owner: "acme", repo: "gitops", file_sha: sha });
    expect(data).toMatchObject({ sha, size: content.length, encoding: "base64" });
    expect(Buffer.from(data.content, "base64").toString()).toBe(content);
    const raw = await octokit.rest.git.getBlob({ owner: "acme", repo: "gitops", file_sha: sha, mediaType: { format: "raw" } });
    expect(raw.data as unknown).toBe(content);
    await expect(octokit.rest.git.getBlob({ owner: "acme", repo: "gitops", file_sha: "0".repeat(40) })).rejects.toMatchObject({
      status: 404,
    });
  });

  test("commits and branches resolve refs, including branch names with slashes", async () => {
    const branch = await octokit.rest.repos.getBranch({ owner: "acme", repo: "gitops", branch: "feature/x" });
    const commit = await octokit.rest.repos.getCommit({ owner: "acme", repo: "gitops", ref: "feature/x" });
    expect(branch.data.commit.sha).toBe(commit.data.sha);
    expect(commit.data.parents.map((p) => p.sha)).toEqual([headSha]);
    expect(commit.data.files?.map((f) => [f.filename, f.status])).toEqual([["README.md", "modified"]]);
    await expect(octokit.rest.repos.getBranch({ owner: "acme", repo: "gitops", branch: "nope" })).rejects.toMatchObject({ status: 404 });
  });
});
