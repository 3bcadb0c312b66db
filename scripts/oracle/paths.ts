/** Where the oracle tooling finds the corpus, the golden file and the oracle binary. */
import { readdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

function repositoryRoot(): string {
  for (let dir = path.dirname(fileURLToPath(import.meta.url)); ; dir = path.dirname(dir)) {
    if (readdirSync(dir).includes("package.json")) return dir;
    if (path.dirname(dir) === dir) throw new Error("package.json not found above the script");
  }
}

export const REPO = repositoryRoot();
export const CORPUS = path.join(path.resolve(REPO, "../shared"), "corpora/manifests");
export const GOLDEN_FILE = path.join(REPO, "test/golden/oracle-manifests.json");
/** Built by `npm run oracle:build`. */
export const ORACLE_BINARY = path.join(REPO, "tools/oracle/oracle");

/** Manifest files of the corpus (kubectl's extensions), relative to it, sorted. */
export function corpusFiles(directory = CORPUS): string[] {
  return readdirSync(directory, { withFileTypes: true })
    .flatMap((entry) => {
      const full = path.join(directory, entry.name);
      if (entry.isDirectory()) return corpusFiles(full).map((file) => path.join(entry.name, file));
      return /\.(yaml|yml|json)$/.test(entry.name) ? [entry.name] : [];
    })
    .sort();
}
