import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { existsSync } from "node:fs";
import path from "node:path";
import type { E2E } from "../../emulator/harness.js";
import { findRepoRoot, startE2E } from "../../emulator/harness.js";

/**
 * The harness against the real, compiled app: it starts, takes a signed pull_request webhook through
 * the emulator, and reports a check run on the head commit using only documented GitHub endpoints.
 */
const entry = path.join(findRepoRoot(), "dist/src/server.js");
const built = existsSync(entry);
if (!built) console.warn(`${entry} not found: skipping the harness tests (run npm run build, or npm test)`);
const describeBuilt = built ? describe : describe.skip;

describeBuilt("e2e harness with the real app", () => {
  let e2e: E2E;

  beforeAll(async () => {
    e2e = await startE2E();
    e2e.github.createOrg("acme", { members: { alice: "admin" } });
    e2e.github.createRepo("acme/gitops");
    e2e.github.install("acme");
  });
  afterAll(() => e2e?.stop());

  test("the app serves its health endpoint on the port the harness gave it", async () => {
    const res = await fetch(`${e2e.app.url}/healthz`);
    expect(res.status).toBe(200);
  });

  test("a pull request leads to a completed check run on its head, annotating only the PR's files", async () => {
    const files = {
      "k8s/pod.yaml":
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  hostPID: true\n  containers:\n    - name: c\n      image: nginx\n",
    };
    const pr = await e2e.github.openPullRequest({ repo: "acme/gitops", files });
    expect(pr.delivery?.status).toBeGreaterThanOrEqual(200);
    expect(pr.delivery?.status).toBeLessThan(300);
    const run = await e2e.waitForCheckRun("acme/gitops", pr.headSha);
    expect(run.status).toBe("completed");
    expect(run.annotations.every((a) => a.path in files)).toBe(true);
    // The app authenticated as GitHub Apps do, and used no endpoint the emulator does not know.
    expect(e2e.github.requestCount({ route: "/app/installations/:installation_id/access_tokens" })).toBeGreaterThan(0);
    expect(e2e.github.requests({ unmatched: true })).toEqual([]);
    expect(e2e.emulator.internalErrors).toEqual([]);
  });

  test("the app's output is captured", () => {
    expect(`${e2e.app.stdout()}${e2e.app.stderr()}`.length).toBeGreaterThan(0);
  });
});
