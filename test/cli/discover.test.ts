import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { chmod, mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { discoverManifestFiles } from "../../src/cli/discover.js";

let root: string;

async function touch(relative: string): Promise<void> {
  await mkdir(path.dirname(path.join(root, relative)), { recursive: true });
  await writeFile(path.join(root, relative), "kind: x\n");
}

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), "kpb-discover-"));
  for (const file of [
    "repo/b.yaml",
    "repo/a.yml",
    "repo/Z.json",
    "repo/notes.txt",
    "repo/apps/web/deployment.yaml",
    "repo/apps/api.YAML",
    "repo/.github/workflows/ci.yml",
    "repo/.pre-commit-config.yaml",
    "repo/node_modules/pkg/x.yaml",
    "single.txt",
  ]) {
    await touch(file);
  }
  await symlink(path.join(root, "repo"), path.join(root, "repo/apps/loop"));
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe("manifest file discovery", () => {
  it("walks directories in byte order, keeping manifest extensions and skipping dot-entries and node_modules", async () => {
    const { files, missing, errors } = await discoverManifestFiles(["repo"], root);
    expect(files).toEqual(["repo/Z.json", "repo/a.yml", "repo/apps/api.YAML", "repo/apps/web/deployment.yaml", "repo/b.yaml"]);
    expect(missing).toEqual([]);
    expect(errors).toEqual([]);
  });

  it("does not follow symbolic links inside a tree, so a link cycle cannot loop", async () => {
    const { files } = await discoverManifestFiles(["repo/apps"], root);
    expect(files).not.toContain("repo/apps/loop/b.yaml");
  });

  it("follows a symbolic link named on the command line", async () => {
    const { files } = await discoverManifestFiles(["repo/apps/loop/apps/web"], root);
    expect(files).toEqual(["repo/apps/loop/apps/web/deployment.yaml"]);
  });

  it("keeps the path as given and joins it with the path inside the directory", async () => {
    const { files } = await discoverManifestFiles(["./repo/apps/"], root);
    expect(files).toEqual(["repo/apps/api.YAML", "repo/apps/web/deployment.yaml"]);
  });

  it("checks a file named on the command line whatever its extension, once even if named twice", async () => {
    const { files } = await discoverManifestFiles(["single.txt", "repo/b.yaml", "repo"], root);
    expect(files).toEqual(["single.txt", "repo/b.yaml", "repo/Z.json", "repo/a.yml", "repo/apps/api.YAML", "repo/apps/web/deployment.yaml"]);
  });

  it("reports paths that do not exist", async () => {
    const { files, missing } = await discoverManifestFiles(["nope", "repo/b.yaml"], root);
    expect(missing).toEqual(["nope"]);
    expect(files).toEqual(["repo/b.yaml"]);
  });

  const runsAsRoot = typeof process.getuid === "function" && process.getuid() === 0;
  (runsAsRoot ? it.skip : it)("reports a directory it cannot list as an input error", async () => {
    const locked = path.join(root, "locked");
    await mkdir(locked);
    await chmod(locked, 0o000);
    try {
      const { errors } = await discoverManifestFiles(["locked"], root);
      expect(errors).toEqual([expect.objectContaining({ file: "locked", line: 1, message: expect.stringMatching(/cannot read directory: EACCES/) })]);
    } finally {
      await chmod(locked, 0o755);
    }
  });
});
