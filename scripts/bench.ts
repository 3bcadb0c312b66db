/**
 * Throughput benchmark: the whole check (load manifests with positions, then evaluate every shipped
 * and example policy) against the floor of a bare js-yaml `loadAll` of the same texts, over the
 * real-world manifests in ../shared/corpora/manifests.
 *
 * Both sides get the same in-memory strings, so disk I/O is in neither timing. Each round times both,
 * in alternating order, after a warm-up; the headline ratio is the median of the per-round ratios,
 * which a noisy shared machine disturbs least. Targets are printed, not enforced: a shared machine is too noisy for a
 * benchmark to fail a build. The last line is `ratio evaluate/parse: N.NN` for scripts to read.
 *
 * Run with `npm run bench` (builds, then `node --expose-gc dist/scripts/bench.js`).
 */
import { existsSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { loadAll } from "js-yaml";
import { loadManifestFile } from "../src/manifests/load.js";
import type { LoadedFile } from "../src/manifests/types.js";
import { evaluate } from "../src/policy/engine.js";
import { loadPolicies } from "../src/config/policy-files.js";
import { readPolicySources, SHIPPED_POLICIES_DIR } from "../src/policy/shipped.js";

const ROUNDS = 9;
const TARGET_RATIO = 1.5;
const TARGET_RSS_MB = 300;
const MANIFEST_FILE = /\.(ya?ml|json)$/i;

function repositoryRoot(): string {
  for (let dir = path.dirname(fileURLToPath(import.meta.url)); ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, "package.json"))) return dir;
    if (path.dirname(dir) === dir) throw new Error("package.json not found above the benchmark script");
  }
}

async function listManifestFiles(dir: string): Promise<string[]> {
  const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const files: string[] = [];
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) files.push(...(await listManifestFiles(full)));
    else if (entry.isFile() && MANIFEST_FILE.test(entry.name)) files.push(full);
  }
  return files;
}

interface Input {
  file: string;
  text: string;
}

/** The floor: what parsing alone costs. Broken files are caught per file, as the loader reports them per file. */
function parseOnly(inputs: readonly Input[]): { documents: number; failedFiles: number } {
  let documents = 0;
  let failedFiles = 0;
  for (const input of inputs) {
    try {
      documents += loadAll(input.text).length;
    } catch {
      failedFiles += 1;
    }
  }
  return { documents, failedFiles };
}

function check(inputs: readonly Input[], policies: Parameters<typeof evaluate>[1]): { loadMs: number; evaluateMs: number; result: ReturnType<typeof evaluate> } {
  const start = performance.now();
  const files: LoadedFile[] = inputs.map((input) => loadManifestFile(input.file, input.text));
  const loaded = performance.now();
  const result = evaluate(files, policies);
  const end = performance.now();
  return { loadMs: loaded - start, evaluateMs: end - loaded, result };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

const collectGarbage: () => void = typeof globalThis.gc === "function" ? globalThis.gc : () => undefined;

async function main(): Promise<void> {
  const root = repositoryRoot();
  const corpus = path.resolve(root, "../shared/corpora/manifests");
  if (!existsSync(corpus)) {
    console.log(`bench skipped: corpus not found at ${corpus} (../shared is absent)`);
    return;
  }
  if (typeof globalThis.gc !== "function") console.log("note: run with --expose-gc (npm run bench does) for steadier timings");

  // Shipped defaults plus the example constraints: every policy file under policies/.
  const policySet = loadPolicies(await readPolicySources([SHIPPED_POLICIES_DIR]));
  for (const error of policySet.errors) console.log(`policy error: ${error.file}:${error.line}:${error.column}: ${error.message}`);
  const kinds = [...new Set(policySet.policies.map((policy) => policy.kind))].sort();
  console.log(`policies: ${policySet.policies.length} (${kinds.join(", ")}) from ${SHIPPED_POLICIES_DIR}`);

  const paths = await listManifestFiles(corpus);
  const inputs: Input[] = await Promise.all(
    paths.map(async (file) => ({ file: path.relative(corpus, file), text: await readFile(file, "utf8") })),
  );
  const bytes = inputs.reduce((sum, input) => sum + Buffer.byteLength(input.text), 0);
  console.log(`corpus: ${inputs.length} files, ${(bytes / 1024 / 1024).toFixed(1)} MB from ${corpus}`);

  // Warm-up: JIT and caches for both paths, results discarded.
  const floor = parseOnly(inputs);
  const warm = check(inputs, policySet.policies).result;

  const parseMs: number[] = [];
  const loadMs: number[] = [];
  const evaluateMs: number[] = [];
  const totalMs: number[] = [];
  const timeParse = (): void => {
    collectGarbage();
    const start = performance.now();
    parseOnly(inputs);
    parseMs.push(performance.now() - start);
  };
  const timeCheck = (): void => {
    collectGarbage();
    const start = performance.now();
    const timed = check(inputs, policySet.policies);
    totalMs.push(performance.now() - start);
    loadMs.push(timed.loadMs);
    evaluateMs.push(timed.evaluateMs);
  };
  // Alternate which side goes first, so neither always runs right after the other's garbage.
  for (let round = 0; round < ROUNDS; round++) {
    if (round % 2 === 0) {
      timeParse();
      timeCheck();
    } else {
      timeCheck();
      timeParse();
    }
  }

  const parseMedian = median(parseMs);
  const totalMedian = median(totalMs);
  const { summary } = warm;
  const perSecond = (documents: number, ms: number): string => Math.round((documents / ms) * 1000).toLocaleString("en-US");
  const rssMb = process.resourceUsage().maxRSS / 1024;
  // Each round's two timings share the machine's state at that moment, so the median of per-round
  // ratios is the steadiest figure on a shared, noisy machine: it is the headline.
  const ratio = median(totalMs.map((ms, round) => ms / (parseMs[round] as number)));
  const fmt = (values: readonly number[]): string => values.map((v) => v.toFixed(0)).join(", ");

  console.log(`documents: ${floor.documents} parsed by js-yaml (${floor.failedFiles} files failed to parse)`);
  console.log(`checked: ${summary.files} files, ${summary.resources} resources: ${summary.deny} deny, ${summary.warn} warn, ${summary.dryrun} dryrun, ${summary.errors} errors`);
  console.log(`rounds: ${ROUNDS} (after one warm-up), medians below`);
  console.log(`parse (js-yaml loadAll):   ${parseMedian.toFixed(1)} ms  [${fmt(parseMs)}]  ${perSecond(floor.documents, parseMedian)} documents/s`);
  console.log(`load (manifests+positions): ${median(loadMs).toFixed(1)} ms  [${fmt(loadMs)}]`);
  console.log(`evaluate (policies):        ${median(evaluateMs).toFixed(1)} ms  [${fmt(evaluateMs)}]`);
  console.log(`check (load+evaluate):      ${totalMedian.toFixed(1)} ms  [${fmt(totalMs)}]  ${perSecond(floor.documents, totalMedian)} documents/s`);
  console.log(`ratio of medians (for judging noise): ${(totalMedian / parseMedian).toFixed(2)}`);
  console.log(`peak RSS: ${rssMb.toFixed(1)} MB`);
  console.log(`target ratio <= ${TARGET_RATIO}: ${ratio <= TARGET_RATIO ? "met" : "NOT met"}`);
  console.log(`target peak RSS < ${TARGET_RSS_MB} MB: ${rssMb < TARGET_RSS_MB ? "met" : "NOT met"}`);
  console.log(`ratio evaluate/parse: ${ratio.toFixed(2)}`);
}

await main();
