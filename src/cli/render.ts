/**
 * `kube-policy-bot render DIR`: what `kustomize build DIR` prints, rendered by our own renderer; with
 * `--format json`, each object with where every field came from. A render that fails prints the
 * error at its file and line and exits 1, like a blocking finding.
 */
import { dump } from "js-yaml";
import path from "node:path";
import type { JsonObject } from "../manifests/types.js";
import { diskFileSystem, KustomizeError, listProvenance, locatePlace, renderKustomization } from "../render/kustomize/index.js";
import type { RenderRequest } from "./args.js";
import type { CliIo } from "./io.js";
import { EXIT_BLOCKED, EXIT_OK, UsageError } from "./check-command.js";
import { findKustomizationFile } from "../render/kustomize/index.js";

/**
 * Renders against the whole file system (a base may sit beside the overlay, `../base`), naming files
 * relative to the working directory as the user sees them.
 */
export function renderDirectory(directory: string, cwd: string): { objects: JsonObject[]; shown: (file: string) => string } {
  const absolute = path.resolve(cwd, directory);
  const fs = diskFileSystem(path.parse(absolute).root);
  const relativeToRoot = path.relative(path.parse(absolute).root, absolute).split(path.sep).join("/");
  if (!fs.isDirectory(relativeToRoot)) throw new UsageError(`${JSON.stringify(directory)}: not a directory`);
  if (findKustomizationFile(fs, relativeToRoot) === undefined)
    throw new UsageError(`${JSON.stringify(directory)}: no kustomization.yaml, kustomization.yml or Kustomization in it`);
  const shown = (file: string): string => path.relative(cwd, path.join(path.parse(absolute).root, file)) || ".";
  return { objects: renderKustomization(fs, relativeToRoot).objects, shown };
}

/** Keys sorted, as kustomize prints them. */
function toYaml(objects: readonly JsonObject[]): string {
  return objects.map((object) => dump(object, { sortKeys: true, noRefs: true, seqNoIndent: true, lineWidth: -1 })).join("---\n");
}

export function runRender(request: RenderRequest, io: CliIo): number {
  const absolute = path.resolve(io.cwd, request.directory);
  const shownFile = (file: string): string => path.relative(io.cwd, path.join(path.parse(absolute).root, file)) || ".";
  let objects: JsonObject[];
  try {
    objects = renderDirectory(request.directory, io.cwd).objects;
  } catch (error) {
    if (!(error instanceof KustomizeError)) throw error;
    io.stderr.write(`${shownFile(error.file)}:${error.line}:${error.column}: error: ${error.message} [${error.feature}]\n`);
    return EXIT_BLOCKED;
  }
  if (request.format === "yaml") {
    io.stdout.write(toYaml(objects));
    return EXIT_OK;
  }
  const described = objects.map((object) => ({
    object,
    provenance: listProvenance(object, (place) => {
      const { file, range } = locatePlace(place);
      return `${shownFile(file)}:${range.line}`;
    }),
  }));
  io.stdout.write(`${JSON.stringify(described, null, 2)}\n`);
  return EXIT_OK;
}
