/**
 * Fetching and parsing the changed manifests, by git blob SHA, with bounded concurrency and a
 * content-addressed cache: a new push to a pull request re-reads only the files whose content
 * changed. Blobs are read from the BASE repository, which also holds the objects of fork pull
 * requests (the app is usually not installed on the fork).
 */
import { GitHubApiError, type ChangedFile, type GitHubGateway, type RepoRef } from "../github/gateway.js";
import { loadManifestFile } from "../manifests/load.js";
import { parseDocuments } from "../manifests/yaml.js";
import type { InputError, JsonValue, LoadedFile } from "../manifests/types.js";
import { LruCache } from "./lru-cache.js";

export interface ManifestStoreOptions {
  /** Parallel blob reads per check; GitHub allows 100 concurrent requests per installation. */
  concurrency?: number;
  maxEntries?: number;
  /** Budget for the cache, estimated from the source size (parsed objects take a few times more). */
  maxBytes?: number;
}

interface Cached {
  loaded: LoadedFile;
  bytes: number;
  notManifest: boolean;
}

/** Parsed objects with their positions cost several times their source text. */
const PARSED_SIZE_FACTOR = 6;

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
}

export class ManifestStore {
  private readonly cache: LruCache<string, Cached>;
  /** Reads in flight, shared by concurrent checks that need the same blob. */
  private readonly pending = new Map<string, Promise<Cached>>();
  private readonly concurrency: number;

  constructor(options: ManifestStoreOptions = {}) {
    this.concurrency = Math.max(1, options.concurrency ?? 8);
    this.cache = new LruCache(options.maxEntries ?? 20_000, options.maxBytes ?? 256 * 1024 * 1024, (entry) => entry.bytes * PARSED_SIZE_FACTOR);
  }

  async load(gateway: GitHubGateway, repo: RepoRef, files: readonly ChangedFile[]): Promise<LoadResult> {
    const results: (LoadedFile | undefined)[] = new Array(files.length);
    const notManifests: string[] = [];
    let fetched = 0;
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < files.length) {
        const index = next++;
        const file = files[index] as ChangedFile;
        const { entry, read } = await this.loadOne(gateway, repo, file);
        if (read) fetched++;
        if (entry.notManifest) notManifests.push(file.filename);
        else results[index] = atPath(entry.loaded, file.filename);
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.concurrency, files.length) }, worker));
    return { files: results.filter((loaded): loaded is LoadedFile => loaded !== undefined), notManifests: notManifests.sort(), fetched };
  }

  private async loadOne(gateway: GitHubGateway, repo: RepoRef, file: ChangedFile): Promise<{ entry: Cached; read: boolean }> {
    const sha = file.sha;
    if (!sha) return { entry: unreadable(file.filename, "GitHub did not report the content of this file (no blob SHA), so it cannot be checked"), read: false };
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
          return unreadable(file.filename, `GitHub could not provide this file's content (HTTP ${error.status}); a submodule or a file GitHub cannot serve cannot be checked`);
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
  return { loaded, bytes: content.byteLength, notManifest };
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
