/**
 * Bounds on what one input file may cost to read. Input comes from pull requests, i.e. from anyone:
 * every limit turns a resource-exhaustion attempt into an ordinary, reported input error.
 */

export interface LoadLimits {
  /** Largest file read, in bytes (UTF-8). */
  maxBytes: number;
  /**
   * Deepest nesting of nodes: a scalar inside N collections sits at level N + 1 (js-yaml's count).
   * Aliases are expanded for this count.
   */
  maxDepth: number;
  /**
   * Ceiling on the nodes that aliases (`*ref`) may add to one file on top of what is written out.
   * The budget actually granted is proportional to the file's size (see `aliasBudget`), this is its cap.
   */
  maxAliasNodes: number;
  /**
   * Most nodes (scalars, collections, aliases) one file may hold as written. The byte limit alone
   * lets a dense file (`{k0: 0, k1: 1, ...}`, 8 bytes a node) build some 650,000 nodes, costing
   * about 250 MB once read; this caps what one file may cost before any object is built.
   */
  maxNodes: number;
}

export const DEFAULT_LIMITS: Readonly<LoadLimits> = Object.freeze({
  // Kubernetes itself refuses request bodies over 3 MiB and etcd values over 1.5 MiB; a bundle of
  // many objects (a rendered chart, an operator's install.yaml) can still be a few MiB. The largest
  // file of the test corpus (argo-cd install.yaml) is about 2 MiB.
  maxBytes: 5 * 1024 * 1024,
  // The deepest real manifests are CRDs with their OpenAPI schema (34 levels in argo-cd's); CRDs
  // with unrolled recursive schemas go deeper. 100 leaves ample room while keeping every recursive
  // walk downstream (policy checks, JSON output) far from the stack limit. It is also js-yaml's default.
  maxDepth: 100,
  maxAliasNodes: 1_000_000,
  // The largest real manifest of the test corpus (argo-cd's ha/install.yaml, 2 MB) has 82,000 nodes;
  // a 5 MiB file of the same density has about 220,000. 400,000 leaves room for both and bounds a
  // hostile file to roughly 150 MB of memory (measured by `npm run bench:hostile`).
  maxNodes: 400_000,
});

export function resolveLimits(limits: Partial<LoadLimits> | undefined): LoadLimits {
  if (!limits) return DEFAULT_LIMITS;
  return { ...DEFAULT_LIMITS, ...limits };
}

/**
 * Aliases legitimately repeat a few blocks (shared env, resources); a "billion laughs" file repeats
 * them exponentially. Granting a budget proportional to the file size keeps the expanded value
 * within a small multiple of what was written, whatever the file, with a floor so that small files
 * may still use anchors freely.
 */
export function aliasBudget(limits: LoadLimits, inputLength: number): number {
  return Math.min(limits.maxAliasNodes, Math.max(10_000, 2 * inputLength));
}
