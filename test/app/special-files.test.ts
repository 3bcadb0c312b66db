/**
 * The manifest store on files that are not plain text manifests (see src/pipeline/read/special-files.ts):
 * symbolic links followed to their target or refused, submodules refused, oversized blobs refused
 * unread. The in-memory GitHub is given a Contents API (`describePath`) for the special paths.
 */
import { describe, expect, test } from "@jest/globals";
import { createHash } from "node:crypto";
import { ManifestStore } from "../../src/pipeline/read/manifest-store.js";
import { GitHubApiError, type ChangedFile, type PathDescription, type RepoRef } from "../../src/github/gateway.js";
import { FakeGitHub } from "./fake-github.js";
import { BREAKOUT_POD } from "./fixtures.js";

const repo: RepoRef = { owner: "acme", repo: "shop" };
const HEAD = "f".repeat(40);
const sha = (content: string): string =>
  createHash("sha1")
    .update(`blob ${Buffer.byteLength(content)}\0`)
    .update(content)
    .digest("hex");

/** The fake, plus the Contents API answers a test gives it, and blob reads it refuses as too large. */
class GitHubWithContents extends FakeGitHub {
  readonly described = new Map<string, PathDescription>();
  readonly tooLarge = new Set<string>();
  readonly blobReads: string[] = [];

  async describePath(_repo: RepoRef, path: string): Promise<PathDescription | undefined> {
    return this.described.get(path);
  }

  override async getBlob(target: RepoRef, blobSha: string): Promise<Uint8Array> {
    this.blobReads.push(blobSha);
    if (this.tooLarge.has(blobSha))
      throw new GitHubApiError(`reading blob ${blobSha}`, 413, "GitHub's response is larger than 7 bytes", "too-large");
    return super.getBlob(target, blobSha);
  }

  blob(content: string): string {
    const blobSha = sha(content);
    (this as unknown as { blobs: Map<string, Buffer> }).blobs.set(blobSha, Buffer.from(content));
    return blobSha;
  }
}

function changed(filename: string, blobSha: string): ChangedFile {
  return { filename, status: "added", sha: blobSha };
}

describe("special files", () => {
  test("a symbolic link to a file of the repository: the target is judged under its own name, with a note", async () => {
    const github = new GitHubWithContents().addRepo(repo);
    const link = github.blob("../base/pod.yaml");
    const target = github.blob(BREAKOUT_POD);
    github.described.set("deploy/pod.yaml", { type: "file", path: "base/pod.yaml", sha: target, size: BREAKOUT_POD.length });
    const result = await new ManifestStore().load(github, repo, [changed("deploy/pod.yaml", link)], HEAD);
    expect(result.files.map((file) => [file.file, file.manifests.length, file.errors.length])).toEqual([["base/pod.yaml", 1, 0]]);
    expect(result.notes).toEqual([
      "`deploy/pod.yaml` is a symbolic link to `base/pod.yaml`: `base/pod.yaml` was checked in its place (its findings are reported on its own lines).",
    ]);
    expect(result.notManifests).toEqual([]);
  });

  test("a link whose target is also in the pull request is judged once", async () => {
    const github = new GitHubWithContents().addRepo(repo);
    const target = github.blob(BREAKOUT_POD);
    github.described.set("deploy/pod.yaml", { type: "file", path: "base/pod.yaml", sha: target, size: 1 });
    const result = await new ManifestStore().load(
      github,
      repo,
      [changed("base/pod.yaml", target), changed("deploy/pod.yaml", github.blob("../base/pod.yaml"))],
      HEAD,
    );
    expect(result.files.map((file) => file.file)).toEqual(["base/pod.yaml"]);
  });

  test("a link GitHub does not follow (out of the repository, to a directory) is an error on the link", async () => {
    const github = new GitHubWithContents().addRepo(repo);
    github.described.set("deploy/away.yaml", {
      type: "symlink",
      path: "deploy/away.yaml",
      sha: "1".repeat(40),
      size: 11,
      target: "/etc/passwd",
    });
    const result = await new ManifestStore().load(github, repo, [changed("deploy/away.yaml", github.blob("/etc/passwd"))], HEAD);
    expect(result.files).toEqual([
      {
        file: "deploy/away.yaml",
        manifests: [],
        errors: [expect.objectContaining({ line: 1, message: expect.stringMatching(/symbolic link to "\/etc\/passwd"/) })],
      },
    ]);
  });

  test("a one-line file that is really a file stays a non-manifest (one Contents call to find out)", async () => {
    const github = new GitHubWithContents().addRepo(repo);
    const text = github.blob("just-a-word");
    github.described.set("notes.yaml", { type: "file", path: "notes.yaml", sha: text, size: 11 });
    const result = await new ManifestStore().load(github, repo, [changed("notes.yaml", text)], HEAD);
    expect([result.files, result.notManifests]).toEqual([[], ["notes.yaml"]]);
  });

  test("a submodule: its commit is no blob (404), the Contents API says submodule: an error naming it", async () => {
    const github = new GitHubWithContents().addRepo(repo);
    github.described.set("deploy/vendor", {
      type: "submodule",
      path: "deploy/vendor",
      sha: "2".repeat(40),
      size: 0,
      target: "https://github.example/o/m.git",
    });
    const result = await new ManifestStore().load(github, repo, [changed("deploy/vendor", "2".repeat(40))], HEAD);
    expect(result.files[0]?.errors).toEqual([
      expect.objectContaining({
        line: 1,
        message: expect.stringMatching(/git submodule \(commit 222222222222 of https:\/\/github\.example\/o\/m\.git\)/),
      }),
    ]);
  });

  test("a blob refused as too large is an error on line 1, remembered: the same content is not fetched again", async () => {
    const github = new GitHubWithContents().addRepo(repo);
    const big = github.blob("apiVersion: v1\nkind: ConfigMap\n# imagine 20 MB\n");
    github.tooLarge.add(big);
    const store = new ManifestStore();
    for (const name of ["a.yaml", "b.yaml"]) {
      const result = await store.load(github, repo, [changed(name, big)], HEAD);
      expect(result.files).toEqual([
        {
          file: name,
          manifests: [],
          errors: [expect.objectContaining({ line: 1, message: expect.stringMatching(/too large to check .*not passed/) })],
        },
      ]);
    }
    expect(github.blobReads).toEqual([big]);
  });

  test("without the head ref, nothing is looked up: files are taken as they are", async () => {
    const github = new GitHubWithContents().addRepo(repo);
    const link = github.blob("../base/pod.yaml");
    github.described.set("deploy/pod.yaml", { type: "file", path: "base/pod.yaml", sha: github.blob(BREAKOUT_POD), size: 1 });
    const result = await new ManifestStore().load(github, repo, [changed("deploy/pod.yaml", link)]);
    expect([result.files, result.notManifests]).toEqual([[], ["deploy/pod.yaml"]]);
  });
});
