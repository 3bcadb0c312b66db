/**
 * The safety properties of every fix (see safety.ts) over real manifests (../shared/corpora/manifests)
 * and the upstream Pod Security fixtures (../shared/corpora/psa), judged by the shipped policies plus
 * the Gatekeeper PSP kinds that have fixes. Prints, per rule, how many findings have a fix and how
 * many of those fixes could be written safely.
 */
import { describe, expect, it } from "@jest/globals";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { checkFile, fixablePolicies, newReport, type SafetyReport } from "./safety.js";

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const CORPORA = path.resolve(REPO, "../shared/corpora");
const SETS = ["manifests", "psa"].map((name) => path.join(CORPORA, name));

function manifestFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && /\.(ya?ml|json)$/.test(entry.name))
    .map((entry) => path.join(entry.parentPath, entry.name))
    .sort();
}

function table(report: SafetyReport): string {
  const rows = [...report.tally.entries()].sort(([a], [b]) => (a < b ? -1 : 1));
  const lines = rows.map(
    ([rule, t]) =>
      `${rule.padEnd(58)} ${String(t.findings).padStart(6)} ${String(t.withFix).padStart(6)} ${String(t.applied).padStart(6)}  ${t.findings ? Math.round((100 * t.withFix) / t.findings) : 0}%`,
  );
  const total = rows.reduce(
    (sum, [, t]) => ({ findings: sum.findings + t.findings, withFix: sum.withFix + t.withFix, applied: sum.applied + t.applied }),
    { findings: 0, withFix: 0, applied: 0 },
  );
  const refusals = [...report.refusals.entries()]
    .sort((a, b) => b[1].count - a[1].count)
    .map(([reason, { count, example }]) => `  ${count} × ${reason} (e.g. ${example})`);
  return [
    `${"rule".padEnd(58)} ${"found".padStart(6)} ${"fix".padStart(6)} ${"done".padStart(6)}  share`,
    ...lines,
    `${"total".padEnd(58)} ${String(total.findings).padStart(6)} ${String(total.withFix).padStart(6)} ${String(total.applied).padStart(6)}  ${Math.round((100 * total.withFix) / Math.max(1, total.findings))}%`,
    "fixes refused as unsafe to write:",
    ...refusals,
  ].join("\n");
}

describe("fixes are safe on the corpora", () => {
  const present = SETS.every((dir) => existsSync(dir));
  if (!present) {
    console.log(`SKIPPED fix safety over the corpora: ${CORPORA} is absent (the shared corpora live beside the checkout).`);
    it.skip("needs ../shared/corpora", () => undefined);
    return;
  }

  it("every fix removes its finding, adds none, changes only its fields and is idempotent", async () => {
    const judged = await fixablePolicies();
    const report = newReport();
    const seen = new Set<string>();
    for (const dir of SETS) {
      for (const file of manifestFiles(dir)) {
        const text = readFileSync(file, "utf8");
        // The PSA fixtures repeat across versions; each distinct text is checked once.
        if (seen.has(text)) continue;
        seen.add(text);
        checkFile(path.relative(CORPORA, file), text, judged, report);
      }
    }
    console.log(`Fixes on the corpora (${seen.size} distinct files):\n${table(report)}`);
    expect(report.problems).toEqual([]);
    // Every fix a rule offers on the corpora is written: a refusal is a gap in the engine to look at.
    expect([...report.refusals.keys()]).toEqual([]);
    const fixed = [...report.tally.values()].reduce((sum, t) => sum + t.applied, 0);
    expect(fixed).toBeGreaterThan(1000);
  }, 600_000);
});
