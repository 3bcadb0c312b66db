/**
 * `check --base REF`: the repository as it is at REF, read with git itself (`git ls-tree`,
 * `git cat-file --batch`), so the work tree, the index and HEAD are never touched. The same files are
 * selected as `check` would select in a checkout of REF (a directory walked with the discovery rules,
 * a file named explicitly read whatever its extension), and the whole tree at REF is offered to the
 * Kustomize renderer, so an overlay's bases and patches are read as they were too.
 */
import { execFile, spawn } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { memoryFileSystem, type RenderFileSystem } from "../render/kustomize/index.js";
import { isDiscoverable } from "./discover.js";

const run = promisify(execFile);
/** ls-tree of a large monorepo prints megabytes; node's default buffer is 1 MiB. */
const MAX_LISTING_BYTES = 256 * 1024 * 1024;
/** What the base may hold in memory: beyond it, comparing is refused rather than done in part. */
const MAX_TREE_BYTES = 512 * 1024 * 1024;

/** REF is not a commit, or the directory is not in a git work tree: nothing could be compared. */
export class BaselineError extends Error {}

export interface GitBaseline {
  /** The files `check PATH...` would read at REF, relative to the working directory. */
  files: string[];
  /** Their content, by the same path. */
  contentOf(file: string): Uint8Array | undefined;
  /** Every file of the repository at REF, keyed as the renderer keys the disk (relative to the file system's root). */
  fileSystem: RenderFileSystem;
}

export async function readGitBaseline(ref: string, paths: readonly string[], cwd: string): Promise<GitBaseline> {
  const sha = await resolveCommit(ref, cwd);
  const { stdout: topLine } = await run("git", ["rev-parse", "--show-toplevel"], { cwd });
  const repoTop = topLine.trim();
  const entries = await listBlobs(sha, ["--full-tree"], cwd);
  const bytes = await readBlobs(
    entries.map((entry) => entry.sha),
    cwd,
  );
  const root = path.parse(path.resolve(cwd)).root;
  const byRenderPath = new Map<string, Uint8Array>();
  const byShownPath = new Map<string, Uint8Array>();
  const files: string[] = [];
  for (const entry of entries) {
    const content = bytes.get(entry.sha) ?? new Uint8Array();
    const absolute = path.join(repoTop, entry.path);
    byRenderPath.set(path.relative(root, absolute).split(path.sep).join("/"), content);
    const shown = path.relative(cwd, absolute);
    if (paths.some((given) => selects(given, shown))) {
      files.push(shown);
      byShownPath.set(shown, content);
    }
  }
  return { files, contentOf: (file) => byShownPath.get(file), fileSystem: memoryFileSystem(byRenderPath) };
}

async function resolveCommit(ref: string, cwd: string): Promise<string> {
  try {
    await run("git", ["rev-parse", "--is-inside-work-tree"], { cwd });
  } catch {
    throw new BaselineError(`--base ${JSON.stringify(ref)}: ${cwd} is not inside a git work tree (--base reads the base with git)`);
  }
  try {
    // `--end-of-options` keeps a REF such as `--all` from being read as an option.
    const { stdout } = await run("git", ["rev-parse", "--verify", "--quiet", "--end-of-options", `${ref}^{commit}`], { cwd });
    return stdout.trim();
  } catch {
    throw new BaselineError(`--base ${JSON.stringify(ref)}: no such commit in this repository`);
  }
}

interface BlobEntry {
  path: string;
  sha: string;
}

/** Every blob of the commit, paths relative to the repository's top (`--full-tree --full-name`). */
async function listBlobs(sha: string, options: readonly string[], cwd: string): Promise<BlobEntry[]> {
  const { stdout } = await run("git", ["ls-tree", "-r", "-z", "--long", ...options, "--full-name", sha], {
    cwd,
    maxBuffer: MAX_LISTING_BYTES,
    encoding: "buffer",
  });
  const entries: BlobEntry[] = [];
  let total = 0;
  for (const record of stdout.toString("utf8").split("\0")) {
    if (record === "") continue;
    const tab = record.indexOf("\t");
    const [mode, type, objectSha, size] = record.slice(0, tab).split(/ +/);
    // Symbolic links (120000) are not followed and submodules (commit) have no content here, as in discovery.
    if (type !== "blob" || mode === "120000" || !objectSha) continue;
    total += Number(size) || 0;
    if (total > MAX_TREE_BYTES)
      throw new BaselineError(
        `--base: the repository at ${sha.slice(0, 12)} holds more than ${MAX_TREE_BYTES >> 20} MiB of files; compare a smaller checkout`,
      );
    entries.push({ path: record.slice(tab + 1), sha: objectSha });
  }
  return entries;
}

/** Whether `check given` would read `file` (both relative to cwd) in a checkout of the base. */
function selects(given: string, file: string): boolean {
  const base = path.normalize(given);
  const normalized = path.normalize(file);
  if (normalized === base) return true;
  const relative = path.relative(base, normalized);
  if (relative.startsWith("..") || path.isAbsolute(relative)) return false;
  return isDiscoverable(relative.split(path.sep));
}

/** Every blob in one `git cat-file --batch` process: a process per file would dominate the run. */
async function readBlobs(shas: readonly string[], cwd: string): Promise<Map<string, Uint8Array>> {
  const unique = [...new Set(shas)];
  const contents = new Map<string, Uint8Array>();
  if (unique.length === 0) return contents;
  const output = await new Promise<Buffer>((resolve, reject) => {
    const child = spawn("git", ["cat-file", "--batch"], { cwd, stdio: ["pipe", "pipe", "pipe"] });
    const chunks: Buffer[] = [];
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => chunks.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) =>
      code === 0 ? resolve(Buffer.concat(chunks)) : reject(new BaselineError(`git cat-file failed: ${stderr.trim()}`)),
    );
    child.stdin.end(unique.join("\n") + "\n");
  });
  let offset = 0;
  while (offset < output.length) {
    const newline = output.indexOf(0x0a, offset);
    if (newline === -1) break;
    const [objectSha, type, size] = output.subarray(offset, newline).toString("utf8").split(" ");
    if (type !== "blob" || !objectSha || size === undefined)
      throw new BaselineError(`git cat-file: unexpected answer for ${objectSha}: ${type}`);
    const start = newline + 1;
    const end = start + Number(size);
    contents.set(objectSha, output.subarray(start, end));
    offset = end + 1;
  }
  return contents;
}
