/**
 * Repository endpoints an app reads: the repository, contents, git trees and blobs, commits, branches,
 * pull requests and their files, and a user's permission on the repository.
 */
import type { FileEntry } from "./git.js";
import { commitJson, fileChangeJson, fullRepoJson, pullJson, userJson } from "./representations.js";
import type { Reply, RequestContext, Route } from "./router.js";
import { HttpError, accessibleRepo, intParam, notFound, ok, paginate, requirePermission } from "./router.js";
import type { CommitRecord, EmulatorState, PullRecord, RepoRecord } from "./state.js";

type MediaFormat = "json" | "raw" | "object";

/** GitHub's custom media types: vnd.github.raw(+json) / vnd.github.v3.raw, vnd.github.object. */
export function mediaFormat(accept: string | undefined): MediaFormat {
  if (!accept) return "json";
  if (/application\/vnd\.github(\.v3)?\.raw/i.test(accept)) return "raw";
  if (/application\/vnd\.github(\.v3)?\.object/i.test(accept)) return "object";
  return "json";
}

/** GitHub wraps base64 content at 60 characters per line, each line ending in "\n". */
export function wrappedBase64(content: Buffer): string {
  const b64 = content.toString("base64");
  let out = "";
  for (let i = 0; i < b64.length; i += 60) out += `${b64.slice(i, i + 60)}\n`;
  return out;
}

function rawReply(content: Buffer): Reply {
  // GitHub labels raw content text/plain; Octokit therefore hands it back as a string.
  return { status: 200, raw: { body: content, contentType: "text/plain; charset=utf-8" } };
}

function resolveCommit(ctx: RequestContext, repo: RepoRecord, ref: string): CommitRecord {
  const sha = ctx.state.resolveRef(repo, ref);
  const commit = sha && ctx.state.commitIn(repo, sha);
  if (!commit) throw new HttpError(404, `No commit found for the ref ${ref}`);
  return commit;
}

function encodedPath(path: string): string {
  return path.split("/").map(encodeURIComponent).join("/");
}

function contentEntry(
  state: EmulatorState,
  repo: RepoRecord,
  ref: string,
  path: string,
  type: string,
  sha: string,
  size: number,
): Record<string, unknown> {
  const api = `${state.apiBase}/repos/${repo.fullName}`;
  const self = `${api}/contents/${encodedPath(path)}?ref=${encodeURIComponent(ref)}`;
  const git = `${api}/git/${type === "dir" ? "trees" : "blobs"}/${sha}`;
  const html = `${state.baseUrl}/${repo.fullName}/${type === "dir" ? "tree" : "blob"}/${ref}/${encodedPath(path)}`;
  return {
    name: path.split("/").pop() as string,
    path,
    sha,
    size,
    url: self,
    html_url: html,
    git_url: git,
    download_url: type === "dir" ? null : `${state.baseUrl}/${repo.fullName}/raw/${ref}/${encodedPath(path)}`,
    type,
    _links: { self, git, html },
  };
}

function resolveSymlinkTarget(path: string, target: string): string | undefined {
  const parts = target.startsWith("/") ? [] : path.split("/").slice(0, -1);
  for (const seg of target.split("/")) {
    if (seg === "" || seg === ".") continue;
    if (seg === "..") {
      if (parts.length === 0) return undefined;
      parts.pop();
    } else parts.push(seg);
  }
  return parts.join("/");
}

function getContents(ctx: RequestContext): Reply {
  const repo = accessibleRepo(ctx);
  requirePermission(ctx, [["contents", "read"]]);
  const ref = ctx.query.get("ref") || repo.defaultBranch;
  const commit = resolveCommit(ctx, repo, ref);
  const path = (ctx.params.path ?? "").replace(/^\/+|\/+$/g, "");
  const format = mediaFormat(ctx.headers.accept);
  const state = ctx.state;

  let file: FileEntry | undefined = path === "" ? undefined : commit.files.get(path);
  let filePath = path;
  if (file?.mode === "160000") {
    // GitHub describes a submodule with its commit and the url from .gitmodules.
    return ok({
      ...contentEntry(state, repo, ref, path, "submodule", file.sha, 0),
      download_url: null,
      submodule_git_url: submoduleUrl(state, commit, path),
    });
  }
  if (file?.mode === "120000") {
    // A symlink to a file in the repository answers with that file; any other symlink describes itself.
    const target = (state.blobs.get(file.sha) as Buffer).toString("utf8");
    const resolved = resolveSymlinkTarget(path, target);
    const targetFile = resolved === undefined ? undefined : commit.files.get(resolved);
    if (resolved !== undefined && targetFile && (targetFile.mode === "100644" || targetFile.mode === "100755")) {
      file = targetFile;
      filePath = resolved;
    } else {
      return ok({ ...contentEntry(state, repo, ref, path, "symlink", file.sha, target.length), target });
    }
  }
  if (file) {
    const content = state.blobs.get(file.sha) as Buffer;
    if (format === "raw") return rawReply(content);
    const inline = content.length <= state.limits.contentsInlineMaxBytes;
    return ok({
      ...contentEntry(state, repo, ref, filePath, "file", file.sha, content.length),
      // Past 1 MB GitHub leaves the content out unless the raw media type is asked for.
      content: inline ? wrappedBase64(content) : "",
      encoding: inline ? "base64" : "none",
    });
  }

  const prefix = path === "" ? "" : `${path}/`;
  const children = new Map<string, Record<string, unknown>>();
  for (const [p, entry] of commit.files) {
    if (!p.startsWith(prefix)) continue;
    const rest = p.slice(prefix.length);
    const slash = rest.indexOf("/");
    if (slash === -1) {
      const size = state.blobs.get(entry.sha)?.length ?? 0;
      const type = entry.mode === "120000" ? "symlink" : entry.mode === "160000" ? "submodule" : "file";
      children.set(rest, contentEntry(state, repo, ref, p, type, entry.sha, size));
    } else {
      const dirName = rest.slice(0, slash);
      if (!children.has(dirName))
        children.set(dirName, contentEntry(state, repo, ref, prefix + dirName, "dir", treeShaOf(state, commit, prefix + dirName), 0));
    }
  }
  if (children.size === 0) throw notFound();
  const entries = [...children.entries()].sort(([a], [b]) => Buffer.compare(Buffer.from(a), Buffer.from(b))).map(([, v]) => v);
  if (format === "object") {
    const self =
      path === ""
        ? { ...contentEntry(state, repo, ref, "", "dir", commit.tree, 0), name: "" }
        : contentEntry(state, repo, ref, path, "dir", treeShaOf(state, commit, path), 0);
    return ok({ ...self, entries });
  }
  return ok(entries);
}

/** The `url` of the `.gitmodules` section whose `path` is `path`, as git config syntax has it. */
function submoduleUrl(state: EmulatorState, commit: CommitRecord, path: string): string | null {
  const gitmodules = commit.files.get(".gitmodules");
  const text = gitmodules ? state.blobs.get(gitmodules.sha)?.toString("utf8") : undefined;
  if (!text) return null;
  for (const section of text.split(/^\s*\[submodule\b[^\]]*\]\s*$/m).slice(1)) {
    const value = (key: string): string | undefined => new RegExp(`^\\s*${key}\\s*=\\s*(.+?)\\s*$`, "m").exec(section)?.[1];
    if (value("path") === path) return value("url") ?? null;
  }
  return null;
}

function treeShaOf(state: EmulatorState, commit: CommitRecord, dir: string): string {
  let sha = commit.tree;
  for (const part of dir.split("/")) {
    const entry = state.trees.get(sha)?.find((e) => e.name === part && e.type === "tree");
    if (!entry) return sha;
    sha = entry.sha;
  }
  return sha;
}

function getTree(ctx: RequestContext): Reply {
  const repo = accessibleRepo(ctx);
  requirePermission(ctx, [["contents", "read"]]);
  const state = ctx.state;
  const wanted = ctx.params.tree_sha as string;
  let treeSha: string | undefined;
  if (/^[0-9a-f]{40}$/i.test(wanted) && repo.objects.has(wanted.toLowerCase()) && state.trees.has(wanted.toLowerCase()))
    treeSha = wanted.toLowerCase();
  else {
    const commitSha = state.resolveRef(repo, wanted);
    treeSha = commitSha ? state.commits.get(commitSha)?.tree : undefined;
  }
  if (!treeSha) throw notFound();
  const api = `${state.apiBase}/repos/${repo.fullName}`;
  // GitHub recurses for any value of `recursive`, even "0" or "false".
  const recursive = ctx.query.has("recursive");
  const out: Record<string, unknown>[] = [];
  const walk = (sha: string, prefix: string): void => {
    for (const e of state.trees.get(sha) ?? []) {
      const path = prefix + e.name;
      out.push({
        path,
        mode: e.mode,
        type: e.type,
        sha: e.sha,
        ...(e.type === "blob" ? { size: (state.blobs.get(e.sha) as Buffer).length } : {}),
        // A submodule entry links to the other repository's commit; GitHub gives no API url for it here.
        ...(e.type === "commit" ? {} : { url: `${api}/git/${e.type === "tree" ? "trees" : "blobs"}/${e.sha}` }),
      });
      if (recursive && e.type === "tree") walk(e.sha, `${path}/`);
    }
  };
  walk(treeSha, "");
  const truncated = out.length > state.limits.treeEntriesMax;
  return ok({
    sha: treeSha,
    url: `${api}/git/trees/${treeSha}`,
    tree: truncated ? out.slice(0, state.limits.treeEntriesMax) : out,
    truncated,
  });
}

function getBlob(ctx: RequestContext): Reply {
  const repo = accessibleRepo(ctx);
  requirePermission(ctx, [["contents", "read"]]);
  const sha = (ctx.params.file_sha as string).toLowerCase();
  const content = repo.objects.has(sha) ? ctx.state.blobs.get(sha) : undefined;
  if (!content) throw notFound();
  if (mediaFormat(ctx.headers.accept) === "raw") return rawReply(content);
  return ok({
    sha,
    node_id: Buffer.from(`Blob:${sha}`).toString("base64"),
    size: content.length,
    url: `${ctx.state.apiBase}/repos/${repo.fullName}/git/blobs/${sha}`,
    content: wrappedBase64(content),
    encoding: "base64",
  });
}

function getCommit(ctx: RequestContext): Reply {
  const repo = accessibleRepo(ctx);
  requirePermission(ctx, [["contents", "read"]]);
  const commit = resolveCommit(ctx, repo, ctx.params.ref as string);
  const files = ctx.state.diffCommits(commit.parents[0], commit.sha);
  // The commit endpoint lists at most 300 files per page; past that it paginates them.
  const page = paginate(
    files,
    ctx.query,
    `${ctx.state.apiBase}/repositories/${repo.id}/commits/${commit.sha}`,
    ctx.state.limits.commitFilesMax,
  );
  return ok(commitJson(ctx.state, repo, commit, page.items), 200, page.headers);
}

function branchJson(state: EmulatorState, repo: RepoRecord, name: string, sha: string): Record<string, unknown> {
  const commit = state.commits.get(sha) as CommitRecord;
  const api = `${state.apiBase}/repos/${repo.fullName}`;
  return {
    name,
    commit: commitJson(state, repo, commit),
    _links: { self: `${api}/branches/${encodeURIComponent(name)}`, html: `${state.baseUrl}/${repo.fullName}/tree/${name}` },
    protected: false,
    protection: { enabled: false, required_status_checks: { enforcement_level: "off", contexts: [], checks: [] } },
    protection_url: `${api}/branches/${encodeURIComponent(name)}/protection`,
  };
}

function getPull(ctx: RequestContext): PullRecord {
  const repo = accessibleRepo(ctx);
  requirePermission(ctx, [["pull_requests", "read"]]);
  const pr = repo.pulls.get(intParam(ctx.params.pull_number));
  if (!pr) throw notFound();
  return pr;
}

const PERMISSION_OF_ROLE: Record<string, string> = {
  admin: "admin",
  maintain: "write",
  write: "write",
  triage: "read",
  read: "read",
  none: "none",
};

export function repoRoutes(): Route[] {
  return [
    {
      method: "GET",
      pattern: "/repos/:owner/:repo",
      auth: "installation",
      handler: (ctx) => {
        const repo = accessibleRepo(ctx);
        requirePermission(ctx, [["metadata", "read"]]);
        return ok(fullRepoJson(ctx.state, repo));
      },
    },
    { method: "GET", pattern: "/repos/:owner/:repo/contents/*path", auth: "installation", handler: getContents },
    { method: "GET", pattern: "/repos/:owner/:repo/git/trees/:tree_sha", auth: "installation", handler: getTree },
    { method: "GET", pattern: "/repos/:owner/:repo/git/blobs/:file_sha", auth: "installation", handler: getBlob },
    {
      method: "GET",
      pattern: "/repos/:owner/:repo/commits/:commit_sha/pulls",
      auth: "installation",
      handler: (ctx) => {
        const repo = accessibleRepo(ctx);
        requirePermission(ctx, [
          ["pull_requests", "read"],
          ["contents", "read"],
        ]);
        const sha = ctx.state.resolveRef(repo, ctx.params.commit_sha as string);
        if (!sha) throw new HttpError(422, `No commit found for SHA: ${ctx.params.commit_sha}`);
        const prs = [...repo.pulls.values()]
          .filter((pr) => pr.headSha === sha || ctx.state.mergeBase(pr.headSha, sha) === sha)
          .sort((a, b) => b.number - a.number);
        const page = paginate(prs, ctx.query, `${ctx.state.apiBase}/repositories/${repo.id}/commits/${sha}/pulls`);
        return ok(
          page.items.map((pr) => pullJson(ctx.state, pr)),
          200,
          page.headers,
        );
      },
    },
    { method: "GET", pattern: "/repos/:owner/:repo/commits/*ref", auth: "installation", handler: getCommit },
    {
      method: "GET",
      pattern: "/repos/:owner/:repo/branches/*branch",
      auth: "installation",
      handler: (ctx) => {
        const repo = accessibleRepo(ctx);
        requirePermission(ctx, [["metadata", "read"]]);
        const name = ctx.params.branch as string;
        const sha = repo.branches.get(name);
        if (!sha) throw new HttpError(404, "Branch not found");
        return ok(branchJson(ctx.state, repo, name, sha));
      },
    },
    {
      method: "GET",
      pattern: "/repos/:owner/:repo/pulls",
      auth: "installation",
      handler: (ctx) => {
        const repo = accessibleRepo(ctx);
        requirePermission(ctx, [["pull_requests", "read"]]);
        const state = ctx.query.get("state") ?? "open";
        const head = ctx.query.get("head");
        const base = ctx.query.get("base");
        const prs = [...repo.pulls.values()]
          .filter((pr) => state === "all" || pr.state === state)
          .filter((pr) => !head || `${ctx.state.requireRepo(pr.headRepo).owner}:${pr.headRef}`.toLowerCase() === head.toLowerCase())
          .filter((pr) => !base || pr.baseRef === base)
          .sort((a, b) => (ctx.query.get("direction") === "asc" ? a.number - b.number : b.number - a.number));
        const page = paginate(prs, ctx.query, `${ctx.state.apiBase}/repositories/${repo.id}/pulls`);
        return ok(
          page.items.map((pr) => pullJson(ctx.state, pr)),
          200,
          page.headers,
        );
      },
    },
    {
      method: "GET",
      pattern: "/repos/:owner/:repo/pulls/:pull_number",
      auth: "installation",
      handler: (ctx) => ok(pullJson(ctx.state, getPull(ctx))),
    },
    {
      method: "GET",
      pattern: "/repos/:owner/:repo/pulls/:pull_number/files",
      auth: "installation",
      handler: (ctx) => {
        const pr = getPull(ctx);
        const repo = accessibleRepo(ctx);
        const files = ctx.state.pullFiles(pr);
        const page = paginate(
          files,
          ctx.query,
          `${ctx.state.apiBase}/repositories/${repo.id}/pulls/${pr.number}/files`,
          ctx.state.limits.pullFilesMax,
        );
        return ok(
          page.items.map((f) => fileChangeJson(ctx.state, repo, pr.headSha, f)),
          200,
          page.headers,
        );
      },
    },
    {
      method: "GET",
      pattern: "/repos/:owner/:repo/pulls/:pull_number/commits",
      auth: "installation",
      handler: (ctx) => {
        const pr = getPull(ctx);
        const repo = accessibleRepo(ctx);
        const stop = ctx.state.mergeBase(repo.branches.get(pr.baseRef) ?? pr.baseSha, pr.headSha);
        const commits: CommitRecord[] = [];
        for (
          let sha: string | undefined = pr.headSha;
          sha && sha !== stop && commits.length < 250;
          sha = ctx.state.commits.get(sha)?.parents[0]
        ) {
          commits.unshift(ctx.state.commits.get(sha) as CommitRecord);
        }
        const page = paginate(commits, ctx.query, `${ctx.state.apiBase}/repositories/${repo.id}/pulls/${pr.number}/commits`);
        return ok(
          page.items.map((c) => commitJson(ctx.state, repo, c)),
          200,
          page.headers,
        );
      },
    },
    {
      method: "GET",
      pattern: "/repos/:owner/:repo/collaborators/:username/permission",
      auth: "installation",
      handler: (ctx) => {
        const repo = accessibleRepo(ctx);
        requirePermission(ctx, [["metadata", "read"]]);
        const user = ctx.state.user(ctx.params.username as string);
        if (!user) throw new HttpError(404, `${ctx.params.username} is not a user`);
        let role: string = ctx.state.roleOf(repo, user.login);
        // Everyone can read a public repository, so GitHub reports at least "read" there.
        if (role === "none" && !repo.private) role = "read";
        const permission = PERMISSION_OF_ROLE[role] as string;
        const rank = ["none", "read", "triage", "write", "maintain", "admin"].indexOf(role);
        return ok({
          permission,
          role_name: role,
          user: {
            ...userJson(ctx.state, user.login),
            permissions: { admin: rank >= 5, maintain: rank >= 4, push: rank >= 3, triage: rank >= 2, pull: rank >= 1 },
            role_name: role,
          },
        });
      },
    },
  ];
}
