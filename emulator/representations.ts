/**
 * GitHub's JSON shapes for the emulator's records, shared by the REST routes and the webhook payloads
 * (GitHub uses the same representations in both). Field names and nesting follow GitHub's REST reference
 * and the payload examples in shared/corpora/webhooks; URLs point back at the emulator.
 */
import type {
  AnnotationRecord,
  CheckRunRecord,
  CheckSuiteRecord,
  CommentRecord,
  CommitRecord,
  EmulatorState,
  FileChange,
  InstallationRecord,
  IssueEventRecord,
  IssueRecord,
  OrgRecord,
  PullRecord,
  ReactionRecord,
  RepoRecord,
} from "./state.js";

type Json = Record<string, unknown>;

const REACTION_CONTENTS = ["+1", "-1", "laugh", "hooray", "confused", "heart", "rocket", "eyes"] as const;
export const VALID_REACTIONS: readonly string[] = REACTION_CONTENTS;

export function nodeId(kind: string, id: number): string {
  return Buffer.from(`${kind}:${id}`).toString("base64");
}

export function userJson(state: EmulatorState, login: string): Json {
  const user = state.ensureUser(login);
  const api = `${state.apiBase}/users/${encodeURIComponent(user.login)}`;
  return {
    login: user.login,
    id: user.id,
    node_id: nodeId(user.type, user.id),
    avatar_url: `${state.baseUrl}/avatars/u/${user.id}?v=4`,
    gravatar_id: "",
    url: api,
    html_url: `${state.baseUrl}/${user.login}`,
    followers_url: `${api}/followers`,
    following_url: `${api}/following{/other_user}`,
    gists_url: `${api}/gists{/gist_id}`,
    starred_url: `${api}/starred{/owner}{/repo}`,
    subscriptions_url: `${api}/subscriptions`,
    organizations_url: `${api}/orgs`,
    repos_url: `${api}/repos`,
    events_url: `${api}/events{/privacy}`,
    received_events_url: `${api}/received_events`,
    type: user.type,
    site_admin: false,
  };
}

export function orgJson(state: EmulatorState, org: OrgRecord): Json {
  const api = `${state.apiBase}/orgs/${org.login}`;
  return {
    login: org.login,
    id: org.id,
    node_id: nodeId("Organization", org.id),
    url: api,
    repos_url: `${api}/repos`,
    events_url: `${api}/events`,
    hooks_url: `${api}/hooks`,
    issues_url: `${api}/issues`,
    members_url: `${api}/members{/member}`,
    public_members_url: `${api}/public_members{/member}`,
    avatar_url: `${state.baseUrl}/avatars/u/${org.id}?v=4`,
    description: "",
  };
}

export function repoJson(state: EmulatorState, repo: RepoRecord): Json {
  const api = `${state.apiBase}/repos/${repo.fullName}`;
  const html = `${state.baseUrl}/${repo.fullName}`;
  const openIssues = [...repo.pulls.values(), ...repo.issues.values()].filter((x) => x.state === "open").length;
  const json: Json = {
    id: repo.id,
    node_id: nodeId("Repository", repo.id),
    name: repo.name,
    full_name: repo.fullName,
    private: repo.private,
    owner: userJson(state, repo.owner),
    html_url: html,
    description: repo.description,
    fork: repo.parent !== undefined,
    url: api,
    forks_url: `${api}/forks`,
    keys_url: `${api}/keys{/key_id}`,
    collaborators_url: `${api}/collaborators{/collaborator}`,
    teams_url: `${api}/teams`,
    hooks_url: `${api}/hooks`,
    issue_events_url: `${api}/issues/events{/number}`,
    events_url: `${api}/events`,
    assignees_url: `${api}/assignees{/user}`,
    branches_url: `${api}/branches{/branch}`,
    tags_url: `${api}/tags`,
    blobs_url: `${api}/git/blobs{/sha}`,
    git_tags_url: `${api}/git/tags{/sha}`,
    git_refs_url: `${api}/git/refs{/sha}`,
    trees_url: `${api}/git/trees{/sha}`,
    statuses_url: `${api}/statuses/{sha}`,
    languages_url: `${api}/languages`,
    stargazers_url: `${api}/stargazers`,
    contributors_url: `${api}/contributors`,
    subscribers_url: `${api}/subscribers`,
    subscription_url: `${api}/subscription`,
    commits_url: `${api}/commits{/sha}`,
    git_commits_url: `${api}/git/commits{/sha}`,
    comments_url: `${api}/comments{/number}`,
    issue_comment_url: `${api}/issues/comments{/number}`,
    contents_url: `${api}/contents/{+path}`,
    compare_url: `${api}/compare/{base}...{head}`,
    merges_url: `${api}/merges`,
    archive_url: `${api}/{archive_format}{/ref}`,
    downloads_url: `${api}/downloads`,
    issues_url: `${api}/issues{/number}`,
    pulls_url: `${api}/pulls{/number}`,
    milestones_url: `${api}/milestones{/number}`,
    notifications_url: `${api}/notifications{?since,all,participating}`,
    labels_url: `${api}/labels{/name}`,
    releases_url: `${api}/releases{/id}`,
    deployments_url: `${api}/deployments`,
    created_at: repo.createdAt,
    updated_at: repo.updatedAt,
    pushed_at: repo.pushedAt,
    git_url: `${html.replace(/^https?:/, "git:")}.git`,
    ssh_url: `git@${new URL(state.baseUrl).host}:${repo.fullName}.git`,
    clone_url: `${html}.git`,
    svn_url: html,
    homepage: null,
    size: 0,
    stargazers_count: 0,
    watchers_count: 0,
    language: null,
    has_issues: true,
    has_projects: true,
    has_downloads: true,
    has_wiki: true,
    has_pages: false,
    forks_count: 0,
    mirror_url: null,
    archived: false,
    disabled: false,
    open_issues_count: openIssues,
    license: null,
    allow_forking: true,
    is_template: false,
    web_commit_signoff_required: false,
    custom_properties: {},
    topics: [],
    visibility: repo.private ? "private" : "public",
    forks: 0,
    open_issues: openIssues,
    watchers: 0,
    default_branch: repo.defaultBranch,
  };
  return json;
}

/** GET /repos/{owner}/{repo} adds the fork's parent and source to the common shape. */
export function fullRepoJson(state: EmulatorState, repo: RepoRecord): Json {
  const json = repoJson(state, repo);
  if (repo.parent) {
    const parent = state.repo(repo.parent);
    if (parent) {
      let source = parent;
      while (source.parent && state.repo(source.parent)) source = state.repo(source.parent) as RepoRecord;
      json.parent = repoJson(state, parent);
      json.source = repoJson(state, source);
    }
  }
  const org = state.org(repo.owner);
  if (org) json.organization = userJson(state, org.login);
  json.network_count = 0;
  json.subscribers_count = 0;
  return json;
}

export function appJson(state: EmulatorState): Json {
  return {
    id: state.app.id,
    slug: state.app.slug,
    node_id: nodeId("App", state.app.id),
    client_id: `Iv1.${state.app.id.toString(16).padStart(16, "0")}`,
    owner: userJson(state, state.app.owner),
    name: state.app.name,
    description: "",
    external_url: state.baseUrl,
    html_url: `${state.baseUrl}/apps/${state.app.slug}`,
    created_at: state.app.createdAt,
    updated_at: state.app.createdAt,
    permissions: { checks: "write", contents: "read", issues: "write", members: "read", metadata: "read", pull_requests: "write" },
    events: ["check_run", "check_suite", "issue_comment", "merge_group", "pull_request"],
    installations_count: state.installations.size,
  };
}

export function installationJson(state: EmulatorState, installation: InstallationRecord): Json {
  const account = state.ensureUser(installation.account);
  return {
    id: installation.id,
    account: userJson(state, account.login),
    repository_selection: installation.repositorySelection,
    access_tokens_url: `${state.apiBase}/app/installations/${installation.id}/access_tokens`,
    repositories_url: `${state.apiBase}/installation/repositories`,
    html_url: `${state.baseUrl}/${account.type === "Organization" ? `organizations/${account.login}/` : ""}settings/installations/${installation.id}`,
    app_id: state.app.id,
    app_slug: state.app.slug,
    target_id: account.id,
    target_type: account.type === "Organization" ? "Organization" : "User",
    permissions: installation.permissions,
    events: installation.events,
    created_at: installation.createdAt,
    updated_at: installation.createdAt,
    single_file_name: null,
    has_multiple_single_files: false,
    single_file_paths: [],
    suspended_by: null,
    suspended_at: null,
  };
}

export function authorAssociation(state: EmulatorState, repo: RepoRecord, login: string): string {
  if (repo.owner.toLowerCase() === login.toLowerCase()) return "OWNER";
  const org = state.org(repo.owner);
  if (org?.members.has(login.toLowerCase())) return "MEMBER";
  if (repo.collaborators.has(login.toLowerCase())) return "COLLABORATOR";
  return "NONE";
}

function branchSideJson(state: EmulatorState, repoName: string, ref: string, sha: string): Json {
  const repo = state.requireRepo(repoName);
  return { label: `${repo.owner}:${ref}`, ref, sha, user: userJson(state, repo.owner), repo: repoJson(state, repo) };
}

export function pullJson(state: EmulatorState, pr: PullRecord): Json {
  const repo = state.requireRepo(pr.repo);
  const api = `${state.apiBase}/repos/${repo.fullName}`;
  const html = `${state.baseUrl}/${repo.fullName}/pull/${pr.number}`;
  const files = state.pullFiles(pr);
  const commits = countCommits(state, pr);
  return {
    url: `${api}/pulls/${pr.number}`,
    id: pr.id,
    node_id: nodeId("PullRequest", pr.id),
    html_url: html,
    diff_url: `${html}.diff`,
    patch_url: `${html}.patch`,
    issue_url: `${api}/issues/${pr.number}`,
    number: pr.number,
    state: pr.state,
    locked: false,
    title: pr.title,
    user: userJson(state, pr.user),
    body: pr.body,
    created_at: pr.createdAt,
    updated_at: pr.updatedAt,
    closed_at: pr.closedAt,
    merged_at: pr.mergedAt,
    merge_commit_sha: null,
    assignee: null,
    assignees: [],
    requested_reviewers: [],
    requested_teams: [],
    labels: [],
    milestone: null,
    draft: pr.draft,
    commits_url: `${api}/pulls/${pr.number}/commits`,
    review_comments_url: `${api}/pulls/${pr.number}/comments`,
    review_comment_url: `${api}/pulls/comments{/number}`,
    comments_url: `${api}/issues/${pr.number}/comments`,
    statuses_url: `${api}/statuses/${pr.headSha}`,
    head: branchSideJson(state, pr.headRepo, pr.headRef, pr.headSha),
    base: branchSideJson(state, pr.repo, pr.baseRef, pr.baseSha),
    _links: {
      self: { href: `${api}/pulls/${pr.number}` },
      html: { href: html },
      issue: { href: `${api}/issues/${pr.number}` },
      comments: { href: `${api}/issues/${pr.number}/comments` },
      review_comments: { href: `${api}/pulls/${pr.number}/comments` },
      review_comment: { href: `${api}/pulls/comments{/number}` },
      commits: { href: `${api}/pulls/${pr.number}/commits` },
      statuses: { href: `${api}/statuses/${pr.headSha}` },
    },
    author_association: authorAssociation(state, repo, pr.user),
    auto_merge: null,
    active_lock_reason: null,
    merged: pr.merged,
    mergeable: null,
    rebaseable: null,
    mergeable_state: "unknown",
    merged_by: null,
    comments: state.commentsOn(repo.fullName, pr.number).length,
    review_comments: 0,
    maintainer_can_modify: false,
    commits,
    additions: files.reduce((n, f) => n + f.additions, 0),
    deletions: files.reduce((n, f) => n + f.deletions, 0),
    changed_files: files.length,
  };
}

function countCommits(state: EmulatorState, pr: PullRecord): number {
  const base = state.requireRepo(pr.repo);
  const stop = state.mergeBase(base.branches.get(pr.baseRef) ?? pr.baseSha, pr.headSha);
  let n = 0;
  let sha: string | undefined = pr.headSha;
  while (sha && sha !== stop && n < 10_000) {
    n++;
    sha = state.commits.get(sha)?.parents[0];
  }
  return n;
}

function reactionsSummary(url: string, reactions: readonly ReactionRecord[]): Json {
  const summary: Json = { url, total_count: reactions.length };
  for (const c of REACTION_CONTENTS) summary[c] = reactions.filter((r) => r.content === c).length;
  return summary;
}

/** The `issue` object of issue_comment events; for a PR it carries `pull_request`. */
export function issueJson(state: EmulatorState, repoName: string, number: number): Json {
  const repo = state.requireRepo(repoName);
  const pr = repo.pulls.get(number);
  const issue: PullRecord | IssueRecord | undefined = pr ?? repo.issues.get(number);
  if (!issue) throw new Error(`no issue #${number} in ${repoName}`);
  const api = `${state.apiBase}/repos/${repo.fullName}`;
  const json: Json = {
    url: `${api}/issues/${number}`,
    repository_url: api,
    labels_url: `${api}/issues/${number}/labels{/name}`,
    comments_url: `${api}/issues/${number}/comments`,
    events_url: `${api}/issues/${number}/events`,
    html_url: `${state.baseUrl}/${repo.fullName}/${pr ? "pull" : "issues"}/${number}`,
    id: issue.id,
    node_id: nodeId(pr ? "PullRequest" : "Issue", issue.id),
    number,
    title: issue.title,
    user: userJson(state, issue.user),
    labels: [],
    state: issue.state,
    locked: false,
    assignee: null,
    assignees: [],
    milestone: null,
    comments: state.commentsOn(repo.fullName, number).length,
    created_at: issue.createdAt,
    updated_at: issue.updatedAt,
    closed_at: pr ? pr.closedAt : null,
    author_association: authorAssociation(state, repo, issue.user),
    active_lock_reason: null,
    body: issue.body,
    reactions: reactionsSummary(`${api}/issues/${number}/reactions`, []),
    performed_via_github_app: null,
    state_reason: null,
  };
  if (pr) {
    json.draft = pr.draft;
    json.pull_request = {
      url: `${api}/pulls/${number}`,
      html_url: `${state.baseUrl}/${repo.fullName}/pull/${number}`,
      diff_url: `${state.baseUrl}/${repo.fullName}/pull/${number}.diff`,
      patch_url: `${state.baseUrl}/${repo.fullName}/pull/${number}.patch`,
      merged_at: pr.mergedAt,
    };
  }
  return json;
}

/** An issue event as `GET /repos/{o}/{r}/issues/{n}/events` lists it (`head_ref_force_pushed` carries no commit). */
export function issueEventJson(state: EmulatorState, repo: RepoRecord, event: IssueEventRecord): Json {
  return {
    id: event.id,
    node_id: nodeId("HeadRefForcePushedEvent", event.id),
    url: `${state.apiBase}/repos/${repo.fullName}/issues/events/${event.id}`,
    actor: userJson(state, event.actor),
    event: event.event,
    commit_id: null,
    commit_url: null,
    created_at: event.createdAt,
    performed_via_github_app: null,
  };
}

export function commentJson(state: EmulatorState, comment: CommentRecord): Json {
  const repo = state.requireRepo(comment.repo);
  const api = `${state.apiBase}/repos/${repo.fullName}`;
  const kind = repo.pulls.has(comment.number) ? "pull" : "issues";
  return {
    url: `${api}/issues/comments/${comment.id}`,
    html_url: `${state.baseUrl}/${repo.fullName}/${kind}/${comment.number}#issuecomment-${comment.id}`,
    issue_url: `${api}/issues/${comment.number}`,
    id: comment.id,
    node_id: nodeId("IssueComment", comment.id),
    user: userJson(state, comment.user),
    created_at: comment.createdAt,
    updated_at: comment.updatedAt,
    author_association: authorAssociation(state, repo, comment.user),
    body: comment.body,
    reactions: reactionsSummary(`${api}/issues/comments/${comment.id}/reactions`, comment.reactions),
    performed_via_github_app: comment.viaApp ? appJson(state) : null,
  };
}

export function reactionJson(state: EmulatorState, reaction: ReactionRecord): Json {
  return {
    id: reaction.id,
    node_id: nodeId("Reaction", reaction.id),
    user: userJson(state, reaction.user),
    content: reaction.content,
    created_at: reaction.createdAt,
  };
}

function pullRefsJson(state: EmulatorState, repo: RepoRecord, sha: string): Json[] {
  const minimalRepo = (r: RepoRecord): Json => ({ id: r.id, url: `${state.apiBase}/repos/${r.fullName}`, name: r.name });
  return state.pullsForCheck(repo, sha).map((pr) => ({
    url: `${state.apiBase}/repos/${repo.fullName}/pulls/${pr.number}`,
    id: pr.id,
    number: pr.number,
    head: { ref: pr.headRef, sha: pr.headSha, repo: minimalRepo(state.requireRepo(pr.headRepo)) },
    base: { ref: pr.baseRef, sha: pr.baseSha, repo: minimalRepo(repo) },
  }));
}

export function checkSuiteJson(state: EmulatorState, suite: CheckSuiteRecord): Json {
  const repo = state.requireRepo(suite.repo);
  const runs = [...state.checkRuns.values()].filter((r) => r.checkSuiteId === suite.id);
  const commit = state.commits.get(suite.headSha);
  const allDone = runs.length > 0 && runs.every((r) => r.status === "completed");
  return {
    id: suite.id,
    node_id: nodeId("CheckSuite", suite.id),
    head_branch: suite.headBranch,
    head_sha: suite.headSha,
    status: runs.length === 0 ? "queued" : allDone ? "completed" : "in_progress",
    conclusion: allDone ? suiteConclusion(runs) : null,
    url: `${state.apiBase}/repos/${repo.fullName}/check-suites/${suite.id}`,
    before: commit?.parents[0] ?? "0000000000000000000000000000000000000000",
    after: suite.headSha,
    pull_requests: pullRefsJson(state, repo, suite.headSha),
    app: appJson(state),
    created_at: suite.createdAt,
    updated_at: suite.updatedAt,
    latest_check_runs_count: runs.length,
    check_runs_url: `${state.apiBase}/repos/${repo.fullName}/check-suites/${suite.id}/check-runs`,
    head_commit: commit ? simpleCommitJson(commit) : null,
  };
}

function suiteConclusion(runs: CheckRunRecord[]): string {
  const order = ["action_required", "cancelled", "timed_out", "failure", "neutral", "skipped", "success"];
  return runs.map((r) => r.conclusion ?? "neutral").sort((a, b) => order.indexOf(a) - order.indexOf(b))[0] ?? "success";
}

export function simpleCommitJson(commit: CommitRecord): Json {
  return {
    id: commit.sha,
    tree_id: commit.tree,
    message: commit.message,
    timestamp: commit.committer.date,
    author: { name: commit.author.name, email: commit.author.email },
    committer: { name: commit.committer.name, email: commit.committer.email },
  };
}

/** The REST representation; webhook payloads pass `fullSuite` to embed the whole check suite as GitHub does. */
export function checkRunJson(state: EmulatorState, run: CheckRunRecord, options: { fullSuite?: boolean } = {}): Json {
  const repo = state.requireRepo(run.repo);
  const api = `${state.apiBase}/repos/${repo.fullName}`;
  const suite = state.checkSuites.get(run.checkSuiteId) as CheckSuiteRecord;
  return {
    id: run.id,
    name: run.name,
    node_id: nodeId("CheckRun", run.id),
    head_sha: run.headSha,
    external_id: run.externalId,
    url: `${api}/check-runs/${run.id}`,
    html_url: `${state.baseUrl}/${repo.fullName}/runs/${run.id}`,
    details_url: run.detailsUrl ?? `${state.baseUrl}/apps/${state.app.slug}`,
    status: run.status,
    conclusion: run.conclusion,
    started_at: run.startedAt,
    completed_at: run.completedAt,
    output: {
      title: run.output.title,
      summary: run.output.summary,
      text: run.output.text,
      annotations_count: run.annotations.length,
      annotations_url: `${api}/check-runs/${run.id}/annotations`,
    },
    check_suite: options.fullSuite ? checkSuiteJson(state, suite) : { id: suite.id },
    app: appJson(state),
    pull_requests: pullRefsJson(state, repo, run.headSha),
  };
}

export function annotationJson(state: EmulatorState, run: CheckRunRecord, a: AnnotationRecord): Json {
  return {
    path: a.path,
    blob_href: `${state.baseUrl}/${run.repo}/blob/${run.headSha}/${a.path}`,
    start_line: a.start_line,
    start_column: a.start_column ?? null,
    end_line: a.end_line,
    end_column: a.end_column ?? null,
    annotation_level: a.annotation_level,
    title: a.title ?? "",
    message: a.message,
    raw_details: a.raw_details ?? "",
  };
}

export function fileChangeJson(state: EmulatorState, repo: RepoRecord, headSha: string, f: FileChange): Json {
  const path = f.filename.split("/").map(encodeURIComponent).join("/");
  const json: Json = {
    sha: f.sha,
    filename: f.filename,
    status: f.status,
    additions: f.additions,
    deletions: f.deletions,
    changes: f.additions + f.deletions,
    blob_url: `${state.baseUrl}/${repo.fullName}/blob/${headSha}/${path}`,
    raw_url: `${state.baseUrl}/${repo.fullName}/raw/${headSha}/${path}`,
    contents_url: `${state.apiBase}/repos/${repo.fullName}/contents/${path}?ref=${headSha}`,
  };
  if (f.patch !== undefined) json.patch = f.patch;
  if (f.previousFilename !== undefined) json.previous_filename = f.previousFilename;
  return json;
}

export function gitCommitJson(state: EmulatorState, repo: RepoRecord, commit: CommitRecord): Json {
  const api = `${state.apiBase}/repos/${repo.fullName}`;
  return {
    author: commit.author,
    committer: commit.committer,
    message: commit.message,
    tree: { sha: commit.tree, url: `${api}/git/trees/${commit.tree}` },
    url: `${api}/git/commits/${commit.sha}`,
    comment_count: 0,
    verification: { verified: false, reason: "unsigned", signature: null, payload: null, verified_at: null },
  };
}

export function commitJson(state: EmulatorState, repo: RepoRecord, commit: CommitRecord, files?: FileChange[]): Json {
  const api = `${state.apiBase}/repos/${repo.fullName}`;
  const json: Json = {
    sha: commit.sha,
    node_id: nodeId("Commit", parseInt(commit.sha.slice(0, 8), 16)),
    commit: gitCommitJson(state, repo, commit),
    url: `${api}/commits/${commit.sha}`,
    html_url: `${state.baseUrl}/${repo.fullName}/commit/${commit.sha}`,
    comments_url: `${api}/commits/${commit.sha}/comments`,
    author: userJson(state, commit.authorLogin),
    committer: userJson(state, commit.authorLogin),
    parents: commit.parents.map((p) => ({ sha: p, url: `${api}/commits/${p}`, html_url: `${state.baseUrl}/${repo.fullName}/commit/${p}` })),
  };
  if (files) {
    json.stats = {
      total: files.reduce((n, f) => n + f.additions + f.deletions, 0),
      additions: files.reduce((n, f) => n + f.additions, 0),
      deletions: files.reduce((n, f) => n + f.deletions, 0),
    };
    json.files = files.map((f) => fileChangeJson(state, repo, commit.sha, f));
  }
  return json;
}
