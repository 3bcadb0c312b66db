/**
 * The emulator's in-memory GitHub: accounts, repositories as git object graphs, pull requests, issue
 * comments, check runs and app installations. Pure bookkeeping: no HTTP here, so the REST routes, the
 * webhook payloads and the test client all read and change the same records.
 *
 * Objects (blobs, trees, commits) live in one store, like a fork network on GitHub, but each repository
 * only "sees" the objects pushed to it. Opening a pull request from a fork copies the head's objects into
 * the base repository, which is why GitHub (and this emulator) serves a fork PR's blobs from the base repo.
 */
import { EventEmitter } from "node:events";
import { diffLines, splitLines } from "./diff.js";
import type { FileEntry, FileMode, Signature, TreeEntry } from "./git.js";
import type { ReviewCommentRecord, ReviewRecord } from "./review-records.js";
import { blobSha, buildTrees, commitObjectBody, gitObjectSha, isBinary } from "./git.js";

export type AccountType = "User" | "Bot" | "Organization";
export type RepoRole = "read" | "triage" | "write" | "maintain" | "admin";
export type PermissionLevel = "read" | "write" | "admin";
export type InstallationPermissions = Record<string, PermissionLevel>;

export interface UserRecord {
  login: string;
  id: number;
  type: AccountType;
  name: string;
}

export interface TeamMembership {
  role: "member" | "maintainer";
  state: "active" | "pending";
}

export interface TeamRecord {
  id: number;
  slug: string;
  name: string;
  parent: string | undefined;
  members: Map<string, TeamMembership>;
}

export interface OrgRecord {
  login: string;
  id: number;
  /** Lower-cased login -> role. Owners are "admin". */
  members: Map<string, "admin" | "member">;
  teams: Map<string, TeamRecord>;
  /** The organisation's base repository permission for members. */
  memberPermission: "none" | "read" | "write" | "admin";
}

export interface CommitRecord {
  sha: string;
  tree: string;
  /** Every tree object of the snapshot, so the commit can be copied into another repository. */
  treeShas: string[];
  parents: string[];
  message: string;
  author: Signature;
  committer: Signature;
  authorLogin: string;
  files: Map<string, FileEntry>;
}

export interface RepoRecord {
  id: number;
  owner: string;
  name: string;
  fullName: string;
  private: boolean;
  description: string | null;
  defaultBranch: string;
  /** Full name of the repository this one was forked from. */
  parent: string | undefined;
  branches: Map<string, string>;
  /** SHAs of the commits, trees and blobs this repository can serve. */
  objects: Set<string>;
  collaborators: Map<string, RepoRole>;
  createdAt: string;
  updatedAt: string;
  pushedAt: string;
  /** Issues and pull requests share one number sequence per repository, as on GitHub. */
  nextNumber: number;
  pulls: Map<number, PullRecord>;
  issues: Map<number, IssueRecord>;
}

export interface IssueRecord {
  number: number;
  id: number;
  title: string;
  body: string | null;
  user: string;
  state: "open" | "closed";
  createdAt: string;
  updatedAt: string;
}

export interface PullRecord {
  number: number;
  id: number;
  /** Base repository (full name). */
  repo: string;
  title: string;
  body: string | null;
  user: string;
  state: "open" | "closed";
  draft: boolean;
  merged: boolean;
  headRepo: string;
  headRef: string;
  headSha: string;
  baseRef: string;
  baseSha: string;
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
  mergedAt: string | null;
}

export interface ReactionRecord {
  id: number;
  user: string;
  content: string;
  createdAt: string;
}

export interface CommentRecord {
  id: number;
  repo: string;
  number: number;
  body: string;
  user: string;
  /** Set when an installation token wrote the comment (GitHub's performed_via_github_app). */
  viaApp: boolean;
  createdAt: string;
  updatedAt: string;
  reactions: ReactionRecord[];
}

/** An issue event (`GET /repos/{o}/{r}/issues/{n}/events`); only the kinds the emulator produces. */
export interface IssueEventRecord {
  id: number;
  repo: string;
  number: number;
  event: "head_ref_force_pushed";
  actor: string;
  createdAt: string;
}

export interface AnnotationRecord {
  path: string;
  start_line: number;
  end_line: number;
  start_column?: number;
  end_column?: number;
  annotation_level: "notice" | "warning" | "failure";
  message: string;
  title?: string;
  raw_details?: string;
}

export interface CheckRunAction {
  label: string;
  description: string;
  identifier: string;
}

export interface CheckRunRecord {
  id: number;
  repo: string;
  headSha: string;
  name: string;
  status: string;
  conclusion: string | null;
  startedAt: string;
  completedAt: string | null;
  detailsUrl: string | null;
  externalId: string;
  output: { title: string | null; summary: string | null; text: string | null };
  annotations: AnnotationRecord[];
  actions: CheckRunAction[];
  checkSuiteId: number;
  appId: number;
  /** Number of PATCH requests applied, so tests can see how many writes a run took. */
  updates: number;
}

export interface CheckSuiteRecord {
  id: number;
  repo: string;
  headSha: string;
  headBranch: string | null;
  appId: number;
  createdAt: string;
  updatedAt: string;
}

export interface InstallationRecord {
  id: number;
  account: string;
  repositorySelection: "all" | "selected";
  /** Lower-cased full names, when the selection is "selected". */
  repositories: Set<string>;
  permissions: InstallationPermissions;
  events: string[];
  createdAt: string;
}

export interface AppRecord {
  id: number;
  slug: string;
  name: string;
  owner: string;
  createdAt: string;
}

export interface FileChange {
  filename: string;
  previousFilename?: string;
  status: "added" | "removed" | "modified" | "renamed" | "changed";
  sha: string;
  additions: number;
  deletions: number;
  patch: string | undefined;
}

/** GitHub's documented size limits, adjustable so tests can reach them without huge fixtures. */
export interface Limits {
  pullFilesMax: number;
  treeEntriesMax: number;
  contentsInlineMaxBytes: number;
  commitFilesMax: number;
}

/**
 * A file's content (mode 100644 unless given; "120000" makes the content a symbolic link's target), or
 * a submodule: a gitlink to `commit` of another repository (add a `.gitmodules` naming its url).
 */
export type FileSpec = string | Buffer | { content: string | Buffer; mode?: FileMode } | { submodule: string };

export class NotFound extends Error {}

/** Files larger than this get no `patch` (GitHub's diff limit: 1 MB of a file). */
const MAX_PATCHED_BYTES = 1024 * 1024;

export const DEFAULT_INSTALLATION_PERMISSIONS: InstallationPermissions = {
  metadata: "read",
  contents: "read",
  pull_requests: "write",
  checks: "write",
  issues: "write",
  members: "read",
};

const key = (s: string): string => s.toLowerCase();

function toBuffer(spec: Exclude<FileSpec, { submodule: string }>): { content: Buffer; mode: FileMode } {
  if (typeof spec === "string") return { content: Buffer.from(spec, "utf8"), mode: "100644" };
  if (Buffer.isBuffer(spec)) return { content: spec, mode: "100644" };
  const content = typeof spec.content === "string" ? Buffer.from(spec.content, "utf8") : spec.content;
  return { content, mode: spec.mode ?? "100644" };
}

/** Paths as git stores them: relative, "/"-separated, no empty, "." or ".." segments. */
export function normalisePath(path: string): string {
  const trimmed = path.replace(/^\/+/, "");
  const parts = trimmed.split("/");
  if (trimmed === "" || parts.some((p) => p === "" || p === "." || p === "..")) {
    throw new Error(`invalid repository path ${JSON.stringify(path)}`);
  }
  return trimmed;
}

/**
 * GitHub's clock: wall time plus an offset tests move forward (`EmulatorClient.advanceClock`), so
 * that a comment can be written in a later second than a check run completed without sleeping.
 * Timestamps have whole seconds, as GitHub's REST API gives them.
 */
let clockOffsetMs = 0;

export function nowIso(): string {
  return new Date(Date.now() + clockOffsetMs).toISOString().replace(/\.\d{3}Z$/, "Z");
}

export function advanceClock(ms: number): void {
  if (!(ms >= 0)) throw new Error("GitHub's clock only moves forward");
  clockOffsetMs += ms;
}

export class EmulatorState {
  /** Tests wait on these (one listener per waiting test, so more than EventEmitter's default 10). */
  readonly events = new EventEmitter().setMaxListeners(0);
  readonly limits: Limits = { pullFilesMax: 3000, treeEntriesMax: 100_000, contentsInlineMaxBytes: 1024 * 1024, commitFilesMax: 300 };
  readonly users = new Map<string, UserRecord>();
  readonly orgs = new Map<string, OrgRecord>();
  readonly repos = new Map<string, RepoRecord>();
  readonly installations = new Map<number, InstallationRecord>();
  readonly blobs = new Map<string, Buffer>();
  readonly trees = new Map<string, TreeEntry[]>();
  readonly commits = new Map<string, CommitRecord>();
  readonly comments = new Map<number, CommentRecord>();
  /** Pull request reviews and their line comments (see reviews.ts). */
  readonly reviews = new Map<number, ReviewRecord>();
  readonly reviewComments = new Map<number, ReviewCommentRecord>();
  readonly issueEvents: IssueEventRecord[] = [];
  readonly checkRuns = new Map<number, CheckRunRecord>();
  readonly checkSuites = new Map<number, CheckSuiteRecord>();
  readonly app: AppRecord;
  /** http://host:port, set by the server once it listens; used for every URL in responses. */
  baseUrl = "http://127.0.0.1";
  private nextIdValue = 1000;
  /** Commit timestamps come from a logical clock so identical scenarios produce identical SHAs. */
  private commitClock = Date.parse("2024-01-01T00:00:00Z");
  private readonly diffCache = new Map<string, FileChange[]>();

  constructor(app: { id: number; slug: string; name?: string; owner?: string }) {
    this.app = { id: app.id, slug: app.slug, name: app.name ?? app.slug, owner: app.owner ?? "emulator", createdAt: nowIso() };
    this.ensureUser(this.botLogin(), "Bot");
  }

  get apiBase(): string {
    return `${this.baseUrl}/api/v3`;
  }

  nextId(): number {
    return this.nextIdValue++;
  }

  botLogin(): string {
    return `${this.app.slug}[bot]`;
  }

  // ---- accounts -------------------------------------------------------------------------------

  ensureUser(login: string, type: AccountType = "User"): UserRecord {
    const existing = this.users.get(key(login));
    if (existing) return existing;
    const user: UserRecord = { login, id: this.nextId(), type, name: login };
    this.users.set(key(login), user);
    return user;
  }

  user(login: string): UserRecord | undefined {
    return this.users.get(key(login));
  }

  createOrg(login: string): OrgRecord {
    if (this.orgs.has(key(login))) throw new Error(`organization ${login} already exists`);
    const account = this.ensureUser(login, "Organization");
    const org: OrgRecord = { login, id: account.id, members: new Map(), teams: new Map(), memberPermission: "read" };
    this.orgs.set(key(login), org);
    return org;
  }

  org(login: string): OrgRecord | undefined {
    return this.orgs.get(key(login));
  }

  requireOrg(login: string): OrgRecord {
    const org = this.org(login);
    if (!org) throw new Error(`no organization ${login}`);
    return org;
  }

  addOrgMember(orgLogin: string, login: string, role: "admin" | "member" = "member"): void {
    this.ensureUser(login);
    this.requireOrg(orgLogin).members.set(key(login), role);
  }

  createTeam(orgLogin: string, slug: string, options: { name?: string; parent?: string } = {}): TeamRecord {
    const org = this.requireOrg(orgLogin);
    if (options.parent !== undefined && !org.teams.has(key(options.parent))) throw new Error(`no team ${options.parent} in ${orgLogin}`);
    const team: TeamRecord = {
      id: this.nextId(),
      slug,
      name: options.name ?? slug,
      parent: options.parent && key(options.parent),
      members: new Map(),
    };
    org.teams.set(key(slug), team);
    return team;
  }

  addTeamMember(orgLogin: string, slug: string, login: string, membership: Partial<TeamMembership> = {}): void {
    const team = this.requireOrg(orgLogin).teams.get(key(slug));
    if (!team) throw new Error(`no team ${slug} in ${orgLogin}`);
    this.ensureUser(login);
    team.members.set(key(login), { role: membership.role ?? "member", state: membership.state ?? "active" });
  }

  /**
   * GitHub counts members of child teams as members of the parent, and reports organisation owners as
   * team maintainers.
   */
  teamMembership(orgLogin: string, slug: string, login: string): TeamMembership | undefined {
    const org = this.org(orgLogin);
    const team = org?.teams.get(key(slug));
    if (!org || !team) return undefined;
    const isOwner = org.members.get(key(login)) === "admin";
    const found: TeamMembership[] = [];
    const visit = (t: TeamRecord): void => {
      const m = t.members.get(key(login));
      if (m) found.push(m);
      for (const child of org.teams.values()) if (child.parent === key(t.slug)) visit(child);
    };
    visit(team);
    if (found.length === 0) return undefined;
    const direct = team.members.get(key(login));
    const state = found.some((m) => m.state === "active") ? "active" : "pending";
    const role = isOwner || direct?.role === "maintainer" ? "maintainer" : "member";
    return { role, state };
  }

  // ---- repositories ---------------------------------------------------------------------------

  createRepo(fullName: string, options: { defaultBranch?: string; private?: boolean; description?: string } = {}): RepoRecord {
    const [owner, name, ...rest] = fullName.split("/");
    if (!owner || !name || rest.length > 0) throw new Error(`repository name must be owner/name, got ${fullName}`);
    if (this.repos.has(key(fullName))) throw new Error(`repository ${fullName} already exists`);
    const ownerAccount = this.org(owner) ? this.ensureUser(owner, "Organization") : this.ensureUser(owner);
    const now = nowIso();
    const repo: RepoRecord = {
      id: this.nextId(),
      owner: ownerAccount.login,
      name,
      fullName: `${ownerAccount.login}/${name}`,
      private: options.private ?? false,
      description: options.description ?? null,
      defaultBranch: options.defaultBranch ?? "main",
      parent: undefined,
      branches: new Map(),
      objects: new Set(),
      collaborators: new Map(),
      createdAt: now,
      updatedAt: now,
      pushedAt: now,
      nextNumber: 1,
      pulls: new Map(),
      issues: new Map(),
    };
    this.repos.set(key(fullName), repo);
    return repo;
  }

  repo(fullName: string): RepoRecord | undefined {
    return this.repos.get(key(fullName));
  }

  repoById(id: number): RepoRecord | undefined {
    for (const repo of this.repos.values()) if (repo.id === id) return repo;
    return undefined;
  }

  requireRepo(fullName: string): RepoRecord {
    const repo = this.repo(fullName);
    if (!repo) throw new Error(`no repository ${fullName}`);
    return repo;
  }

  /** A fork shares the parent's history: same branches, same objects, at the moment of forking. */
  fork(sourceName: string, newOwner: string, newName?: string): RepoRecord {
    const source = this.requireRepo(sourceName);
    const fork = this.createRepo(`${newOwner}/${newName ?? source.name}`, { defaultBranch: source.defaultBranch, private: source.private });
    fork.parent = source.fullName;
    for (const [b, sha] of source.branches) fork.branches.set(b, sha);
    for (const o of source.objects) fork.objects.add(o);
    return fork;
  }

  setCollaborator(repoName: string, login: string, role: RepoRole): void {
    this.ensureUser(login);
    this.requireRepo(repoName).collaborators.set(key(login), role);
  }

  /** The effective role of a user on a repository, as GET .../collaborators/{user}/permission reports it. */
  roleOf(repo: RepoRecord, login: string): RepoRole | "none" {
    if (key(repo.owner) === key(login)) return "admin";
    const ranks: Array<RepoRole | "none"> = ["none", "read", "triage", "write", "maintain", "admin"];
    let best: RepoRole | "none" = repo.collaborators.get(key(login)) ?? "none";
    const org = this.org(repo.owner);
    const orgRole = org?.members.get(key(login));
    if (org && orgRole) {
      const fromOrg: RepoRole | "none" = orgRole === "admin" ? "admin" : org.memberPermission;
      if (ranks.indexOf(fromOrg) > ranks.indexOf(best)) best = fromOrg;
    }
    return best;
  }

  // ---- git objects ----------------------------------------------------------------------------

  resolveRef(repo: RepoRecord, ref: string): string | undefined {
    const branch = ref.replace(/^refs\/heads\//, "");
    const tip = repo.branches.get(branch);
    if (tip) return tip;
    const pull = /^refs\/pull\/(\d+)\/head$/.exec(ref);
    if (pull) return repo.pulls.get(Number(pull[1]))?.headSha;
    if (/^[0-9a-f]{40}$/i.test(ref))
      return repo.objects.has(ref.toLowerCase()) && this.commits.has(ref.toLowerCase()) ? ref.toLowerCase() : undefined;
    if (/^[0-9a-f]{7,39}$/i.test(ref)) {
      const matches = [...repo.objects].filter((o) => o.startsWith(ref.toLowerCase()) && this.commits.has(o));
      return matches.length === 1 ? matches[0] : undefined;
    }
    return undefined;
  }

  commitIn(repo: RepoRecord, sha: string): CommitRecord | undefined {
    return repo.objects.has(sha) ? this.commits.get(sha) : undefined;
  }

  /** Makes a commit and its history readable through `repo` (what a push, or opening a PR, does). */
  importCommit(repo: RepoRecord, sha: string): void {
    const pending = [sha];
    while (pending.length > 0) {
      const next = pending.pop() as string;
      if (repo.objects.has(next)) continue;
      const commit = this.commits.get(next);
      if (!commit) throw new Error(`unknown commit ${next}`);
      repo.objects.add(next);
      for (const t of commit.treeShas) repo.objects.add(t);
      // A submodule's commit lives in another repository: it is not an object of this one.
      for (const f of commit.files.values()) if (f.mode !== "160000") repo.objects.add(f.sha);
      pending.push(...commit.parents);
    }
  }

  /**
   * Commits `changes` on top of `branch` (created from `from`, default: the default branch, when
   * missing). A null change deletes the file. Open pull requests whose head is this branch follow it.
   * `onto` makes the commit's parent that commit instead of the branch's tip: a force push.
   */
  commit(
    repoName: string,
    options: {
      branch: string;
      changes: Record<string, FileSpec | null>;
      message?: string;
      author?: string;
      from?: string;
      replaceAll?: boolean;
      onto?: string;
    },
  ): CommitRecord {
    const repo = this.requireRepo(repoName);
    const existingTip = repo.branches.get(options.branch);
    if (options.onto !== undefined && !this.commitIn(repo, options.onto))
      throw new Error(`commit ${options.onto} is not in ${repo.fullName}`);
    let parentSha = options.onto ?? existingTip;
    if (parentSha === undefined && repo.branches.size > 0) {
      const from = options.from ?? repo.defaultBranch;
      parentSha = this.resolveRef(repo, from);
      if (parentSha === undefined) throw new Error(`cannot branch ${options.branch} from unknown ref ${from} in ${repo.fullName}`);
    }
    const parent = parentSha ? this.commits.get(parentSha) : undefined;
    const files = new Map<string, FileEntry>(options.replaceAll || !parent ? [] : parent.files);
    for (const [rawPath, spec] of Object.entries(options.changes)) {
      const path = normalisePath(rawPath);
      if (spec === null) {
        if (!files.delete(path)) throw new Error(`cannot delete ${path}: not in ${repo.fullName}@${options.branch}`);
        continue;
      }
      if (typeof spec === "object" && "submodule" in spec) {
        if (!/^[0-9a-f]{40}$/.test(spec.submodule)) throw new Error(`submodule ${path} needs a 40-hex commit SHA`);
        files.set(path, { sha: spec.submodule, mode: "160000" });
        continue;
      }
      const { content, mode } = toBuffer(spec);
      const sha = blobSha(content);
      this.blobs.set(sha, content);
      files.set(path, { sha, mode });
    }
    const built = buildTrees(files);
    for (const [sha, entries] of built.trees) this.trees.set(sha, entries);
    const authorLogin = options.author ?? repo.owner;
    const author = this.ensureUser(authorLogin);
    this.commitClock += 60_000;
    const date = new Date(this.commitClock).toISOString().replace(/\.\d{3}Z$/, "Z");
    const signature: Signature = { name: author.name, email: `${author.id}+${author.login}@users.noreply.github.com`, date };
    const message = options.message ?? `Update ${Object.keys(options.changes).join(", ") || "files"}`;
    const parents = parentSha ? [parentSha] : [];
    const sha = gitObjectSha(
      "commit",
      commitObjectBody({ tree: built.rootSha, parents, author: signature, committer: signature, message }),
    );
    const record: CommitRecord = {
      sha,
      tree: built.rootSha,
      treeShas: [...built.trees.keys()],
      parents,
      message,
      author: signature,
      committer: signature,
      authorLogin: author.login,
      files,
    };
    this.commits.set(sha, record);
    this.importCommit(repo, sha);
    this.moveBranch(repo, options.branch, sha);
    return record;
  }

  /** Points a branch at a commit already in the repository, and lets open PRs on it follow. */
  moveBranch(repo: RepoRecord, branch: string, sha: string): void {
    if (!this.commitIn(repo, sha)) throw new Error(`commit ${sha} is not in ${repo.fullName}`);
    repo.branches.set(branch, sha);
    repo.pushedAt = nowIso();
    for (const base of this.repos.values()) {
      for (const pr of base.pulls.values()) {
        if (pr.state === "open" && key(pr.headRepo) === key(repo.fullName) && pr.headRef === branch && pr.headSha !== sha) {
          this.importCommit(base, sha);
          pr.headSha = sha;
          pr.baseSha = base.branches.get(pr.baseRef) ?? pr.baseSha;
          pr.updatedAt = nowIso();
        }
      }
    }
  }

  /** Every commit reachable from `sha`, itself included. */
  ancestors(sha: string): Set<string> {
    const seen = new Set<string>();
    const queue = [sha];
    while (queue.length > 0) {
      const next = queue.pop() as string;
      if (seen.has(next)) continue;
      seen.add(next);
      queue.push(...(this.commits.get(next)?.parents ?? []));
    }
    return seen;
  }

  mergeBase(a: string, b: string): string | undefined {
    const ancestorsOfA = this.ancestors(a);
    const seen = new Set<string>();
    const queueB = [b];
    while (queueB.length > 0) {
      const sha = queueB.shift() as string;
      if (ancestorsOfA.has(sha)) return sha;
      if (seen.has(sha)) continue;
      seen.add(sha);
      queueB.push(...(this.commits.get(sha)?.parents ?? []));
    }
    return undefined;
  }

  /** Changed files between two snapshots, in git's path order, with exact and similar renames paired. */
  diffCommits(fromSha: string | undefined, toSha: string): FileChange[] {
    const cacheKey = `${fromSha ?? "root"}..${toSha}`;
    const cached = this.diffCache.get(cacheKey);
    if (cached) return cached;
    const before = fromSha ? (this.commits.get(fromSha)?.files ?? new Map<string, FileEntry>()) : new Map<string, FileEntry>();
    const after = this.commits.get(toSha)?.files ?? new Map<string, FileEntry>();
    const changes: FileChange[] = [];
    const removed: string[] = [];
    const added: string[] = [];
    for (const [path, entry] of after) {
      const old = before.get(path);
      if (!old) added.push(path);
      else if (old.sha !== entry.sha) changes.push(this.fileChange("modified", path, old.sha, entry.sha));
      else if (old.mode !== entry.mode)
        changes.push({ filename: path, status: "changed", sha: entry.sha, additions: 0, deletions: 0, patch: undefined });
    }
    for (const path of before.keys()) if (!after.has(path)) removed.push(path);
    const renamedFrom = this.pairRenames(removed, added, before, after);
    for (const path of added) {
      const from = renamedFrom.get(path);
      const entry = after.get(path) as FileEntry;
      if (from === undefined) changes.push(this.fileChange("added", path, undefined, entry.sha));
      else changes.push({ ...this.fileChange("renamed", path, (before.get(from) as FileEntry).sha, entry.sha), previousFilename: from });
    }
    const renamedSources = new Set(renamedFrom.values());
    for (const path of removed) {
      if (!renamedSources.has(path)) changes.push(this.fileChange("removed", path, (before.get(path) as FileEntry).sha, undefined));
    }
    const keyed = changes.map((c) => ({ c, k: Buffer.from(c.filename) })).sort((x, y) => Buffer.compare(x.k, y.k));
    changes.splice(0, changes.length, ...keyed.map(({ c }) => c));
    this.diffCache.set(cacheKey, changes);
    return changes;
  }

  /** git's rename detection: identical blobs first, then text files at least 50% similar. */
  private pairRenames(
    removed: string[],
    added: string[],
    before: Map<string, FileEntry>,
    after: Map<string, FileEntry>,
  ): Map<string, string> {
    const pairs = new Map<string, string>();
    const free = new Set(removed);
    for (const path of added) {
      const sha = (after.get(path) as FileEntry).sha;
      const source = [...free].find((r) => (before.get(r) as FileEntry).sha === sha);
      if (source !== undefined) {
        pairs.set(path, source);
        free.delete(source);
      }
    }
    const isSubmodule = (entry: FileEntry | undefined): boolean => entry?.mode === "160000";
    for (const path of [...free]) if (isSubmodule(before.get(path))) free.delete(path);
    const candidatesAdded = added.filter((p) => !pairs.has(p) && !isSubmodule(after.get(p)));
    if (candidatesAdded.length * free.size > 10_000) return pairs;
    for (const path of candidatesAdded) {
      const content = this.blobs.get((after.get(path) as FileEntry).sha) as Buffer;
      if (isBinary(content) || content.length > 100_000) continue;
      let best: { source: string; score: number } | undefined;
      for (const source of free) {
        const old = this.blobs.get((before.get(source) as FileEntry).sha) as Buffer;
        if (isBinary(old) || old.length > 100_000) continue;
        const oldText = old.toString("utf8");
        const newText = content.toString("utf8");
        const d = diffLines(oldText, newText);
        const oldLines = splitLines(oldText).length;
        const total = oldLines + splitLines(newText).length;
        const score = total === 0 ? 0 : (2 * (oldLines - d.deletions)) / total;
        if (score >= 0.5 && (!best || score > best.score)) best = { source, score };
      }
      if (best) {
        pairs.set(path, best.source);
        free.delete(best.source);
      }
    }
    return pairs;
  }

  private fileChange(status: FileChange["status"], filename: string, oldSha: string | undefined, newSha: string | undefined): FileChange {
    // A submodule: GitHub lists the gitlink with the new commit as `sha` and a "Subproject commit" patch.
    const oldIsCommit = oldSha !== undefined && !this.blobs.has(oldSha);
    const newIsCommit = newSha !== undefined && !this.blobs.has(newSha);
    if (oldIsCommit || newIsCommit) {
      const minus = oldSha ? [`-${oldIsCommit ? `Subproject commit ${oldSha}` : "(file)"}`] : [];
      const plus = newSha ? [`+${newIsCommit ? `Subproject commit ${newSha}` : "(file)"}`] : [];
      const header = `@@ -${oldSha ? "1" : "0,0"} +${newSha ? "1" : "0,0"} @@`;
      return {
        filename,
        status,
        sha: (newSha ?? oldSha) as string,
        additions: plus.length,
        deletions: minus.length,
        patch: [header, ...minus, ...plus].join("\n"),
      };
    }
    const oldContent = oldSha ? (this.blobs.get(oldSha) as Buffer) : Buffer.alloc(0);
    const newContent = newSha ? (this.blobs.get(newSha) as Buffer) : Buffer.alloc(0);
    const sha = (newSha ?? oldSha) as string;
    if (isBinary(oldContent) || isBinary(newContent)) return { filename, status, sha, additions: 0, deletions: 0, patch: undefined };
    // GitHub does not render diffs past 1 MB of a file and leaves `patch` out of the API answer.
    if (oldContent.length > MAX_PATCHED_BYTES || newContent.length > MAX_PATCHED_BYTES) {
      const lines = (content: Buffer): number => splitLines(content.toString("utf8")).length;
      return {
        filename,
        status,
        sha,
        additions: newSha ? lines(newContent) : 0,
        deletions: oldSha ? lines(oldContent) : 0,
        patch: undefined,
      };
    }
    const d = diffLines(oldContent.toString("utf8"), newContent.toString("utf8"));
    return { filename, status, sha, additions: d.additions, deletions: d.deletions, patch: d.patch };
  }

  // ---- pull requests and comments -------------------------------------------------------------

  createPull(options: {
    repo: string;
    headRepo: string;
    headRef: string;
    baseRef: string;
    title: string;
    body: string | null;
    draft: boolean;
    user: string;
  }): PullRecord {
    const base = this.requireRepo(options.repo);
    const head = this.requireRepo(options.headRepo);
    const headSha = head.branches.get(options.headRef);
    const baseSha = base.branches.get(options.baseRef);
    if (!headSha) throw new Error(`no branch ${options.headRef} in ${head.fullName}`);
    if (!baseSha) throw new Error(`no branch ${options.baseRef} in ${base.fullName}`);
    for (const pr of base.pulls.values()) {
      if (
        pr.state === "open" &&
        key(pr.headRepo) === key(head.fullName) &&
        pr.headRef === options.headRef &&
        pr.baseRef === options.baseRef
      ) {
        throw new Error(`A pull request already exists for ${head.owner}:${options.headRef}.`);
      }
    }
    this.importCommit(base, headSha);
    this.ensureUser(options.user);
    const now = nowIso();
    const pr: PullRecord = {
      number: base.nextNumber++,
      id: this.nextId(),
      repo: base.fullName,
      title: options.title,
      body: options.body,
      user: options.user,
      state: "open",
      draft: options.draft,
      merged: false,
      headRepo: head.fullName,
      headRef: options.headRef,
      headSha,
      baseRef: options.baseRef,
      baseSha,
      createdAt: now,
      updatedAt: now,
      closedAt: null,
      mergedAt: null,
    };
    base.pulls.set(pr.number, pr);
    return pr;
  }

  requirePull(repoName: string, number: number): PullRecord {
    const pr = this.requireRepo(repoName).pulls.get(number);
    if (!pr) throw new Error(`no pull request #${number} in ${repoName}`);
    return pr;
  }

  /** Files of a PR as GitHub lists them: the three-dot diff from the merge base to the head. */
  pullFiles(pr: PullRecord): FileChange[] {
    const base = this.requireRepo(pr.repo);
    const baseTip = base.branches.get(pr.baseRef) ?? pr.baseSha;
    return this.diffCommits(this.mergeBase(baseTip, pr.headSha), pr.headSha);
  }

  createIssue(repoName: string, options: { title: string; body?: string | null; user: string }): IssueRecord {
    const repo = this.requireRepo(repoName);
    this.ensureUser(options.user);
    const now = nowIso();
    const issue: IssueRecord = {
      number: repo.nextNumber++,
      id: this.nextId(),
      title: options.title,
      body: options.body ?? null,
      user: options.user,
      state: "open",
      createdAt: now,
      updatedAt: now,
    };
    repo.issues.set(issue.number, issue);
    return issue;
  }

  addComment(repoName: string, number: number, body: string, user: string, viaApp = false): CommentRecord {
    const repo = this.requireRepo(repoName);
    if (!repo.pulls.has(number) && !repo.issues.has(number)) throw new NotFound(`no issue #${number} in ${repoName}`);
    this.ensureUser(user);
    const now = nowIso();
    const comment: CommentRecord = {
      id: this.nextId(),
      repo: repo.fullName,
      number,
      body,
      user,
      viaApp,
      createdAt: now,
      updatedAt: now,
      reactions: [],
    };
    this.comments.set(comment.id, comment);
    this.events.emit("comment", comment, "created", { byApp: viaApp });
    return comment;
  }

  commentsOn(repoName: string, number: number): CommentRecord[] {
    return [...this.comments.values()].filter((c) => key(c.repo) === key(repoName) && c.number === number).sort((a, b) => a.id - b.id);
  }

  // ---- checks ---------------------------------------------------------------------------------

  suiteFor(repo: RepoRecord, headSha: string): CheckSuiteRecord {
    for (const suite of this.checkSuites.values()) {
      if (key(suite.repo) === key(repo.fullName) && suite.headSha === headSha && suite.appId === this.app.id) return suite;
    }
    const headBranch = [...repo.branches.entries()].find(([, sha]) => sha === headSha)?.[0] ?? null;
    const now = nowIso();
    const suite: CheckSuiteRecord = {
      id: this.nextId(),
      repo: repo.fullName,
      headSha,
      headBranch,
      appId: this.app.id,
      createdAt: now,
      updatedAt: now,
    };
    this.checkSuites.set(suite.id, suite);
    return suite;
  }

  checkRunsFor(repoName: string, headSha: string): CheckRunRecord[] {
    return [...this.checkRuns.values()].filter((r) => key(r.repo) === key(repoName) && r.headSha === headSha).sort((a, b) => a.id - b.id);
  }

  /** Open PRs of this repository whose head commit is `sha` and lives in this repository (forks excluded, as on GitHub). */
  pullsForCheck(repo: RepoRecord, sha: string): PullRecord[] {
    return [...repo.pulls.values()].filter((pr) => pr.state === "open" && pr.headSha === sha && key(pr.headRepo) === key(repo.fullName));
  }

  // ---- installations --------------------------------------------------------------------------

  install(
    account: string,
    options: { repositories?: string[]; permissions?: InstallationPermissions; events?: string[] } = {},
  ): InstallationRecord {
    if (!this.user(account)) throw new Error(`no account ${account} to install the app on`);
    const installation: InstallationRecord = {
      id: this.nextId(),
      account: (this.user(account) as UserRecord).login,
      repositorySelection: options.repositories ? "selected" : "all",
      repositories: new Set((options.repositories ?? []).map((r) => key(r.includes("/") ? r : `${account}/${r}`))),
      // Every installation can read metadata; GitHub grants it implicitly.
      permissions: { metadata: "read", ...(options.permissions ?? DEFAULT_INSTALLATION_PERMISSIONS) },
      events: options.events ?? ["check_run", "check_suite", "issue_comment", "merge_group", "pull_request"],
      createdAt: nowIso(),
    };
    this.installations.set(installation.id, installation);
    return installation;
  }

  installationForAccount(account: string): InstallationRecord | undefined {
    for (const i of this.installations.values()) if (key(i.account) === key(account)) return i;
    return undefined;
  }

  installationCovers(installation: InstallationRecord, repo: RepoRecord): boolean {
    if (key(installation.account) !== key(repo.owner)) return false;
    return installation.repositorySelection === "all" || installation.repositories.has(key(repo.fullName));
  }

  installationForRepo(repo: RepoRecord): InstallationRecord | undefined {
    const i = this.installationForAccount(repo.owner);
    return i && this.installationCovers(i, repo) ? i : undefined;
  }

  reposOfInstallation(installation: InstallationRecord): RepoRecord[] {
    return [...this.repos.values()].filter((r) => this.installationCovers(installation, r));
  }
}
