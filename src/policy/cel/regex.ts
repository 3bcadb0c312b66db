/**
 * The Kubernetes `regex` library: `find` and `findAll` (k8s.io/apiserver/pkg/cel/library/regex.go).
 * Patterns are RE2 as in cel-go; JavaScript's engine accepts RE2's syntax except inline flags, which
 * are mapped to RegExp flags. Compiled patterns are cached: policies repeat the same few.
 */
import type { Environment } from "@marcbachmann/cel-js";
import { celError } from "./errors.js";

const cache = new Map<string, RegExp>();
const CACHE_LIMIT = 500;

export function compileRegex(pattern: string): RegExp {
  const cached = cache.get(pattern);
  if (cached) return cached;
  let source = pattern;
  let flags = "gu";
  const inline = /^\(\?([imsU]+)\)/.exec(source);
  if (inline) {
    source = source.slice(inline[0].length);
    for (const flag of inline[1] ?? "") if (flag !== "U" && !flags.includes(flag)) flags += flag;
  }
  // RE2 has no lookaround or backreferences: refusing them keeps matching linear, as in the API server.
  if (/\(\?<?[=!]|\\[1-9]/.test(source)) celError(`invalid regex ${JSON.stringify(pattern)}: lookaround and backreferences are not RE2`);
  let compiled: RegExp;
  try {
    compiled = new RegExp(source, flags);
  } catch (error) {
    return celError(`invalid regex ${JSON.stringify(pattern)}: ${(error as Error).message}`);
  }
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(pattern, compiled);
  return compiled;
}

export function registerRegex(env: Environment): void {
  env.registerFunction("string.find(string): string", (text: string, pattern: string) => {
    const regex = compileRegex(pattern);
    regex.lastIndex = 0;
    return regex.exec(text)?.[0] ?? "";
  });
  env.registerFunction("string.findAll(string): list<string>", (text: string, pattern: string) => findAll(text, pattern, -1n));
  env.registerFunction("string.findAll(string, int): list<string>", findAll);
}

function findAll(text: string, pattern: string, limit: bigint): string[] {
  if (limit === 0n) return [];
  const matches = [...text.matchAll(compileRegex(pattern))].map((match) => match[0]);
  return limit < 0n ? matches : matches.slice(0, Number(limit));
}
