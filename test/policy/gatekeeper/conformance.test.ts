/**
 * Conformance with the Gatekeeper policy library's own test suites (gator verify format): every case
 * of ../shared/corpora/gatekeeper-library/index.json goes through the real pipeline — the sample
 * constraint read by loadPolicies, the object and inventory files by loadManifestFile, then
 * evaluate — and the findings on the reviewed object must satisfy the case's assertions: a count
 * (`violations: yes | no | N`, unset meaning yes) of the violations whose message matches `message`
 * (a regular expression), as gator counts them.
 */
import { afterAll, describe, expect, test } from "@jest/globals";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { loadManifestFile } from "../../../src/manifests/load.js";
import { evaluate } from "../../../src/policy/engine.js";
import { loadPolicies } from "../../../src/config/policy-files.js";

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const CORPUS = path.join(path.resolve(REPO, "../shared"), "corpora/gatekeeper-library");
const INDEX = path.join(CORPUS, "index.json");

interface Assertion {
  /** "yes" | "no" | a count; YAML 1.1 may have turned yes/no into booleans. Unset means "yes". */
  violations?: string | number | boolean;
  message?: string;
}

interface SuiteCase {
  dir: string;
  kind: string;
  test: string;
  case: string;
  constraint: string;
  object: string;
  inventory: string[];
  assertions: Assertion[];
}

/**
 * Cases that cannot be judged offline, by object file, with the reason. None today: the cases whose
 * object is an AdmissionReview (an UPDATE, which the pod-security-policy templates exempt) go through
 * the loader like any file, as gator reads them. A case added here must say why it cannot run.
 */
const SKIPPED: ReadonlyMap<string, string> = new Map<string, string>([]);

const corpusPresent = existsSync(INDEX);
if (!corpusPresent) {
  console.log(`SKIPPED Gatekeeper library conformance: ${CORPUS} is absent (the shared corpora live beside the checkout).`);
}
const cases: SuiteCase[] = corpusPresent ? (JSON.parse(readFileSync(INDEX, "utf8")) as { cases: SuiteCase[] }).cases : [];

const read = (relative: string): string => readFileSync(path.join(CORPUS, relative), "utf8");

/** The findings on the case's object, through the real pipeline. */
function judge(c: SuiteCase): string[] {
  const loaded = loadPolicies([{ file: c.constraint, content: read(c.constraint) }]);
  expect(loaded.errors).toEqual([]);
  expect(loaded.policies).toHaveLength(1);
  const files = [c.object, ...c.inventory].map((file) => loadManifestFile(file, read(file)));
  for (const file of files) expect(file.errors).toEqual([]);
  const result = evaluate(files, loaded.policies);
  return result.findings.filter((finding) => finding.file === c.object).map((finding) => finding.message);
}

/** gator's check of one assertion: how many violations match `message`, against "yes", "no" or a count. */
function failedAssertion(assertion: Assertion, messages: readonly string[]): string | undefined {
  const pattern = assertion.message === undefined ? undefined : new RegExp(assertion.message);
  const count = messages.filter((m) => !pattern || pattern.test(m)).length;
  const wanted = assertion.violations ?? "yes";
  const ok = wanted === "yes" || wanted === true ? count > 0 : wanted === "no" || wanted === false ? count === 0 : count === Number(wanted);
  if (ok) return undefined;
  return `expected violations: ${String(wanted)}${pattern ? ` matching /${assertion.message}/` : ""}, got ${count} of ${JSON.stringify(messages)}`;
}

const tally = new Map<string, { passed: number; skipped: number; total: number }>();
const count = (dir: string, outcome: "passed" | "skipped" | "failed"): void => {
  const entry = tally.get(dir) ?? { passed: 0, skipped: 0, total: 0 };
  entry.total++;
  if (outcome !== "failed") entry[outcome]++;
  tally.set(dir, entry);
};

describe.each([...new Set(cases.map((c) => c.dir))])("%s", (dir) => {
  const ofTemplate = cases.filter((c) => c.dir === dir);
  test.each(ofTemplate.map((c) => [`${c.test} / ${c.case} (${path.basename(c.object)})`, c] as const))("%s", (_name, c) => {
    const skipReason = SKIPPED.get(c.object);
    if (skipReason) {
      count(dir, "skipped");
      return;
    }
    count(dir, "failed");
    const messages = judge(c);
    const failures = c.assertions.map((a) => failedAssertion(a, messages)).filter((f): f is string => f !== undefined);
    expect(failures).toEqual([]);
    const entry = tally.get(dir);
    if (entry) entry.passed++;
  });
});

test("the skip list names only cases that exist, each with a reason", () => {
  if (!corpusPresent) return;
  const objects = new Set(cases.map((c) => c.object));
  for (const [object, reason] of SKIPPED) {
    expect(objects.has(object)).toBe(true);
    expect(reason.length).toBeGreaterThan(20);
  }
});

afterAll(() => {
  if (!corpusPresent) return;
  const rows = [...tally].map(
    ([dir, t]) =>
      `${dir.replace(/^library\//, "").padEnd(52)} ${String(t.passed).padStart(3)}/${t.total}${t.skipped ? `  (${t.skipped} skipped)` : ""}`,
  );
  const passed = [...tally.values()].reduce((n, t) => n + t.passed, 0);
  const skipped = [...tally.values()].reduce((n, t) => n + t.skipped, 0);
  console.log(`Gatekeeper library conformance: ${passed}/${cases.length} cases pass, ${skipped} skipped\n${rows.join("\n")}`);
});
