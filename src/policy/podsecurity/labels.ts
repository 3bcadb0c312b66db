/**
 * The Pod Security policy of a namespace, decided from its `pod-security.kubernetes.io/*` labels and
 * the cluster's defaults exactly as Pod Security admission does (k8s.io/pod-security-admission
 * `api.PolicyToEvaluate`, `ParseLevel`, `ParseVersion`):
 * - each of enforce, warn and audit takes its level and version from its own label, else the default;
 * - an invalid enforce level falls back to `restricted` (fail closed), an invalid warn or audit level
 *   to `privileged` (fail open), an invalid version to `latest`; the API server refuses such labels on
 *   a Namespace it creates or changes, so they only survive on Namespaces that predate the rule;
 * - with no warn label, warn follows an explicitly set, stricter enforce level (and its version,
 *   unless warn-version is set), so users see what enforce will reject;
 * - a valid version newer than any check knows is judged at the newest known version (upstream's
 *   registry clamps to its `maxVersion`); `latest` is the newest known.
 * Pure; every value records where it came from, so findings can say which label decided.
 */
import type { Level } from "./types.js";

export const LABEL_PREFIX = "pod-security.kubernetes.io/";
export const MODES = ["enforce", "warn", "audit"] as const;
export type Mode = (typeof MODES)[number];

export const LEVELS: readonly Level[] = ["privileged", "baseline", "restricted"];

/** A policy version: a pinned minor, or `latest`. */
export type LabelVersion = { latest: true } | { latest: false; minor: number };

export interface LevelVersion {
  level: Level;
  version: LabelVersion;
}

/** Where one mode's level and version came from. */
export type Origin =
  /** The namespace's own label (`pod-security.kubernetes.io/enforce`...). */
  | "label"
  /** Warn follows the stricter enforce label (no warn label on the namespace). */
  | "enforce-label"
  /** The configured default (no label). */
  | "default";

export interface ModePolicy extends LevelVersion {
  levelFrom: Origin;
  versionFrom: Origin;
  /** The label values that could not be read, e.g. `enforce="strict"`; Pod Security admission fell back. */
  invalid: string[];
}

export type NamespacePolicy = Record<Mode, ModePolicy>;
export type PolicyDefaults = Record<Mode, LevelVersion>;

export const LATEST: LabelVersion = { latest: true };

/** The defaults of a PodSecurityConfiguration that sets nothing: privileged, latest, for every mode. */
export const PRIVILEGED_DEFAULTS: PolicyDefaults = {
  enforce: { level: "privileged", version: LATEST },
  warn: { level: "privileged", version: LATEST },
  audit: { level: "privileged", version: LATEST },
};

export function levelLabel(mode: Mode): string {
  return `${LABEL_PREFIX}${mode}`;
}

export function versionLabel(mode: Mode): string {
  return `${LABEL_PREFIX}${mode}-version`;
}

/** Upstream `ParseLevel`. */
export function parseLevel(value: string): Level | undefined {
  return (LEVELS as readonly string[]).includes(value) ? (value as Level) : undefined;
}

const VERSION_PATTERN = /^v1\.([0-9]|[1-9][0-9]*)$/;

/** Upstream `ParseVersion`: `latest` or `v1.<minor>`, any minor (newer ones are clamped when judging). */
export function parseLabelVersion(value: string): LabelVersion | undefined {
  if (value === "latest") return LATEST;
  const match = VERSION_PATTERN.exec(value);
  if (!match?.[1]) return undefined;
  const minor = Number(match[1]);
  return Number.isSafeInteger(minor) ? { latest: false, minor } : undefined;
}

/** `restricted:v1.30`, `baseline:latest`: upstream's `LevelVersion.String()`. */
export function formatLevelVersion(value: LevelVersion): string {
  return `${value.level}:${formatVersion(value.version)}`;
}

export function formatVersion(version: LabelVersion): string {
  return version.latest ? "latest" : `v1.${version.minor}`;
}

/** The minor to judge at: `latest` and versions newer than known are the newest known. */
export function effectiveMinor(version: LabelVersion, newestMinor: number): number {
  return version.latest ? newestMinor : Math.min(version.minor, newestMinor);
}

/** Upstream `CompareLevels`. */
export function compareLevels(a: Level, b: Level): number {
  return LEVELS.indexOf(a) - LEVELS.indexOf(b);
}

/** Orders versions, `latest` above every pinned one (upstream `Version.Older`). */
export function compareVersions(a: LabelVersion, b: LabelVersion): number {
  if (a.latest || b.latest) return (a.latest ? 1 : 0) - (b.latest ? 1 : 0);
  return a.minor - b.minor;
}

/** Upstream `PolicyToEvaluate`: the policy for a namespace with these labels under these defaults. */
export function namespacePolicy(labels: Readonly<Record<string, string>>, defaults: PolicyDefaults): NamespacePolicy {
  const policy = {} as NamespacePolicy;
  for (const mode of MODES) policy[mode] = { ...defaults[mode], levelFrom: "default", versionFrom: "default", invalid: [] };
  if (Object.keys(labels).length === 0) return policy;

  let hasEnforceLevel = false;
  for (const mode of MODES) {
    const target = policy[mode];
    const level = labels[levelLabel(mode)];
    if (level !== undefined) {
      const parsed = parseLevel(level);
      target.levelFrom = "label";
      // Enforce fails closed, warn and audit fail open (upstream's comments say so in these words).
      target.level = parsed ?? (mode === "enforce" ? "restricted" : "privileged");
      if (!parsed) target.invalid.push(`${mode}=${JSON.stringify(level)}`);
      if (mode === "enforce") hasEnforceLevel = parsed !== undefined;
    }
    const version = labels[versionLabel(mode)];
    if (version !== undefined) {
      const parsed = parseLabelVersion(version);
      target.versionFrom = "label";
      target.version = parsed ?? LATEST;
      if (!parsed) target.invalid.push(`${mode}-version=${JSON.stringify(version)}`);
    }
  }

  const warn = policy.warn;
  if (labels[levelLabel("warn")] === undefined && hasEnforceLevel && compareLevels(policy.enforce.level, warn.level) > 0) {
    warn.level = policy.enforce.level;
    warn.levelFrom = "enforce-label";
    if (labels[versionLabel("warn")] === undefined) {
      warn.version = policy.enforce.version;
      warn.versionFrom = policy.enforce.versionFrom === "default" ? "default" : "enforce-label";
    }
  }
  return policy;
}

/** Why the API server refuses these labels on a Namespace (Pod Security admission validates them). */
export function invalidLabelProblems(labels: Readonly<Record<string, string>>): { label: string; message: string }[] {
  const problems: { label: string; message: string }[] = [];
  for (const mode of MODES) {
    const level = labels[levelLabel(mode)];
    if (level !== undefined && !parseLevel(level)) {
      problems.push({ label: levelLabel(mode), message: `must be one of ${LEVELS.join(", ")}, got ${JSON.stringify(level)}` });
    }
    const version = labels[versionLabel(mode)];
    if (version !== undefined && !parseLabelVersion(version)) {
      problems.push({ label: versionLabel(mode), message: `must be "latest" or "v1.x", got ${JSON.stringify(version)}` });
    }
  }
  return problems;
}
