/**
 * Git object hashing, byte-for-byte like git itself, so the SHAs the emulator hands out (blob, tree,
 * commit) are the SHAs GitHub would hand out for the same content. Tests can then compare a blob SHA
 * with `git hash-object` semantics, and an app that caches by SHA behaves as it would in production.
 */
import { createHash } from "node:crypto";

/**
 * Modes git records for files; directories are "040000" in the REST API ("40000" inside tree objects).
 * "160000" is a submodule (a gitlink): its SHA names a commit of another repository, not a blob.
 */
export type FileMode = "100644" | "100755" | "120000" | "160000";
export type TreeMode = FileMode | "040000";

export interface TreeEntry {
  mode: TreeMode;
  type: "blob" | "tree" | "commit";
  name: string;
  sha: string;
}

export interface FileEntry {
  sha: string;
  mode: FileMode;
}

export interface Signature {
  name: string;
  email: string;
  /** ISO 8601, second precision. */
  date: string;
}

export function gitObjectSha(type: "blob" | "tree" | "commit", body: Buffer): string {
  return createHash("sha1").update(`${type} ${body.length}\0`).update(body).digest("hex");
}

/** sha1("blob <len>\0" + content): what `git hash-object` prints. */
export function blobSha(content: Buffer): string {
  return gitObjectSha("blob", content);
}

/**
 * Git sorts tree entries by name as raw bytes, comparing a directory as if its name ended in "/".
 * Getting this wrong changes every tree SHA, so it is spelled out rather than left to localeCompare.
 * Each entry's byte key is computed once rather than per comparison.
 */
export function sortTreeEntries(entries: readonly TreeEntry[]): TreeEntry[] {
  return entries
    .map((e) => ({ e, k: Buffer.from(e.type === "tree" ? `${e.name}/` : e.name) }))
    .sort((a, b) => Buffer.compare(a.k, b.k))
    .map(({ e }) => e);
}

export function treeObjectBody(entries: readonly TreeEntry[]): Buffer {
  const sorted = sortTreeEntries(entries);
  return Buffer.concat(
    sorted.flatMap((e) => [Buffer.from(`${e.mode === "040000" ? "40000" : e.mode} ${e.name}\0`), Buffer.from(e.sha, "hex")]),
  );
}

export interface BuiltTrees {
  rootSha: string;
  /** Every tree object of the snapshot (root included), keyed by SHA, entries in git order. */
  trees: Map<string, TreeEntry[]>;
}

interface DirNode {
  files: Map<string, FileEntry>;
  dirs: Map<string, DirNode>;
}

/** Turns a flat snapshot (path -> blob) into git's nested tree objects. */
export function buildTrees(files: ReadonlyMap<string, FileEntry>): BuiltTrees {
  const root: DirNode = { files: new Map(), dirs: new Map() };
  for (const [path, entry] of files) {
    const parts = path.split("/");
    const fileName = parts.pop() as string;
    let node = root;
    for (const part of parts) {
      let child = node.dirs.get(part);
      if (!child) {
        child = { files: new Map(), dirs: new Map() };
        node.dirs.set(part, child);
      }
      node = child;
    }
    node.files.set(fileName, entry);
  }
  const trees = new Map<string, TreeEntry[]>();
  const hashNode = (node: DirNode): string => {
    const entries: TreeEntry[] = [];
    for (const [name, child] of node.dirs) entries.push({ mode: "040000", type: "tree", name, sha: hashNode(child) });
    for (const [name, file] of node.files)
      entries.push({ mode: file.mode, type: file.mode === "160000" ? "commit" : "blob", name, sha: file.sha });
    const sorted = sortTreeEntries(entries);
    const sha = gitObjectSha("tree", treeObjectBody(sorted));
    trees.set(sha, sorted);
    return sha;
  };
  const rootSha = hashNode(root);
  return { rootSha, trees };
}

function signatureLine(role: "author" | "committer", s: Signature): string {
  const seconds = Math.floor(Date.parse(s.date) / 1000);
  return `${role} ${s.name} <${s.email}> ${seconds} +0000\n`;
}

export function commitObjectBody(c: {
  tree: string;
  parents: readonly string[];
  author: Signature;
  committer: Signature;
  message: string;
}): Buffer {
  const header = `tree ${c.tree}\n${c.parents.map((p) => `parent ${p}\n`).join("")}`;
  const message = c.message.endsWith("\n") ? c.message : `${c.message}\n`;
  return Buffer.from(`${header}${signatureLine("author", c.author)}${signatureLine("committer", c.committer)}\n${message}`);
}

/** Git's own heuristic: a NUL byte in the first 8000 bytes makes a file binary (no textual patch). */
export function isBinary(content: Buffer): boolean {
  return content.subarray(0, 8000).includes(0);
}
