/**
 * What a `/policy-exception` grant is bound to, end to end (the real app process against the GitHub
 * emulator): the three ways a grant used to cover more than its approver approved, and their
 * variants.
 *
 * 1. A push swapping the excepted container's image (or adding an image to an excepted pod).
 * 2. The app's grant reply deleted while its delete webhook is lost, then a re-check.
 * 3. A push racing the approval: the grant covers what the approver could have seen, the newest head
 *    whose check had completed when the comment was written, not what is there when it is handled.
 *
 * GitHub's timestamps have whole seconds: `settle()` moves the emulator's clock past the second in
 * which the last check completed, as the time a person takes to read a check run before commenting.
 */
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { startE2E, type CheckRunView, type E2E } from "../../emulator/harness.js";

const BOT = "kube-policy-bot[bot]";
const ORG_CONFIG = "exceptions:\n  approvers:\n    - team: platform-security\n";

/** A privileged pod (baseline `privileged` on container "1"), optionally on the host network and with a sidecar. */
function pod(options: { image?: string; hostNetwork?: boolean; sidecar?: string } = {}): string {
  return [
    "apiVersion: v1",
    "kind: Pod",
    "metadata:",
    "  name: r00t",
    "  namespace: default",
    "spec:",
    ...(options.hostNetwork ? ["  hostNetwork: true"] : []),
    "  containers:",
    '    - name: "1"',
    `      image: ${options.image ?? "alpine:3.20"}`,
    "      securityContext:",
    "        privileged: true",
    ...(options.sidecar ? ["    - name: sidecar", `      image: ${options.sidecar}`] : []),
    "",
  ].join("\n");
}

const GRANT_POLICY = "/policy-exception pod-security-baseline Pod/default/r00t --expires 7d\nReason: incident INC-7 debugging pod";
const GRANT_PRIVILEGED =
  "/policy-exception pod-security-baseline/privileged Pod/default/r00t --expires 7d\nReason: incident INC-7 debugging pod";
const GRANT_HOST =
  "/policy-exception pod-security-baseline/hostNamespaces Pod/default/r00t --expires 7d\nReason: node network debugging, INC-8";

let e2e: E2E;
let repoCounter = 0;

beforeAll(async () => {
  e2e = await startE2E();
  e2e.github.createOrg("acme", { members: { alice: "member", bob: "member" } });
  e2e.github.createTeam("acme", "platform-security", { members: { alice: "member" } });
  e2e.github.createRepo("acme/.github", { files: { ".github/kube-policy.yml": ORG_CONFIG } });
  e2e.github.install("acme");
});

afterAll(async () => {
  await e2e?.stop();
});

/** A pull request with `files`, and its first check run (completed). */
async function pullRequest(files: Record<string, string>, options: { deliver?: boolean } = {}) {
  const repo = `acme/ops-${++repoCounter}`;
  e2e.github.createRepo(repo);
  const pr = await e2e.github.openPullRequest({ repo, author: "octocat", files, ...(options.deliver === false ? { deliver: false } : {}) });
  const first = options.deliver === false ? undefined : await e2e.waitForCheckRun(repo, pr.headSha);
  return { repo, number: pr.number, headSha: pr.headSha, first };
}

/** A second passes, as it does while a person reads a check run before commenting (GitHub's timestamps have whole seconds). */
function settle(): void {
  e2e.github.advanceClock(2000);
}

/** The next completed run on `sha` after `after`. */
function nextRun(repo: string, sha: string, after: CheckRunView | undefined): Promise<CheckRunView> {
  return e2e.waitForCheckRun(repo, sha, { until: (run) => run.id > (after?.id ?? 0) && run.status === "completed" });
}

/** Levels of the annotations with this title (e.g. `pod-security-baseline/privileged`), sorted. */
function levels(run: CheckRunView, title: string): string[] {
  return run.annotations
    .filter((annotation) => annotation.title === title || annotation.title.startsWith(`${title} (excepted`))
    .map((annotation) => annotation.annotation_level)
    .sort();
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

const PRIVILEGED = "pod-security-baseline/privileged";
const HOST = "pod-security-baseline/hostNamespaces";

describe("1. the excepted container's image is part of what the grant covers", () => {
  test("swapping the image of a privileged container blocks again; swapping it back is covered again", async () => {
    const pr = await pullRequest({ "attacks/pod.yaml": pod() });
    expect(levels(pr.first as CheckRunView, PRIVILEGED)).toEqual(["failure"]);
    settle();
    await e2e.github.comment({ repo: pr.repo, number: pr.number, author: "alice", body: GRANT_PRIVILEGED });
    const granted = await nextRun(pr.repo, pr.headSha, pr.first);
    expect(granted.conclusion).toBe("success");
    expect(levels(granted, PRIVILEGED)).toEqual(["notice"]);
    expect(replies(pr.repo, pr.number)[0]?.body).toMatch(/on `Pod\/default\/r00t` container `1` \(image `alpine:3.20`\)/);

    const swapped = await e2e.github.push({
      repo: pr.repo,
      number: pr.number,
      files: { "attacks/pod.yaml": pod({ image: "ghcr.io/evil/rootkit:latest" }) },
    });
    const swappedRun = await e2e.waitForCheckRun(pr.repo, swapped.headSha);
    expect(swappedRun.conclusion).toBe("failure");
    expect(levels(swappedRun, PRIVILEGED)).toEqual(["failure"]);

    const back = await e2e.github.push({ repo: pr.repo, number: pr.number, files: { "attacks/pod.yaml": pod() } });
    expect((await e2e.waitForCheckRun(pr.repo, back.headSha)).conclusion).toBe("success");
    // One grant, one reply: pushes are judged against the record, never answered again.
    expect(replies(pr.repo, pr.number)).toHaveLength(1);
  });

  test("a pod-level finding is bound to every image of the pod: adding a container blocks it again", async () => {
    const pr = await pullRequest({ "attacks/pod.yaml": pod({ hostNetwork: true }) });
    settle();
    await e2e.github.comment({ repo: pr.repo, number: pr.number, author: "alice", body: GRANT_HOST });
    const granted = await nextRun(pr.repo, pr.headSha, pr.first);
    expect(levels(granted, HOST)).toEqual(["notice"]);
    expect(levels(granted, PRIVILEGED)).toEqual(["failure"]);

    const sidecar = await e2e.github.push({
      repo: pr.repo,
      number: pr.number,
      files: { "attacks/pod.yaml": pod({ hostNetwork: true, sidecar: "docker.io/evil/sniffer:1" }) },
    });
    const run = await e2e.waitForCheckRun(pr.repo, sidecar.headSha);
    expect(levels(run, HOST)).toEqual(["failure"]);
  });

  test("a request approved later with `approve <id>` is bound the same way", async () => {
    const pr = await pullRequest({ "attacks/pod.yaml": pod() });
    settle();
    const request = await e2e.github.comment({ repo: pr.repo, number: pr.number, author: "octocat", body: GRANT_PRIVILEGED });
    const pending = await nextRun(pr.repo, pr.headSha, pr.first);
    expect(pending.conclusion).toBe("failure");
    settle();
    await e2e.github.comment({ repo: pr.repo, number: pr.number, author: "alice", body: `/policy-exception approve E${request.id}` });
    expect((await nextRun(pr.repo, pr.headSha, pending)).conclusion).toBe("success");

    const swapped = await e2e.github.push({
      repo: pr.repo,
      number: pr.number,
      files: { "attacks/pod.yaml": pod({ image: "alpine:3.21" }) },
    });
    expect(levels(await e2e.waitForCheckRun(pr.repo, swapped.headSha), PRIVILEGED)).toEqual(["failure"]);
  });
});

describe("2. a grant whose record is gone is never bound again", () => {
  test("the grant reply deleted while the delete webhook is lost: the grant is void, hostNetwork and privileged block, and a reply says why", async () => {
    const pr = await pullRequest({ "attacks/pod.yaml": pod() });
    settle();
    const grant = await e2e.github.comment({ repo: pr.repo, number: pr.number, author: "alice", body: GRANT_POLICY });
    const granted = await nextRun(pr.repo, pr.headSha, pr.first);
    expect(granted.conclusion).toBe("success");

    const push = await e2e.github.push({ repo: pr.repo, number: pr.number, files: { "attacks/pod.yaml": pod({ hostNetwork: true }) } });
    const pushed = await e2e.waitForCheckRun(pr.repo, push.headSha);
    expect(levels(pushed, HOST)).toEqual(["failure"]);
    expect(levels(pushed, PRIVILEGED)).toEqual(["notice"]);

    // The PR's author deletes the app's grant reply; the app never hears of it.
    const record = replies(pr.repo, pr.number).find((reply) => reply.body.includes(`grant id=E${grant.id}`));
    await e2e.github.deleteComment({ id: record?.id as number, sender: "octocat", deliver: false });
    await e2e.github.rerequestCheckRun({ checkRunId: pushed.id });
    const rerun = await nextRun(pr.repo, push.headSha, pushed);

    expect(rerun.conclusion).toBe("failure");
    expect(levels(rerun, HOST)).toEqual(["failure"]);
    expect(levels(rerun, PRIVILEGED)).toEqual(["failure"]);
    expect(rerun.output.summary).toMatch(
      new RegExp(`E${grant.id}[\\s\\S]*answer recording what this comment granted is gone|E${grant.id}[\\s\\S]*was answered before`),
    );
    const answers = replies(pr.repo, pr.number);
    expect(answers.some((reply) => /granted\*\* by @alice/.test(reply.body))).toBe(false);
    expect(answers.at(-1)?.body).toMatch(
      /was answered before \(the app reacted 👍 to it\), but the app's reply recording that answer is gone/,
    );

    // The void is recorded: later checks agree without the reaction.
    settle();
    await e2e.github.rerequestCheckRun({ checkRunId: rerun.id });
    const again = await nextRun(pr.repo, push.headSha, rerun);
    expect(again.conclusion).toBe("failure");
    expect(replies(pr.repo, pr.number)).toHaveLength(answers.length);
  });

  test("the reply to an `approve` deleted unseen: void as well", async () => {
    const pr = await pullRequest({ "attacks/pod.yaml": pod() });
    settle();
    const request = await e2e.github.comment({ repo: pr.repo, number: pr.number, author: "octocat", body: GRANT_POLICY });
    const pending = await nextRun(pr.repo, pr.headSha, pr.first);
    settle();
    const approval = await e2e.github.comment({
      repo: pr.repo,
      number: pr.number,
      author: "alice",
      body: `/policy-exception approve E${request.id}`,
    });
    const granted = await nextRun(pr.repo, pr.headSha, pending);
    expect(granted.conclusion).toBe("success");

    const record = replies(pr.repo, pr.number).find((reply) => reply.body.includes(`approval=${approval.id}`));
    await e2e.github.deleteComment({ id: record?.id as number, sender: "octocat", deliver: false });
    await e2e.github.rerequestCheckRun({ checkRunId: granted.id });
    const rerun = await nextRun(pr.repo, pr.headSha, granted);
    expect(rerun.conclusion).toBe("failure");
    expect(rerun.output.summary).toMatch(/Revoked or voided/);
  });

  test("a revoke whose comment vanishes unseen stays in force: its reply records it", async () => {
    const pr = await pullRequest({ "attacks/pod.yaml": pod() });
    settle();
    const grant = await e2e.github.comment({ repo: pr.repo, number: pr.number, author: "alice", body: GRANT_PRIVILEGED });
    const granted = await nextRun(pr.repo, pr.headSha, pr.first);
    expect(granted.conclusion).toBe("success");
    const revoke = await e2e.github.comment({
      repo: pr.repo,
      number: pr.number,
      author: "alice",
      body: `/policy-exception revoke E${grant.id}`,
    });
    const revoked = await nextRun(pr.repo, pr.headSha, granted);
    expect(revoked.conclusion).toBe("failure");

    await e2e.github.deleteComment({ id: revoke.id, sender: "alice", deliver: false });
    await e2e.github.rerequestCheckRun({ checkRunId: revoked.id });
    const rerun = await nextRun(pr.repo, pr.headSha, revoked);
    expect(rerun.conclusion).toBe("failure");
    expect(rerun.output.summary).toMatch(/revoked by @alice/);
  });
});

describe("3. a push racing the approval", () => {
  test("alice approves the whole policy; the author pushes hostNetwork before the app handles it: only privileged is covered", async () => {
    const pr = await pullRequest({ "attacks/pod.yaml": pod() });
    settle();
    const grant = await e2e.github.comment({ repo: pr.repo, number: pr.number, author: "alice", body: GRANT_POLICY, deliver: false });
    // The push's check reads alice's comment first: both webhooks arrive after both events.
    const push = await e2e.github.push({ repo: pr.repo, number: pr.number, files: { "attacks/pod.yaml": pod({ hostNetwork: true }) } });
    const pushed = await e2e.waitForCheckRun(pr.repo, push.headSha);
    await e2e.github.deliverComment(grant.id);
    const run = await nextRun(pr.repo, push.headSha, pushed);

    for (const checked of [pushed, run]) {
      expect(checked.conclusion).toBe("failure");
      expect(levels(checked, PRIVILEGED)).toEqual(["notice"]);
      expect(levels(checked, HOST)).toEqual(["failure"]);
    }
    const [reply] = replies(pr.repo, pr.number);
    expect(reply?.body).toMatch(/granted\*\* by @alice/);
    expect(reply?.body).toMatch(
      new RegExp(
        `One finding it names was not on \`${pr.headSha.slice(0, 7)}\`, the newest head whose check had completed when the approval was written, so it is \\*\\*not\\*\\* covered:\\n- \`pod-security-baseline/hostNamespaces\``,
      ),
    );
    // Answered once, by the push's check; the late delivery only adds its 👀.
    expect(reactionsOf(grant.id).sort()).toEqual(["+1", "eyes"]);
    expect(replies(pr.repo, pr.number)).toHaveLength(1);
  });

  test("the app down while alice approves and the author pushes: the late check binds to what alice could have seen", async () => {
    const pr = await pullRequest({ "attacks/pod.yaml": pod() });
    settle();
    const grant = await e2e.github.comment({ repo: pr.repo, number: pr.number, author: "alice", body: GRANT_POLICY, deliver: false });
    const push = await e2e.github.push({
      repo: pr.repo,
      number: pr.number,
      files: { "attacks/pod.yaml": pod({ hostNetwork: true }) },
      deliver: false,
    });
    // Back up: only the comment's delivery is retried; its re-check judges the new head for the first time.
    await e2e.github.deliverComment(grant.id);
    const run = await e2e.waitForCheckRun(pr.repo, push.headSha);
    expect(run.conclusion).toBe("failure");
    expect(levels(run, PRIVILEGED)).toEqual(["notice"]);
    expect(levels(run, HOST)).toEqual(["failure"]);
  });

  test("an `approve` racing a push covers only the findings before the push", async () => {
    const pr = await pullRequest({ "attacks/pod.yaml": pod() });
    settle();
    const request = await e2e.github.comment({ repo: pr.repo, number: pr.number, author: "octocat", body: GRANT_POLICY });
    const pending = await nextRun(pr.repo, pr.headSha, pr.first);
    settle();
    const approval = await e2e.github.comment({
      repo: pr.repo,
      number: pr.number,
      author: "alice",
      body: `/policy-exception approve E${request.id}`,
      deliver: false,
    });
    const push = await e2e.github.push({ repo: pr.repo, number: pr.number, files: { "attacks/pod.yaml": pod({ hostNetwork: true }) } });
    const pushed = await e2e.waitForCheckRun(pr.repo, push.headSha);
    await e2e.github.deliverComment(approval.id);
    const run = await nextRun(pr.repo, push.headSha, pushed);
    expect(pending.conclusion).toBe("failure");
    expect(levels(run, PRIVILEGED)).toEqual(["notice"]);
    expect(levels(run, HOST)).toEqual(["failure"]);
  });

  test("an approval written before any check completed is not granted: the approver is asked to confirm, and the confirmation grants", async () => {
    const pr = await pullRequest({ "attacks/pod.yaml": pod() }, { deliver: false });
    const grant = await e2e.github.comment({ repo: pr.repo, number: pr.number, author: "alice", body: GRANT_PRIVILEGED });
    const unconfirmed = await nextRun(pr.repo, pr.headSha, undefined);
    expect(unconfirmed.conclusion).toBe("failure");
    expect(reactionsOf(grant.id)).toEqual(["eyes", "-1"]);
    expect(replies(pr.repo, pr.number)[0]?.body).toMatch(
      /not granted yet[\s\S]*no check of this app had completed on this pull request when the comment was written[\s\S]*approve E\d+/,
    );

    settle();
    const confirmation = await e2e.github.comment({
      repo: pr.repo,
      number: pr.number,
      author: "alice",
      body: `/policy-exception approve E${grant.id}`,
    });
    const confirmed = await nextRun(pr.repo, pr.headSha, unconfirmed);
    expect(confirmed.conclusion).toBe("success");
    expect(reactionsOf(confirmation.id)).toEqual(["eyes", "+1"]);
  });

  test("a force push replacing the head alice saw: not granted until she confirms on the new head", async () => {
    const pr = await pullRequest({ "attacks/pod.yaml": pod() });
    settle();
    const grant = await e2e.github.comment({ repo: pr.repo, number: pr.number, author: "alice", body: GRANT_POLICY, deliver: false });
    const forced = await e2e.github.forcePush({
      repo: pr.repo,
      number: pr.number,
      files: { "attacks/pod.yaml": pod({ hostNetwork: true }) },
    });
    const forcedRun = await e2e.waitForCheckRun(pr.repo, forced.headSha);
    expect(forcedRun.conclusion).toBe("failure");
    expect(levels(forcedRun, PRIVILEGED)).toEqual(["failure"]);
    expect(replies(pr.repo, pr.number)[0]?.body).toMatch(/not granted yet/);
    await e2e.github.deliverComment(grant.id);
    expect((await nextRun(pr.repo, forced.headSha, forcedRun)).conclusion).toBe("failure");

    settle();
    const latest = e2e.github.checkRuns(pr.repo, forced.headSha).at(-1) as CheckRunView;
    await e2e.github.comment({ repo: pr.repo, number: pr.number, author: "alice", body: `/policy-exception approve E${grant.id}` });
    const confirmed = await nextRun(pr.repo, forced.headSha, latest);
    expect(confirmed.conclusion).toBe("success");
    expect(levels(confirmed, HOST)).toEqual(["notice"]);
  });

  test("in the merge queue, only what was recorded applies: hostNetwork still blocks the group", async () => {
    const pr = await pullRequest({ "attacks/pod.yaml": pod() });
    settle();
    const grant = await e2e.github.comment({ repo: pr.repo, number: pr.number, author: "alice", body: GRANT_POLICY, deliver: false });
    const push = await e2e.github.push({ repo: pr.repo, number: pr.number, files: { "attacks/pod.yaml": pod({ hostNetwork: true }) } });
    await e2e.waitForCheckRun(pr.repo, push.headSha);
    expect(replies(pr.repo, pr.number)[0]?.body).toContain(`grant id=E${grant.id}`);

    const group = await e2e.github.mergeGroup({ repo: pr.repo, pullNumbers: [pr.number] });
    const run = await e2e.waitForCheckRun(pr.repo, group.headSha);
    expect(run.conclusion).toBe("failure");
    expect(levels(run, PRIVILEGED)).toEqual(["notice"]);
    expect(levels(run, HOST)).toEqual(["failure"]);
  });
});

describe("the app process", () => {
  test("logged no unhandled rejection, crash or failed background work", () => {
    const lines = e2e.app.logLines();
    expect(lines.filter((line) => /unhandled|uncaught|background check failed/i.test(String(line["msg"])))).toEqual([]);
  });
});
