import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { generateKeyPairSync } from "node:crypto";
import { ProbotOctokit } from "probot";
import type { TestEmulator } from "../../emulator/fixture.js";
import { APP_ID, seedAcme, startTestEmulator } from "../../emulator/fixture.js";

let t: TestEmulator;
let installationId: number;

beforeAll(async () => {
  t = await startTestEmulator();
  installationId = seedAcme(t.emulator);
  t.emulator.client.createOrg("other");
  t.emulator.client.createRepo("other/secret");
});
afterAll(() => t.stop());

async function get(path: string, authorization?: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${t.emulator.apiUrl}${path}`, { headers: authorization ? { authorization } : {} });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe("app JWT", () => {
  test("a JWT signed with the app key reads /app", async () => {
    const res = await get("/app", `Bearer ${t.jwt()}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: APP_ID, slug: "kube-policy-bot" });
  });

  test.each([
    [
      "signed with another key",
      () =>
        t.jwt({ key: generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ type: "pkcs1", format: "pem" }).toString() }),
    ],
    ["expired", () => t.jwt({ iat: Math.floor(Date.now() / 1000) - 1200, exp: Math.floor(Date.now() / 1000) - 600 })],
    ["expiring too far ahead", () => t.jwt({ exp: Math.floor(Date.now() / 1000) + 3600 })],
    ["issued by another app", () => t.jwt({ iss: 9999 })],
    ["not a JWT", () => "garbage"],
  ])("a JWT %s gets 401 with a GitHub error body", async (_label, make) => {
    const res = await get("/app", `Bearer ${make()}`);
    expect(res.status).toBe(401);
    expect(typeof res.body.message).toBe("string");
    expect(res.body.documentation_url).toEqual(expect.stringContaining("docs.github.com"));
  });

  test("iss may be the app id as a string, as Probot sends it from the environment", async () => {
    expect((await get("/app", `Bearer ${t.jwt({ iss: String(APP_ID) })}`)).status).toBe(200);
  });

  test("no credentials on an app endpoint is 401", async () => {
    expect((await get("/app")).status).toBe(401);
  });

  test("installation lookup by repository, organisation and user", async () => {
    const auth = `Bearer ${t.jwt()}`;
    expect((await get("/repos/acme/gitops/installation", auth)).body.id).toBe(installationId);
    expect((await get("/orgs/acme/installation", auth)).body.id).toBe(installationId);
    expect((await get("/repos/other/secret/installation", auth)).status).toBe(404);
    expect((await get("/users/nobody/installation", auth)).status).toBe(404);
    const list = await fetch(`${t.emulator.apiUrl}/app/installations`, { headers: { authorization: auth } });
    expect(((await list.json()) as Array<{ id: number }>).map((i) => i.id)).toContain(installationId);
  });
});

describe("installation tokens", () => {
  test("POST access_tokens returns token, expires_at, permissions and repository_selection", async () => {
    const res = await fetch(`${t.emulator.apiUrl}/app/installations/${installationId}/access_tokens`, {
      method: "POST",
      headers: { authorization: `Bearer ${t.jwt()}` },
    });
    expect(res.status).toBe(201);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({
      repository_selection: "all",
      permissions: expect.objectContaining({ checks: "write", contents: "read" }),
    });
    expect(typeof body.token).toBe("string");
    expect(Date.parse(body.expires_at as string)).toBeGreaterThan(Date.now());
  });

  test("a token reads repositories of its installation, with `token` or `Bearer`", async () => {
    const octokit = await t.installationOctokit(installationId);
    const { data } = await octokit.rest.repos.get({ owner: "acme", repo: "gitops" });
    expect(data.full_name).toBe("acme/gitops");
    const token = ((await octokit.auth()) as { token: string }).token;
    expect((await get("/repos/acme/gitops", `token ${token}`)).status).toBe(200);
    expect((await get("/repos/acme/gitops", `Bearer ${token}`)).status).toBe(200);
  });

  test("a repository outside the installation is 404, not 403", async () => {
    const octokit = await t.installationOctokit(installationId);
    await expect(octokit.rest.repos.get({ owner: "other", repo: "secret" })).rejects.toMatchObject({ status: 404 });
  });

  test("unknown tokens, JWTs on repository endpoints and missing credentials are 401", async () => {
    expect(await get("/repos/acme/gitops", "token ghs_unknown")).toMatchObject({ status: 401, body: { message: "Bad credentials" } });
    expect((await get("/repos/acme/gitops", `Bearer ${t.jwt()}`)).status).toBe(401);
    expect((await get("/repos/acme/gitops")).status).toBe(401);
  });

  test("an app JWT cannot be replaced by an installation token on /app", async () => {
    const octokit = await t.installationOctokit(installationId);
    await expect(octokit.rest.apps.getAuthenticated()).rejects.toMatchObject({ status: 401 });
  });

  test("a token narrowed to some repositories and permissions is held to them", async () => {
    t.emulator.client.createRepo("acme/other-repo");
    const res = await fetch(`${t.emulator.apiUrl}/app/installations/${installationId}/access_tokens`, {
      method: "POST",
      headers: { authorization: `Bearer ${t.jwt()}`, "content-type": "application/json" },
      body: JSON.stringify({ repositories: ["gitops"], permissions: { contents: "read" } }),
    });
    expect(res.status).toBe(201);
    const { token, repository_selection } = (await res.json()) as { token: string; repository_selection: string };
    expect(repository_selection).toBe("selected");
    expect((await get("/repos/acme/gitops/contents/README.md", `token ${token}`)).status).toBe(200);
    expect((await get("/repos/acme/other-repo", `token ${token}`)).status).toBe(404);
    const create = await fetch(`${t.emulator.apiUrl}/repos/acme/gitops/check-runs`, {
      method: "POST",
      headers: { authorization: `token ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ name: "x", head_sha: t.emulator.state.repo("acme/gitops")?.branches.get("main") }),
    });
    expect(create.status).toBe(403);
    expect(((await create.json()) as { message: string }).message).toBe("Resource not accessible by integration");
  });

  test("asking for more than the installation was granted is 422", async () => {
    const res = await fetch(`${t.emulator.apiUrl}/app/installations/${installationId}/access_tokens`, {
      method: "POST",
      headers: { authorization: `Bearer ${t.jwt()}`, "content-type": "application/json" },
      body: JSON.stringify({ permissions: { administration: "write" } }),
    });
    expect(res.status).toBe(422);
  });

  test("expired tokens are rejected until a new one is minted", async () => {
    const octokit = await t.installationOctokit(installationId);
    t.emulator.auth.expireAll();
    await expect(octokit.rest.repos.get({ owner: "acme", repo: "gitops" })).rejects.toMatchObject({ status: 401 });
    const fresh = await t.installationOctokit(installationId);
    expect((await fresh.rest.repos.get({ owner: "acme", repo: "gitops" })).status).toBe(200);
  });

  test("Probot's own Octokit authenticates end to end (JWT, token, REST call) against GHE paths", async () => {
    const octokit = new ProbotOctokit({
      baseUrl: t.emulator.apiUrl,
      auth: { appId: APP_ID, privateKey: t.privateKey, installationId },
      retry: { enabled: false },
      throttle: { enabled: false },
    });
    const { data } = await octokit.rest.repos.get({ owner: "acme", repo: "gitops" });
    expect(data.default_branch).toBe("main");
    const paths = t.emulator.client.requests().map((r) => `${r.method} ${r.route}`);
    expect(paths).toContain("POST /app/installations/:installation_id/access_tokens");
  });
});
