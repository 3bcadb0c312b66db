/**
 * Which files `check PATH...` looks at: those `kubectl apply -R -f PATH` applies (cli-runtime's
 * `ExpandPathsToFileVisitors`). Directories are walked in a fixed (byte-wise sorted) order, as
 * kubectl's `filepath.Walk` does, so two runs over the same tree print the same report.
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

/**
 * kubectl's test (cli-runtime `ignoreFile`): the name's last extension, exactly (`.YAML` is not one),
 * whatever the name otherwise looks like; dot-files and files under dot-folders or `node_modules`
 * are applied like any other. `Kustomization` (no extension) is also read: it is one of the names
 * kustomize reads a kustomization from, and its directory is rendered rather than applied as files.
 */
function hasManifestExtension(name: string): boolean {
  return name === "Kustomization" || MANIFEST_EXTENSIONS.includes(path.extname(name));
}

/** Whether walking a directory reads the file at `parts` below it (the same rule, for a listing such as git's). */
export function isDiscoverable(parts: readonly string[]): boolean {
  return hasManifestExtension(parts[parts.length - 1] ?? "");
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
      const child = path.join(shown, entry.name);
      if (entry.isDirectory()) await walk(child);
      else if (!hasManifestExtension(entry.name)) continue;
      else if (entry.isFile()) addFile(child);
      else if (entry.isSymbolicLink()) await addLink(child);
      else
        errors.push({
          file: child,
          line: 1,
          column: 1,
          message: "not a regular file: kubectl apply -R would try to read it, and it cannot be checked",
        });
    }
  };

  // kubectl's walk does not descend into a linked directory (so no cycle), but reads a link named like
  // a manifest: a link to a file is applied as that file; one to a directory, or a broken one, fails.
  const addLink = async (shown: string): Promise<void> => {
    try {
      const target = await stat(path.resolve(cwd, shown));
      if (target.isFile()) addFile(shown);
      else
        errors.push({
          file: shown,
          line: 1,
          column: 1,
          message: "a symbolic link to a directory, named like a manifest: kubectl apply -R fails reading it",
        });
    } catch (error) {
      errors.push({ file: shown, line: 1, column: 1, message: `a symbolic link that cannot be followed: ${describeFsError(error)}` });
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
