/**
 * `check --base REF`: the manifests under the given paths as they are at REF, read with git itself
 * (`git ls-tree`, `git cat-file --batch`), so the work tree, the index and HEAD are never touched.
 * The same files are selected as `check` would select in a checkout of REF: a directory is walked with
 * the discovery rules, a file named explicitly is read whatever its extension.
 */
import { execFile, spawn } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { loadManifestFile } from "../manifests/load.js";
import type { LoadedFile } from "../manifests/types.js";
import { isManifestName, isSkippedWhileWalking } from "./discover.js";

const run = promisify(execFile);
/** ls-tree of a large monorepo prints megabytes; node's default buffer is 1 MiB. */
const MAX_LISTING_BYTES = 256 * 1024 * 1024;

/** REF is not a commit, or the directory is not in a git work tree: nothing could be compared. */
export class BaselineError extends Error {}

export async function readGitBaseline(ref: string, paths: readonly string[], cwd: string): Promise<LoadedFile[]> {
  const sha = await resolveCommit(ref, cwd);
  const entries = await listBlobs(sha, paths, cwd);
  const chosen = entries.filter((entry) => paths.some((given) => selects(given, entry.path)));
  const contents = await readBlobs(
    chosen.map((entry) => entry.sha),
    cwd,
  );
  return chosen.map((entry) => loadManifestFile(entry.path, contents.get(entry.sha) ?? new Uint8Array()));
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

async function listBlobs(sha: string, paths: readonly string[], cwd: string): Promise<BlobEntry[]> {
  // Paths are relative to cwd, as the user gave them; `:(literal)` keeps `*` or `[` in a name from being a glob.
  const pathspecs = paths.map((given) => `:(literal)${given}`);
  const { stdout } = await run("git", ["ls-tree", "-r", "-z", sha, "--", ...pathspecs], { cwd, maxBuffer: MAX_LISTING_BYTES, encoding: "buffer" });
  const entries: BlobEntry[] = [];
  for (const record of stdout.toString("utf8").split("\0")) {
    if (record === "") continue;
    const tab = record.indexOf("\t");
    const [mode, type, objectSha] = record.slice(0, tab).split(" ");
    // Symbolic links (120000) are not followed and submodules (commit) have no content here, as in discovery.
    if (type !== "blob" || mode === "120000" || !objectSha) continue;
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
  const parts = relative.split(path.sep);
  return parts.every((part) => !isSkippedWhileWalking(part)) && isManifestName(parts[parts.length - 1] ?? "");
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
    child.on("close", (code) => (code === 0 ? resolve(Buffer.concat(chunks)) : reject(new BaselineError(`git cat-file failed: ${stderr.trim()}`))));
    child.stdin.end(unique.join("\n") + "\n");
  });
  let offset = 0;
  while (offset < output.length) {
    const newline = output.indexOf(0x0a, offset);
    if (newline === -1) break;
    const [objectSha, type, size] = output.subarray(offset, newline).toString("utf8").split(" ");
    if (type !== "blob" || !objectSha || size === undefined) throw new BaselineError(`git cat-file: unexpected answer for ${objectSha}: ${type}`);
    const start = newline + 1;
    const end = start + Number(size);
    contents.set(objectSha, output.subarray(start, end));
    offset = end + 1;
  }
  return contents;
}
