/**
 * `issue_comment` events against the in-memory GitHub: which comments start work, the eyes
 * reaction, the re-check of the pull request's current head, and void notices for edits.
 */
import { describe, expect, test } from "@jest/globals";
import { ConfigLoader } from "../../src/pipeline/read/config.js";
import { HeadTracker } from "../../src/app/head-tracker.js";
import { JobRunner } from "../../src/app/job-runner.js";
import { ManifestStore } from "../../src/pipeline/read/manifest-store.js";
import { shippedPolicySources } from "../../src/app/shipped-sources.js";
import { KeyedLock } from "../../src/pipeline/keyed-lock.js";
import type { RepoRef } from "../../src/github/gateway.js";
import { EventHandlers, type WebhookEvent } from "../../src/app/event-handlers.js";
import { CommentHandlers } from "../../src/app/comment-handlers.js";
import { FakeGitHub, type FakeComment } from "./fake-github.js";
import { BREAKOUT_POD, silentLog } from "./fixtures.js";

const repo: RepoRef = { owner: "acme", repo: "shop" };
const repository = { id: 77, name: "shop", full_name: "acme/shop", owner: { login: "acme" } };
const REQUEST = "/policy-exception pod-security-baseline Pod/default/r00t\nReason: incident INC-42 debugging";

function setup() {
  const github = new FakeGitHub().addRepo(repo);
  github.addRepo(
    { owner: "acme", repo: ".github" },
    { ".github/kube-policy.yml": "exceptions:\n  approvers:\n    - team: platform-security\n" },
  );
  github.setTeamMember("acme", "platform-security", "alice");
  // The checks run on the real clock: so are the comments, or the exceptions would have expired.
  // `later` moves GitHub's clock on, so a comment comes in a later second than a check it follows.
  let skew = 0;
  github.clock = () => new Date(Date.now() + skew);
  const runner = new JobRunner(silentLog);
  const checks = new EventHandlers({
    config: new ConfigLoader({ shippedSources: shippedPolicySources }),
    manifests: new ManifestStore(),
    heads: new HeadTracker(),
    runner,
    pipelineOptions: { completionRetryDelaysMs: [0], commentExceptions: { lock: new KeyedLock() } },
  });
  const comments = new CommentHandlers({ checks, runner });
  let delivery = 0;
  const send = (
    action: string,
    comment: FakeComment,
    extra: Record<string, unknown> = {},
    options: { issue?: Record<string, unknown>; id?: string } = {},
  ): string => {
    const id = options.id ?? `delivery-${++delivery}`;
    const event: WebhookEvent = {
      id,
      name: "issue_comment",
      payload: {
        action,
        repository,
        issue: options.issue ?? { number: 1, pull_request: { url: "https://api.github.example/repos/acme/shop/pulls/1" } },
        comment: { ...comment, reactions: undefined, pull: undefined },
        sender: comment.user,
        ...extra,
      },
      gateway: github,
      log: silentLog,
    };
    comments.issueComment(event);
    return id;
  };
  /** The pull request as opened, and checked: what an approver looks at before commenting. */
  const opened = async () => {
    const pull = github.openPullRequest(repo, 1, { files: { "pod.yaml": BREAKOUT_POD } });
    const payload = {
      action: "opened",
      repository,
      pull_request: { number: 1, head: { sha: pull.headSha }, base: { ref: pull.baseRef }, user: { login: "octocat" } },
    };
    checks.pullRequest({ id: `delivery-${++delivery}`, name: "pull_request", payload, gateway: github, log: silentLog });
    await runner.drain();
    skew += 2000;
    return pull;
  };
  return { github, runner, send, opened };
}

function ours(github: FakeGitHub) {
  return github.commentsOn(repo, 1).filter((comment) => comment.user?.login === github.botLogin);
}

describe("issue_comment.created", () => {
  test("a command gets eyes, then the pull request's current head is checked, which answers it", async () => {
    const { github, runner, send, opened } = setup();
    const pull = await opened();
    const comment = github.addComment(repo, 1, "alice", REQUEST);
    send("created", comment);
    await runner.drain();
    expect(comment.reactions).toEqual(["eyes", "+1"]);
    expect(github.checkRuns.map((run) => run.conclusion)).toEqual(["failure", "success"]);
    expect(github.checkRuns.at(-1)).toEqual(expect.objectContaining({ headSha: pull.headSha, status: "completed", conclusion: "success" }));
    expect(ours(github)).toHaveLength(1);
  });

  test("a redelivered comment event re-checks but does not answer twice", async () => {
    const { github, runner, send, opened } = setup();
    await opened();
    const comment = github.addComment(repo, 1, "alice", REQUEST);
    const id = send("created", comment);
    await runner.drain();
    send("created", comment, {}, { id });
    await runner.drain();
    expect(github.checkRuns.map((run) => run.conclusion)).toEqual(["failure", "success", "success"]);
    expect(ours(github)).toHaveLength(1);
  });

  test("comments without a command, by bots, or on issues start nothing", async () => {
    const { github, runner, send } = setup();
    github.openPullRequest(repo, 1, { files: { "pod.yaml": BREAKOUT_POD } });
    send("created", github.addComment(repo, 1, "bob", "Why does this need /policy-exception at all?"));
    send("created", github.addComment(repo, 1, "renovate[bot]", REQUEST, { type: "Bot" }));
    send("created", github.addComment(repo, 1, github.botLogin, REQUEST, { type: "Bot" }));
    send("created", github.addComment(repo, 1, "alice", REQUEST), {}, { issue: { number: 1 } });
    await runner.drain();
    expect(github.calls).toEqual([]);
  });

  test("a comment on a closed pull request is acknowledged but checks nothing", async () => {
    const { github, runner, send } = setup();
    github.openPullRequest(repo, 1, { files: { "pod.yaml": BREAKOUT_POD } });
    github.closePullRequest(repo, 1);
    const comment = github.addComment(repo, 1, "alice", REQUEST);
    send("created", comment);
    await runner.drain();
    expect(comment.reactions).toEqual(["eyes"]);
    expect(github.checkRuns).toEqual([]);
  });
});

describe("issue_comment.edited and deleted", () => {
  test("someone else editing a granted request voids it: a notice, then a check that fails again", async () => {
    const { github, runner, send, opened } = setup();
    await opened();
    const request = github.addComment(repo, 1, "alice", REQUEST);
    send("created", request);
    await runner.drain();
    expect(github.checkRuns.at(-1)?.conclusion).toBe("success");

    const before = request.body;
    request.body = `${REQUEST} (typo fixed)`;
    const edit = send("edited", request, { changes: { body: { from: before } }, sender: { login: "mallory", type: "User" } });
    await runner.drain();
    const notice = ours(github).at(-1);
    expect(notice?.body).toMatch(/was edited by @mallory, who did not write it/);
    expect(notice?.body).toMatch(new RegExp(`kube-policy-bot:void comment=${request.id}`));
    expect(github.checkRuns.at(-1)?.conclusion).toBe("failure");

    // A redelivery of the same edit does not post the notice twice.
    const notices = ours(github).length;
    send("edited", request, { changes: { body: { from: before } }, sender: { login: "mallory", type: "User" } }, { id: edit });
    await runner.drain();
    expect(ours(github)).toHaveLength(notices);
  });

  test("deleting a granted request withdraws the exception: the re-check fails and says why", async () => {
    const { github, runner, send, opened } = setup();
    await opened();
    const request = github.addComment(repo, 1, "alice", REQUEST);
    send("created", request);
    await runner.drain();
    expect(github.checkRuns.at(-1)?.conclusion).toBe("success");

    github.comments.splice(github.comments.indexOf(request), 1);
    send("deleted", request);
    await runner.drain();
    const run = github.checkRuns.at(-1);
    expect(run?.conclusion).toBe("failure");
    expect(run?.output?.summary).toMatch(
      new RegExp(`the comment requesting E${request.id} was deleted, so the exception no longer applies`),
    );
  });

  test("the author editing their own pending request needs no notice, only a re-check", async () => {
    const { github, runner, send } = setup();
    github.openPullRequest(repo, 1, { files: { "pod.yaml": BREAKOUT_POD } });
    const request = github.addComment(repo, 1, "octocat", REQUEST);
    const before = request.body;
    request.body = REQUEST.replace("INC-42", "INC-43");
    send("edited", request, { changes: { body: { from: before } } });
    await runner.drain();
    expect(github.count("createIssueComment")).toBe(1); // the check's answer to the request, no notice
    expect(ours(github)[0]?.body).toMatch(/requested/);
    expect(github.checkRuns).toHaveLength(1);
  });

  test("edits of comments that never held a command cost nothing", async () => {
    const { github, runner, send } = setup();
    github.openPullRequest(repo, 1, { files: { "pod.yaml": BREAKOUT_POD } });
    const chat = github.addComment(repo, 1, "bob", "looks good");
    send("edited", chat, { changes: { body: { from: "looks goood" } }, sender: { login: "mallory", type: "User" } });
    send("deleted", chat);
    await runner.drain();
    expect(github.calls).toEqual([]);
  });
});
