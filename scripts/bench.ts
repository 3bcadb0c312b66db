/**
 * Throughput benchmark: the whole check (load manifests with positions, then evaluate every shipped
 * and example policy plus the Kyverno library's best-practices ClusterPolicies) against the floor of
 * a bare js-yaml `loadAll` of the same texts, over the real-world manifests in ../shared/corpora/manifests.
 * Each round also times the check without the Kyverno policies, so their cost is read off one run.
 *
 * Both sides get the same in-memory strings, so disk I/O is in neither timing. Each round times both,
 * in alternating order, after a warm-up; the headline ratio is the median of the per-round ratios,
 * which a noisy shared machine disturbs least. Targets are printed, not enforced: a shared machine is too noisy for a
 * benchmark to fail a build. The last line is `ratio evaluate/parse: N.NN` for scripts to read.
 *
 * A second step renders every kustomization directory of ../shared/corpora/kustomize (each source
 * tree in memory, one parse cache per tree, as `check` shares one per run) and judges what the roots
 * render, against a bare js-yaml parse of the files each of those renders read (a file read by five
 * renders is parsed five times on that side: what rendering root by root would at least cost). It
 * prints roots per second and `ratio render/parse: N.NN`.
 *
 * Run with `npm run bench` (builds, then `node --expose-gc dist/scripts/bench.js`).
 */
import { existsSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { loadAll } from "js-yaml";
import { decideVerdict } from "../src/verdict/verdict.js";
import { loadManifestFile } from "../src/manifests/load.js";
import type { LoadedFile } from "../src/manifests/types.js";
import { evaluate } from "../src/policy/engine.js";
import { loadPolicies } from "../src/config/policy-files.js";
import { readPolicySources, SHIPPED_POLICIES_DIR } from "../src/policy/shipped.js";
import { memoryFileSystem, ParseCache, type RenderFileSystem } from "../src/render/kustomize/index.js";
import { renderKustomizeRoots } from "../src/render/kustomize-roots.js";

const ROUNDS = 9;
const RENDER_ROUNDS = 3;
const TARGET_RATIO = 1.5;
const TARGET_RSS_MB = 300;
const TARGET_RENDER_RATIO = 2.0;
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

function check(
  inputs: readonly Input[],
  policies: Parameters<typeof evaluate>[1],
): { loadMs: number; evaluateMs: number; result: ReturnType<typeof evaluate> } {
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
  const shippedPolicies = policySet.policies;
  const kyvernoDir = path.resolve(root, "../shared/corpora/kyverno-policies/best-practices");
  const kyvernoSet = existsSync(kyvernoDir) ? loadPolicies(await readPolicySources([kyvernoDir])) : { policies: [], errors: [] };
  for (const error of kyvernoSet.errors) console.log(`policy error: ${error.file}:${error.line}:${error.column}: ${error.message}`);
  const allPolicies = [...shippedPolicies, ...kyvernoSet.policies];
  const kinds = [...new Set(allPolicies.map((policy) => policy.kind))].sort();
  console.log(
    `policies: ${allPolicies.length} (${kinds.join(", ")}): ${shippedPolicies.length} from ${SHIPPED_POLICIES_DIR}, ${kyvernoSet.policies.length} Kyverno from ${kyvernoDir}`,
  );

  const paths = await listManifestFiles(corpus);
  const inputs: Input[] = await Promise.all(
    paths.map(async (file) => ({ file: path.relative(corpus, file), text: await readFile(file, "utf8") })),
  );
  const bytes = inputs.reduce((sum, input) => sum + Buffer.byteLength(input.text), 0);
  console.log(`corpus: ${inputs.length} files, ${(bytes / 1024 / 1024).toFixed(1)} MB from ${corpus}`);

  // Warm-up: JIT and caches for both paths, results discarded.
  const floor = parseOnly(inputs);
  const warm = check(inputs, allPolicies).result;
  check(inputs, shippedPolicies);

  const parseMs: number[] = [];
  const loadMs: number[] = [];
  const evaluateMs: number[] = [];
  const totalMs: number[] = [];
  const withoutKyvernoMs: number[] = [];
  const timeParse = (): void => {
    collectGarbage();
    const start = performance.now();
    parseOnly(inputs);
    parseMs.push(performance.now() - start);
  };
  const timeCheck = (): void => {
    collectGarbage();
    const start = performance.now();
    const timed = check(inputs, allPolicies);
    totalMs.push(performance.now() - start);
    loadMs.push(timed.loadMs);
    evaluateMs.push(timed.evaluateMs);
    collectGarbage();
    const before = performance.now();
    check(inputs, shippedPolicies);
    withoutKyvernoMs.push(performance.now() - before);
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
  console.log(
    `checked: ${summary.files} files, ${summary.resources} resources: ${summary.deny} deny, ${summary.warn} warn, ${summary.dryrun} dryrun, ${summary.errors} errors`,
  );
  console.log(`rounds: ${ROUNDS} (after one warm-up), medians below`);
  console.log(
    `parse (js-yaml loadAll):   ${parseMedian.toFixed(1)} ms  [${fmt(parseMs)}]  ${perSecond(floor.documents, parseMedian)} documents/s`,
  );
  console.log(`load (manifests+positions): ${median(loadMs).toFixed(1)} ms  [${fmt(loadMs)}]`);
  console.log(`evaluate (policies):        ${median(evaluateMs).toFixed(1)} ms  [${fmt(evaluateMs)}]`);
  console.log(
    `check (load+evaluate):      ${totalMedian.toFixed(1)} ms  [${fmt(totalMs)}]  ${perSecond(floor.documents, totalMedian)} documents/s`,
  );
  console.log(`ratio of medians (for judging noise): ${(totalMedian / parseMedian).toFixed(2)}`);
  const withoutRatio = median(withoutKyvernoMs.map((ms, round) => ms / (parseMs[round] as number)));
  console.log(`ratio evaluate/parse without the Kyverno policies: ${withoutRatio.toFixed(2)}  [${fmt(withoutKyvernoMs)}]`);
  console.log(`peak RSS: ${rssMb.toFixed(1)} MB`);
  console.log(`target ratio <= ${TARGET_RATIO}: ${ratio <= TARGET_RATIO ? "met" : "NOT met"}`);
  console.log(`target peak RSS < ${TARGET_RSS_MB} MB: ${rssMb < TARGET_RSS_MB ? "met" : "NOT met"}`);
  gateStep(inputs, shippedPolicies);
  await renderStep(root, policySet.policies);
  console.log(`ratio evaluate/parse: ${ratio.toFixed(2)}`);
}

/**
 * Diff gating (`check.gate: new`): the verdict with the same files as the base (every file modified,
 * the worst case) against the verdict of the head alone. Loading is outside both timings.
 */
function gateStep(inputs: readonly Input[], policies: Parameters<typeof evaluate>[1]): void {
  const files: LoadedFile[] = inputs.map((input) => loadManifestFile(input.file, input.text));
  const now = new Date();
  const headOnly = (): unknown => decideVerdict({ files, policies, exceptionDocuments: [], now });
  const gated = (): unknown => decideVerdict({ files, baseline: files, policies, exceptionDocuments: [], now });
  headOnly();
  gated();
  const headMs: number[] = [];
  const gatedMs: number[] = [];
  for (let round = 0; round < 5; round++) {
    for (const [run, into] of round % 2 === 0
      ? ([
          [headOnly, headMs],
          [gated, gatedMs],
        ] as const)
      : ([
          [gated, gatedMs],
          [headOnly, headMs],
        ] as const)) {
      collectGarbage();
      const start = performance.now();
      run();
      into.push(performance.now() - start);
    }
  }
  const ratio = median(gatedMs.map((ms, round) => ms / (headMs[round] as number)));
  console.log(
    `gate new (base + head, every file modified): ${median(gatedMs).toFixed(1)} ms; head only: ${median(headMs).toFixed(1)} ms; ratio ${ratio.toFixed(2)}`,
  );
}

interface KustomizeTree {
  name: string;
  fs: RenderFileSystem;
  files: string[];
  texts: Map<string, string>;
}

async function readTree(dir: string, base = dir, files = new Map<string, string>()): Promise<Map<string, string>> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) await readTree(full, base, files);
    else if (entry.isFile()) files.set(path.relative(base, full).split(path.sep).join("/"), await readFile(full, "latin1"));
  }
  return files;
}

/** Every kustomization directory of each tree rendered, the roots judged; and the parse floor of what they read. */
function renderAndJudge(
  trees: readonly KustomizeTree[],
  policies: Parameters<typeof evaluate>[1],
): { directories: number; roots: number; objects: number; errors: number; reads: string[][] } {
  let directories = 0;
  let roots = 0;
  let objects = 0;
  let errors = 0;
  const reads: string[][] = [];
  for (const tree of trees) {
    const rendered = renderKustomizeRoots(tree.fs, tree.files, { cache: new ParseCache() });
    const verdict = evaluate(rendered.files, policies);
    directories += rendered.closures.size;
    roots += rendered.roots.length;
    objects += verdict.summary.resources;
    errors += rendered.files.filter((file) => file.errors.length > 0).length;
    for (const files of rendered.closures.values()) reads.push(files.map((file) => tree.texts.get(file) ?? ""));
  }
  return { directories, roots, objects, errors, reads };
}

function parseReads(reads: readonly string[][]): void {
  for (const texts of reads) {
    for (const text of texts) {
      try {
        loadAll(text);
      } catch {
        // a file kustomize reads need not be YAML (a generator's source): what it costs is still counted
      }
    }
  }
}

async function renderStep(root: string, policies: Parameters<typeof evaluate>[1]): Promise<void> {
  const corpus = path.resolve(root, "../shared/corpora/kustomize");
  if (!existsSync(path.join(corpus, "index.json"))) {
    console.log(`render step skipped: corpus not found at ${corpus}`);
    return;
  }
  const index = JSON.parse(await readFile(path.join(corpus, "index.json"), "utf8")) as { sources: Record<string, unknown> };
  const trees: KustomizeTree[] = [];
  for (const name of Object.keys(index.sources).sort()) {
    const raw = await readTree(path.join(corpus, name));
    const bytes = new Map([...raw].map(([file, text]) => [file, Buffer.from(text, "latin1")]));
    const texts = new Map([...bytes].map(([file, content]) => [file, content.toString("utf8")]));
    trees.push({ name, fs: memoryFileSystem(bytes), files: [...bytes.keys()].sort(), texts });
  }
  const warm = renderAndJudge(trees, policies);
  parseReads(warm.reads);
  const renderMs: number[] = [];
  const parseMs: number[] = [];
  for (let round = 0; round < RENDER_ROUNDS; round++) {
    const timeRender = (): void => {
      collectGarbage();
      const start = performance.now();
      renderAndJudge(trees, policies);
      renderMs.push(performance.now() - start);
    };
    const timeParse = (): void => {
      collectGarbage();
      const start = performance.now();
      parseReads(warm.reads);
      parseMs.push(performance.now() - start);
    };
    if (round % 2 === 0) {
      timeRender();
      timeParse();
    } else {
      timeParse();
      timeRender();
    }
  }
  const renderMedian = median(renderMs);
  const ratio = median(renderMs.map((ms, round) => ms / (parseMs[round] as number)));
  const fmt = (values: readonly number[]): string => values.map((v) => v.toFixed(0)).join(", ");
  console.log(
    `kustomize: ${trees.length} trees, ${warm.directories} kustomization directories rendered, ${warm.roots} roots judged ` +
      `(${warm.objects} objects, ${warm.errors} roots not renderable)`,
  );
  console.log(
    `render+judge: ${renderMedian.toFixed(1)} ms  [${fmt(renderMs)}]  ${Math.round((warm.directories / renderMedian) * 1000)} roots/s`,
  );
  console.log(`parse (js-yaml loadAll of the files each render read): ${median(parseMs).toFixed(1)} ms  [${fmt(parseMs)}]`);
  console.log(`target render ratio <= ${TARGET_RENDER_RATIO}: ${ratio <= TARGET_RENDER_RATIO ? "met" : "NOT met"}`);
  console.log(`ratio render/parse: ${ratio.toFixed(2)}`);
}

await main();
