/**
 * The renderer's file system over a directory on disk (the CLI, the conformance test, the bench).
 */
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import type { RenderFileSystem } from "./filesystem.js";

export function diskFileSystem(root: string): RenderFileSystem {
  const absolute = (path: string): string => (path === "" ? root : join(root, ...path.split("/")));
  return {
    contentOf(path) {
      try {
        const full = absolute(path);
        if (!statSync(full).isFile()) return undefined;
        return readFileSync(full);
      } catch {
        return undefined;
      }
    },
    isDirectory(path) {
      try {
        return statSync(absolute(path)).isDirectory();
      } catch {
        return false;
      }
    },
  };
}
