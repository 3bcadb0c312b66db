/**
 * The policies that ship with kube-policy-bot, and reading policy files from disk (CLI and server).
 * The shipped default set is the top-level `policies/*.yaml`; `policies/gatekeeper/` holds example constraints
 * an organisation can copy, which are not applied unless asked for.
 */
import { existsSync } from "node:fs";
import { readdir, readFile, stat } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { PolicySource } from "./load.js";

/** Found by walking up from this module, so it works from `src/` (tests), `dist/src/` and an installed package. */
export const SHIPPED_POLICIES_DIR: string = findShippedPolicies(dirname(fileURLToPath(import.meta.url)));

function findShippedPolicies(start: string): string {
  let dir = start;
  for (;;) {
    const candidate = join(dir, "policies");
    if (existsSync(join(dir, "package.json")) && existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) return resolve(start, "../../policies");
    dir = parent;
  }
}

const POLICY_FILE = /\.ya?ml$/i;

/** The shipped default set: top-level `policies/*.yaml` only. */
export async function defaultPolicySources(): Promise<PolicySource[]> {
  const names = (await readdir(SHIPPED_POLICIES_DIR)).filter((name) => POLICY_FILE.test(name)).sort();
  return Promise.all(
    names.map(async (name) => {
      const file = join(SHIPPED_POLICIES_DIR, name);
      return { file, content: await readFile(file) };
    }),
  );
}

/** Policy files named directly, or every `*.yaml`/`*.yml` below a directory (sorted, dot-folders skipped). */
export async function readPolicySources(paths: readonly string[]): Promise<PolicySource[]> {
  const sources: PolicySource[] = [];
  for (const path of paths) {
    const info = await stat(path);
    if (info.isDirectory()) {
      for (const file of await listYamlFiles(path)) sources.push({ file, content: await readFile(file) });
    } else {
      sources.push({ file: path, content: await readFile(path) });
    }
  }
  return sources;
}

async function listYamlFiles(dir: string): Promise<string[]> {
  const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1));
  const files: string[] = [];
  for (const entry of entries) {
    if (entry.name.startsWith(".")) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...(await listYamlFiles(path)));
    else if (entry.isFile() && POLICY_FILE.test(entry.name)) files.push(path);
  }
  return files;
}
