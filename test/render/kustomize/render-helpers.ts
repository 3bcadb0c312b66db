/** Rendering small in-memory fixtures, for the renderer's tests. */
import type { JsonObject } from "../../../src/manifests/types.js";
import { KustomizeError, memoryFileSystem, renderKustomization } from "../../../src/render/kustomize/index.js";

export function render(files: Record<string, string>, root: string): JsonObject[] {
  return renderKustomization(memoryFileSystem(files), root).objects;
}

/** The error that stops the render; fails the test if it renders. */
export function renderError(files: Record<string, string>, root: string): KustomizeError {
  try {
    renderKustomization(memoryFileSystem(files), root);
  } catch (error) {
    if (error instanceof KustomizeError) return error;
    throw error;
  }
  throw new Error("rendered");
}
