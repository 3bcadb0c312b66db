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
  it("walks directories in byte order and keeps what kubectl apply -R applies: dot-files, dot-folders and node_modules too", async () => {
    const { files, missing, errors } = await discoverManifestFiles(["repo"], root);
    expect(files).toEqual([
      "repo/.github/workflows/ci.yml",
      "repo/.pre-commit-config.yaml",
      "repo/Z.json",
      "repo/a.yml",
      "repo/apps/web/deployment.yaml",
      "repo/b.yaml",
      "repo/node_modules/pkg/x.yaml",
    ]);
    expect(missing).toEqual([]);
    expect(errors).toEqual([]);
  });

  it("does not descend into a linked directory (so a link cycle cannot loop), as kubectl does not", async () => {
    const { files } = await discoverManifestFiles(["repo/apps"], root);
    expect(files).toEqual(["repo/apps/web/deployment.yaml"]);
  });

  it("reads a link named like a manifest: a link to a file is checked, one to a directory is an error", async () => {
    const links = await mkdtemp(path.join(tmpdir(), "kpb-links-"));
    try {
      await writeFile(path.join(links, "target.txt"), "kind: x\n");
      await symlink(path.join(links, "target.txt"), path.join(links, "pod.yaml"));
      await symlink(links, path.join(links, "dir.yaml"));
      await symlink(path.join(links, "missing"), path.join(links, "gone.yml"));
      const { files, errors } = await discoverManifestFiles([links], "/");
      expect(files).toEqual([path.join(links, "pod.yaml")]);
      expect(errors.map((error) => [path.basename(error.file), error.message.slice(0, 40)])).toEqual([
        ["dir.yaml", "a symbolic link to a directory, named li"],
        ["gone.yml", "a symbolic link that cannot be followed:"],
      ]);
    } finally {
      await rm(links, { recursive: true, force: true });
    }
  });

  it("follows a symbolic link named on the command line", async () => {
    const { files } = await discoverManifestFiles(["repo/apps/loop/apps/web"], root);
    expect(files).toEqual(["repo/apps/loop/apps/web/deployment.yaml"]);
  });

  it("keeps the path as given and joins it with the path inside the directory", async () => {
    const { files } = await discoverManifestFiles(["./repo/apps/"], root);
    expect(files).toEqual(["repo/apps/web/deployment.yaml"]);
  });

  it("checks a file named on the command line whatever its extension, once even if named twice", async () => {
    const { files } = await discoverManifestFiles(["single.txt", "repo/b.yaml", "repo"], root);
    expect(files).toEqual([
      "single.txt",
      "repo/b.yaml",
      "repo/.github/workflows/ci.yml",
      "repo/.pre-commit-config.yaml",
      "repo/Z.json",
      "repo/a.yml",
      "repo/apps/web/deployment.yaml",
      "repo/node_modules/pkg/x.yaml",
    ]);
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
      expect(errors).toEqual([
        expect.objectContaining({ file: "locked", line: 1, message: expect.stringMatching(/cannot read directory: EACCES/) }),
      ]);
    } finally {
      await chmod(locked, 0o755);
    }
  });
});
