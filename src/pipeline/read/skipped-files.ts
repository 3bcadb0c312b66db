/**
 * Changed files the manifest globs leave out, made visible. kubectl (`apply -R`) and Flux apply every
 * `.yaml`, `.yml` and `.json` file of a folder, so a file that is skipped yet holds Kubernetes
 * objects is named in the summary (a notice: the organisation's globs decide, but never silently).
 */
import { minimatch } from "minimatch";
import { GLOB_OPTIONS } from "../../config/defaults.js";
import { isManifestPath, type FileSelection } from "../../config/select-files.js";
import type { GitHubGateway } from "../../github/gateway.js";
import type { ChangedFile, RepoRef } from "../../github/model.js";
import type { ManifestStore } from "./manifest-store.js";

/** At most this many skipped files are read per check: each costs a blob read. */
export const MAX_SKIPPED_FILES_READ = 100;

const KUBECTL_EXTENSIONS = /\.(yaml|yml|json)$/;

export interface SkippedFile {
  file: ChangedFile;
  /** Why the globs leave it out, for the notice. */
  reason: string;
}

/** Changed files kubectl would apply that the globs leave out. Pure. */
export function skippedManifestCandidates(files: readonly ChangedFile[], selection: FileSelection): SkippedFile[] {
  return files
    .filter((file) => file.status !== "removed" && KUBECTL_EXTENSIONS.test(file.filename) && !isManifestPath(file.filename, selection))
    .map((file) => {
      const exclude = selection.exclude.find((glob) => minimatch(file.filename, glob, GLOB_OPTIONS));
      return { file, reason: exclude ? `it matches the exclude glob \`${code(exclude)}\`` : "it matches no include glob" };
    });
}

/** The notice for a skipped file that holds Kubernetes objects. Pure. */
export function skippedFileNote(skipped: SkippedFile, kinds: readonly string[]): string {
  const listed = [...new Set(kinds)].slice(0, 5).map(code).join(", ");
  return `\`${code(skipped.file.filename)}\` was not checked because ${skipped.reason}, but it holds Kubernetes objects (${listed}) that \`kubectl apply -R\` or Flux would create; add it to the manifest globs (\`manifests.include\` in the config) to check it.`;
}

/** Reads the skipped candidates (up to the bound) and returns the notes for those holding objects. */
export async function readSkippedFiles(
  gateway: GitHubGateway,
  repo: RepoRef,
  changed: readonly ChangedFile[],
  selection: FileSelection,
  ref: string,
  store: ManifestStore,
): Promise<{ notes: string[]; fetched: number }> {
  const candidates = skippedManifestCandidates(changed, selection);
  if (candidates.length === 0) return { notes: [], fetched: 0 };
  const read = candidates.slice(0, MAX_SKIPPED_FILES_READ);
  const loaded = await store.load(
    gateway,
    repo,
    read.map((candidate) => candidate.file),
    ref,
  );
  const byName = new Map(loaded.files.map((file) => [file.file, file]));
  const notes: string[] = [];
  for (const candidate of read) {
    const file = byName.get(candidate.file.filename);
    if (!file || file.manifests.length === 0) continue;
    notes.push(
      skippedFileNote(
        candidate,
        file.manifests.map((manifest) => String(manifest.object["kind"])),
      ),
    );
  }
  if (candidates.length > read.length) {
    notes.push(
      `${candidates.length - read.length} more changed files the manifest globs leave out were not inspected for Kubernetes objects (at most ${MAX_SKIPPED_FILES_READ} are read per check).`,
    );
  }
  return { notes, fetched: loaded.fetched };
}

function code(text: string): string {
  return text.replace(/`/g, "");
}
