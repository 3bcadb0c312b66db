/**
 * Which kustomization directories use which, read from the kustomization files alone (no render):
 * what decides the roots (a directory no other kustomization uses) and which roots a change reaches.
 *
 * Why from the files and not from renders: the app must know which roots a pull request affects
 * before it reads what those roots read, and reading everything every root reads (20 overlays of a
 * base: all their patches) to render roots the change cannot reach would cost a blob read per file.
 * Only the fields whose entries may name a kustomization directory (`resources`, `bases`, `components`
 * and the plugin lists) make edges, exactly as kustomize follows them; any other string that names a
 * file of the tree is a hint of what a render will read (fetched ahead, never trusted as complete).
 */
import { minimatch } from "minimatch";
import type { JsonValue } from "../manifests/types.js";
import { isObject } from "../manifests/json.js";
import { parseDocuments } from "../manifests/yaml.js";
import { directoryOf, isWithin, joinPath, type RenderFileSystem } from "./kustomize/filesystem.js";
import { KUSTOMIZATION_FILE_NAMES } from "./kustomize/kustomization-file.js";

/** Fields whose entries kustomize loads as a kustomization when they name a directory. */
const DIRECTORY_FIELDS = new Set(["resources", "bases", "components", "generators", "transformers", "validators"]);

export interface KustomizeGraph {
  /** Directories holding a kustomization file, sorted. */
  directories: string[];
  /** For each of them, the kustomization directories its kustomization names. */
  uses: Map<string, string[]>;
  /** For each of them, the files its kustomization names (what its render will probably read). */
  mentions: Map<string, string[]>;
}

export function isKustomizationFile(path: string): boolean {
  const name = path.slice(path.lastIndexOf("/") + 1);
  return (KUSTOMIZATION_FILE_NAMES as readonly string[]).includes(name);
}

/**
 * The graph of the kustomization files among `files` (repository paths), read with `read`. A
 * kustomization file that does not parse has no edges: its render reports the problem. `isFile`
 * (optional) says which other paths exist, for `mentions`.
 */
export function kustomizeGraph(
  files: readonly string[],
  read: RenderFileSystem["contentOf"],
  isFile: (path: string) => boolean = () => false,
): KustomizeGraph {
  const kustomizationFiles = files.filter(isKustomizationFile);
  const directories = [...new Set(kustomizationFiles.map(directoryOf))].sort();
  const isKustomizationDirectory = new Set(directories);
  const uses = new Map<string, string[]>();
  const mentions = new Map<string, string[]>();
  for (const directory of directories) {
    const used = new Set<string>();
    const named = new Set<string>();
    for (const file of kustomizationFiles.filter((path) => directoryOf(path) === directory)) {
      const content = read(file);
      if (content === undefined) continue;
      const parsed = parseDocuments(file, content);
      for (const document of parsed.documents) {
        if (!isObject(document.value)) continue;
        for (const [key, value] of Object.entries(document.value)) {
          const followsDirectories = DIRECTORY_FIELDS.has(key.toLowerCase());
          for (const reference of stringsIn(value)) {
            for (const candidate of candidatesOf(reference)) {
              const path = joinPath(directory, candidate);
              if (path === undefined || path === directory) continue;
              if (followsDirectories && isKustomizationDirectory.has(path)) used.add(path);
              else if (isFile(path)) named.add(path);
            }
          }
        }
      }
    }
    uses.set(directory, [...used].sort());
    mentions.set(directory, [...named].sort());
  }
  return { directories, uses, mentions };
}

/**
 * The roots: with `globs` (the `kustomize.roots` setting), the kustomization directories matching one
 * (the repository's top is `.`); otherwise every kustomization directory no other one uses, which is
 * what Argo CD or Flux is pointed at. `show` maps a directory to the path the globs are written against.
 */
export function rootsOf(
  graph: KustomizeGraph,
  globs?: readonly string[],
  show: (directory: string) => string = (directory) => directory,
): string[] {
  if (globs !== undefined) return graph.directories.filter((directory) => matchesRootGlob(show(directory), globs));
  const used = new Set([...graph.uses.values()].flat());
  return graph.directories.filter((directory) => !used.has(directory));
}

/** A directory (`""` or `.` for the top) against root globs, with the manifest globs' options. */
export function matchesRootGlob(directory: string, globs: readonly string[]): boolean {
  const path = directory === "" ? "." : directory;
  return globs.some((glob) => minimatch(path, glob.replace(/\/+$/, "") || ".", { dot: true, nocomment: true, nonegate: true }));
}

/** Every kustomization directory `directory` reaches through the graph, itself included. */
export function reachableFrom(graph: KustomizeGraph, directory: string): Set<string> {
  const seen = new Set<string>();
  const stack = [directory];
  while (stack.length > 0) {
    const next = stack.pop() as string;
    if (seen.has(next)) continue;
    seen.add(next);
    stack.push(...(graph.uses.get(next) ?? []));
  }
  return seen;
}

export interface AffectedDirectories {
  /** Roots whose render may read a changed path. */
  roots: string[];
  /**
   * Kustomization directories that may read a changed path but that no root reaches (with explicit
   * roots): rendered only to know which changed files are Kustomize inputs, never judged.
   */
  readersOutsideRoots: string[];
}

/**
 * Which roots a change may affect. A kustomization reads files only in or below its own directory
 * (kustomize's default load restrictor), so a changed path can be read only by a kustomization in
 * one of its parent directories; a root is affected when it reaches one of those. With the load
 * restrictor off (`loadRestrictor: "none"`) any kustomization may read any file: every root is.
 */
export function affectedBy(
  graph: KustomizeGraph,
  roots: readonly string[],
  changed: readonly string[],
  loadRestrictor: "rootOnly" | "none" = "rootOnly",
): AffectedDirectories {
  const readers = new Set(
    loadRestrictor === "none"
      ? graph.directories
      : graph.directories.filter((directory) => changed.some((path) => isWithin(path, directory))),
  );
  if (readers.size === 0) return { roots: [], readersOutsideRoots: [] };
  const reached = new Set<string>();
  const affected: string[] = [];
  for (const root of roots) {
    const reachable = reachableFrom(graph, root);
    for (const directory of reachable) reached.add(directory);
    if ([...reachable].some((directory) => readers.has(directory))) affected.push(root);
  }
  return { roots: affected, readersOutsideRoots: [...readers].filter((directory) => !reached.has(directory)).sort() };
}

function stringsIn(value: JsonValue): string[] {
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.flatMap(stringsIn);
  if (isObject(value)) return Object.values(value).flatMap(stringsIn);
  return [];
}

/** A generator's `files:`/`envs:` entry may be `key=path`; every other reference is a path as written. */
function candidatesOf(reference: string): string[] {
  if (reference === "" || reference.includes("\n") || reference.length > 1024) return [];
  const equals = reference.indexOf("=");
  return equals > 0 ? [reference, reference.slice(equals + 1)] : [reference];
}
