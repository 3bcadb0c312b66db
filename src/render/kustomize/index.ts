/** The Kustomize renderer: what the rest of the project uses. */
export { KustomizeError } from "./errors.js";
export { diskFileSystem } from "./disk.js";
export { memoryFileSystem, type RenderFileSystem } from "./filesystem.js";
export { findKustomizationFile, KUSTOMIZATION_FILE_NAMES } from "./kustomization-file.js";
export { listProvenance, locatePlace, provenanceOf, type Place } from "./provenance.js";
export { renderKustomization, type RenderOptions, type RenderResult } from "./render.js";
export { ParseCache } from "./parse-cache.js";
