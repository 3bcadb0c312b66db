/**
 * The fault plan: per endpoint (method + path pattern), make GitHub misbehave the ways it does in
 * production (5xx, rate limits, hangs, dropped connections, truncated JSON) so tests can check that the
 * app retries, times out and fails closed. Deterministic: a rule fires for its first N matching calls,
 * or with a probability drawn from a seeded PRNG, never from Math.random.
 */
import { compilePattern } from "./router.js";

export type FaultAction =
  /** Any status with GitHub's JSON error body (500, 502, 503, 403 "Resource not accessible", 404 ...). */
  | { kind: "status"; status: number; message?: string }
  /** Primary rate limit: 403 (or 429) with x-ratelimit-remaining: 0 and the reset time. */
  | { kind: "rate-limit"; status?: 403 | 429; resetAfterSeconds?: number; retryAfterSeconds?: number }
  /** Secondary rate limit: 403 (or 429) with retry-after and GitHub's secondary-limit message. */
  | { kind: "secondary-rate-limit"; status?: 403 | 429; retryAfterSeconds?: number }
  /** Keep the socket open `ms` milliseconds, then drop it (default) or answer normally. */
  | { kind: "hang"; ms: number; then?: "reset" | "respond" }
  /** Destroy the connection without an HTTP response. */
  | { kind: "reset" }
  /** Status 200 with a JSON content type and a body that does not parse. */
  | { kind: "malformed-json"; body?: string };

export interface FaultRule {
  /** HTTP method; any when omitted. */
  method?: string;
  /**
   * Path after /api/v3, as a route pattern ("/repos/:owner/:repo/pulls/:pull_number/files",
   * "*rest" matches the remainder) or a RegExp tested against the path.
   */
  path: string | RegExp;
  action: FaultAction;
  /** Fire for the first N matching calls only. */
  times?: number;
  /** Fire with this probability (0..1) per matching call, drawn from a PRNG seeded with `seed`. */
  probability?: number;
  seed?: number;
}

export interface ActiveFault {
  readonly rule: FaultRule;
  /** Matching calls seen, and how many of them the fault fired on. */
  readonly matched: number;
  readonly fired: number;
}

/** mulberry32: a tiny, well-distributed 32-bit PRNG; the same seed always gives the same sequence. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class FaultEntry implements ActiveFault {
  matched = 0;
  fired = 0;
  private readonly test: (path: string) => boolean;
  private readonly random: (() => number) | undefined;

  constructor(readonly rule: FaultRule) {
    if (rule.times !== undefined && (!Number.isInteger(rule.times) || rule.times < 0))
      throw new Error("fault times must be a non-negative integer");
    if (rule.probability !== undefined && (rule.probability < 0 || rule.probability > 1))
      throw new Error("fault probability must be within 0..1");
    if (rule.action.kind === "hang" && !(rule.action.ms >= 0)) throw new Error("hang needs ms >= 0");
    const path = rule.path;
    if (typeof path === "string") {
      const compiled = compilePattern(path);
      this.test = (p) => compiled(p) !== undefined;
    } else {
      this.test = (p) => path.test(p);
    }
    this.random = rule.probability !== undefined ? seededRandom(rule.seed ?? 1) : undefined;
  }

  decide(method: string, path: string): boolean {
    if (this.rule.method && this.rule.method.toUpperCase() !== method.toUpperCase()) return false;
    if (!this.test(path)) return false;
    this.matched++;
    if (this.rule.times !== undefined && this.fired >= this.rule.times) return false;
    if (this.random && this.random() >= (this.rule.probability as number)) return false;
    this.fired++;
    return true;
  }
}

export class FaultPlan {
  private entries: FaultEntry[] = [];

  /** Replaces the whole plan. */
  set(rules: FaultRule[]): ActiveFault[] {
    this.entries = rules.map((r) => new FaultEntry(r));
    return [...this.entries];
  }

  add(rule: FaultRule): ActiveFault {
    const entry = new FaultEntry(rule);
    this.entries.push(entry);
    return entry;
  }

  clear(): void {
    this.entries = [];
  }

  list(): ActiveFault[] {
    return [...this.entries];
  }

  /** The first rule, in plan order, that fires for this call; later rules do not see the call. */
  match(method: string, path: string): FaultAction | undefined {
    for (const entry of this.entries) {
      if (entry.decide(method, path)) return entry.rule.action;
    }
    return undefined;
  }
}
