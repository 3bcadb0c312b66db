/**
 * Hostile-input benchmark: how long, and how much memory, each reader of untrusted text takes on the
 * worst inputs we know (test/fixtures/nasty, plus generated ones at and past the limits). Each input
 * runs in a child process of its own, so its peak memory (max RSS) is its own; times are medians of
 * a few runs after a warm-up. Figures are printed, not enforced: a shared machine is too noisy for a
 * benchmark to fail a build; the limits themselves are enforced in code and tested.
 *
 * Run with `npm run bench:hostile` (builds, then `node --expose-gc dist/scripts/bench-hostile.js`).
 * `--one <name>` runs a single input (that is what the children do); `--quick` skips the largest ones.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseOrgConfig } from "../src/config/parse.js";
import { parseComment } from "../src/exceptions/command.js";
import { DEFAULT_LIMITS } from "../src/manifests/limits.js";
import { loadManifestFile } from "../src/manifests/load.js";
import { loadPolicies } from "../src/config/policy-files.js";

const RUNS = 3;

function repositoryRoot(): string {
  for (let dir = path.dirname(fileURLToPath(import.meta.url)); ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, "package.json")) && existsSync(path.join(dir, "test"))) return dir;
    if (path.dirname(dir) === dir) throw new Error("package.json not found above the benchmark script");
  }
}

type Reader = "manifest" | "policy" | "config" | "comment";

interface Case {
  name: string;
  reader: Reader;
  /** Built lazily, in the child only. */
  input: () => string | Uint8Array;
  large?: boolean;
}

const MAX = DEFAULT_LIMITS.maxBytes;
const head = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: bench\ndata:\n";
const REQUEST = "/policy-exception pod-security-baseline Pod/default/x\nReason: INC-1";

function generated(): Case[] {
  return [
    {
      name: "scalar just under the size limit (one 5 MiB line)",
      reader: "manifest",
      large: true,
      input: () => `${head}  x: ${"b".repeat(MAX - head.length - 10)}\n`,
    },
    { name: "one byte over the size limit", reader: "manifest", large: true, input: () => `${head}  x: ${"b".repeat(MAX)}\n` },
    {
      name: "150,000 keys in one mapping (3 MB)",
      reader: "manifest",
      large: true,
      input: () => `${head}${Array.from({ length: 150_000 }, (_, index) => `  k${index}: v\n`).join("")}`,
    },
    {
      name: "flow mapping of 190,000 keys on one line (3 MB)",
      reader: "manifest",
      large: true,
      input: () => `${head}  m: {${Array.from({ length: 190_000 }, (_, index) => `k${index}: ${index}`).join(", ")}}\n`,
    },
    {
      name: "flow mapping of 300,000 keys (4.9 MB, over the node limit)",
      reader: "manifest",
      large: true,
      input: () => `${head}  m: {${Array.from({ length: 300_000 }, (_, index) => `k${index}: ${index}`).join(", ")}}\n`,
    },
    {
      name: "20,000 small ConfigMaps in one file (1.6 MB)",
      reader: "manifest",
      large: true,
      input: () =>
        Array.from(
          { length: 20_000 },
          (_, index) => `---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c${index}\ndata:\n  k: v\n`,
        ).join(""),
    },
    { name: "100,000 empty documents", reader: "manifest", input: () => "---\n".repeat(100_000) },
    { name: "1 MiB of '['", reader: "manifest", input: () => "[".repeat(1024 * 1024) },
    { name: "alias fan-out just inside the budget", reader: "manifest", input: () => aliasBomb(10, 4) },
    { name: "alias fan-out 10^12 (refused)", reader: "manifest", input: () => aliasBomb(10, 12) },
    {
      name: "alias fan-out in a 5 MiB file (budget grows with size)",
      reader: "manifest",
      large: true,
      input: () => `${aliasBomb(10, 6)}  pad: ${"p".repeat(MAX - 200_000)}\n`,
    },
    { name: "99 levels of block nesting (the limit is 100)", reader: "manifest", input: () => nested(96) },
    { name: "101 levels of block nesting (refused)", reader: "manifest", input: () => nested(98) },
    { name: "5 MiB of random bytes", reader: "manifest", large: true, input: () => pseudoRandomBytes(MAX - 1) },
    {
      name: "5 MiB of YAML punctuation",
      reader: "manifest",
      large: true,
      input: () => "- [{? &a *a: |\n".repeat(Math.floor((MAX - 1) / 15)),
    },
    {
      name: "policy file: 1,000 constraints",
      reader: "policy",
      input: () =>
        Array.from(
          { length: 1000 },
          (_, index) =>
            `---\napiVersion: constraints.gatekeeper.sh/v1beta1\nkind: K8sAllowedRepos\nmetadata:\n  name: repos-${index}\nspec:\n  parameters:\n    repos: ["registry.example.com/"]\n`,
        ).join(""),
    },
    {
      name: "policy file: 5 MiB of junk",
      reader: "policy",
      large: true,
      input: () => "spec: {match: [".repeat(Math.floor((MAX - 1) / 16)),
    },
    {
      name: "org config: 5 MiB of globs",
      reader: "config",
      large: true,
      input: () => `manifests:\n  include:\n${"    - '**/*.yaml'\n".repeat(Math.floor((MAX - 30) / 19))}`,
    },
    { name: "comment: 65,536 characters of fences", reader: "comment", input: () => "```\n".repeat(16_384) },
    { name: "comment: 963 commands", reader: "comment", input: () => `${REQUEST}\n`.repeat(963) },
    { name: "comment: 65,536 characters on one command line", reader: "comment", input: () => `/policy-exception ${"a".repeat(65_500)}` },
    {
      name: "comment: 4,000 resources on one line",
      reader: "comment",
      input: () => `/policy-exception pod-security-baseline ${"Pod/default/x ".repeat(4000)}`.slice(0, 65_536),
    },
  ];
}

/** A ConfigMap whose data nests `keys` mappings: keys + 3 levels with the root, `data` and the leaf. */
function nested(keys: number): string {
  return `${head}${Array.from({ length: keys }, (_, level) => `${"  ".repeat(level + 1)}k${level}:\n`).join("")}${"  ".repeat(keys + 1)}leaf\n`;
}

function aliasBomb(fanout: number, levels: number): string {
  const lines = ['a0: &a0 "x"'];
  for (let level = 1; level < levels; level++)
    lines.push(`a${level}: &a${level} [${Array.from({ length: fanout }, () => `*a${level - 1}`).join(", ")}]`);
  return `${head}  ${lines.join("\n  ")}\n`;
}

function pseudoRandomBytes(length: number): Uint8Array {
  const bytes = new Uint8Array(length);
  let state = 0x2545f491;
  for (let index = 0; index < length; index++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    bytes[index] = state & 0xff;
  }
  return bytes;
}

function allCases(root: string): Case[] {
  const dir = path.join(root, "test/fixtures/nasty");
  const fixtures: Case[] = readdirSync(dir)
    .filter((file) => /\.(ya?ml|json)$/.test(file) && file !== "EXPECTED.json")
    .sort()
    .map((file) => ({ name: `nasty/${file}`, reader: "manifest" as const, input: () => readFileSync(path.join(dir, file)) }));
  return [...fixtures, ...generated()];
}

/** What one reader says about one input, in a word or two. */
function read(reader: Reader, input: string | Uint8Array): string {
  switch (reader) {
    case "manifest": {
      const loaded = loadManifestFile("bench.yaml", input);
      return loaded.errors.length > 0 ? `error: ${loaded.errors[0]?.message.slice(0, 48)}` : `${loaded.manifests.length} objects`;
    }
    case "policy": {
      const loaded = loadPolicies([{ file: "bench.yaml", content: input }]);
      return loaded.errors.length > 0
        ? `${loaded.policies.length} policies, ${loaded.errors.length} errors`
        : `${loaded.policies.length} policies`;
    }
    case "config": {
      const parsed = parseOrgConfig("bench.yml", input);
      return parsed.config ? "config read" : `${parsed.problems.length} problems`;
    }
    case "comment":
      return `${parseComment(typeof input === "string" ? input : Buffer.from(input).toString("utf8"), 1).length} commands`;
  }
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

/** In the child: time one case, print one JSON line. */
function runOne(root: string, name: string): void {
  const found = allCases(root).find((candidate) => candidate.name === name);
  if (!found) throw new Error(`no case ${name}`);
  const input = found.input();
  const gc = typeof globalThis.gc === "function" ? globalThis.gc : () => undefined;
  const rssBefore = process.memoryUsage().rss;
  let outcome = read(found.reader, input); // warm-up
  const times: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    gc();
    const start = performance.now();
    outcome = read(found.reader, input);
    times.push(performance.now() - start);
  }
  const bytes = typeof input === "string" ? Buffer.byteLength(input) : input.byteLength;
  const peakMb = process.resourceUsage().maxRSS / 1024;
  console.log(JSON.stringify({ name, reader: found.reader, bytes, ms: median(times), peakMb, baseMb: rssBefore / 1024 / 1024, outcome }));
}

function main(): void {
  const root = repositoryRoot();
  const args = process.argv.slice(2);
  const one = args.indexOf("--one");
  if (one !== -1) return runOne(root, args[one + 1] as string);
  const quick = args.includes("--quick");
  const cases = allCases(root).filter((candidate) => !(quick && candidate.large));
  const script = fileURLToPath(import.meta.url);
  console.log(`hostile inputs: ${cases.length} (${RUNS} timed runs each after a warm-up, one child process per input; medians)`);
  console.log(
    `${"input".padEnd(58)} ${"reader".padEnd(8)} ${"bytes".padStart(9)} ${"ms".padStart(8)} ${"MB/s".padStart(7)} ${"peak RSS".padStart(9)}  outcome`,
  );
  let worstMs = 0;
  let worstPeak = 0;
  for (const candidate of cases) {
    const output = execFileSync(process.execPath, ["--expose-gc", script, "--one", candidate.name], {
      encoding: "utf8",
      maxBuffer: 1024 * 1024,
    });
    const result = JSON.parse(output.trim().split("\n").at(-1) as string) as {
      name: string;
      reader: string;
      bytes: number;
      ms: number;
      peakMb: number;
      outcome: string;
    };
    worstMs = Math.max(worstMs, result.ms);
    worstPeak = Math.max(worstPeak, result.peakMb);
    const rate = result.ms > 0 ? result.bytes / 1024 / 1024 / (result.ms / 1000) : 0;
    console.log(
      `${result.name.slice(0, 58).padEnd(58)} ${result.reader.padEnd(8)} ${String(result.bytes).padStart(9)} ${result.ms.toFixed(1).padStart(8)} ${rate.toFixed(1).padStart(7)} ${`${result.peakMb.toFixed(0)} MB`.padStart(9)}  ${result.outcome}`,
    );
  }
  console.log(`worst: ${worstMs.toFixed(0)} ms for one input, ${worstPeak.toFixed(0)} MB peak RSS for one process`);
}

main();
