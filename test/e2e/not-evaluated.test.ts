/**
 * The organisation's `policies.notEvaluated`, through the real app and the GitHub emulator: an Audit
 * Kyverno policy whose rule needs the cluster only warns, until the org config makes what cannot be
 * judged block; a repository cannot loosen that.
 */
import { afterAll, beforeAll, expect, test } from "@jest/globals";
import { startE2E, type E2E } from "../../emulator/harness.js";
import { AUDIT_LOOKUP_POLICY, SHOP_POD } from "../fixtures/not-evaluated.js";

const orgConfig = (extra: string) => `policies:\n  shipped: false\n  paths: ['policies/*.yaml']\n${extra}`;

let e2e: E2E;

beforeAll(async () => {
  e2e = await startE2E();
  for (const [org, extra] of [
    ["lenient", ""],
    ["strict", "  notEvaluated: deny\n"],
  ] as const) {
    e2e.github.createOrg(org);
    e2e.github.createRepo(`${org}/.github`, {
      files: { ".github/kube-policy.yml": orgConfig(extra), "policies/quota.yaml": AUDIT_LOOKUP_POLICY },
    });
    e2e.github.install(org);
  }
});

afterAll(async () => {
  await e2e?.stop();
});

test("without the setting, what an Audit policy cannot judge warns; with notEvaluated: deny it fails the check, saying why", async () => {
  e2e.github.createRepo("lenient/gitops");
  const lenient = await e2e.github.openPullRequest({ repo: "lenient/gitops", files: { "deploy/web.yaml": SHOP_POD } });
  const warned = await e2e.waitForCheckRun("lenient/gitops", lenient.headSha);
  expect(warned.conclusion).toBe("success");
  expect(warned.annotations.map((a) => [a.annotation_level, a.title])).toEqual([["warning", "namespace-quota/has-quota"]]);

  e2e.github.createRepo("strict/gitops");
  const strict = await e2e.github.openPullRequest({ repo: "strict/gitops", files: { "deploy/web.yaml": SHOP_POD } });
  const blocked = await e2e.waitForCheckRun("strict/gitops", strict.headSha);
  expect(blocked.conclusion).toBe("failure");
  expect(blocked.annotations.map((a) => [a.annotation_level, a.path, a.start_line, a.title])).toEqual([
    ["failure", "deploy/web.yaml", 1, "namespace-quota/has-quota"],
  ]);
  expect(blocked.annotations[0]?.message).toMatch(/deny set by policies\.notEvaluated in strict\/\.github: not evaluated: needs a cluster/);
});

test("a repository that tries to loosen the organisation's setting gets a configuration error at its line", async () => {
  e2e.github.createRepo("strict/shop", {
    files: { "README.md": "# shop\n", ".github/kube-policy.yml": "policies:\n  notEvaluated: warn\n" },
  });
  const pr = await e2e.github.openPullRequest({ repo: "strict/shop", files: { "deploy/web.yaml": SHOP_POD } });
  const run = await e2e.waitForCheckRun("strict/shop", pr.headSha);
  expect(run.conclusion).toBe("failure");
  expect(run.output.summary).toMatch(/a repository may only tighten policies\.notEvaluated: warn is weaker than the organisation's deny/);
});
