/**
 * Reading the repository's Namespace manifests, beyond the files a change touches: what lets a
 * workload be judged by its namespace's Pod Security labels when the pull request does not include the
 * Namespace, and lets the enforce floor compare a changed Namespace with its base.
 *
 * Cheap and bounded: one tree listing at the head and one at the base, then the blobs of the files
 * matching `namespaces.paths` (sorted by path), at most `maxFiles` distinct reads per check through the
 * manifest store's content-addressed cache — a file unchanged between base and head is one blob, read
 * once, and not again by the next push. Files the check judges anyway are not read twice; the base
 * versions of changed files holding a Namespace are read too, so "lowered" is known for them.
 *
 * Nothing here blocks: a Namespace that cannot be found or read means its workloads are judged under
 * the defaults, which every such finding says; what was skipped is said in the summary's notes.
 */
import { minimatch } from "minimatch";
import { GLOB_OPTIONS } from "../../config/defaults.js";
import type { GitHubGateway } from "../../github/gateway.js";
import type { ChangedFile, RepoRef, Tree } from "../../github/model.js";
import { isObject } from "../../manifests/json.js";
import type { LoadedFile, Manifest } from "../../manifests/types.js";
import { podViewOf } from "../../manifests/workloads.js";
import { namespaceName } from "../../policy/namespace-catalog.js";
import type { Policy } from "../../policy/types.js";
import type { ManifestStore } from "./manifest-store.js";

export interface NamespaceReadRequest {
  repo: RepoRef;
  /** The commit being judged. */
  headRef: string;
  /** What it is compared with: the pull request's base branch, or a merge group's base commit. */
  baseRef: string;
  /** The files of the change, as listed by GitHub. */
  changed: readonly ChangedFile[];
  /** The changed files the check judges (already read at the head). */
  judged: readonly LoadedFile[];
  settings: { paths: readonly string[]; maxFiles: number };
  /** What the policies need to know (see `namespaceNeeds`). */
  needs: NamespaceNeeds;
  /** Lists a commit's tree: the check's own lister, so a tree already listed (for Kustomize) is not listed again. */
  listTree?: (ref: string) => Promise<Tree | undefined>;
}

export interface NamespaceNeeds {
  /** Some judged workload lands in a namespace whose Namespace is not among the judged files. */
  current: boolean;
  /** A judged Namespace may be compared with its base (a rule on what a change does to Namespaces). */
  base: boolean;
}

/**
 * Which side is worth a tree listing: none when no policy reads namespaces; the head only when a
 * workload's Namespace is not in the change itself; the base only for a changed Namespace under a rule
 * that compares it with its earlier state.
 */
export function namespaceNeeds(judged: readonly LoadedFile[], policies: readonly Policy[]): NamespaceNeeds {
  const readsLabels = policies.some((policy) => policy.describeNamespace !== undefined || policy.match.namespaceSelector !== undefined);
  const comparesBase = policies.some((policy) => policy.kind === "PodSecurityEnforceFloor");
  const manifests = judged.flatMap((file) => file.manifests);
  const defined = new Set(manifests.map((manifest) => namespaceName(manifest.object)).filter((name) => name !== undefined));
  const landsElsewhere = manifests.some((manifest) => {
    if (!podViewOf(manifest) && manifest.object["kind"] !== "Namespace") return false;
    const metadata = manifest.object["metadata"];
    const namespace = manifest.review?.namespace || (isObject(metadata) ? metadata["namespace"] : undefined);
    return typeof namespace === "string" && namespace !== "" && !defined.has(namespace);
  });
  return { current: readsLabels && landsElsewhere, base: comparesBase && defined.size > 0 };
}

export interface NamespaceReadResult {
  /** Namespace objects found at the head, outside the judged files. */
  current: Manifest[];
  /** Namespace objects at the base: the repository's, and the base versions of changed files. */
  base: Manifest[];
  notes: string[];
  /** Blob reads made (cache misses). */
  blobsFetched: number;
}

export async function readNamespaceFiles(
  gateway: GitHubGateway,
  store: ManifestStore,
  request: NamespaceReadRequest,
): Promise<NamespaceReadResult> {
  const result: NamespaceReadResult = { current: [], base: [], notes: [], blobsFetched: 0 };
  if (request.settings.maxFiles === 0 || (!request.needs.current && !request.needs.base)) return result;
  const listTree = request.listTree ?? ((ref: string) => gateway.getTree(request.repo, ref));
  const [headTree, baseTree] = await Promise.all([
    request.needs.current && request.settings.paths.length > 0 ? listTree(request.headRef) : undefined,
    request.needs.base ? listTree(request.baseRef) : undefined,
  ]);
  for (const [tree, label, needed] of [
    [headTree, "head", request.needs.current && request.settings.paths.length > 0],
    [baseTree, "base", request.needs.base],
  ] as const) {
    if (!needed) continue;
    if (!tree)
      result.notes.push(`the ${label} commit's files could not be listed, so Namespace manifests outside the change were not read there.`);
    else if (tree.truncated)
      result.notes.push(
        `the repository has too many files for GitHub to list at the ${label}, so Namespace manifests outside the change were not read there.`,
      );
  }
  const usable = (tree: Tree | undefined): Tree | undefined => (tree && !tree.truncated ? tree : undefined);

  const judgedPaths = new Set(request.judged.map((file) => file.file));
  const headFiles = matching(usable(headTree), request.settings.paths).filter((file) => !judgedPaths.has(file.filename));
  // The base of every changed file that holds a Namespace at the head, wherever it lives, plus the globs.
  const changedNamespaceFiles = new Set(
    request.judged
      .filter((file) => file.manifests.some((manifest) => namespaceName(manifest.object) !== undefined))
      .map((file) => file.file),
  );
  const basePaths = new Set(
    request.changed.filter((file) => changedNamespaceFiles.has(file.filename)).map((file) => file.previousFilename ?? file.filename),
  );
  const baseEntries = usable(baseTree)?.entries ?? [];
  const baseFiles = [
    ...baseEntries.filter((entry) => entry.type === "blob" && basePaths.has(entry.path)).map(toChangedFile),
    ...matching(usable(baseTree), request.settings.paths),
  ];

  // One budget for both sides, counted in distinct blobs: what the request bound is about.
  const budget = new Set<string>();
  const within = (files: ChangedFile[]): ChangedFile[] => {
    const kept: ChangedFile[] = [];
    for (const file of files) {
      const sha = file.sha as string;
      if (!budget.has(sha) && budget.size >= request.settings.maxFiles) continue;
      budget.add(sha);
      kept.push(file);
    }
    return kept;
  };
  const headRead = within(dedupe(headFiles));
  const baseRead = within(dedupe(baseFiles));
  const skipped = dedupe(headFiles).length + dedupe(baseFiles).length - headRead.length - baseRead.length;
  if (skipped > 0) {
    result.notes.push(
      `${skipped} Namespace ${skipped === 1 ? "file" : "files"} matching namespaces.paths ${skipped === 1 ? "was" : "were"} not read: at most ${request.settings.maxFiles} are read per check (namespaces.maxFiles). Workloads in namespaces not found are judged under the defaults, and their findings say so.`,
    );
  }

  const head = await store.load(gateway, request.repo, headRead);
  const base = await store.load(gateway, request.repo, baseRead);
  result.blobsFetched = head.fetched + base.fetched;
  result.current = namespacesIn(head.files);
  result.base = namespacesIn(base.files);
  const unreadable = [...head.files, ...base.files].filter((file) => file.errors.length > 0).map((file) => file.file);
  if (unreadable.length > 0) {
    const listed = [...new Set(unreadable)]
      .slice(0, 5)
      .map((file) => `\`${file.replace(/`/g, "")}\``)
      .join(", ");
    result.notes.push(`some files matching namespaces.paths could not be read as manifests (${listed}); Namespaces in them were not used.`);
  }
  return result;
}

function matching(tree: Tree | undefined, globs: readonly string[]): ChangedFile[] {
  if (!tree) return [];
  return tree.entries
    .filter((entry) => entry.type === "blob" && globs.some((glob) => minimatch(entry.path, glob, GLOB_OPTIONS)))
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
    .map(toChangedFile);
}

function toChangedFile(entry: { path: string; sha: string }): ChangedFile {
  return { filename: entry.path, status: "unchanged", sha: entry.sha };
}

function dedupe(files: readonly ChangedFile[]): ChangedFile[] {
  const seen = new Set<string>();
  return files.filter((file) => (seen.has(file.filename) ? false : (seen.add(file.filename), true)));
}

function namespacesIn(files: readonly LoadedFile[]): Manifest[] {
  return files.flatMap((file) => file.manifests.filter((manifest) => namespaceName(manifest.object) !== undefined));
}
