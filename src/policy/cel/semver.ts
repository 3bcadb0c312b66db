/**
 * The Kubernetes `semver` library (k8s.io/apiserver/pkg/cel/library/semverlib.go): Semantic Versioning
 * 2.0.0; with `normalize` a leading `v`, missing minor/patch and leading zeros are tolerated.
 */
import type { Environment } from "@marcbachmann/cel-js";
import { celError } from "./errors.js";

export class Semver {
  constructor(
    readonly major: bigint,
    readonly minor: bigint,
    readonly patch: bigint,
    readonly prerelease: readonly string[],
  ) {}
}

const STRICT =
  /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[A-Za-z-][0-9A-Za-z-]*)(?:\.(?:0|[1-9]\d*|\d*[A-Za-z-][0-9A-Za-z-]*))*))?(?:\+([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?$/;

export function parseSemver(text: string, normalize = false): Semver | undefined {
  let candidate = text;
  if (normalize) {
    if (candidate.startsWith("v")) candidate = candidate.slice(1);
    const core = /^(\d+)(?:\.(\d+))?(?:\.(\d+))?(.*)$/.exec(candidate);
    if (core) candidate = `${BigInt(core[1] ?? "0")}.${BigInt(core[2] ?? "0")}.${BigInt(core[3] ?? "0")}${core[4] ?? ""}`;
  }
  const match = STRICT.exec(candidate);
  if (!match) return undefined;
  return new Semver(BigInt(match[1] ?? "0"), BigInt(match[2] ?? "0"), BigInt(match[3] ?? "0"), match[4] ? match[4].split(".") : []);
}

export function compareSemver(a: Semver, b: Semver): bigint {
  for (const key of ["major", "minor", "patch"] as const) if (a[key] !== b[key]) return a[key] < b[key] ? -1n : 1n;
  if (a.prerelease.length === 0 || b.prerelease.length === 0) return BigInt(Math.sign(b.prerelease.length - a.prerelease.length));
  for (let i = 0; i < Math.min(a.prerelease.length, b.prerelease.length); i++) {
    const x = a.prerelease[i] ?? "";
    const y = b.prerelease[i] ?? "";
    if (x === y) continue;
    const xn = /^\d+$/.test(x);
    const yn = /^\d+$/.test(y);
    if (xn && yn) return BigInt(x) < BigInt(y) ? -1n : 1n;
    if (xn !== yn) return xn ? -1n : 1n;
    return x < y ? -1n : 1n;
  }
  return BigInt(Math.sign(a.prerelease.length - b.prerelease.length));
}

function requireSemver(text: string, normalize = false): Semver {
  return parseSemver(text, normalize) ?? celError(`semver(${JSON.stringify(text)}): not a semantic version`);
}

export function registerSemver(env: Environment): void {
  env.registerType("Semver", Semver);
  env.registerFunction("semver(string): Semver", (text: string) => requireSemver(text));
  env.registerFunction("semver(string, bool): Semver", requireSemver);
  env.registerFunction("isSemver(string): bool", (text: string) => parseSemver(text) !== undefined);
  env.registerFunction("isSemver(string, bool): bool", (text: string, normalize: boolean) => parseSemver(text, normalize) !== undefined);
  env.registerFunction("Semver.major(): int", (v: Semver) => v.major);
  env.registerFunction("Semver.minor(): int", (v: Semver) => v.minor);
  env.registerFunction("Semver.patch(): int", (v: Semver) => v.patch);
  env.registerFunction("Semver.isLessThan(Semver): bool", (a: Semver, b: Semver) => compareSemver(a, b) < 0n);
  env.registerFunction("Semver.isGreaterThan(Semver): bool", (a: Semver, b: Semver) => compareSemver(a, b) > 0n);
  env.registerFunction("Semver.compareTo(Semver): int", compareSemver);
  env.registerOperator("Semver == Semver", (a: Semver, b: Semver) => compareSemver(a, b) === 0n);
}
