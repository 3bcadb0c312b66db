/**
 * Conformance with the Kyverno policy library's ValidatingPolicy folders (`*-vpol`, `pod-security-vpol`)
 * as flattened in ../shared/corpora/kyverno-policies/index.json: each suite's policies and resources go
 * through the real loader and engine; a `fail` row needs a finding of that policy on that resource,
 * `pass` and `skip` rows need none. Rows with non-empty `needs` (values, user info, cluster lookups)
 * cannot be reproduced from the files alone: they are reported "not evaluated" and never counted as passed.
 */
import { afterAll, describe, expect, test } from "@jest/globals";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { loadManifestFile } from "../../../src/manifests/load.js";
import { evaluate } from "../../../src/policy/engine.js";
import { loadPolicies } from "../../../src/config/policy-files.js";
import type { Finding } from "../../../src/policy/types.js";

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const CORPUS = path.join(path.resolve(REPO, "../shared"), "corpora/kyverno-policies");
const INDEX = path.join(CORPUS, "index.json");

interface Suite {
  dir: string;
  policies: string[];
  resources: string[];
}

interface Row {
  suite: string;
  policy: string;
  resource: string;
  namespace?: string;
  kind: string;
  result: "pass" | "fail" | "skip" | "warn" | "error";
  policyKind: string;
  needs: string[];
  problem?: string;
}

const isVpolFolder = (dir: string): boolean => /^(best-practices-vpol|pod-security-vpol)\//.test(dir);
const corpusPresent = existsSync(INDEX);
if (!corpusPresent) console.log(`SKIPPED Kyverno ValidatingPolicy conformance: ${CORPUS} is absent.`);
const index = corpusPresent
  ? (JSON.parse(readFileSync(INDEX, "utf8")) as { suites: Suite[]; results: Row[] })
  : { suites: [], results: [] };
const suites = index.suites.filter((s) => isVpolFolder(s.dir));
const rows = index.results.filter((r) => isVpolFolder(r.suite) && r.policyKind === "ValidatingPolicy");

const read = (relative: string): string => readFileSync(path.join(CORPUS, relative), "utf8");
const tally = { passed: 0, failed: 0, notEvaluated: 0, failures: [] as string[] };

function findingsOf(suite: Suite): Finding[] {
  const loaded = loadPolicies(suite.policies.map((file) => ({ file, content: read(file) })));
  expect(loaded.errors).toEqual([]);
  const files = suite.resources.map((file) => loadManifestFile(file, read(file)));
  return evaluate(files, loaded.policies).findings;
}

function hasFinding(findings: readonly Finding[], row: Row): boolean {
  return findings.some(
    (f) =>
      f.policy === row.policy &&
      f.resource.kind === row.kind &&
      f.resource.name === row.resource &&
      (row.namespace === undefined || f.resource.namespace === row.namespace),
  );
}

describe.each(suites.map((s) => [s.dir, s] as const))("%s", (_dir, suite) => {
  test("agrees with kyverno test", () => {
    const findings = findingsOf(suite);
    const mismatches: string[] = [];
    for (const row of rows.filter((r) => r.suite === suite.dir)) {
      if (row.needs.length > 0 || row.problem) {
        tally.notEvaluated++;
        continue;
      }
      const expected = row.result === "fail" || row.result === "warn";
      if (hasFinding(findings, row) === expected) tally.passed++;
      else {
        tally.failed++;
        mismatches.push(`${row.kind}/${row.resource}: expected ${row.result}`);
      }
    }
    tally.failures.push(...mismatches.map((m) => `${suite.dir}: ${m}`));
  });
});

test("every evaluable case agrees (the issue's floor is 95%; all agree since Kyverno's orValue compatibility)", () => {
  if (!corpusPresent) return;
  const evaluable = tally.passed + tally.failed;
  expect(evaluable).toBeGreaterThan(0);
  expect(tally.failures).toEqual([]);
});

afterAll(() => {
  if (!corpusPresent) return;
  const evaluable = tally.passed + tally.failed;
  console.log(
    `Kyverno ValidatingPolicy conformance: ${tally.passed}/${evaluable} evaluable cases agree (${((100 * tally.passed) / Math.max(1, evaluable)).toFixed(1)}%), ${tally.notEvaluated} not evaluated (needs values, user info or a cluster)\n${tally.failures.slice(0, 40).join("\n")}`,
  );
});
