/**
 * The dependency rules of `layers.ts`, checked over the real import graph of src/, emulator/ and scripts/:
 * no import cycle between files, no import against the direction of the layers, no import of a
 * restricted unit from elsewhere, and no file outside the table.
 */
import { describe, expect, test } from "@jest/globals";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import ts from "typescript";
import { GITHUB_CALLERS, LAYERS, RESTRICTED, UNITS } from "./layers.js";

const ROOT = path.resolve(import.meta.dirname, "../..");

function sourceFiles(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const relative = `${dir}/${entry.name}`;
    if (entry.isDirectory()) return sourceFiles(relative);
    return entry.name.endsWith(".ts") ? [relative] : [];
  });
}

/** Relative imports of a file (static, type-only, re-exports and dynamic), resolved to repository paths. */
function importsOf(file: string): string[] {
  const info = ts.preProcessFile(readFileSync(path.join(ROOT, file), "utf8"), true, true);
  return info.importedFiles
    .map((imported) => imported.fileName)
    .filter((specifier) => specifier.startsWith("."))
    .map((specifier) => path.posix.normalize(path.posix.join(path.posix.dirname(file), specifier)).replace(/\.js$/, ".ts"));
}

function unitOf(file: string): string | undefined {
  let best: { unit: string; length: number } | undefined;
  for (const [unit, prefixes] of Object.entries(UNITS)) {
    for (const prefix of prefixes) {
      const hit = prefix.endsWith("/") ? file.startsWith(prefix) : file === prefix;
      if (hit && (!best || prefix.length > best.length)) best = { unit, length: prefix.length };
    }
  }
  return best?.unit;
}

const layerOf = new Map(LAYERS.flatMap((units, index) => units.map((unit) => [unit, index] as const)));

const files = [...sourceFiles("src"), ...sourceFiles("emulator"), ...sourceFiles("scripts")].sort();
const graph = new Map(files.map((file) => [file, importsOf(file)]));

/** Strongly connected components with more than one file, or a file importing itself (Tarjan). */
function cycles(edges: ReadonlyMap<string, readonly string[]>): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (node: string): void => {
    index.set(node, counter);
    low.set(node, counter++);
    stack.push(node);
    onStack.add(node);
    for (const next of edges.get(node) ?? []) {
      if (!edges.has(next)) continue;
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node) as number, low.get(next) as number));
      } else if (onStack.has(next)) low.set(node, Math.min(low.get(node) as number, index.get(next) as number));
    }
    if (low.get(node) !== index.get(node)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop() as string;
      onStack.delete(member);
      component.push(member);
    } while (member !== node);
    if (component.length > 1 || (edges.get(node) ?? []).includes(node)) found.push(component.sort());
  };
  for (const node of edges.keys()) if (!index.has(node)) visit(node);
  return found;
}

/** Every import that breaks the table, as "from -> to: why". */
function violations(edges: ReadonlyMap<string, readonly string[]>): string[] {
  const problems: string[] = [];
  for (const [from, targets] of edges) {
    const fromUnit = unitOf(from) as string;
    for (const to of targets) {
      const toUnit = unitOf(to);
      if (toUnit === undefined) {
        problems.push(`${from} -> ${to}: imports a file outside the table`);
        continue;
      }
      const allowedImporters = RESTRICTED[toUnit];
      if (fromUnit !== toUnit && allowedImporters && !allowedImporters.some((prefix) => from === prefix || from.startsWith(prefix))) {
        problems.push(`${from} -> ${to}: ${toUnit} may only be imported from ${allowedImporters.join(", ")}`);
      }
      if (fromUnit === toUnit) continue;
      const fromLayer = layerOf.get(fromUnit) as number;
      const toLayer = layerOf.get(toUnit) as number;
      if (toLayer < fromLayer) problems.push(`${from} -> ${to}: ${fromUnit} must not depend on the higher ${toUnit}`);
      else if (toLayer === fromLayer)
        problems.push(`${from} -> ${to}: ${fromUnit} and ${toUnit} are in the same layer and must stay independent`);
    }
  }
  return problems.sort();
}

describe("the dependency table", () => {
  test("names every unit in exactly one layer", () => {
    const layered = LAYERS.flat();
    expect([...layered].sort()).toEqual(Object.keys(UNITS).sort());
    expect(new Set(layered).size).toBe(layered.length);
  });

  test("covers every source file", () => {
    expect(files.filter((file) => unitOf(file) === undefined)).toEqual([]);
  });
});

describe("the import graph", () => {
  test("is read from the sources (a sanity check of the reader)", () => {
    expect(graph.get("src/cli.ts")?.length).toBeGreaterThan(0);
    expect(files.length).toBeGreaterThan(100);
  });

  test("has no import cycle between files", () => {
    expect(cycles(graph)).toEqual([]);
  });

  test("has no import against the direction of the layers, and GitHub only from read and write", () => {
    expect(violations(graph)).toEqual([]);
  });
});

/** Every method of the GitHub port, read from its interface, so a new method is covered at once. */
function gatewayMethods(): string[] {
  const text = readFileSync(path.join(ROOT, "src/github/gateway.ts"), "utf8");
  const body = text.slice(text.indexOf("export interface GitHubGateway {"));
  return [...body.matchAll(/^ {2}(\w+)\??\(/gm)].map((match) => match[1] as string);
}

/** `file:line: call` for every call of a gateway method outside the allowed places. */
function githubCallsOutside(allowed: readonly string[]): string[] {
  const call = new RegExp(`\\.(${gatewayMethods().join("|")})\\(`);
  return files
    .filter((file) => file.startsWith("src/") && !allowed.some((prefix) => file.startsWith(prefix)))
    .flatMap((file) =>
      readFileSync(path.join(ROOT, file), "utf8")
        .split("\n")
        .flatMap((line, index) => (call.test(line) ? [`${file}:${index + 1}: ${line.trim()}`] : [])),
    );
}

describe("GitHub calls", () => {
  test("the port's methods are found", () => {
    expect(gatewayMethods()).toEqual(expect.arrayContaining(["getPullRequest", "createCheckRun", "listIssueComments", "getBotLogin"]));
  });

  test("are found where they are (the read and write steps make some)", () => {
    expect(githubCallsOutside(["src/github/"]).some((call) => call.startsWith("src/pipeline/read/"))).toBe(true);
  });

  test("happen only in the read and write steps", () => {
    expect(githubCallsOutside(GITHUB_CALLERS)).toEqual([]);
  });
});

describe("the checks themselves", () => {
  test("find a cycle, an upward import, a same-layer import and a restricted import", () => {
    expect(
      cycles(
        new Map([
          ["a", ["b"]],
          ["b", ["c"]],
          ["c", ["a"]],
          ["d", ["a"]],
        ]),
      ),
    ).toEqual([["a", "b", "c"]]);
    const bad = new Map([
      ["src/manifests/x.ts", ["src/policy/y.ts"]],
      ["src/server/x.ts", ["src/cli/y.ts"]],
      ["src/pipeline/decide/x.ts", ["src/github/gateway.ts"]],
      ["src/pipeline/read/x.ts", ["src/github/gateway.ts", "src/github/model.ts", "src/manifests/z.ts"]],
    ]);
    expect(violations(bad)).toEqual([
      "src/manifests/x.ts -> src/policy/y.ts: manifests must not depend on the higher policy",
      `src/pipeline/decide/x.ts -> src/github/gateway.ts: github may only be imported from ${RESTRICTED["github"]?.join(", ")}`,
      "src/server/x.ts -> src/cli/y.ts: server and cli are in the same layer and must stay independent",
    ]);
  });
});
