/**
 * Every request the emulator received, in order, with the route it matched and what it answered, so
 * tests can count API calls per pull request (the app's cost) and see unknown or faulted calls.
 */

export interface RequestLogEntry {
  seq: number;
  method: string;
  /** Path after /api/v3, still percent-encoded (e.g. "/repos/acme/gitops/pulls/1/files"). */
  path: string;
  /** The matched route pattern ("/repos/:owner/:repo/pulls/:pull_number/files"), undefined when none matched. */
  route: string | undefined;
  query: Record<string, string>;
  /** HTTP status sent; 0 when the connection was dropped without a response. */
  status: number;
  timestamp: string;
  /** Set when the fault plan answered instead of the emulator ("status", "rate-limit", "hang", ...). */
  fault: string | undefined;
  /** Installation whose token made the call, if any. */
  installationId: number | undefined;
}

export interface RequestFilter {
  method?: string;
  /** Exact route pattern. */
  route?: string;
  /** Substring of the path, e.g. "/pulls/3". */
  pathIncludes?: string;
  /** Path pattern, e.g. /\/pulls\/3(\/|$)/ to avoid also counting PR 30. */
  pathMatches?: RegExp;
  /** Only requests that matched no route. */
  unmatched?: boolean;
  /** Only requests the fault plan answered with this kind ("hang", "reset", ...). */
  fault?: string;
}

function matches(e: RequestLogEntry, filter: RequestFilter): boolean {
  return (
    (!filter.method || e.method === filter.method.toUpperCase()) &&
    (!filter.route || e.route === filter.route) &&
    (!filter.pathIncludes || e.path.includes(filter.pathIncludes)) &&
    (!filter.pathMatches || filter.pathMatches.test(e.path)) &&
    (!filter.unmatched || e.route === undefined) &&
    (filter.fault === undefined || e.fault === filter.fault)
  );
}

export class RequestLog {
  private entries: RequestLogEntry[] = [];
  private seq = 0;
  private readonly waiters = new Set<(e: RequestLogEntry) => void>();

  record(entry: Omit<RequestLogEntry, "seq" | "timestamp">): RequestLogEntry {
    const full: RequestLogEntry = { ...entry, seq: ++this.seq, timestamp: new Date().toISOString() };
    this.entries.push(full);
    for (const w of [...this.waiters]) w(full);
    return full;
  }

  list(filter: RequestFilter = {}): RequestLogEntry[] {
    return this.entries.filter((e) => matches(e, filter));
  }

  /**
   * Resolves with the first logged request matching `filter` (one already logged counts). A dropped or
   * hung request is logged when the emulator gives up on it, which is after the client has seen it fail.
   */
  waitFor(filter: RequestFilter, timeoutMs = 30_000): Promise<RequestLogEntry> {
    const found = this.entries.find((e) => matches(e, filter));
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const waiter = (e: RequestLogEntry): void => {
        if (!matches(e, filter)) return;
        clearTimeout(timer);
        this.waiters.delete(waiter);
        resolve(e);
      };
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(new Error(`no request matching ${JSON.stringify(filter)} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiters.add(waiter);
    });
  }

  count(filter: RequestFilter = {}): number {
    return this.list(filter).length;
  }

  reset(): void {
    this.entries = [];
  }
}
