/**
 * Kyverno's wildcard matching (github.com/IGLOU-EU/go-wildcard v1, as Kyverno pins it): `*` matches any
 * run of characters, `?` exactly one; everything else is literal. Used by patterns, match names and
 * namespaces, and the set operators of conditions.
 */

export function containsWildcard(value: string): boolean {
  return value.includes("*") || value.includes("?");
}

export function wildcardMatch(pattern: string, value: string): boolean {
  if (pattern === "") return value === "";
  if (pattern === "*") return true;
  if (!containsWildcard(pattern)) return pattern === value;
  // Iterative glob matching with backtracking on the last `*`: linear in practice, never exponential.
  const p = [...pattern];
  const v = [...value];
  let pi = 0;
  let vi = 0;
  let star = -1;
  let mark = 0;
  while (vi < v.length) {
    if (pi < p.length && p[pi] === "*") {
      star = pi++;
      mark = vi;
    } else if (pi < p.length && (p[pi] === "?" || p[pi] === v[vi])) {
      pi++;
      vi++;
    } else if (star !== -1) {
      pi = star + 1;
      vi = ++mark;
    } else {
      return false;
    }
  }
  while (pi < p.length && p[pi] === "*") pi++;
  return pi === p.length;
}
