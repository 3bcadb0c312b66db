/**
 * Writes test/golden/oracle-manifests.json: what the differential oracle (tools/oracle) reads in
 * every file of ../shared/corpora/manifests, as document hashes. `npm test` compares our reader
 * against it without needing Go. Re-run after the corpus or the oracle changes:
 *
 *   npm run oracle:golden          (builds the oracle with Go first; see tools/oracle/README.md)
 *
 * Also prints how many documents the two read identically. `--measure DIR` only measures, over
 * another folder, and writes nothing.
 */
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { compareWithOracle, readingFromOracleLine, type OracleReading } from "./compare.js";
import { CORPUS, GOLDEN_FILE, ORACLE_BINARY, corpusFiles } from "./paths.js";

const measureAt = process.argv.indexOf("--measure");
const root = measureAt === -1 ? CORPUS : path.resolve(process.argv[measureAt + 1] ?? ".");
const files = corpusFiles(root);
const output = execFileSync(
  ORACLE_BINARY,
  files.map((file) => path.join(root, file)),
  { maxBuffer: 1 << 30, encoding: "utf8" },
);
const golden: Record<string, OracleReading> = {};
output
  .trim()
  .split("\n")
  .forEach((line, index) => {
    golden[files[index] as string] = readingFromOracleLine(JSON.parse(line) as { documents: unknown[]; error?: string });
  });

let documents = 0;
let identical = 0;
let filesDiffering = 0;
for (const file of files) {
  const comparison = compareWithOracle(file, readFileSync(path.join(root, file)), golden[file] as OracleReading);
  documents += comparison.oracleDocuments;
  identical += comparison.identical;
  if (comparison.differences.length > 0) {
    filesDiffering++;
    console.log(`${file}: ${comparison.differences.slice(0, 3).join("; ")}`);
  }
}
if (measureAt === -1) writeFileSync(GOLDEN_FILE, `${JSON.stringify(golden, null, 1)}\n`);
console.log(`files: ${files.length}, read differently: ${filesDiffering}`);
console.log(`documents read identically by the oracle and by us: ${identical} of ${documents}`);
