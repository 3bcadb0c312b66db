/**
 * Kustomize in a pull request or merge group: which roots the change affects, and what they render,
 * read from Git by blob SHA through the manifest store's cache. The rendering itself is pure
 * (src/render); this file only decides what to read.
 *
 * What is read, in order:
 * 1. the commit's tree, once (recursive; the caller shares it with the Namespace read);
 * 2. nothing more when no changed path lies in or below a kustomization directory (the common plain
 *    pull request: no blob read);
 * 3. every kustomization file of the tree: kustomizations name each other anywhere (`../../base`),
 *    so only all of them tell which roots reach a changed file (render/kustomize-graph.ts). They are
 *    small and rarely change, so after the first check they come from the cache;
 * 4. for the affected roots only, the files their kustomizations name, read ahead in one round;
 * 5. the roots are rendered over a file system of the tree that records every read of a blob not
 *    read yet (a patch named only inside a transformer file, a component's own files); those are read
 *    and the render repeated, until nothing is missing (at most MAX_ROUNDS rounds).
 *
 * Why this shape: the renderer is synchronous, so it cannot wait for a blob, and a render stops at the
 * first file it lacks. Rendering first and reading what it misses costs one sequential round trip per
 * file a root reads (one base Deployment and one overlay patch: 3 renders and 2 waits; a base of 10
 * resources: 11 renders); reading every file of every root costs a blob read per overlay the change
 * cannot reach (20 overlays: 20 patches nobody needs). Reading ahead what the affected kustomizations
 * name makes the usual layout one round (the 20-overlay case of test/e2e/kustomize.test.ts renders
 * once: base Deployment and patch read ahead, in parallel), and the recorded misses make it complete
 * whatever a kustomization reaches only indirectly.
 */
import type { GitHubGateway } from "../../github/gateway.js";
import type { ChangedFile, RepoRef, Tree } from "../../github/model.js";
import type { InputError, LoadedFile } from "../../manifests/types.js";
import { affectedBy, isKustomizationFile, kustomizeGraph, reachableFrom, rootsOf } from "../../render/kustomize-graph.js";
import { renderKustomizeRoots, type KustomizeRoots } from "../../render/kustomize-roots.js";
import { directoryOf, isWithin } from "../../render/kustomize/filesystem.js";
import { ParseCache, type RenderFileSystem } from "../../render/kustomize/index.js";
import type { ManifestStore } from "./manifest-store.js";

/** Kustomization files read per check at most: a repository with more is not rendered (fail closed). */
export const MAX_KUSTOMIZATION_FILES = 1000;
/** Other blobs read for renders per check at most (patches, resources, generator sources). */
export const MAX_RENDER_BLOBS = 2000;
/** Rounds of "render, read what it missed": a chain of references deeper than this is refused. */
export const MAX_ROUNDS = 8;

export interface KustomizeReadRequest {
  repo: RepoRef;
  /** Lists the commit's tree (undefined: GitHub did not list it); called only when needed. */
  listTree: () => Promise<Tree | undefined>;
  /** Which commit, for messages. */
  sha: string;
  /** Repository paths the change touches: both names of a renamed file, removed files too. */
  changed: readonly string[];
  /** `kustomize.roots`; undefined: automatic; empty: Kustomize is not rendered. */
  rootGlobs?: readonly string[] | undefined;
}

export interface KustomizeRead {
  /** One entry per affected root: its rendered objects, or the error that stopped it. */
  files: LoadedFile[];
  /** Every file a rendered kustomization read: never judged on its own. */
  inputs: Set<string>;
  /** The affected roots, rendered. */
  roots: string[];
  /** Blob reads made (cache misses). */
  blobsFetched: number;
  /** Set when the repository cannot be rendered within the bounds: the check fails closed. */
  tooLarge?: { reason: string; whatToDo: string };
}

function nothing(blobsFetched = 0): KustomizeRead {
  return { files: [], inputs: new Set<string>(), roots: [], blobsFetched };
}

const CHOOSE_ROOTS =
  "list the roots to render in the org config (`kustomize.roots`), or `kustomize: {roots: []}` if the repository deploys nothing through Kustomize.";

export function changedPaths(files: readonly ChangedFile[]): string[] {
  return [...new Set(files.flatMap((file) => (file.previousFilename ? [file.filename, file.previousFilename] : [file.filename])))];
}

export async function readKustomize(gateway: GitHubGateway, store: ManifestStore, request: KustomizeReadRequest): Promise<KustomizeRead> {
  if (request.rootGlobs?.length === 0 || request.changed.length === 0) return nothing();
  const tree = await request.listTree();
  const commit = request.sha.slice(0, 7);
  if (!tree) return tooLarge(`GitHub did not list the files of ${commit}, so the Kustomize roots the change affects cannot be found`);
  if (tree.truncated) {
    return tooLarge(
      `the repository has more files than GitHub lists in one tree (${commit}), so the Kustomize roots the change affects cannot be found`,
    );
  }
  const blobs = new Map<string, string>();
  const directories = new Set<string>([""]);
  for (const entry of tree.entries) {
    if (entry.type === "blob") {
      blobs.set(entry.path, entry.sha);
      for (let directory = directoryOf(entry.path); directory !== "" && !directories.has(directory); directory = directoryOf(directory))
        directories.add(directory);
    } else if (entry.type === "tree") directories.add(entry.path);
  }
  const kustomizationFiles = [...blobs.keys()].filter(isKustomizationFile).sort();
  const kustomizationDirectories = [...new Set(kustomizationFiles.map(directoryOf))];
  // A file can only be read by a kustomization in one of its parent directories (the load restrictor).
  if (!request.changed.some((path) => kustomizationDirectories.some((directory) => isWithin(path, directory)))) return nothing();
  if (kustomizationFiles.length > MAX_KUSTOMIZATION_FILES) {
    return tooLarge(
      `the repository has ${kustomizationFiles.length} kustomization files; at most ${MAX_KUSTOMIZATION_FILES} are read per check`,
    );
  }

  const contents = new Map<string, Uint8Array>();
  const unreadable = new Map<string, InputError>();
  let fetched = 0;
  let renderBlobs = 0;
  const read = async (paths: Iterable<string>): Promise<void> => {
    const wanted = [...new Set(paths)].filter((path) => !contents.has(path) && !unreadable.has(path) && blobs.has(path));
    if (wanted.length === 0) return;
    const result = await store.readContents(
      gateway,
      request.repo,
      wanted.map((path) => ({ filename: path, status: "unchanged", sha: blobs.get(path) as string })),
    );
    fetched += result.fetched;
    for (const [path, content] of result.contents) contents.set(path, content);
    for (const error of result.errors) unreadable.set(error.file, error);
  };
  await read(kustomizationFiles);

  const graph = kustomizeGraph(
    kustomizationFiles,
    (path) => contents.get(path),
    (path) => blobs.has(path),
  );
  const affected = affectedBy(graph, rootsOf(graph, request.rootGlobs), request.changed);
  const rendered = [...affected.roots, ...affected.readersOutsideRoots];
  if (rendered.length === 0) return nothing(fetched);
  const ahead = new Set<string>();
  for (const directory of rendered)
    for (const reached of reachableFrom(graph, directory)) for (const path of graph.mentions.get(reached) ?? []) ahead.add(path);
  renderBlobs += ahead.size;
  if (renderBlobs > MAX_RENDER_BLOBS)
    return tooLarge(`the Kustomize roots the change affects read more than ${MAX_RENDER_BLOBS} files`, fetched);
  await read(ahead);

  // Parsed files are shared between rounds and roots: a re-render parses only what is new.
  const cache = new ParseCache();
  for (let round = 1; ; round++) {
    const missing = new Set<string>();
    const unreadableNeeded = new Set<string>();
    const fs: RenderFileSystem = {
      contentOf: (path) => {
        const content = contents.get(path);
        if (content === undefined && blobs.has(path)) (unreadable.has(path) ? unreadableNeeded : missing).add(path);
        return content;
      },
      isDirectory: (path) => directories.has(path),
    };
    const result: KustomizeRoots = renderKustomizeRoots(fs, kustomizationFiles, {
      cache,
      select: { roots: affected.roots, alsoRender: affected.readersOutsideRoots },
      // No fix hooks (the default): the app suggests fixes only in files it judges as written, and
      // checking a fix renders its roots again.
    });
    if (missing.size === 0) {
      // A file a render needed that GitHub would not serve blocks where it is (the render says where it was named).
      const needed = [...unreadableNeeded].sort().map((path) => unreadable.get(path) as InputError);
      const files = [...result.files, ...needed.map((error) => ({ file: error.file, manifests: [], errors: [error] }))];
      return { files, inputs: result.inputs, roots: result.roots, blobsFetched: fetched };
    }
    renderBlobs += missing.size;
    if (round >= MAX_ROUNDS || renderBlobs > MAX_RENDER_BLOBS) {
      const why =
        round >= MAX_ROUNDS ? `reference files through more than ${MAX_ROUNDS} levels` : `read more than ${MAX_RENDER_BLOBS} files`;
      return tooLarge(`the Kustomize roots the change affects ${why}`, fetched);
    }
    await read(missing);
  }

  function tooLarge(reason: string, blobsFetched = 0): KustomizeRead {
    return {
      ...nothing(blobsFetched),
      tooLarge: { reason, whatToDo: `Check this repository with the CLI (\`kube-policy-bot check .\`) in CI, or ${CHOOSE_ROOTS}` },
    };
  }
}
