/**
 * Our reader against the differential oracle's golden readings of ../shared/corpora/manifests:
 * what `kubectl apply -f` decodes from each file (tools/oracle: apimachinery's stream splitting and
 * sigs.k8s.io/yaml), written by `npm run oracle:golden`. Every document the oracle reads must come
 * out identical here. The only differences allowed are our deliberate refusals, each named below:
 * a duplicate key (go-yaml v2 silently keeps the last value; we refuse to guess) and a file over
 * the size limit. One reading differs on purpose: a block scalar at the very end of a file without a
 * final newline, which kubectl's line reader ends in "\n" and kustomize (what GitOps tools deploy
 * with) does not; we read it as kustomize does. Those files are named in FINAL_LINE_BREAK.
 */
import { describe, expect, it } from "@jest/globals";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { compareWithOracle, type OracleReading } from "../../scripts/oracle/compare.js";

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const CORPUS = path.join(path.resolve(REPO, "../shared"), "corpora/manifests");
const GOLDEN = path.join(REPO, "test/golden/oracle-manifests.json");
const present = existsSync(CORPUS);
if (!present) console.log(`SKIPPED oracle golden comparison: ${CORPUS} is absent (the shared corpora live beside the checkout).`);

/** Files whose only difference is that final line break (see above), checked to be exactly that. */
const FINAL_LINE_BREAK = new Set(["kubernetes-examples/AI/vllm-deployment/hpa/prometheus-rule.yaml"]);

const DELIBERATE = [/duplicate key "[^"]*" \(first at line \d+\)/, /the file is too large to check/];

(present ? describe : describe.skip)("the reader against the oracle's golden readings of the manifest corpus", () => {
  const golden = JSON.parse(readFileSync(GOLDEN, "utf8")) as Record<string, OracleReading>;
  const files = Object.keys(golden);

  it("covers the corpus", () => {
    expect(files.length).toBeGreaterThan(1000);
    for (const file of files.slice(0, 50)) expect(existsSync(path.join(CORPUS, file))).toBe(true);
  });

  it("reads every document the oracle reads identically, except where we deliberately refuse", () => {
    let documents = 0;
    let identical = 0;
    const unexplained: string[] = [];
    for (const file of files) {
      const comparison = compareWithOracle(file, readFileSync(path.join(CORPUS, file)), golden[file] as OracleReading);
      documents += comparison.oracleDocuments;
      identical += comparison.identical;
      if (comparison.differences.length === 0) continue;
      if (FINAL_LINE_BREAK.has(file) && onlyTheFinalLineBreak(file, golden[file] as OracleReading)) continue;
      const refusals = comparison.differences.filter((difference) => difference.startsWith("we report"));
      const deliberate = refusals.length > 0 && refusals.every((refusal) => DELIBERATE.some((pattern) => pattern.test(refusal)));
      if (!deliberate) unexplained.push(`${file}: ${comparison.differences.join("; ")}`);
    }
    console.log(`oracle golden: ${identical} of ${documents} documents read identically; the rest are deliberate refusals`);
    expect(unexplained).toEqual([]);
    expect(documents).toBeGreaterThan(1900);
    expect(documents - identical).toBeLessThan(20);
  });
});

/** The oracle's reading equals ours once the final "\n" it added to the last block scalar is taken off. */
function onlyTheFinalLineBreak(file: string, reading: OracleReading): boolean {
  const text = readFileSync(path.join(CORPUS, file), "utf8");
  if (text.endsWith("\n")) return false;
  return compareWithOracle(file, Buffer.from(`${text}\n`), reading).differences.length === 0;
}
