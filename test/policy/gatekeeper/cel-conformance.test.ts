/**
 * The Gatekeeper library templates that carry CEL code (`engine: K8sNativeValidation`), run through the
 * GENERIC CEL path: each template and its sample constraint are loaded under a renamed kind (the native
 * implementation of the library kind stays out of the way), and the findings must satisfy the case's
 * suite.yaml assertions exactly as the native conformance test checks them.
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
  violations?: string | number | boolean;
  message?: string;
}

interface SuiteCase {
  dir: string;
  kind: string;
  engines: string[];
  test: string;
  case: string;
  template: string;
  constraint: string;
  object: string;
  inventory: string[];
  assertions: Assertion[];
}

const corpusPresent = existsSync(INDEX);
if (!corpusPresent) console.log(`SKIPPED Gatekeeper CEL-template conformance: ${CORPUS} is absent.`);
const cases: SuiteCase[] = corpusPresent
  ? (JSON.parse(readFileSync(INDEX, "utf8")) as { cases: SuiteCase[] }).cases.filter((c) => c.engines.includes("K8sNativeValidation"))
  : [];

const read = (relative: string): string => readFileSync(path.join(CORPUS, relative), "utf8");
/** The kind under which the template runs generically: no native implementation has this name. */
const renamed = (kind: string): string => `${kind}ViaCel`;
const rename = (text: string, kind: string): string => text.replace(new RegExp(`\\b${kind}\\b`, "g"), renamed(kind));

function judge(c: SuiteCase): string[] {
  const loaded = loadPolicies([
    { file: c.template, content: rename(read(c.template), c.kind) },
    { file: c.constraint, content: rename(read(c.constraint), c.kind) },
  ]);
  expect(loaded.errors).toEqual([]);
  expect(loaded.policies.map((p) => p.kind)).toEqual([renamed(c.kind)]);
  const files = [c.object, ...c.inventory].map((file) => loadManifestFile(file, read(file)));
  for (const file of files) expect(file.errors).toEqual([]);
  return evaluate(files, loaded.policies)
    .findings.filter((f) => f.file === c.object)
    .map((f) => f.message);
}

function failedAssertion(assertion: Assertion, messages: readonly string[]): string | undefined {
  const pattern = assertion.message === undefined ? undefined : new RegExp(assertion.message);
  const count = messages.filter((m) => !pattern || pattern.test(m)).length;
  const wanted = assertion.violations ?? "yes";
  const ok = wanted === "yes" || wanted === true ? count > 0 : wanted === "no" || wanted === false ? count === 0 : count === Number(wanted);
  if (ok) return undefined;
  return `expected violations: ${String(wanted)}${pattern ? ` matching /${assertion.message}/` : ""}, got ${count} of ${JSON.stringify(messages)}`;
}

const tally = new Map<string, { passed: number; total: number }>();

describe.each([...new Set(cases.map((c) => c.dir))])("%s (generic CEL)", (dir) => {
  test.each(cases.filter((c) => c.dir === dir).map((c) => [`${c.test} / ${c.case}`, c] as const))("%s", (_name, c) => {
    const entry = tally.get(dir) ?? { passed: 0, total: 0 };
    entry.total++;
    tally.set(dir, entry);
    const failures = c.assertions.map((a) => failedAssertion(a, judge(c))).filter((f): f is string => f !== undefined);
    expect(failures).toEqual([]);
    entry.passed++;
  });
});

test("every library template with CEL code is covered", () => {
  if (!corpusPresent) return;
  expect(new Set(cases.map((c) => c.kind)).size).toBe(16);
});

afterAll(() => {
  if (!corpusPresent) return;
  const rows = [...tally].map(([dir, t]) => `${dir.replace(/^library\//, "").padEnd(52)} ${String(t.passed).padStart(3)}/${t.total}`);
  const passed = [...tally.values()].reduce((n, t) => n + t.passed, 0);
  console.log(`Gatekeeper CEL templates through the generic CEL path: ${passed}/${cases.length} cases pass\n${rows.join("\n")}`);
});
