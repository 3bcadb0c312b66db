import { afterAll, beforeAll, beforeEach, describe, expect, test } from "@jest/globals";
import { existsSync, readFileSync } from "node:fs";
import { createServer } from "node:http";
import type { IncomingHttpHeaders, Server, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { verify } from "@octokit/webhooks-methods";
import type { TestEmulator } from "../../emulator/fixture.js";
import { WEBHOOK_SECRET, seedAcme, startTestEmulator } from "../../emulator/fixture.js";
import { signBody } from "../../emulator/webhooks.js";

const SHARED = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../shared");
const CORPUS = path.join(SHARED, "corpora/webhooks");

/** Webhook payloads are free-form JSON here, walked freely and compared with GitHub's examples. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = Record<string, any>;

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

let t: TestEmulator;
let receiver: Server;
let received: Received[] = [];
/** How the fake app answers; a test can make it slow. */
let respond: (res: ServerResponse) => void = (res) => res.end("ok\n");

beforeAll(async () => {
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString("utf8") });
      respond(res);
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  t = await startTestEmulator({ webhookUrl: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/api/github/webhooks` });
  seedAcme(t.emulator, { "base.yaml": "a: 1\n" });
});
afterAll(async () => {
  await t.stop();
  receiver.closeAllConnections();
  await new Promise((resolve) => receiver.close(resolve));
});
beforeEach(() => {
  received = [];
  respond = (res) => res.end("ok\n");
});

function last(): { headers: IncomingHttpHeaders; payload: Json } {
  const r = received[received.length - 1];
  if (!r) throw new Error("nothing delivered");
  return { headers: r.headers, payload: JSON.parse(r.body) };
}

function corpus(file: string): Json | undefined {
  const p = path.join(CORPUS, file);
  if (!existsSync(p)) {
    console.warn(`shared corpus not found (${p}): skipping the comparison with GitHub's payload examples`);
    return undefined;
  }
  return JSON.parse(readFileSync(p, "utf8"));
}

/** Every key GitHub's example has, ours has too (values differ, shapes must not). */
function expectKeysOf(example: Json | undefined, ours: Json): void {
  if (!example) return;
  const missing = Object.keys(example).filter((k) => !(k in ours));
  expect(missing).toEqual([]);
}

describe("delivery", () => {
  test("headers and a signature that verifies over the exact body", async () => {
    const pr = await t.emulator.client.openPullRequest({ repo: "acme/gitops", files: { "a.yaml": "a: 1\n" } });
    expect(pr.delivery).toMatchObject({ status: 200, event: "pull_request", action: "opened" });
    const r = received[0] as Received;
    expect(r.headers["x-github-event"]).toBe("pull_request");
    expect(r.headers["x-github-delivery"]).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(r.headers["user-agent"]).toMatch(/^GitHub-Hookshot\//);
    expect(r.headers["content-type"]).toBe("application/json");
    expect(await verify(WEBHOOK_SECRET, r.body, r.headers["x-hub-signature-256"] as string)).toBe(true);
    expect(await verify("wrong secret", r.body, r.headers["x-hub-signature-256"] as string)).toBe(false);
  });

  test("signatures match GitHub's published test vectors", () => {
    const file = path.join(CORPUS, "signature-vectors.json");
    if (!existsSync(file)) {
      console.warn(`shared corpus not found (${file}): skipping signature vectors`);
      return;
    }
    const { vectors } = JSON.parse(readFileSync(file, "utf8")) as {
      vectors: Array<{ secret: string; payload: string; x_hub_signature_256: string }>;
    };
    expect(vectors.length).toBeGreaterThan(0);
    for (const v of vectors) expect(signBody(v.secret, v.payload)).toBe(v.x_hub_signature_256);
  });

  test("a redelivery resends the same bytes with the same delivery id", async () => {
    const { delivery } = await t.emulator.client.openPullRequest({ repo: "acme/gitops", files: { "b.yaml": "b: 1\n" } });
    const again = await t.emulator.client.redeliver(delivery?.id as string);
    expect(again).toMatchObject({ status: 200, redelivery: true, id: delivery?.id });
    const [first, second] = received as [Received, Received];
    expect(second.headers["x-github-delivery"]).toBe(first.headers["x-github-delivery"]);
    expect(second.body).toBe(first.body);
    expect(second.headers["x-hub-signature-256"]).toBe(first.headers["x-hub-signature-256"]);
  });

  test("an app that does not answer in time is recorded as a failed delivery", async () => {
    respond = (res) => setTimeout(() => res.end("late"), 2_000).unref();
    const previous = t.emulator.webhooks.timeoutMs;
    t.emulator.webhooks.timeoutMs = 100;
    try {
      const result = await t.emulator.client.send("ping", { zen: "Keep it logically awesome." });
      expect(result).toMatchObject({ status: 0, error: expect.stringContaining("timed out") });
    } finally {
      t.emulator.webhooks.timeoutMs = previous;
    }
  });

  test("events for a repository without the app installed are refused, as GitHub would not send them", async () => {
    t.emulator.client.createRepo("someone/else");
    await expect(t.emulator.client.openPullRequest({ repo: "someone/else", files: { "x.yaml": "x: 1\n" } })).rejects.toThrow(
      /not installed/,
    );
  });
});

describe("payload shapes", () => {
  test("pull_request.opened carries installation, repository, organization, sender and the PR like GitHub's example", async () => {
    const pr = await t.emulator.client.openPullRequest({
      repo: "acme/gitops",
      files: { "c.yaml": "c: 1\n" },
      author: "bob",
      title: "Add c",
    });
    const { headers, payload } = last();
    expect(headers["x-github-event"]).toBe("pull_request");
    expect(payload).toMatchObject({
      action: "opened",
      number: pr.number,
      installation: { id: expect.any(Number) },
      repository: { full_name: "acme/gitops", owner: { login: "acme", type: "Organization" } },
      organization: { login: "acme" },
      sender: { login: "bob" },
      pull_request: {
        number: pr.number,
        title: "Add c",
        draft: false,
        user: { login: "bob" },
        head: { sha: pr.headSha, ref: pr.headRef, repo: { full_name: "acme/gitops" } },
        base: { sha: pr.baseSha, ref: "main" },
      },
    });
    const example = corpus("pull_request/opened.with-organization.payload.json");
    expectKeysOf(example, payload);
    expectKeysOf(example?.pull_request, payload.pull_request);
    expectKeysOf(example?.pull_request?.head, payload.pull_request.head);
    expectKeysOf(example?.repository, payload.repository);
    expectKeysOf(example?.sender, payload.sender);
    expectKeysOf(example?.organization, payload.organization);
  });

  test("synchronize has before/after; fork PRs name the fork as head repo", async () => {
    const pr = await t.emulator.client.openPullRequest({ repo: "acme/gitops", fork: "mallory", files: { "d.yaml": "d: 1\n" } });
    expect(last().payload.pull_request.head.repo).toMatchObject({ full_name: "mallory/gitops", fork: true });
    const pushed = await t.emulator.client.push({ repo: "acme/gitops", number: pr.number, files: { "d.yaml": "d: 2\n" } });
    const { payload } = last();
    expect(payload).toMatchObject({
      action: "synchronize",
      before: pr.headSha,
      after: pushed.headSha,
      pull_request: { head: { sha: pushed.headSha } },
      sender: { login: "mallory" },
    });
    expectKeysOf(corpus("pull_request/synchronize.payload.json"), payload);
  });

  test.each(["reopened", "ready_for_review", "converted_to_draft", "closed"] as const)(
    "pull_request.%s updates the PR and says so",
    async (action) => {
      const pr = await t.emulator.client.openPullRequest({
        repo: "acme/gitops",
        files: { [`${action}.yaml`]: "x: 1\n" },
        draft: action === "ready_for_review",
      });
      await t.emulator.client.pullRequestEvent("acme/gitops", pr.number, action);
      const { payload } = last();
      expect(payload.action).toBe(action);
      if (action === "ready_for_review") expect(payload.pull_request.draft).toBe(false);
      if (action === "converted_to_draft") expect(payload.pull_request.draft).toBe(true);
      if (action === "closed") expect(payload.pull_request.state).toBe("closed");
    },
  );

  test("pull_request.edited reports what changed", async () => {
    const pr = await t.emulator.client.openPullRequest({ repo: "acme/gitops", files: { "e.yaml": "e: 1\n" }, title: "Old" });
    await t.emulator.client.pullRequestEvent("acme/gitops", pr.number, "edited", { title: "New", body: "details" });
    expect(last().payload).toMatchObject({
      action: "edited",
      changes: { title: { from: "Old" }, body: { from: "" } },
      pull_request: { title: "New", body: "details" },
    });
  });

  test("issue_comment created / edited (changes.body.from) / deleted on a PR carry issue.pull_request", async () => {
    const pr = await t.emulator.client.openPullRequest({ repo: "acme/gitops", files: { "f.yaml": "f: 1\n" }, deliver: false });
    const { id } = await t.emulator.client.comment({ repo: "acme/gitops", number: pr.number, body: "/policy recheck", author: "carol" });
    const created = last().payload;
    expect(created).toMatchObject({
      action: "created",
      issue: { number: pr.number, pull_request: { url: expect.stringContaining(`/pulls/${pr.number}`) } },
      comment: { id, body: "/policy recheck", user: { login: "carol" } },
      sender: { login: "carol" },
    });
    const example = corpus("issue_comment/created.with-organization.payload.json");
    expectKeysOf(example, created);
    expectKeysOf(example?.comment, created.comment);
    await t.emulator.client.editComment({ id, body: "/policy approve" });
    expect(last().payload).toMatchObject({
      action: "edited",
      changes: { body: { from: "/policy recheck" } },
      comment: { body: "/policy approve" },
    });
    expectKeysOf(corpus("issue_comment/edited.with-organization.payload.json"), last().payload);
    await t.emulator.client.deleteComment({ id });
    expect(last().payload).toMatchObject({ action: "deleted", comment: { id } });
  });

  test("check_run.rerequested and requested_action describe the run with its suite; check_suite.rerequested the suite", async () => {
    const pr = await t.emulator.client.openPullRequest({ repo: "acme/gitops", files: { "g.yaml": "g: 1\n" }, deliver: false });
    const octokit = await t.installationOctokit(t.emulator.state.installationForAccount("acme")?.id as number);
    const { data: run } = await octokit.rest.checks.create({
      owner: "acme",
      repo: "gitops",
      name: "policy",
      head_sha: pr.headSha,
      conclusion: "failure",
      output: { title: "t", summary: "s" },
      actions: [{ label: "Approve", description: "Approve the exception", identifier: "approve" }],
    });
    await t.emulator.client.rerequestCheckRun({ checkRunId: run.id, sender: "alice" });
    const rerun = last().payload;
    expect(rerun).toMatchObject({
      action: "rerequested",
      check_run: {
        id: run.id,
        head_sha: pr.headSha,
        name: "policy",
        check_suite: { head_sha: pr.headSha },
        pull_requests: [{ number: pr.number }],
      },
      sender: { login: "alice" },
    });
    const example = corpus("check_run/rerequested.with-organization.payload.json");
    expectKeysOf(example?.check_run, rerun.check_run);
    await t.emulator.client.requestAction({ checkRunId: run.id, identifier: "approve" });
    expect(last().payload).toMatchObject({ action: "requested_action", requested_action: { identifier: "approve" } });
    await t.emulator.client.rerequestCheckSuite({ repo: "acme/gitops", headSha: pr.headSha });
    const suite = last().payload;
    expect(suite).toMatchObject({ action: "rerequested", check_suite: { head_sha: pr.headSha, app: { id: 4242 } } });
    expectKeysOf(corpus("check_suite/rerequested.with-organization.payload.json")?.check_suite, suite.check_suite);
  });

  test("merge_group.checks_requested points at a queue commit holding base + the PR's changes", async () => {
    const pr = await t.emulator.client.openPullRequest({
      repo: "acme/gitops",
      files: { "queued.yaml": "q: 1\n", "base.yaml": null },
      deliver: false,
    });
    const group = await t.emulator.client.mergeGroup({ repo: "acme/gitops", pullNumbers: [pr.number] });
    const { payload } = last();
    expect(payload).toMatchObject({
      action: "checks_requested",
      merge_group: {
        head_sha: group.headSha,
        head_ref: expect.stringMatching(/^refs\/heads\/gh-readonly-queue\/main\/pr-\d+-[0-9a-f]{40}$/),
        base_ref: "refs/heads/main",
        base_sha: group.baseSha,
        head_commit: { id: group.headSha },
      },
      installation: { id: expect.any(Number) },
    });
    const files = t.emulator.state.commits.get(group.headSha)?.files;
    expect(files?.has("queued.yaml")).toBe(true);
    expect(files?.has("base.yaml")).toBe(false);
  });
});

describe("installation events", () => {
  test("installation.created and installation_repositories.added carry the installation and repositories", async () => {
    t.emulator.client.createOrg("initech");
    t.emulator.client.createRepo("initech/one");
    t.emulator.client.createRepo("initech/two");
    const { id, delivery } = await t.emulator.client.installAndNotify("initech", { repositories: ["one"], sender: "alice" });
    expect(delivery.status).toBe(200);
    const created = last().payload;
    expect(created).toMatchObject({
      action: "created",
      installation: { id, account: { login: "initech" }, repository_selection: "selected" },
      repositories: [{ full_name: "initech/one" }],
    });
    const example = corpus("installation/created.payload.json");
    expectKeysOf(example?.installation, created.installation);
    await t.emulator.client.changeInstallationRepositories(id, "added", ["initech/two"]);
    const added = last().payload;
    expect(added).toMatchObject({ action: "added", repositories_added: [{ full_name: "initech/two" }], repositories_removed: [] });
    expectKeysOf(corpus("installation_repositories/added.payload.json"), added);
  });
});

describe("events the app causes itself", () => {
  test("with selfEvents, the app's own comment and completed run come back as webhooks, sent by its bot", async () => {
    const own = await startTestEmulator({ selfEvents: true, webhookUrl: t.emulator.webhooks.url as string });
    try {
      const id = seedAcme(own.emulator);
      const pr = await own.emulator.client.openPullRequest({ repo: "acme/gitops", files: { "h.yaml": "h: 1\n" }, deliver: false });
      const octokit = await own.installationOctokit(id);
      await octokit.rest.issues.createComment({ owner: "acme", repo: "gitops", issue_number: pr.number, body: "report" });
      await octokit.rest.checks.create({
        owner: "acme",
        repo: "gitops",
        name: "policy",
        head_sha: pr.headSha,
        conclusion: "success",
        output: { title: "t", summary: "s" },
      });
      await own.emulator.settle();
      const events = received.map((r) => [r.headers["x-github-event"], JSON.parse(r.body).action, JSON.parse(r.body).sender.type]);
      expect(events).toEqual(
        expect.arrayContaining([
          ["issue_comment", "created", "Bot"],
          ["check_run", "created", "Bot"],
        ]),
      );
    } finally {
      await own.stop();
    }
  });
});
