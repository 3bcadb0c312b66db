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
import { loadPolicies } from "../../../src/policy/load.js";

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
 * Cases that cannot be judged statically. The library exempts UPDATE requests from checks on
 * immutable fields, and these cases are AdmissionReviews of an UPDATE; a manifest in a pull request
 * is judged as the object it creates (a CREATE review), so there is no operation to exempt.
 */
const UPDATE_ONLY =
  "object is an AdmissionReview of an UPDATE request: the template exempts updates (immutable fields); a static check judges manifests as CREATE and has no operation to exempt";

const SKIPPED: ReadonlyMap<string, string> = new Map(
  [
    "library/general/automount-serviceaccount-token/samples/automount-serviceaccount-token",
    "library/general/ephemeralstoragelimit/samples/container-must-have-ephemeral-storage-limit",
    "library/general/requiredprobes/samples/must-have-probes",
    "library/pod-security-policy/allow-privilege-escalation/samples/psp-allow-privilege-escalation-container",
    "library/pod-security-policy/capabilities/samples/psp-capabilities-baseline",
    "library/pod-security-policy/capabilities/samples/psp-capabilities-restricted",
    "library/pod-security-policy/flexvolume-drivers/samples/psp-flexvolume-drivers",
    "library/pod-security-policy/forbidden-sysctls/samples/psp-forbidden-sysctls",
    "library/pod-security-policy/fsgroup/samples/psp-fsgroup",
    "library/pod-security-policy/host-filesystem/samples/psp-host-filesystem",
    "library/pod-security-policy/host-namespaces/samples/psp-host-namespace",
    "library/pod-security-policy/host-network-ports/samples/psp-host-network-ports",
    "library/pod-security-policy/host-probes-lifecycle/samples/psp-host-probes-lifecycle",
    "library/pod-security-policy/host-process/samples/psp-host-process",
    "library/pod-security-policy/privileged-containers/samples/psp-privileged-container",
    "library/pod-security-policy/proc-mount/samples/psp-proc-mount",
    "library/pod-security-policy/read-only-root-filesystem/samples/psp-readonlyrootfilesystem",
    "library/pod-security-policy/selinux/samples/psp-selinux-v2",
    "library/pod-security-policy/users/samples/psp-pods-allowed-user-ranges",
    "library/pod-security-policy/volumes/samples/psp-volume-types",
  ].map((sample) => [`${sample}/update.yaml`, UPDATE_ONLY]),
);

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
  const rows = [...tally].map(([dir, t]) => `${dir.replace(/^library\//, "").padEnd(52)} ${String(t.passed).padStart(3)}/${t.total}${t.skipped ? `  (${t.skipped} skipped)` : ""}`);
  const passed = [...tally.values()].reduce((n, t) => n + t.passed, 0);
  const skipped = [...tally.values()].reduce((n, t) => n + t.skipped, 0);
  console.log(`Gatekeeper library conformance: ${passed}/${cases.length} cases pass, ${skipped} skipped\n${rows.join("\n")}`);
});
