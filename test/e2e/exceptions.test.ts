/**
 * `/policy-exception` end to end: the real app process against the GitHub emulator. People comment
 * on pull requests, the app reacts, replies and re-checks; the check run is read back.
 */
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { hardenedDeployment } from "../fixtures/manifests.js";
import { startE2E, type CheckRunView, type E2E } from "../../emulator/harness.js";

const BOT = "kube-policy-bot[bot]";

/** Compliant with both Pod Security levels; only the org's registry policy judges the image. */
const deployment = (name: string, image: string): string => hardenedDeployment({ name, image });

const REGISTRY_POLICY = `apiVersion: constraints.gatekeeper.sh/v1beta1
kind: K8sAllowedRepos
metadata:
  name: registry-only
spec:
  enforcementAction: deny
  parameters:
    repos: ["registry.example.com/"]
`;

const ORG_CONFIG = `exceptions:
  approvers:
    - team: platform-security
  maxDuration: 30d
policies:
  paths: ['policies/*.yaml']
`;

let e2e: E2E;
let repoCounter = 0;

function newRepo(): string {
  const name = `acme/shop-${++repoCounter}`;
  e2e.github.createRepo(name);
  return name;
}

/** A PR whose only blocking finding is registry-only on Deployment shop/<name>; resolves once its first check completed and was read. */
async function failingPullRequest(options: { author?: string; name?: string; image?: string } = {}) {
  const repo = newRepo();
  const name = options.name ?? "miner";
  const pr = await e2e.github.openPullRequest({
    repo,
    author: options.author ?? "octocat",
    files: { "deploy/app.yaml": deployment(name, options.image ?? "docker.io/evil/miner:1.0") },
  });
  const first = await e2e.waitForCheckRun(repo, pr.headSha);
  expect(first.conclusion).toBe("failure");
  // Someone reads the check run before commenting: GitHub's timestamps (whole seconds) put the
  // comment after the run's completion, which is what binds a grant to the findings it showed.
  e2e.github.advanceClock(2000);
  return { repo, pr, first };
}

/** The next completed run on `sha` after `after` (a re-check). */
function nextRun(repo: string, sha: string, after: CheckRunView): Promise<CheckRunView> {
  return e2e.waitForCheckRun(repo, sha, { until: (run) => run.id > after.id && run.status === "completed" });
}

function replies(repo: string, number: number) {
  return e2e.github.comments(repo, number).filter((comment) => comment.user.login === BOT);
}

function reactionsOf(commentId: number): string[] {
  return e2e.github
    .reactions(commentId)
    .filter((reaction) => reaction.user.login === BOT)
    .map((reaction) => reaction.content);
}

const REQUEST = (name = "miner") =>
  `/policy-exception registry-only Deployment/shop/${name} --expires 7d\nReason: vendor image until the mirror exists, SEC-77`;

beforeAll(async () => {
  e2e = await startE2E();
  e2e.github.createOrg("acme", { members: { alice: "member", bob: "member", carol: "member" } });
  e2e.github.createTeam("acme", "platform-security", { members: { alice: "member" } });
  e2e.github.createRepo("acme/.github", { files: { ".github/kube-policy.yml": ORG_CONFIG, "policies/registry.yaml": REGISTRY_POLICY } });
  e2e.github.install("acme");
});

afterAll(async () => {
  await e2e?.stop();
});

describe("granting", () => {
  test("an approver's exception turns the failing check green, with eyes, +1, a reply and notice annotations", async () => {
    const { repo, pr, first } = await failingPullRequest();
    const request = await e2e.github.comment({ repo, number: pr.number, author: "alice", body: REQUEST() });
    const run = await nextRun(repo, pr.headSha, first);

    expect(run.conclusion).toBe("success");
    const notice = run.annotations.find((annotation) => annotation.title === "registry-only/K8sAllowedRepos");
    expect(notice?.annotation_level).toBe("notice");
    expect(notice?.message).toMatch(
      new RegExp(
        `Excepted by E${request.id} \\(comment .*#issuecomment-${request.id}\\), approved by alice until \\d{4}-\\d{2}-\\d{2}T.*: vendor image until the mirror exists, SEC-77`,
      ),
    );
    expect(run.output.summary).toMatch(/### Exceptions/);
    expect(run.output.summary).toMatch(new RegExp(`\\*\\*Active\\*\\* \\(1\\)[\\s\\S]*E${request.id}`));

    expect(reactionsOf(request.id)).toEqual(["eyes", "+1"]);
    const [reply] = replies(repo, pr.number);
    expect(reply?.body).toMatch(
      new RegExp(`Exception E${request.id} granted\\*\\* by @alice \\(active member of team platform-security\\)`),
    );
    expect(reply?.body).toMatch(/- Resources: `Deployment\/shop\/miner`/);
    expect(reply?.body).toMatch(/kind: PolicyException/);
  });

  test("`requested` by the author, then `approve` by an approver, works", async () => {
    const { repo, pr, first } = await failingPullRequest();
    const request = await e2e.github.comment({ repo, number: pr.number, author: "octocat", body: REQUEST() });
    const pending = await nextRun(repo, pr.headSha, first);
    expect(pending.conclusion).toBe("failure");
    expect(pending.output.summary).toMatch(/Awaiting approval/);
    expect(replies(repo, pr.number)[0]?.body).toMatch(new RegExp(`Exception E${request.id} requested`));
    expect(reactionsOf(request.id)).toEqual(["eyes"]);

    const approval = await e2e.github.comment({
      repo,
      number: pr.number,
      author: "alice",
      body: `/policy-exception approve E${request.id}`,
    });
    const granted = await nextRun(repo, pr.headSha, pending);
    expect(granted.conclusion).toBe("success");
    expect(reactionsOf(approval.id)).toEqual(["eyes", "+1"]);
    expect(replies(repo, pr.number)[1]?.body).toMatch(/granted\*\* by @alice/);
  });
});

describe("refusing", () => {
  // Replies repeat logins from reasons with a zero-width space after the @: quoting must not ping anyone.
  test("the pull request's author cannot approve their own exception, even as an approver", async () => {
    const { repo, pr, first } = await failingPullRequest({ author: "alice" });
    const request = await e2e.github.comment({ repo, number: pr.number, author: "alice", body: REQUEST() });
    const afterRequest = await nextRun(repo, pr.headSha, first);
    expect(afterRequest.conclusion).toBe("failure");
    const approval = await e2e.github.comment({
      repo,
      number: pr.number,
      author: "alice",
      body: `/policy-exception approve E${request.id}`,
    });
    const run = await nextRun(repo, pr.headSha, afterRequest);

    expect(run.conclusion).toBe("failure");
    expect(reactionsOf(approval.id)).toEqual(["eyes", "-1"]);
    expect(replies(repo, pr.number)[1]?.body).toMatch(
      /Refused: approve E\d+\.\*\* @\u200b?alice opened this pull request, and nobody can approve an exception on their own pull request/,
    );
  });

  test("an approval by someone outside the approver team is refused", async () => {
    const { repo, pr, first } = await failingPullRequest();
    const request = await e2e.github.comment({ repo, number: pr.number, author: "octocat", body: REQUEST() });
    const afterRequest = await nextRun(repo, pr.headSha, first);
    const approval = await e2e.github.comment({
      repo,
      number: pr.number,
      author: "carol",
      body: `/policy-exception approve E${request.id}`,
    });
    const run = await nextRun(repo, pr.headSha, afterRequest);

    expect(run.conclusion).toBe("failure");
    expect(reactionsOf(approval.id)).toEqual(["eyes", "-1"]);
    expect(replies(repo, pr.number)[1]?.body).toMatch(
      /@\u200b?carol is not an approver for registry-only: approvers are active members of team platform-security/,
    );
  });

  test("a malformed command gets a reply saying exactly what is wrong, with a command that works", async () => {
    const { repo, pr, first } = await failingPullRequest();
    const bad = await e2e.github.comment({
      repo,
      number: pr.number,
      author: "alice",
      body: "/policy-exception registry-only deployment/shop/miner\nReason: vendor image",
    });
    const run = await nextRun(repo, pr.headSha, first);

    expect(run.conclusion).toBe("failure");
    expect(reactionsOf(bad.id)).toEqual(["eyes", "-1"]);
    const [reply] = replies(repo, pr.number);
    expect(reply?.body).toMatch(
      /I could not read the command on line 1:\*\* `deployment` in `deployment\/shop\/miner` is not a kind: .*\(did you mean Deployment\?\)/,
    );
    expect(reply?.body).toMatch(
      /A command that works:\n`+\n\/policy-exception registry-only Deployment\/logging\/fluent-bit --expires 14d\nReason: vendor image\n`+/,
    );
  });
});

describe("what an exception stays bound to", () => {
  test("a push that changes the excused image fails again; an unrelated push stays green", async () => {
    const { repo, pr, first } = await failingPullRequest();
    await e2e.github.comment({ repo, number: pr.number, author: "alice", body: REQUEST() });
    expect((await nextRun(repo, pr.headSha, first)).conclusion).toBe("success");

    const unrelated = await e2e.github.push({
      repo,
      number: pr.number,
      files: { "deploy/other.yaml": deployment("web", "registry.example.com/web:1.0") },
    });
    const unrelatedRun = await e2e.waitForCheckRun(repo, unrelated.headSha);
    expect(unrelatedRun.conclusion).toBe("success");
    expect(unrelatedRun.annotations.find((annotation) => annotation.title === "registry-only/K8sAllowedRepos")?.annotation_level).toBe(
      "notice",
    );

    const changed = await e2e.github.push({
      repo,
      number: pr.number,
      files: { "deploy/app.yaml": deployment("miner", "docker.io/evil/miner:2.0") },
    });
    const changedRun = await e2e.waitForCheckRun(repo, changed.headSha);
    expect(changedRun.conclusion).toBe("failure");
    expect(changedRun.annotations.find((annotation) => annotation.title === "registry-only/K8sAllowedRepos")?.annotation_level).toBe(
      "failure",
    );
    // Granted once, answered once: pushes add no replies.
    expect(replies(repo, pr.number)).toHaveLength(1);
  });

  test("an edit of the request by someone else voids it: a notice, and the check fails again", async () => {
    const { repo, pr, first } = await failingPullRequest();
    const request = await e2e.github.comment({ repo, number: pr.number, author: "alice", body: REQUEST() });
    const granted = await nextRun(repo, pr.headSha, first);
    expect(granted.conclusion).toBe("success");

    await e2e.github.editComment({ id: request.id, editor: "bob", body: REQUEST().replace("SEC-77", "SEC-78") });
    const run = await nextRun(repo, pr.headSha, granted);
    expect(run.conclusion).toBe("failure");
    const notice = replies(repo, pr.number).at(-1);
    expect(notice?.body).toMatch(
      new RegExp(`Comment .*#issuecomment-${request.id} was edited by @bob, who did not write it: anything it granted no longer counts`),
    );
    expect(run.output.summary).toMatch(/Revoked or voided/);
  });
});

describe("what it costs", () => {
  test("re-checking a pull request with one granted exception: one comment read and one membership read more than any check", async () => {
    const { repo, pr, first } = await failingPullRequest();
    await e2e.github.comment({ repo, number: pr.number, author: "alice", body: REQUEST() });
    const granted = await nextRun(repo, pr.headSha, first);
    e2e.github.resetRequests();

    await e2e.github.rerequestCheckRun({ checkRunId: granted.id });
    const rerun = await nextRun(repo, pr.headSha, granted);
    expect(rerun.conclusion).toBe("success");
    const routes = e2e.github.requests().map((request) => `${request.method} ${request.route}`);
    console.log(`requests for a re-run with one granted exception: ${JSON.stringify(routes)}`);
    // The events are the force pushes every check counts; the comments are the exceptions' record.
    expect(routes.filter((route) => route.includes("/issues/")).sort()).toEqual([
      "GET /repos/:owner/:repo/issues/:issue_number/comments",
      "GET /repos/:owner/:repo/issues/:issue_number/events",
    ]);
    expect(routes.filter((route) => route.includes("/teams/"))).toEqual(["GET /orgs/:org/teams/:team_slug/memberships/:username"]);
    // The bot's login was asked once for the process, already.
    expect(routes.filter((route) => route === "GET /app")).toEqual([]);
  });
});

describe("PolicyException documents in the org's .github repository", () => {
  const document = (name: string, pod: string, expires: string) => `apiVersion: kube-policy-bot.dev/v1
kind: PolicyException
metadata:
  name: ${name}
spec:
  policies:
    - name: pod-security-baseline
      rules: [hostNamespaces]
  resources:
    - kinds: [Pod]
      namespaces: [ops]
      names: [${pod}]
  reason: node debugging, reviewed in SEC-12
  approver: security-board
  expires: "${expires}"
`;
  const hostPidPod = (name: string) => `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
  namespace: ops
spec:
  hostPID: true
  containers:
    - name: debug
      image: busybox:1.36
`;

  beforeAll(() => {
    e2e.github.createOrg("initech");
    e2e.github.createRepo("initech/.github", {
      files: {
        ".github/kube-policy.yml": "policies:\n  paths: ['exceptions/*.yaml']\n",
        "exceptions/debug.yaml": `${document("node-debug", "node-debug", "2999-12-31")}---\n${document("old-debug", "old-debug", "2020-01-01")}`,
      },
    });
    e2e.github.install("initech");
    e2e.github.createRepo("initech/ops");
  });

  test("one within its expires applies; one past its expires does not and is listed as expired", async () => {
    const allowed = await e2e.github.openPullRequest({ repo: "initech/ops", files: { "node-debug.yaml": hostPidPod("node-debug") } });
    const allowedRun = await e2e.waitForCheckRun("initech/ops", allowed.headSha);
    expect(allowedRun.conclusion).toBe("success");
    expect(allowedRun.annotations.find((annotation) => annotation.title === "pod-security-baseline/hostNamespaces")?.message).toMatch(
      /Excepted by node-debug \(initech\/\.github:exceptions\/debug\.yaml:1\), approved by security-board until 2999-12-31T00:00:00\.000Z: node debugging, reviewed in SEC-12/,
    );

    const expired = await e2e.github.openPullRequest({ repo: "initech/ops", files: { "old-debug.yaml": hostPidPod("old-debug") } });
    const expiredRun = await e2e.waitForCheckRun("initech/ops", expired.headSha);
    expect(expiredRun.conclusion).toBe("failure");
    expect(expiredRun.annotations.find((annotation) => annotation.title === "pod-security-baseline/hostNamespaces")?.annotation_level).toBe(
      "failure",
    );
    expect(expiredRun.output.summary).toMatch(/\*\*Expired\*\* \(1\)[\s\S]*old-debug[\s\S]*expired at 2020-01-01T00:00:00\.000Z/);
  });
});

describe("the app process", () => {
  test("logged no unhandled rejection, crash or failed background work", () => {
    const lines = e2e.app.logLines();
    expect(lines.filter((line) => /unhandled|uncaught|background check failed/i.test(String(line["msg"])))).toEqual([]);
  });
});
