/**
 * The exception step inside a real check, against the in-memory GitHub: comments in, replies,
 * reactions, notices and the summary's Exceptions section out, and what it costs in requests.
 */
import { describe, expect, test } from "@jest/globals";
import { ConfigLoader } from "../../src/pipeline/read/config.js";
import { ManifestStore } from "../../src/pipeline/read/manifest-store.js";
import { runPipeline, type PipelineDeps } from "../../src/pipeline/run.js";
import { shippedPolicySources } from "../../src/app/shipped-sources.js";
import type { CheckTarget, PullRequestTarget } from "../../src/pipeline/target.js";
import { KeyedLock } from "../../src/pipeline/keyed-lock.js";
import { GitHubApiError, type RepoRef } from "../../src/github/gateway.js";
import { mergeGroupTarget } from "../../src/pipeline/read/targets.js";
import { FakeGitHub } from "./fake-github.js";
import { BREAKOUT_POD, COMPLIANT_DEPLOYMENT, silentLog } from "./fixtures.js";

const repo: RepoRef = { owner: "acme", repo: "shop" };
const orgRepo: RepoRef = { owner: "acme", repo: ".github" };
const DAY = 24 * 60 * 60 * 1000;
const GRANTED_AT = new Date("2025-06-01T11:00:00Z");

const ORG_CONFIG = "exceptions:\n  approvers:\n    - team: platform-security\n";
const REQUEST = "/policy-exception pod-security-baseline Pod/default/r00t --expires 14d\nReason: node debugging pod for incident INC-42";

function setup(options: { orgFiles?: Record<string, string>; baseFiles?: Record<string, string>; now?: Date } = {}) {
  const github = new FakeGitHub().addRepo(repo, options.baseFiles ?? {});
  github.addRepo(orgRepo, options.orgFiles ?? { ".github/kube-policy.yml": ORG_CONFIG });
  github.setTeamMember("acme", "platform-security", "alice");
  // GitHub's clock: the first check completes a minute before the comments are written.
  let githubNow = new Date(GRANTED_AT.getTime() - 60_000);
  github.clock = () => githubNow;
  let now = options.now ?? new Date("2025-06-01T12:00:00Z");
  const deps: PipelineDeps = {
    config: new ConfigLoader({ shippedSources: shippedPolicySources }),
    manifests: new ManifestStore(),
    log: silentLog,
    now: () => now,
    completionRetryDelaysMs: [0, 0, 0],
    commentExceptions: { lock: new KeyedLock() },
  };
  /** The check of the opened pull request, which an approver then looks at before commenting. */
  const open = async (target: CheckTarget) => {
    const run = await check(github, target, deps);
    githubNow = GRANTED_AT;
    return run;
  };
  return { github, deps, open, setNow: (date: Date) => (now = date) };
}

function pullRequest(github: FakeGitHub, number: number, files: Record<string, string>, author = "octocat"): PullRequestTarget {
  const pull = github.openPullRequest(repo, number, { files, author });
  return { kind: "pull_request", repo, number, headSha: pull.headSha, baseRef: pull.baseRef, changedFiles: pull.changedFiles, author };
}

async function check(github: FakeGitHub, target: CheckTarget, deps: PipelineDeps) {
  const report = await runPipeline(github, target, deps, "delivery-1");
  // As the app's job runner does: the review of suggested changes follows the completed check.
  await report.followUp?.();
  const run = github.checkRuns.find((candidate) => candidate.id === report.checkRunId);
  if (!run) throw new Error("no check run");
  return run;
}

function ourReplies(github: FakeGitHub, number: number) {
  return github.commentsOn(repo, number).filter((comment) => comment.user?.login === github.botLogin);
}

describe("comment exceptions in the pull request check", () => {
  test("an approver's exception turns the failing check green: notices, a reply with the grant, +1", async () => {
    const { github, deps, open } = setup();
    const target = pullRequest(github, 1, { "deploy/pod.yaml": BREAKOUT_POD });
    await open(target);
    const request = github.addComment(repo, 1, "alice", REQUEST);

    const run = await check(github, target, deps);
    expect(run.conclusion).toBe("success");
    const levels = new Set(
      run.annotations
        .filter((annotation) => annotation.title?.startsWith("pod-security-baseline"))
        .map((annotation) => annotation.annotation_level),
    );
    expect(levels).toEqual(new Set(["notice"]));
    const privileged = run.annotations.find((annotation) => annotation.title === "pod-security-baseline/privileged");
    expect(privileged?.message).toMatch(
      new RegExp(
        `Excepted by E${request.id} \\(comment .*\\), approved by alice until 2025-06-15T11:00:00.000Z: node debugging pod for incident INC-42`,
      ),
    );
    expect(run.output?.summary).toMatch(/### Exceptions/);
    expect(run.output?.summary).toMatch(new RegExp(`\\*\\*Active\\*\\* \\(1\\)[\\s\\S]*E${request.id}.*alice.*2025-06-15T11:00:00.000Z`));

    const [reply] = ourReplies(github, 1);
    expect(reply?.body).toMatch(
      new RegExp(`Exception E${request.id} granted\\*\\* by @alice \\(active member of team platform-security\\)`),
    );
    expect(reply?.body).toMatch(/kind: PolicyException/);
    expect(reply?.body).toMatch(/kube-policy-bot:grant /);
    expect(request.reactions).toEqual(["+1"]);
  });

  test("a second evaluation answers nothing again, applies the recorded grant, and costs one comment read plus lookups", async () => {
    const { github, deps, open } = setup();
    const target = pullRequest(github, 1, { "deploy/pod.yaml": BREAKOUT_POD });
    await open(target);
    github.addComment(repo, 1, "alice", REQUEST);
    await check(github, target, deps);
    github.calls.length = 0;

    const run = await check(github, target, deps);
    expect(run.conclusion).toBe("success");
    expect(ourReplies(github, 1)).toHaveLength(1);
    // The calls of the check itself: the review of suggested changes comes after the check run is complete.
    const checkCalls = github.calls.slice(
      0,
      github.calls.findIndex((call) => call.method === "updateCheckRun"),
    );
    const exceptionCalls = checkCalls
      .map((call) => call.method)
      .filter((method) =>
        [
          "listIssueComments",
          "getBotLogin",
          "getTeamMembership",
          "getCollaboratorPermission",
          "createIssueComment",
          "createCommentReaction",
          "getPullRequest",
        ].includes(method),
      );
    // One page of comments, who the bot is (cached per process by the real gateway), one membership read for alice.
    expect(exceptionCalls).toEqual(["listIssueComments", "getBotLogin", "getTeamMembership"]);
  });

  test("two evaluations of the same pull request at once answer a command once", async () => {
    const { github, deps, open } = setup();
    const target = pullRequest(github, 1, { "deploy/pod.yaml": BREAKOUT_POD });
    await open(target);
    const request = github.addComment(repo, 1, "alice", REQUEST);
    const runs = await Promise.all([runPipeline(github, target, deps, "delivery-1"), runPipeline(github, target, deps, "delivery-2")]);
    expect(runs.map((report) => report.conclusion)).toEqual(["success", "success"]);
    expect(ourReplies(github, 1)).toHaveLength(1);
    expect(request.reactions).toEqual(["+1"]);
  });

  test("a pull request without any exception comment costs one comment read, nothing else", async () => {
    const { github, deps } = setup();
    const target = pullRequest(github, 1, { "deploy/pod.yaml": BREAKOUT_POD });
    github.addComment(repo, 1, "bob", "LGTM, but please drop hostPID");
    const run = await check(github, target, deps);
    expect(run.conclusion).toBe("failure");
    expect(github.count("listIssueComments")).toBe(1);
    const checkCalls = github.calls.slice(
      0,
      github.calls.findIndex((call) => call.method === "updateCheckRun"),
    );
    expect(checkCalls.filter((call) => call.method === "getBotLogin")).toEqual([]);
    expect(github.count("getTeamMembership")).toBe(0);
    expect(run.output?.summary).not.toMatch(/### Exceptions/);
  });

  test("the pull request's author cannot grant their own exception, even as an approver: refused with -1 and a reason", async () => {
    const { github, deps, open } = setup();
    const target = pullRequest(github, 1, { "deploy/pod.yaml": BREAKOUT_POD }, "alice");
    await open(target);
    const request = github.addComment(repo, 1, "alice", REQUEST);
    const run = await check(github, target, deps);
    expect(run.conclusion).toBe("failure");
    const [reply] = ourReplies(github, 1);
    // A request that nobody else approved yet is pending; the reply says why alice's own word does not count.
    expect(reply?.body).toMatch(/opened this pull request, and nobody can approve an exception on their own pull request/);
    expect(run.output?.summary).toMatch(/Awaiting approval/);

    const approval = github.addComment(repo, 1, "alice", `/policy-exception approve E${request.id}`);
    const again = await check(github, target, deps);
    expect(again.conclusion).toBe("failure");
    expect(approval.reactions).toEqual(["-1"]);
    expect(ourReplies(github, 1)[1]?.body).toMatch(/Refused: approve E\d+/);
  });

  test("a request by anyone, approved by an approver, applies from the approval on", async () => {
    const { github, deps, open } = setup();
    const target = pullRequest(github, 1, { "deploy/pod.yaml": BREAKOUT_POD });
    await open(target);
    const request = github.addComment(repo, 1, "octocat", REQUEST);
    expect((await check(github, target, deps)).conclusion).toBe("failure");
    expect(ourReplies(github, 1)[0]?.body).toMatch(/requested/);

    const approval = github.addComment(repo, 1, "alice", `/policy-exception approve E${request.id}`);
    const run = await check(github, target, deps);
    expect(run.conclusion).toBe("success");
    expect(approval.reactions).toEqual(["+1"]);
    expect(ourReplies(github, 1)[1]?.body).toMatch(/granted\*\* by @alice/);
  });

  test("an exception that has expired stops applying, and the summary lists it as expired", async () => {
    const { github, deps, open, setNow } = setup();
    const target = pullRequest(github, 1, { "deploy/pod.yaml": BREAKOUT_POD });
    await open(target);
    github.addComment(repo, 1, "alice", REQUEST);
    expect((await check(github, target, deps)).conclusion).toBe("success");

    setNow(new Date(GRANTED_AT.getTime() + 14 * DAY + 1000));
    const run = await check(github, target, deps);
    expect(run.conclusion).toBe("failure");
    expect(run.output?.summary).toMatch(/\*\*Expired\*\* \(1\)[\s\S]*expired at 2025-06-15T11:00:00.000Z/);
    expect(ourReplies(github, 1)).toHaveLength(1);
  });

  test("a push that changes the excused content blocks again; the same content in a new push stays excused", async () => {
    const { github, deps, open } = setup();
    const first = pullRequest(github, 1, { "deploy/pod.yaml": BREAKOUT_POD });
    await open(first);
    github.addComment(repo, 1, "alice", REQUEST.replace("pod-security-baseline", "pod-security-baseline/privileged"));
    expect(
      (await check(github, first, deps)).annotations
        .filter((annotation) => annotation.title === "pod-security-baseline/privileged")
        .map((a) => a.annotation_level),
    ).toEqual(["notice"]);

    // Same pod, moved down a line by a comment: same content, still excused.
    const moved = pullRequest(github, 1, { "deploy/pod.yaml": `# moved\n${BREAKOUT_POD}` });
    const movedRun = await check(github, moved, deps);
    expect(movedRun.annotations.find((annotation) => annotation.title === "pod-security-baseline/privileged")?.annotation_level).toBe(
      "notice",
    );

    // A second privileged container is new content: it blocks.
    const changed = pullRequest(github, 1, {
      "deploy/pod.yaml": BREAKOUT_POD.replace(
        "    - name: shell",
        "    - name: shell2\n      image: busybox\n      securityContext:\n        privileged: true\n    - name: shell",
      ),
    });
    const changedRun = await check(github, changed, deps);
    const privileged = changedRun.annotations
      .filter((annotation) => annotation.title === "pod-security-baseline/privileged")
      .map((annotation) => annotation.annotation_level)
      .sort();
    expect(privileged).toEqual(["failure", "notice"]);
  });

  test("a malformed command gets a reply saying what is wrong, with a working example, and -1", async () => {
    const { github, deps } = setup();
    const target = pullRequest(github, 1, { "deploy/pod.yaml": BREAKOUT_POD });
    const bad = github.addComment(repo, 1, "alice", "/policy-exception pod-security-baseline pod/r00t\nReason: debugging");
    await check(github, target, deps);
    const [reply] = ourReplies(github, 1);
    expect(reply?.body).toMatch(/I could not read the command on line 1/);
    expect(reply?.body).toMatch(/did you mean Pod\?/);
    expect(reply?.body).toMatch(/A command that works:/);
    expect(bad.reactions).toEqual(["-1"]);
  });

  test("commands are answered even when the pull request changes no manifest", async () => {
    const { github, deps, open } = setup();
    const target = pullRequest(github, 1, { "docs/readme.md": "# docs\n" });
    await open(target);
    github.addComment(repo, 1, "alice", "/policy-exception help");
    const run = await check(github, target, deps);
    expect(run.conclusion).toBe("success");
    expect(ourReplies(github, 1)[0]?.body).toMatch(/scoped, approved, expiring exception/);
  });

  test("a failed membership lookup fails the check instead of answering with a refusal", async () => {
    const { github, deps, open } = setup();
    const target = pullRequest(github, 1, { "deploy/pod.yaml": COMPLIANT_DEPLOYMENT });
    await open(target);
    github.addComment(repo, 1, "alice", REQUEST);
    github.failNext(
      "getTeamMembership",
      new GitHubApiError("checking whether alice is a member of team acme/platform-security", 502, "Bad Gateway"),
    );
    const run = await check(github, target, deps);
    expect(run.conclusion).toBe("failure");
    expect(run.output?.title).toMatch(/Not checked/);
    expect(ourReplies(github, 1)).toEqual([]);
  });

  test("a merge group applies the recorded exceptions of the pull request named by its branch, and answers nothing", async () => {
    const { github, deps, open } = setup();
    const pull = pullRequest(github, 7, { "deploy/pod.yaml": BREAKOUT_POD });
    await open(pull);
    github.addComment(repo, 7, "alice", REQUEST);
    await check(github, pull, deps);
    const replies = ourReplies(github, 7).length;

    const headSha = "c".repeat(40);
    github.setComparison(repo, "b".repeat(40), headSha, { "deploy/pod.yaml": BREAKOUT_POD });
    const group: CheckTarget = { kind: "merge_group", repo, headSha, baseSha: "b".repeat(40), baseRef: "main", pullNumber: 7 };
    const run = await check(github, group, deps);
    expect(run.conclusion).toBe("success");
    expect(ourReplies(github, 7)).toHaveLength(replies);

    const rerun = await check(github, { ...group, pullNumber: undefined } as CheckTarget, deps);
    expect(rerun.conclusion).toBe("failure");
    expect(rerun.output?.summary).toMatch(/none apply here, because this merge group's branch names no pull request/);
  });
});

describe("which pull request a merge group is for", () => {
  test("read from the group's branch, gh-readonly-queue/<base>/pr-<number>-<base sha>", () => {
    const payload = (headRef: string) => ({
      repository: { name: "shop", owner: { login: "acme" } },
      merge_group: { head_sha: "c".repeat(40), base_sha: "b".repeat(40), base_ref: "refs/heads/main", head_ref: headRef },
    });
    expect(mergeGroupTarget(payload(`refs/heads/gh-readonly-queue/main/pr-42-${"b".repeat(40)}`))).toMatchObject({
      kind: "merge_group",
      pullNumber: 42,
    });
    expect(mergeGroupTarget(payload("refs/heads/some-other-branch"))).not.toHaveProperty("pullNumber");
  });
});

describe("PolicyException documents", () => {
  const document = (name: string, expires: string, policy = "pod-security-baseline") => `apiVersion: kube-policy-bot.dev/v1
kind: PolicyException
metadata:
  name: ${name}
spec:
  policies:
    - name: ${policy}
  resources:
    - kinds: [Pod]
      names: [r00t]
  reason: incident tooling, SEC-9
  approver: security-board
  expires: "${expires}"
`;

  test("one from the org repository applies; one past its expires does not and is listed as expired", async () => {
    const { github, deps } = setup({
      orgFiles: {
        ".github/kube-policy.yml": `${ORG_CONFIG}policies:\n  paths: ['exceptions/*.yaml']\n`,
        "exceptions/r00t.yaml": document("r00t-debug", "2025-12-31"),
      },
    });
    const run = await check(github, pullRequest(github, 1, { "deploy/pod.yaml": BREAKOUT_POD }), deps);
    expect(run.conclusion).toBe("success");
    expect(run.annotations.find((annotation) => annotation.title === "pod-security-baseline/privileged")?.message).toMatch(
      /Excepted by r00t-debug \(acme\/\.github:exceptions\/r00t\.yaml:1\), approved by security-board until 2025-12-31T00:00:00.000Z/,
    );

    const expired = setup({
      orgFiles: {
        ".github/kube-policy.yml": `${ORG_CONFIG}policies:\n  paths: ['exceptions/*.yaml']\n`,
        "exceptions/r00t.yaml": document("r00t-debug", "2025-05-31"),
      },
    });
    const failed = await check(expired.github, pullRequest(expired.github, 1, { "deploy/pod.yaml": BREAKOUT_POD }), expired.deps);
    expect(failed.conclusion).toBe("failure");
    expect(failed.output?.summary).toMatch(/\*\*Expired\*\* \(1\)[\s\S]*r00t-debug/);

    // A pull request the document does not concern does not list it.
    const unrelated = await check(
      expired.github,
      pullRequest(expired.github, 2, { "deploy/web.yaml": COMPLIANT_DEPLOYMENT }),
      expired.deps,
    );
    expect(unrelated.output?.summary).not.toMatch(/r00t-debug/);
  });

  test("one naming a policy that does not exist is a configuration error", async () => {
    const { github, deps } = setup({
      orgFiles: {
        ".github/kube-policy.yml": `${ORG_CONFIG}policies:\n  paths: ['exceptions/*.yaml']\n`,
        "exceptions/r00t.yaml": document("r00t-debug", "2025-12-31", "pod-security-basline"),
      },
    });
    const run = await check(github, pullRequest(github, 1, { "deploy/pod.yaml": BREAKOUT_POD }), deps);
    expect(run.output?.title).toMatch(/Configuration error/);
    expect(run.output?.summary).toMatch(
      /names policy "pod-security-basline", which is not loaded \(did you mean "?pod-security-baseline"?\?\)/,
    );
  });

  test("a repository cannot except an org policy that is not overridable; it may when the org allows overriding it", async () => {
    const repoFiles = {
      ".github/kube-policy.yml": "policies:\n  paths: ['policy/*.yaml']\n",
      "policy/r00t.yaml": document("r00t-debug", "2025-12-31"),
    };
    const { github, deps } = setup({ baseFiles: repoFiles });
    const run = await check(github, pullRequest(github, 1, { "deploy/pod.yaml": BREAKOUT_POD }), deps);
    expect(run.output?.title).toMatch(/Configuration error/);
    expect(run.output?.summary).toMatch(/a repository cannot except it/);

    const allowed = setup({
      baseFiles: repoFiles,
      orgFiles: { ".github/kube-policy.yml": `${ORG_CONFIG}policies:\n  overridable: [pod-security-baseline]\n` },
    });
    const passed = await check(allowed.github, pullRequest(allowed.github, 1, { "deploy/pod.yaml": BREAKOUT_POD }), allowed.deps);
    expect(passed.conclusion).toBe("success");
  });
});
