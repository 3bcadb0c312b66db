import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import type { Octokit } from "@octokit/rest";
import type { TestEmulator } from "../../emulator/fixture.js";
import { seedAcme, startTestEmulator } from "../../emulator/fixture.js";

let t: TestEmulator;
let octokit: Octokit;
let sha: string;
const repo = { owner: "acme", repo: "gitops" };

function annotation(
  i: number,
  extra: Record<string, unknown> = {},
): { path: string; start_line: number; end_line: number; annotation_level: "failure"; message: string } {
  return { path: `f${i}.yaml`, start_line: i + 1, end_line: i + 1, annotation_level: "failure", message: `finding ${i}`, ...extra };
}

async function rawCreate(body: unknown): Promise<{ status: number; body: { message: string; errors?: Array<{ field?: string }> } }> {
  const token = ((await octokit.auth()) as { token: string }).token;
  const res = await fetch(`${t.emulator.apiUrl}/repos/acme/gitops/check-runs`, {
    method: "POST",
    headers: { authorization: `token ${token}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as { message: string } };
}

beforeAll(async () => {
  t = await startTestEmulator();
  const installationId = seedAcme(t.emulator);
  octokit = await t.installationOctokit(installationId);
  sha = (await t.emulator.client.openPullRequest({ repo: "acme/gitops", files: { "a.yaml": "a: 1\n" }, deliver: false })).headSha;
});
afterAll(() => t.stop());

describe("creating and updating check runs", () => {
  test("a run is created in_progress, then completed with conclusion and completed_at", async () => {
    const created = await octokit.rest.checks.create({
      ...repo,
      name: "policy",
      head_sha: sha,
      status: "in_progress",
      external_id: "pr-1",
    });
    expect(created.status).toBe(201);
    expect(created.data).toMatchObject({
      name: "policy",
      head_sha: sha,
      status: "in_progress",
      conclusion: null,
      completed_at: null,
      external_id: "pr-1",
    });
    expect(created.data.pull_requests.map((p) => p.number)).toEqual([1]);
    const done = await octokit.rest.checks.update({
      ...repo,
      check_run_id: created.data.id,
      conclusion: "failure",
      output: { title: "1 violation", summary: "s" },
    });
    expect(done.data).toMatchObject({ status: "completed", conclusion: "failure", output: { title: "1 violation", summary: "s" } });
    expect(done.data.completed_at).not.toBeNull();
    // A later update that does not mention completion keeps completed_at.
    const again = await octokit.rest.checks.update({
      ...repo,
      check_run_id: created.data.id,
      output: { title: "1 violation", summary: "s2" },
    });
    expect(again.data.completed_at).toBe(done.data.completed_at);
    expect(t.emulator.client.checkRun(created.data.id).updates).toBe(2);
  });

  test("annotations append across PATCHes and are listed by the annotations endpoint", async () => {
    const { data: run } = await octokit.rest.checks.create({
      ...repo,
      name: "append",
      head_sha: sha,
      output: { title: "t", summary: "s", annotations: Array.from({ length: 50 }, (_, i) => annotation(i)) },
    });
    await octokit.rest.checks.update({
      ...repo,
      check_run_id: run.id,
      output: { title: "t", summary: "s", annotations: Array.from({ length: 50 }, (_, i) => annotation(50 + i)) },
    });
    const done = await octokit.rest.checks.update({
      ...repo,
      check_run_id: run.id,
      conclusion: "failure",
      output: { title: "t", summary: "s", annotations: [annotation(100, { start_column: 3, end_column: 9, title: "T" })] },
    });
    expect(done.data.output.annotations_count).toBe(101);
    const listed = await octokit.paginate(octokit.rest.checks.listAnnotations, { ...repo, check_run_id: run.id, per_page: 100 });
    expect(listed.map((a) => a.message)).toEqual(Array.from({ length: 101 }, (_, i) => `finding ${i}`));
    expect(listed[100]).toMatchObject({
      start_column: 3,
      end_column: 9,
      title: "T",
      annotation_level: "failure",
      blob_href: expect.stringContaining(`/blob/${sha}/f100.yaml`),
    });
  });

  test("more than 50 annotations in one request is 422 and nothing is stored", async () => {
    const { data: run } = await octokit.rest.checks.create({ ...repo, name: "too-many", head_sha: sha });
    await expect(
      octokit.rest.checks.update({
        ...repo,
        check_run_id: run.id,
        output: { title: "t", summary: "s", annotations: Array.from({ length: 51 }, (_, i) => annotation(i)) },
      }),
    ).rejects.toMatchObject({ status: 422 });
    expect(t.emulator.client.checkRun(run.id).annotations).toHaveLength(0);
  });

  test.each([
    ["missing name", { head_sha: "SHA" }, "name"],
    ["missing head_sha", { name: "x" }, "head_sha"],
    ["unknown status", { name: "x", head_sha: "SHA", status: "running" }, "status"],
    ["status reserved for Actions", { name: "x", head_sha: "SHA", status: "waiting" }, "status"],
    ["completed without conclusion", { name: "x", head_sha: "SHA", status: "completed" }, "conclusion"],
    ["stale conclusion (only GitHub sets it)", { name: "x", head_sha: "SHA", conclusion: "stale" }, "conclusion"],
    ["output without summary", { name: "x", head_sha: "SHA", output: { title: "t" } }, "output.summary"],
    ["summary over 65535 characters", { name: "x", head_sha: "SHA", output: { title: "t", summary: "s".repeat(65536) } }, "output.summary"],
    [
      "text over 65535 characters",
      { name: "x", head_sha: "SHA", output: { title: "t", summary: "s", text: "s".repeat(65536) } },
      "output.text",
    ],
    [
      "annotation without message",
      {
        name: "x",
        head_sha: "SHA",
        output: { title: "t", summary: "s", annotations: [{ path: "a", start_line: 1, end_line: 1, annotation_level: "failure" }] },
      },
      "output.annotations[0].message",
    ],
    [
      "annotation level outside notice|warning|failure",
      { name: "x", head_sha: "SHA", output: { title: "t", summary: "s", annotations: [annotation(0, { annotation_level: "error" })] } },
      "output.annotations[0].annotation_level",
    ],
    [
      "columns on a multi-line annotation",
      {
        name: "x",
        head_sha: "SHA",
        output: { title: "t", summary: "s", annotations: [annotation(0, { end_line: 5, start_column: 1, end_column: 2 })] },
      },
      "output.annotations[0].start_column",
    ],
    [
      "annotation title over 255 characters",
      { name: "x", head_sha: "SHA", output: { title: "t", summary: "s", annotations: [annotation(0, { title: "t".repeat(256) })] } },
      "output.annotations[0].title",
    ],
    [
      "four actions",
      {
        name: "x",
        head_sha: "SHA",
        actions: Array.from({ length: 4 }, (_, i) => ({ label: `l${i}`, description: "d", identifier: `i${i}` })),
      },
      "actions",
    ],
    [
      "action label over 20 characters",
      { name: "x", head_sha: "SHA", actions: [{ label: "l".repeat(21), description: "d", identifier: "i" }] },
      "actions[0].label",
    ],
  ])("%s is 422 Validation Failed naming the field", async (_label, body, field) => {
    const res = await rawCreate(JSON.parse(JSON.stringify(body).replace('"SHA"', JSON.stringify(sha))));
    expect(res.status).toBe(422);
    expect(res.body.message).toBe("Validation Failed");
    expect(res.body.errors?.map((e) => e.field)).toContain(field);
  });

  test("a head_sha that is not a commit of the repository is 422", async () => {
    const res = await rawCreate({ name: "x", head_sha: "0".repeat(40) });
    expect(res).toMatchObject({ status: 422, body: { message: `No commit found for SHA: ${"0".repeat(40)}` } });
  });

  test("a title of exactly 255 characters, 50 annotations and 3 actions are accepted", async () => {
    const res = await rawCreate({
      name: "limits",
      head_sha: sha,
      output: {
        title: "t",
        summary: "s".repeat(65535),
        annotations: Array.from({ length: 50 }, (_, i) => annotation(i, { title: "t".repeat(255) })),
      },
      actions: Array.from({ length: 3 }, (_, i) => ({ label: "l".repeat(20), description: "d".repeat(40), identifier: `id-${i}` })),
    });
    expect(res.status).toBe(201);
  });
});

describe("reading check runs", () => {
  test("runs on a ref: latest per name by default, all with filter=all, by name", async () => {
    const other = await t.emulator.client.openPullRequest({ repo: "acme/gitops", files: { "b.yaml": "b: 1\n" }, deliver: false });
    const first = await octokit.rest.checks.create({ ...repo, name: "policy", head_sha: other.headSha });
    const second = await octokit.rest.checks.create({ ...repo, name: "policy", head_sha: other.headSha, conclusion: "success" });
    await octokit.rest.checks.create({ ...repo, name: "other", head_sha: other.headSha });
    const latest = await octokit.rest.checks.listForRef({ ...repo, ref: other.headSha });
    expect(latest.data.total_count).toBe(2);
    expect(latest.data.check_runs.map((r) => r.id)).toContain(second.data.id);
    expect(latest.data.check_runs.map((r) => r.id)).not.toContain(first.data.id);
    const all = await octokit.rest.checks.listForRef({ ...repo, ref: other.headSha, filter: "all" });
    expect(all.data.total_count).toBe(3);
    const byName = await octokit.rest.checks.listForRef({ ...repo, ref: other.headSha, check_name: "other" });
    expect(byName.data.check_runs.map((r) => r.name)).toEqual(["other"]);
    const one = await octokit.rest.checks.get({ ...repo, check_run_id: second.data.id });
    expect(one.data).toMatchObject({ id: second.data.id, status: "completed", conclusion: "success", app: { id: 4242 } });
  });

  test("a run on a fork PR's head lists no pull requests, as GitHub does", async () => {
    const pr = await t.emulator.client.openPullRequest({
      repo: "acme/gitops",
      fork: "mallory",
      files: { "f.yaml": "f: 1\n" },
      deliver: false,
    });
    const { data } = await octokit.rest.checks.create({ ...repo, name: "policy", head_sha: pr.headSha, external_id: String(pr.number) });
    expect(data.pull_requests).toEqual([]);
  });

  test("waitForCheckRun resolves when the app completes a run", async () => {
    const pr = await t.emulator.client.openPullRequest({ repo: "acme/gitops", files: { "c.yaml": "c: 1\n" }, deliver: false });
    const waiting = t.emulator.client.waitForCheckRun("acme/gitops", pr.headSha, { name: "policy" });
    const { data } = await octokit.rest.checks.create({ ...repo, name: "policy", head_sha: pr.headSha, status: "in_progress" });
    await octokit.rest.checks.update({ ...repo, check_run_id: data.id, conclusion: "neutral", output: { title: "t", summary: "s" } });
    await expect(waiting).resolves.toMatchObject({ id: data.id, conclusion: "neutral" });
  });
});
