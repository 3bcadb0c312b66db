/**
 * Which changed files are Kubernetes manifests to check. Pure.
 *
 * A file is checked when it matches the org's include globs and none of its exclude globs, or when
 * it matches one of the repository's own include globs (a repository may add files to the check,
 * never take them out). Removed files are gone and not judged; a renamed file is judged under its
 * new name.
 */
import { minimatch } from "minimatch";
import type { ChangedFile } from "../github/model.js";
import { GLOB_OPTIONS } from "./defaults.js";

export interface FileSelection {
  include: readonly string[];
  exclude: readonly string[];
  repoInclude: readonly string[];
}

export function selectManifestFiles(files: readonly ChangedFile[], selection: FileSelection): ChangedFile[] {
  return files.filter((file) => file.status !== "removed" && isManifestPath(file.filename, selection));
}

export function isManifestPath(path: string, selection: FileSelection): boolean {
  const matches = (glob: string): boolean => minimatch(path, glob, GLOB_OPTIONS);
  if (selection.repoInclude.some(matches)) return true;
  return selection.include.some(matches) && !selection.exclude.some(matches);
}

/** Changed files that are rules rather than subjects: edits to them take effect only after merge. */
export function changedRuleFiles(files: readonly ChangedFile[], configPath: string, policyGlobs: readonly string[]): string[] {
  return files
    .filter(
      (file) =>
        file.filename === configPath ||
        file.previousFilename === configPath ||
        policyGlobs.some((glob) => minimatch(file.filename, glob, GLOB_OPTIONS)),
    )
    .map((file) => file.filename);
}
