/**
 * Which files `check PATH...` looks at. Directories are walked in a fixed (byte-wise sorted) order so
 * two runs over the same tree print the same report, whatever the file system returns.
 */
import { readdir, stat } from "node:fs/promises";
import path from "node:path";
import type { InputError } from "../manifests/types.js";
import { describeFsError } from "./fs-error.js";

export const MANIFEST_EXTENSIONS: readonly string[] = [".yaml", ".yml", ".json"];

export interface Discovery {
  /** Paths to read, as the user wrote them (joined with the relative path inside a given directory). */
  files: string[];
  /** Command-line PATHs that do not exist: a usage error, since nothing was checked for them. */
  missing: string[];
  /** Directories inside a tree that could not be listed: input errors, so the run fails closed. */
  errors: InputError[];
}

function byCodeUnit(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Tool configuration (`.github/`, `.pre-commit-config.yaml`) and vendored code are not manifests. */
export function isSkippedWhileWalking(name: string): boolean {
  return name.startsWith(".") || name === "node_modules";
}

export function isManifestName(name: string): boolean {
  const lower = name.toLowerCase();
  return MANIFEST_EXTENSIONS.some((ext) => lower.endsWith(ext));
}

export async function discoverManifestFiles(paths: readonly string[], cwd: string): Promise<Discovery> {
  const files: string[] = [];
  const missing: string[] = [];
  const errors: InputError[] = [];
  const seenFiles = new Set<string>();

  const addFile = (shown: string): void => {
    const key = path.resolve(cwd, shown);
    if (seenFiles.has(key)) return;
    seenFiles.add(key);
    files.push(shown);
  };

  const walk = async (shown: string): Promise<void> => {
    let entries;
    try {
      entries = await readdir(path.resolve(cwd, shown), { withFileTypes: true });
    } catch (error) {
      errors.push({ file: shown, line: 1, column: 1, message: `cannot read directory: ${describeFsError(error)}` });
      return;
    }
    entries.sort((a, b) => byCodeUnit(a.name, b.name));
    for (const entry of entries) {
      if (isSkippedWhileWalking(entry.name)) continue;
      const child = path.join(shown, entry.name);
      // Symbolic links inside a tree are not followed (as `find` and `git` do not): the pull-request
      // check sees a link as a link, so the CLI must not check more than it would; it also rules out cycles.
      if (entry.isDirectory()) await walk(child);
      else if (entry.isFile() && isManifestName(entry.name)) addFile(child);
    }
  };

  for (const given of paths) {
    let info;
    try {
      info = await stat(path.resolve(cwd, given));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT" || (error as NodeJS.ErrnoException).code === "ENOTDIR") {
        missing.push(given);
      } else {
        errors.push({ file: given, line: 1, column: 1, message: `cannot read: ${describeFsError(error)}` });
      }
      continue;
    }
    // A file named explicitly is checked whatever its extension: the user asked for it.
    if (info.isDirectory()) await walk(given);
    else addFile(given);
  }

  return { files, missing, errors };
}
