/**
 * Name, version and home page of this package, read from its package.json so `--version` and the
 * SARIF tool description can never drift from what was published.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export interface PackageInfo {
  name: string;
  version: string;
  informationUri: string;
}

/** Walks up from this module: `src/cli/` in tests, `dist/src/cli/` when built, the same inside node_modules. */
function findPackageJson(start: string): string | undefined {
  for (let dir = start; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, "package.json");
    if (existsSync(candidate)) return candidate;
    if (path.dirname(dir) === dir) return undefined;
  }
}

function repositoryUrl(repository: unknown): string | undefined {
  const url = typeof repository === "string" ? repository : (repository as { url?: unknown } | undefined)?.url;
  if (typeof url !== "string") return undefined;
  const github = /^(?:github:)?([\w.-]+\/[\w.-]+)$/.exec(url);
  if (github) return `https://github.com/${github[1]}`;
  return url.replace(/^git\+/, "").replace(/\.git$/, "");
}

let cached: PackageInfo | undefined;

export function packageInfo(): PackageInfo {
  if (cached) return cached;
  const file = findPackageJson(path.dirname(fileURLToPath(import.meta.url)));
  const json = file === undefined ? {} : (JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>);
  const name = typeof json["name"] === "string" ? json["name"] : "kube-policy-bot";
  const version = typeof json["version"] === "string" ? json["version"] : "0.0.0";
  const homepage = typeof json["homepage"] === "string" ? json["homepage"] : undefined;
  // Without a homepage or repository in package.json, the npm page is the one stable address the package has.
  const informationUri = homepage ?? repositoryUrl(json["repository"]) ?? `https://www.npmjs.com/package/${name}`;
  cached = { name, version, informationUri };
  return cached;
}
