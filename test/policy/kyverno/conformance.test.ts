/**
 * Conformance with the Kyverno policy library's own `kyverno test` suites: every ClusterPolicy/Policy
 * case of ../shared/corpora/kyverno-policies/index.json goes through the real pipeline (the suite's
 * policy files read by loadPolicies, its resource files by loadManifestFile, then evaluate), and the
 * findings on the case's resource must agree with the expected result:
 * - fail/warn: a finding of that policy and rule (or its autogen-* rule) that is a verdict;
 * - pass/skip: no finding of that policy and rule;
 * - a case whose `needs` is not empty (variables, user info, cluster lookups, mutate/generate): a
 *   finding saying "not evaluated" (never a silent pass), or, where the expected result is a failure,
 *   that failure.
 * `validate.cel` cases (with empty `needs`) are judged like the others and counted separately.
 */
import { afterAll, describe, expect, test } from "@jest/globals";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { loadManifestFile } from "../../../src/manifests/load.js";
import type { LoadedFile } from "../../../src/manifests/types.js";
import { evaluate } from "../../../src/policy/engine.js";
import { loadPolicies } from "../../../src/config/policy-files.js";
import type { Finding } from "../../../src/policy/types.js";

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const CORPUS = path.join(path.resolve(REPO, "../shared"), "corpora/kyverno-policies");
const INDEX = path.join(CORPUS, "index.json");

interface Suite {
  dir: string;
  test: string;
  policies: string[];
  resources: string[];
}

interface Row {
  suite: string;
  policy: string;
  rule: string | null;
  resource: string;
  namespace?: string;
  kind: string;
  result: "pass" | "fail" | "skip" | "warn" | "error";
  policyKind: string;
  ruleKind: string;
  needs: string[];
  problem?: string;
}

/**
 * Cases whose expected verdict we do not reproduce, by `suite|policy|rule|resource`, with the reason.
 * Each must still disagree (a fixed case is removed from this list by the test's failure).
 */
const KNOWN_FAILURES: ReadonlyMap<string, string> = new Map<string, string>([
  [
    "other/block-updates-deletes|block-updates-deletes|block-updates-deletes|my-service-1",
    "the rule denies UPDATE/DELETE; a manifest in a pull request may update an existing object, so we report the failure " +
      "for that case (fail closed) where the Kyverno CLI assumes CREATE and passes",
  ],
  [
    "other/enforce-resources-as-ratio|enforce-resources-as-ratio|check-memory-requests-limits|goodpod",
    "needs only the injected request.operation: UPDATE; the rule is judged for CREATE and UPDATE and passes both ways, " +
      "so a pass is the verdict, not a guess",
  ],
  [
    "other/ensure-readonly-hostpath|ensure-readonly-hostpath|ensure-hostpaths-readonly|good-pod-01",
    "needs only the injected request.operation: UPDATE; the rule passes for both CREATE and UPDATE",
  ],
  [
    "other/limit-configmap-for-sa|limit-configmap-for-sa|limit-configmap-for-sa-developer|any-configmap-name-bad",
    "needs marks the suite's variables file; this rule reads none of it and its precondition (the ConfigMap's name) skips it, as upstream",
  ],
  [
    "other/restrict-ingress-host|unique-ingress-host|deny-multiple-hosts|ingress-kyverno-host",
    "needs marks every rule of the policy because another rule (check-single-host-create) takes injected values; " +
      "this rule reads none and skips by its own condition, as upstream",
  ],
]);

const corpusPresent = existsSync(INDEX);
if (!corpusPresent)
  console.log(`SKIPPED Kyverno policy library conformance: ${CORPUS} is absent (the shared corpora live beside the checkout).`);
const index = corpusPresent
  ? (JSON.parse(readFileSync(INDEX, "utf8")) as { suites: Suite[]; results: Row[] })
  : { suites: [], results: [] };
const rows = index.results.filter(
  (row) => (row.policyKind === "ClusterPolicy" || row.policyKind === "Policy") && row.problem === undefined,
);
const suites = new Map(index.suites.map((suite) => [suite.dir, suite]));

const read = (relative: string): string => readFileSync(path.join(CORPUS, relative), "utf8");
const judged = new Map<string, { findings: Finding[]; files: LoadedFile[]; errors: string[] }>();

/** The suite's policies and resources through the real pipeline (ClusterPolicy/Policy documents only). */
function judgeSuite(dir: string): { findings: Finding[]; files: LoadedFile[]; errors: string[] } {
  const cached = judged.get(dir);
  if (cached) return cached;
  const suite = suites.get(dir);
  if (!suite) throw new Error(`suite ${dir} missing from index.json`);
  const sources = suite.policies.map((file) => ({ file, content: read(file) }));
  const loaded = loadPolicies(sources);
  const errors = loaded.errors.filter(
    (error) =>
      !/unknown policy kind "(ValidatingPolicy|MutatingPolicy|GeneratingPolicy|ImageValidatingPolicy|DeletingPolicy)"/.test(error.message),
  );
  const files = suite.resources.filter((file) => existsSync(path.join(CORPUS, file))).map((file) => loadManifestFile(file, read(file)));
  const result = {
    findings: evaluate(files, loaded.policies).findings,
    files,
    errors: errors.map((error) => `${error.file}:${error.line}: ${error.message}`),
  };
  judged.set(dir, result);
  return result;
}

function sameRule(finding: string, rule: string | null): boolean {
  if (rule === null) return true;
  return (
    finding === rule ||
    finding === `autogen-${rule}`.slice(0, 63) ||
    finding === `autogen-cronjob-${rule}`.slice(0, 63) ||
    rule === `autogen-${finding}` ||
    rule === `autogen-cronjob-${finding}`
  );
}

function findingsFor(row: Row): Finding[] {
  const { findings } = judgeSuite(row.suite);
  return findings.filter(
    (finding) =>
      finding.policy === row.policy &&
      sameRule(finding.rule, row.rule) &&
      finding.resource.kind === row.kind &&
      finding.resource.name === row.resource &&
      (row.namespace === undefined || (finding.resource.namespace ?? "default") === row.namespace),
  );
}

const isNotEvaluated = (finding: Finding): boolean => /^(not evaluated|could not be evaluated)/.test(finding.message);

/** Undefined when the row agrees, else what we reported instead. */
function disagreement(row: Row): string | undefined {
  const found = findingsFor(row);
  if (row.needs.length > 0) {
    if (found.some((finding) => finding.message.startsWith("not evaluated"))) return undefined;
    // A verdict that agrees with an expected failure is reported, not passed: acceptable for a case with needs.
    if ((row.result === "fail" || row.result === "warn") && found.length > 0) return undefined;
    return `expected "not evaluated", got ${JSON.stringify(found.map((f) => f.message))}`;
  }
  const verdicts = found.filter((finding) => !isNotEvaluated(finding));
  if (row.result === "fail" || row.result === "warn") {
    return verdicts.length > 0
      ? undefined
      : `expected a finding, got ${found.length === 0 ? "none" : JSON.stringify(found.map((f) => f.message))}`;
  }
  return found.length === 0 ? undefined : `expected no finding (${row.result}), got ${JSON.stringify(found.map((f) => f.message))}`;
}

type Bucket = "pure" | "cel" | "needs";
const bucketOf = (row: Row): Bucket => (row.needs.length > 0 ? "needs" : row.ruleKind === "cel" ? "cel" : "pure");
const tally = new Map<string, Record<Bucket, { agreed: number; total: number }>>();
function record(row: Row, agreed: boolean): void {
  const folder = row.suite.split("/")[0] as string;
  const entry = tally.get(folder) ?? { pure: { agreed: 0, total: 0 }, cel: { agreed: 0, total: 0 }, needs: { agreed: 0, total: 0 } };
  const bucket = entry[bucketOf(row)];
  bucket.total++;
  if (agreed) bucket.agreed++;
  tally.set(folder, entry);
}

const keyOf = (row: Row): string =>
  `${row.suite}|${row.policy}|${row.rule ?? ""}|${row.namespace ? `${row.namespace}/` : ""}${row.resource}`;

describe("Kyverno policy library conformance (ClusterPolicy/Policy)", () => {
  test("the policy files of every suite load without errors", () => {
    const problems = [...new Set(rows.map((row) => row.suite))].flatMap((dir) => judgeSuite(dir).errors);
    expect(problems).toEqual([]);
  });

  const suiteNames = [...new Set(rows.map((row) => row.suite))];
  test.each(suiteNames.map((name) => [name]))("%s", (name) => {
    const problems: string[] = [];
    for (const row of rows.filter((candidate) => candidate.suite === name)) {
      const problem = disagreement(row);
      const known = KNOWN_FAILURES.get(keyOf(row));
      record(row, problem === undefined);
      if (problem !== undefined && known === undefined) problems.push(`${keyOf(row)} (${row.result}, ${row.ruleKind}): ${problem}`);
      if (problem === undefined && known !== undefined) problems.push(`${keyOf(row)} now agrees: remove it from KNOWN_FAILURES`);
    }
    expect(problems).toEqual([]);
  });

  afterAll(() => {
    if (!corpusPresent) return;
    const lines = [...tally.entries()].map(([folder, buckets]) => {
      const part = (bucket: Bucket): string => `${bucket} ${buckets[bucket].agreed}/${buckets[bucket].total}`;
      return `  ${folder}: ${part("pure")}, ${part("cel")} (validate.cel), ${part("needs")} not evaluated`;
    });
    const sum = (bucket: Bucket): { agreed: number; total: number } =>
      [...tally.values()].reduce(
        (total, buckets) => ({ agreed: total.agreed + buckets[bucket].agreed, total: total.total + buckets[bucket].total }),
        { agreed: 0, total: 0 },
      );
    const [pure, cel, needs] = [sum("pure"), sum("cel"), sum("needs")];
    console.log(
      `Kyverno library conformance (ClusterPolicy/Policy cases):\n${lines.join("\n")}\n` +
        `  empty-needs validate cases agreeing: ${pure.agreed + cel.agreed}/${pure.total + cel.total} (validate.cel ${cel.agreed}/${cel.total}, ` +
        `other validate ${pure.agreed}/${pure.total}); non-empty needs reported not evaluated (or the expected failure): ${needs.agreed}/${needs.total}`,
    );
  });
});
