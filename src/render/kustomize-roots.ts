/**
 * What a repository deploys through Kustomize: which directories are kustomization roots, what they
 * render (as manifests whose fields know their source line), and which files are Kustomize inputs
 * (never judged on their own). Pure over a file system interface, so the CLI feeds it the disk and
 * the app the Git blobs of a pull request.
 *
 * A root is a kustomization directory no other kustomization of the repository uses (as a resource,
 * base or component): what Argo CD or Flux would be pointed at; or, with explicit root globs (the
 * `kustomize.roots` setting), the kustomization directories they match (kustomize-graph.ts decides,
 * for the CLI and the app alike). A root that cannot be rendered is one error at the file and line
 * that stops it; none of its objects are judged.
 */
import type { InputError, JsonObject, LoadedFile, Manifest } from "../manifests/types.js";
import { sourceFixer, type RenderedRoots } from "./kustomize-fixes.js";
import { directoryOf } from "./kustomize/filesystem.js";
import { isKustomizationFile, kustomizeGraph, rootsOf } from "./kustomize-graph.js";
import {
  KustomizeError,
  locatePlace,
  ParseCache,
  provenanceOf,
  renderKustomization,
  type RenderFileSystem,
  type RenderOptions,
} from "./kustomize/index.js";

export interface KustomizeRoots {
  /** One entry per root: its rendered objects, or the error that stopped it. */
  files: LoadedFile[];
  /** Root directories, sorted. */
  roots: string[];
  /** Every file some render read (kustomizations, resources, patches, generator sources). */
  inputs: Set<string>;
  /**
   * For each kustomization directory rendered (roots and the bases they use), the files its render
   * read: a change to any of them changes what a root deploys.
   */
  closures: Map<string, string[]>;
}

export { isKustomizationFile };

export interface RootSelection {
  /** The roots to render and judge (repository directories). */
  roots: readonly string[];
  /** Kustomization directories rendered only to learn which files are their inputs (never judged). */
  alsoRender: readonly string[];
}

export interface KustomizeRootsOptions extends RenderOptions {
  /** How a repository path is shown (the CLI prints paths relative to where it runs). */
  show?: (path: string) => string;
  /** Explicit root globs (`kustomize.roots`), matched against shown directories; default: automatic. */
  rootGlobs?: readonly string[];
  /**
   * What to render, decided by the caller (the app renders only what a change affects); default:
   * every kustomization directory among the files, with the roots the graph gives.
   */
  select?: RootSelection;
  /**
   * `true` gives each object a fix hook (`Manifest.fixAtSource`): what `check --fix` and the JSON
   * output's fix fields need. Off by default, because the hook checks each fix by rendering its roots
   * again, which a plain check (or the base of a diff) need not pay for.
   */
  fixes?: boolean;
}

const firstLine = { line: 1, column: 1, endLine: 1, endColumn: 1 };

/** How a root is named in findings: its directory, `.` for the repository's top. */
function rootName(directory: string): string {
  return directory === "" ? "." : directory;
}

/**
 * Renders the kustomization directories among `files` (repository paths) and keeps the roots: by
 * default every directory is rendered (so every Kustomize input is known), `select` narrows it.
 */
export function renderKustomizeRoots(fs: RenderFileSystem, files: readonly string[], options: KustomizeRootsOptions = {}): KustomizeRoots {
  const show = options.show ?? ((path: string) => path);
  const cache = options.cache ?? new ParseCache();
  let directories: string[];
  let roots: string[];
  if (options.select) {
    roots = [...options.select.roots].sort();
    directories = [...new Set([...options.select.roots, ...options.select.alsoRender])].sort();
  } else {
    const graph = kustomizeGraph(files, (path) => fs.contentOf(path));
    directories = graph.directories;
    roots = rootsOf(graph, options.rootGlobs, (directory) => show(directory) || ".");
  }
  const renders = new Map<string, { files: string[]; loaded: LoadedFile; objects?: JsonObject[] }>();
  // What the roots render, for checking a fix by rendering again; filled once the roots are known.
  const rendered: RenderedRoots = { fs, options: { loadRestrictor: options.loadRestrictor ?? "rootOnly", cache }, show, roots: new Map() };
  for (const directory of directories) {
    try {
      const result = renderKustomization(fs, directory, { ...options, cache });
      const kustomizationFile = result.files.find((file) => directoryOf(file) === directory && isKustomizationFile(file)) ?? directory;
      const manifests: Manifest[] = result.objects.map((object, index) => ({
        file: show(kustomizationFile),
        object,
        // The object as a whole is placed where kustomize read it; each field where its value came from.
        locate: (path) => {
          const place = provenanceOf(object, path);
          return place ? locatePlace(place).range : firstLine;
        },
        origin: (path) => {
          const place = provenanceOf(object, path);
          if (!place) return { file: show(kustomizationFile), range: firstLine };
          const { file, range } = locatePlace(place);
          return { file: show(file), range };
        },
        renderedIn: show(rootName(directory)),
        ...(options.fixes === true ? { fixAtSource: sourceFixer(rendered, directory, index) } : {}),
      }));
      renders.set(directory, {
        files: result.files,
        loaded: { file: show(kustomizationFile), manifests, errors: [] },
        objects: result.objects,
      });
    } catch (error) {
      if (!(error instanceof KustomizeError)) throw error;
      const problem: InputError = {
        file: show(error.file),
        line: error.line,
        column: error.column,
        message: `cannot render the kustomization in ${show(rootName(directory))} (${error.feature}): ${error.message}`,
      };
      renders.set(directory, { files: error.filesRead, loaded: { file: show(error.file), manifests: [], errors: [problem] } });
    }
  }
  const inputs = new Set<string>();
  for (const render of renders.values()) for (const file of render.files) inputs.add(file);
  const closures = new Map<string, string[]>();
  for (const [directory, render] of renders) closures.set(directory, render.files);
  for (const root of roots) {
    const render = renders.get(root);
    if (render?.objects) rendered.roots.set(root, { objects: render.objects, files: render.files });
  }
  return { files: roots.map((root) => (renders.get(root) as { loaded: LoadedFile }).loaded), roots, inputs, closures };
}
