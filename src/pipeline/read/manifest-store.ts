/**
 * Fetching and parsing the changed manifests, by git blob SHA, with bounded concurrency and a
 * content-addressed cache: a new push to a pull request re-reads only the files whose content
 * changed. Blobs are read from the BASE repository, which also holds the objects of fork pull
 * requests (the app is usually not installed on the fork).
 */
import { GitHubApiError, type ChangedFile, type GitHubGateway, type RepoRef } from "../../github/gateway.js";
import { DEFAULT_LIMITS } from "../../manifests/limits.js";
import { loadManifestFile } from "../../manifests/load.js";
import { parseDocuments } from "../../manifests/yaml.js";
import type { InputError, JsonValue, LoadedFile } from "../../manifests/types.js";
import { LruCache } from "./lru-cache.js";
import { mayBeSymlinkBlob, missingBlobMessage, resolveLink, tooLargeMessage } from "./special-files.js";

export interface ManifestStoreOptions {
  /** Parallel blob reads per check; GitHub allows 100 concurrent requests per installation. */
  concurrency?: number;
  maxEntries?: number;
  /** Budget for the cache, estimated from the source size (parsed objects take a few times more). */
  maxBytes?: number;
}

interface Cached {
  loaded: LoadedFile;
  /** The blob's bytes, for what is read as more than a manifest (a Kustomize render's inputs). */
  content?: Uint8Array;
  /** The file's text, when it holds objects: what a suggested change is made in. */
  text?: string;
  bytes: number;
  notManifest: boolean;
  /** A one-line file that is no manifest: possibly a symbolic link (git stores its target as the blob). */
  linkText?: string;
}

/** Parsed objects with their positions cost several times their source text (and the bytes and text are kept too). */
const PARSED_SIZE_FACTOR = 8;

export interface LoadResult {
  files: LoadedFile[];
  /**
   * Files that matched the globs but hold no Kubernetes object at all (no document has apiVersion or
   * kind: a CI config, a docs config). kubectl could not apply them, so they are not judged; the
   * summary lists them. A file that does not parse is never in here: it may be a broken manifest.
   */
  notManifests: string[];
  /** Blob reads this call made (cache misses): what the request-count bound is about. */
  fetched: number;
  /** What the summary should say about special files (a symbolic link checked through its target). */
  notes: string[];
  /** The text of each loaded file read at its own path (not through a symbolic link), by path. */
  texts: Map<string, string>;
}

export interface ContentsResult {
  contents: Map<string, Uint8Array>;
  /** Blobs that could not be read, at their paths. */
  errors: InputError[];
  fetched: number;
}

export class ManifestStore {
  private readonly cache: LruCache<string, Cached>;
  /** Reads in flight, shared by concurrent checks that need the same blob. */
  private readonly pending = new Map<string, Promise<Cached>>();
  private readonly concurrency: number;

  constructor(options: ManifestStoreOptions = {}) {
    this.concurrency = Math.max(1, options.concurrency ?? 8);
    this.cache = new LruCache(
      options.maxEntries ?? 20_000,
      options.maxBytes ?? 256 * 1024 * 1024,
      (entry) => entry.bytes * PARSED_SIZE_FACTOR,
    );
  }

  /**
   * `ref` (the head commit) lets special files be recognised (see special-files.ts); without it every
   * file is taken as a regular file.
   */
  async load(gateway: GitHubGateway, repo: RepoRef, files: readonly ChangedFile[], ref?: string): Promise<LoadResult> {
    const results: (LoadedFile | undefined)[] = new Array(files.length);
    const notManifests: string[] = [];
    const notes: string[] = [];
    const texts = new Map<string, string>();
    let fetched = 0;
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < files.length) {
        const index = next++;
        let file = files[index] as ChangedFile;
        let { entry, read } = await this.loadOne(gateway, repo, file, ref);
        if (read) fetched++;
        if (entry.linkText !== undefined && ref) {
          const link = await resolveLink(gateway, repo, file, ref, entry.linkText);
          if (link.kind === "unfollowable") {
            results[index] = unreadable(file.filename, link.message).loaded;
            continue;
          }
          if (link.kind === "followed") {
            notes.push(link.note);
            file = link.target;
            ({ entry, read } = await this.loadOne(gateway, repo, file, undefined));
            if (read) fetched++;
          }
        }
        if (entry.notManifest) notManifests.push(file.filename);
        else {
          results[index] = atPath(entry.loaded, file.filename);
          // A link's target is changed in its own file, not through the link: no text for the link's path.
          if (entry.text !== undefined && file === files[index]) texts.set(file.filename, entry.text);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.concurrency, files.length) }, worker));
    // A link's target may be in the pull request too: judge each path once.
    const loaded = new Map<string, LoadedFile>();
    for (const file of results) if (file && !loaded.has(file.file)) loaded.set(file.file, file);
    return { files: [...loaded.values()], notManifests: [...new Set(notManifests)].sort(), fetched, notes: notes.sort(), texts };
  }

  private async loadOne(
    gateway: GitHubGateway,
    repo: RepoRef,
    file: ChangedFile,
    ref: string | undefined,
  ): Promise<{ entry: Cached; read: boolean }> {
    const sha = file.sha;
    if (!sha)
      return {
        entry: unreadable(file.filename, "GitHub did not report the content of this file (no blob SHA), so it cannot be checked"),
        read: false,
      };
    const cached = this.cache.get(sha);
    if (cached) return { entry: cached, read: false };
    const inFlight = this.pending.get(sha);
    if (inFlight) return { entry: await inFlight, read: false };

    const reading = (async (): Promise<Cached> => {
      let content: Uint8Array;
      try {
        content = await gateway.getBlob(repo, sha);
      } catch (error) {
        // 404/422: GitHub has no blob with this SHA here (a submodule entry, or an object GitHub
        // will not serve): a problem of this file, reported on it. Anything else is an outage.
        if (error instanceof GitHubApiError && (error.status === 404 || error.status === 422)) {
          return unreadable(file.filename, await missingBlobMessage(gateway, repo, file, ref, error.status));
        }
        // Refused unread past its byte limit: the same content is always too large, so it is cached.
        if (error instanceof GitHubApiError && error.kind === "too-large") {
          const entry = unreadable(file.filename, tooLargeMessage(DEFAULT_LIMITS.maxBytes, "its blob is larger than the app reads"));
          this.cache.set(sha, entry);
          return entry;
        }
        throw error;
      }
      const entry = parse(file.filename, content);
      this.cache.set(sha, entry);
      return entry;
    })();
    this.pending.set(sha, reading);
    try {
      return { entry: await reading, read: true };
    } finally {
      this.pending.delete(sha);
    }
  }

  /**
   * The bytes of blobs (a Kustomize render reads them as files, not as manifests), through the same
   * cache and in-flight sharing as `load`. A blob GitHub does not serve is an error at its path.
   */
  async readContents(gateway: GitHubGateway, repo: RepoRef, files: readonly ChangedFile[]): Promise<ContentsResult> {
    const contents = new Map<string, Uint8Array>();
    const errors: InputError[] = [];
    let fetched = 0;
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < files.length) {
        const file = files[next++] as ChangedFile;
        const { entry, read } = await this.loadOne(gateway, repo, file, undefined);
        if (read) fetched++;
        if (entry.content) contents.set(file.filename, entry.content);
        else errors.push(...atPath(entry.loaded, file.filename).errors);
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.concurrency, files.length) }, worker));
    return { contents, errors, fetched };
  }

  get cachedFiles(): number {
    return this.cache.size;
  }
}

function parse(file: string, content: Uint8Array): Cached {
  const loaded = loadManifestFile(file, content);
  let notManifest = false;
  if (loaded.manifests.length === 0 && loaded.errors.length > 0) {
    // Only then is a second look needed: does any document even try to be a Kubernetes object?
    const parsed = parseDocuments(file, content);
    notManifest = parsed.errors.length === 0 && !parsed.documents.some((document) => looksLikeObject(document.value));
  }
  const entry: Cached = { loaded, content, bytes: content.byteLength, notManifest };
  if (loaded.manifests.length > 0) entry.text = Buffer.from(content).toString("utf8");
  if (notManifest && mayBeSymlinkBlob(content)) entry.linkText = Buffer.from(content).toString("utf8");
  return entry;
}

function looksLikeObject(value: JsonValue): boolean {
  return typeof value === "object" && value !== null && !Array.isArray(value) && ("apiVersion" in value || "kind" in value);
}

function unreadable(file: string, message: string): Cached {
  const error: InputError = { file, line: 1, column: 1, message };
  return { loaded: { file, manifests: [], errors: [error] }, bytes: 0, notManifest: false };
}

/** The same content under another name (a copy, a rename): same objects, new path on every finding. */
function atPath(loaded: LoadedFile, file: string): LoadedFile {
  if (loaded.file === file) return loaded;
  return {
    file,
    manifests: loaded.manifests.map((manifest) => ({ ...manifest, file })),
    errors: loaded.errors.map((error) => ({ ...error, file })),
  };
}
