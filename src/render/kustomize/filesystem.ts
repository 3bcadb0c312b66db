/**
 * The renderer reads files only through this interface, so the CLI can feed it the disk and the app
 * Git blobs. Paths are POSIX, relative to the root of what is read (a checkout or a Git tree), without
 * `.` or `..` segments; the empty string is that root itself.
 */
export interface RenderFileSystem {
  /** The file's bytes or text, or undefined when there is no such file. */
  contentOf(path: string): Uint8Array | string | undefined;
  /** True when `path` is a directory (the root `""` is one). */
  isDirectory(path: string): boolean;
}

/** Joins a relative reference onto a directory; undefined when it climbs above the root. */
export function joinPath(directory: string, reference: string): string | undefined {
  const segments = directory === "" ? [] : directory.split("/");
  for (const segment of reference.split("/")) {
    if (segment === "" || segment === ".") continue;
    if (segment === "..") {
      if (segments.length === 0) return undefined;
      segments.pop();
    } else segments.push(segment);
  }
  return segments.join("/");
}

/** The directory holding `path` ("" for a top-level file). */
export function directoryOf(path: string): string {
  const slash = path.lastIndexOf("/");
  return slash === -1 ? "" : path.slice(0, slash);
}

export function baseName(path: string): string {
  return path.slice(path.lastIndexOf("/") + 1);
}

/** True when `path` is `directory` or below it. */
export function isWithin(path: string, directory: string): boolean {
  return directory === "" || path === directory || path.startsWith(`${directory}/`);
}

/** A file system over an in-memory map of path -> content (tests, and the app once blobs are read). */
export function memoryFileSystem(files: ReadonlyMap<string, Uint8Array | string> | Record<string, Uint8Array | string>): RenderFileSystem {
  const map = files instanceof Map ? files : new Map(Object.entries(files));
  const directories = new Set<string>([""]);
  for (const path of map.keys()) {
    for (let dir = directoryOf(path); dir !== ""; dir = directoryOf(dir)) directories.add(dir);
  }
  return {
    contentOf: (path) => map.get(path),
    isDirectory: (path) => directories.has(path),
  };
}
