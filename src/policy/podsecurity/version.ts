/**
 * Policy versions: `latest` or `v1.<minor>`, as in the `pod-security.kubernetes.io/enforce-version`
 * namespace label (upstream `api.ParseVersion`). Versions are compared by minor only: upstream has
 * only ever had major version 1.
 */
import type { PolicyVersion } from "./types.js";

const VERSION_PATTERN = /^v1\.(0|[1-9][0-9]*)$/;

/** The minor of a version declared in a check file, e.g. `v1.25` -> 25. */
export function minorOf(version: PolicyVersion): number {
  const match = VERSION_PATTERN.exec(version);
  if (!match?.[1]) throw new Error(`malformed check version ${version}`);
  return Number(match[1]);
}

/** A version, or why not (with the likely intended version for a near miss such as `1.25`). */
export type ParsedVersion = { minor: number } | { error: string; suggestion?: string };

/**
 * Parses a version parameter. `latest` is the newest version any check defines (upstream resolves
 * it to the registry's maxVersion, not to the cluster's release); versions beyond it are refused
 * rather than silently treated as `latest`, since this tool would not know their rules.
 */
export function parseVersion(input: string, newestMinor: number): ParsedVersion {
  if (input === "latest") return { minor: newestMinor };
  const range = `"latest" or "v1.0" through "v1.${newestMinor}"`;
  const match = VERSION_PATTERN.exec(input);
  if (!match?.[1]) {
    const bare = /^v?(\d+)\.(\d+)(\.\d+)?$/.exec(input.trim());
    const suggestion = bare?.[1] === "1" ? `v1.${Number(bare[2])}` : input.trim().toLowerCase() === "latest" ? "latest" : undefined;
    const error = `version must be ${range}, got ${JSON.stringify(input)}${suggestion ? ` (did you mean "${suggestion}"?)` : ""}`;
    return suggestion ? { error, suggestion } : { error };
  }
  const minor = Number(match[1]);
  if (minor > newestMinor) {
    return {
      error: `version ${input} is newer than the newest Pod Security Standards version known here (v1.${newestMinor}); use ${range}`,
    };
  }
  return { minor };
}
