/**
 * The base side of diff gating (`check.gate: new`): the changed manifest files as they were where the
 * change starts, so the verdict can tell findings the change introduces from those it inherits.
 *
 * Where the change starts: for a pull request, the merge base of its base branch and its head (the
 * commit GitHub's own diff of the pull request starts from); for a merge group, the queue's base.
 * Which files: every changed file that existed there and was a manifest there (modified files,
 * the old name of a renamed file, removed files, whose findings the change fixes). Added files have
 * no base and cost nothing. The merge base's tree is listed once, and blobs are read by SHA through
 * the manifest store, so a blob read for an earlier push (or the head of another pull request) is
 * not read again.
 *
 * Kustomize: when the head rendered roots, the base renders the roots the same changed paths affect
 * there, from the merge base's tree (the same listing), so a finding a root already deployed is
 * pre-existing (findings are matched by rendered object and field, never by root or line). Inputs of
 * those renders are not read as standalone manifests at the base either.
 */
import { isManifestPath, type FileSelection } from "../../config/select-files.js";
import type { GitHubGateway } from "../../github/gateway.js";
import type { ChangedFile, TreeEntry } from "../../github/model.js";
import type { LoadedFile } from "../../manifests/types.js";
import type { CheckTarget } from "../target.js";
import { isKustomizationFile } from "../../render/kustomize-graph.js";
import { changedPaths, readKustomize } from "./kustomize.js";
import type { ManifestStore } from "./manifest-store.js";

export interface BaselineKustomize {
  /** The head rendered Kustomize roots: the base must render the roots the change affects there too. */
  rendersKustomize: boolean;
  rootGlobs?: readonly string[] | undefined;
}

export type BaselineRead =
  | { kind: "read"; sha: string; files: LoadedFile[]; blobsFetched: number }
  /** Nothing at the base to compare with: every changed file is new. */
  | { kind: "none" }
  /** The base could not be listed completely: the verdict must not guess what was there. */
  | { kind: "unavailable"; reason: string };

export async function readBaseline(
  gateway: GitHubGateway,
  target: CheckTarget,
  changed: readonly ChangedFile[],
  selection: FileSelection,
  store: ManifestStore,
  kustomize: BaselineKustomize = { rendersKustomize: false },
): Promise<BaselineRead> {
  const basePaths = [
    ...new Set(changed.filter((file) => file.status !== "added").map((file) => file.previousFilename ?? file.filename)),
  ].filter((path) => isManifestPath(path, selection));
  if (basePaths.length === 0 && !kustomize.rendersKustomize) return { kind: "none" };

  const sha = target.kind === "merge_group" ? target.baseSha : await gateway.getMergeBase(target.repo, target.baseRef, target.headSha);
  const tree = await gateway.getTree(target.repo, sha);
  if (!tree || tree.truncated) {
    return {
      kind: "unavailable",
      reason: tree ? `GitHub listed the files of ${sha.slice(0, 7)} only in part` : `GitHub did not list the files of ${sha.slice(0, 7)}`,
    };
  }
  const rendered = kustomize.rendersKustomize
    ? await readKustomize(gateway, store, {
        repo: target.repo,
        listTree: async () => tree,
        sha,
        changed: changedPaths(changed),
        rootGlobs: kustomize.rootGlobs,
      })
    : undefined;
  if (rendered?.tooLarge) return { kind: "unavailable", reason: `at ${sha.slice(0, 7)}, ${rendered.tooLarge.reason}` };
  const blobs = new Map<string, TreeEntry>();
  for (const entry of tree.entries) if (entry.type === "blob") blobs.set(entry.path, entry);
  // A path the tree does not have as a blob (a copy GitHub took for a rename, a submodule) has no base to compare.
  const files: ChangedFile[] = basePaths
    .filter((path) => !isKustomizationFile(path) && !rendered?.inputs.has(path))
    .flatMap((path) => {
      const entry = blobs.get(path);
      return entry ? [{ filename: path, status: "modified", sha: entry.sha }] : [];
    });
  if (files.length === 0 && (rendered?.files.length ?? 0) === 0) return { kind: "none" };
  const loaded = files.length > 0 ? await store.load(gateway, target.repo, files, sha) : { files: [], fetched: 0 };
  return {
    kind: "read",
    sha,
    files: [...loaded.files, ...(rendered?.files ?? [])],
    blobsFetched: loaded.fetched + (rendered?.blobsFetched ?? 0),
  };
}
