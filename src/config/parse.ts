/**
 * Reads and validates the org and repo config files. Parsed with the project's YAML reader so every
 * problem has a line; unknown keys are errors (a typo'd key that is silently ignored would quietly
 * weaken the gate).
 */
import { parseDocuments } from "../manifests/yaml.js";
import type { FieldPath, JsonObject, SourceDocument, InputError } from "../manifests/types.js";
import type { EnforcementAction } from "../policy/types.js";
import { didYouMean } from "../policy/suggest.js";
import { MAX_SUGGESTIONS, defaultOrgConfig } from "./defaults.js";
import type { ApproverRule, OrgConfig, PolicyOverride, RepoConfig, RepoPermission } from "./types.js";
import { isObject } from "../manifests/json.js";

export type Parsed<T> = { config: T; problems: [] } | { config: undefined; problems: InputError[] };

const ACTIONS: readonly EnforcementAction[] = ["deny", "warn", "dryrun"];
const PERMISSIONS: readonly RepoPermission[] = ["read", "triage", "write", "maintain", "admin"];
/** GitHub's check-run names are free text, but the name is also the required-check context. */
const MAX_CHECK_NAME = 100;
/** Every changed file is matched against every glob: a bound keeps a config from making that the bottleneck. */
export const MAX_GLOBS = 200;
const MAX_GLOB_LENGTH = 500;

export function parseOrgConfig(file: string, content: string | Uint8Array): Parsed<OrgConfig> {
  const reader = open(file, content);
  const config = defaultOrgConfig();
  const root = reader.root;
  if (root) {
    reader.keys(root, [], ["manifests", "policies", "check", "exceptions", "suggestions"]);
    const manifests = reader.mapping(root, ["manifests"]);
    if (manifests) {
      reader.keys(manifests, ["manifests"], ["include", "exclude"]);
      config.manifests.include = reader.globs(manifests, ["manifests", "include"]) ?? config.manifests.include;
      config.manifests.exclude = reader.globs(manifests, ["manifests", "exclude"]) ?? config.manifests.exclude;
    }
    const policies = reader.mapping(root, ["policies"]);
    if (policies) {
      reader.keys(policies, ["policies"], ["shipped", "paths", "overridable"]);
      config.policies.shipped = reader.boolean(policies, ["policies", "shipped"]) ?? config.policies.shipped;
      config.policies.paths = reader.globs(policies, ["policies", "paths"]) ?? [];
      config.policies.overridable = reader.strings(policies, ["policies", "overridable"]) ?? [];
      if (!config.policies.shipped && config.policies.paths.length === 0) {
        reader.fail(["policies", "shipped"], "with shipped: false, list the organisation's policy files in policies.paths; otherwise no policy would apply");
      }
    }
    const check = reader.mapping(root, ["check"]);
    if (check) {
      reader.keys(check, ["check"], ["name", "failureMode"]);
      const name = reader.string(check, ["check", "name"]);
      if (name !== undefined) {
        if (name.trim() === "" || name.length > MAX_CHECK_NAME || /[\r\n]/.test(name)) reader.fail(["check", "name"], `check.name must be one line of 1 to ${MAX_CHECK_NAME} characters`);
        else config.check.name = name.trim();
      }
      const mode = reader.choice(check, ["check", "failureMode"], ["fail-closed", "fail-open"] as const);
      if (mode) config.check.failureMode = mode;
    }
    const exceptions = reader.mapping(root, ["exceptions"]);
    if (exceptions) {
      reader.keys(exceptions, ["exceptions"], ["approvers", "maxDuration", "defaultDuration"]);
      const max = reader.duration(exceptions, ["exceptions", "maxDuration"]);
      if (max !== undefined) config.exceptions.maxDurationMs = max;
      const byDefault = reader.duration(exceptions, ["exceptions", "defaultDuration"]);
      if (byDefault !== undefined) config.exceptions.defaultDurationMs = byDefault;
      if (config.exceptions.defaultDurationMs > config.exceptions.maxDurationMs) {
        reader.fail(["exceptions", byDefault !== undefined ? "defaultDuration" : "maxDuration"], "exceptions.defaultDuration must not be longer than exceptions.maxDuration");
      }
      config.exceptions.approvers = readApprovers(reader, exceptions) ?? [];
    }
    const suggestions = reader.mapping(root, ["suggestions"]);
    if (suggestions) {
      reader.keys(suggestions, ["suggestions"], ["enabled", "maxComments"]);
      config.suggestions.enabled = reader.boolean(suggestions, ["suggestions", "enabled"]) ?? config.suggestions.enabled;
      const max = suggestions["maxComments"];
      if (max !== undefined) {
        if (typeof max !== "number" || !Number.isInteger(max) || max < 1 || max > MAX_SUGGESTIONS) {
          reader.fail(["suggestions", "maxComments"], `suggestions.maxComments must be a whole number from 1 to ${MAX_SUGGESTIONS}`);
        } else config.suggestions.maxComments = max;
      }
    }
  }
  return reader.problems.length > 0 ? { config: undefined, problems: reader.problems } : { config, problems: [] };
}

export function parseRepoConfig(file: string, content: string | Uint8Array): Parsed<RepoConfig> {
  const reader = open(file, content);
  const config: RepoConfig = { manifests: { include: [] }, policies: { paths: [], overrides: new Map() } };
  const root = reader.root;
  if (root) {
    for (const key of ["check", "exceptions", "suggestions"]) {
      if (key in root) reader.fail([key], `${key} can only be set in the organisation's config (the .github repository), not in a repository`);
    }
    reader.keys(root, [], ["manifests", "policies", "check", "exceptions", "suggestions"]);
    const manifests = reader.mapping(root, ["manifests"]);
    if (manifests) {
      if ("exclude" in manifests) reader.fail(["manifests", "exclude"], "a repository may add manifest globs (include) but not exclude files: excluding would let files skip the organisation's policies");
      reader.keys(manifests, ["manifests"], ["include", "exclude"]);
      config.manifests.include = reader.globs(manifests, ["manifests", "include"]) ?? [];
    }
    const policies = reader.mapping(root, ["policies"]);
    if (policies) {
      reader.keys(policies, ["policies"], ["paths", "overrides"]);
      config.policies.paths = reader.globs(policies, ["policies", "paths"]) ?? [];
      const overrides = reader.mapping(policies, ["policies", "overrides"]);
      if (overrides) {
        for (const [name, value] of Object.entries(overrides)) {
          const at = ["policies", "overrides", name];
          if (!isObject(value)) {
            reader.fail(at, `the override of "${name}" must be a mapping with enforcementAction, excludedNamespaces and/or disabled`);
            continue;
          }
          reader.keys(value, at, ["enforcementAction", "excludedNamespaces", "disabled"]);
          const position = reader.locate(at);
          const override: PolicyOverride = { line: position.line, column: position.column };
          const action = reader.choice(value, [...at, "enforcementAction"], ACTIONS);
          if (action) override.enforcementAction = action;
          const excluded = reader.strings(value, [...at, "excludedNamespaces"]);
          if (excluded) override.excludedNamespaces = excluded;
          const disabled = reader.boolean(value, [...at, "disabled"]);
          if (disabled !== undefined) override.disabled = disabled;
          config.policies.overrides.set(name, override);
        }
      }
    }
  }
  return reader.problems.length > 0 ? { config: undefined, problems: reader.problems } : { config, problems: [] };
}

function readApprovers(reader: Reader, exceptions: JsonObject): ApproverRule[] | undefined {
  const at = ["exceptions", "approvers"];
  const list = exceptions["approvers"];
  if (list === undefined || list === null) return undefined;
  if (!Array.isArray(list)) {
    reader.fail(at, "exceptions.approvers must be a list of {team: slug} or {permission: admin|maintain|write|triage|read}, each optionally with policies: [...]");
    return undefined;
  }
  const rules: ApproverRule[] = [];
  list.forEach((entry, index) => {
    const entryAt = [...at, index];
    if (!isObject(entry)) {
      reader.fail(entryAt, "each approver must be a mapping: {team: slug} or {permission: admin}");
      return;
    }
    reader.keys(entry, entryAt, ["team", "permission", "policies"]);
    const rule: ApproverRule = {};
    const team = reader.string(entry, [...entryAt, "team"]);
    const permission = reader.choice(entry, [...entryAt, "permission"], PERMISSIONS);
    if (("team" in entry) === ("permission" in entry)) {
      reader.fail(entryAt, "each approver names exactly one of team or permission");
      return;
    }
    if (team === undefined && permission === undefined) return; // already reported as invalid
    if (team !== undefined) {
      if (!/^[A-Za-z0-9._-]+$/.test(team)) reader.fail([...entryAt, "team"], `"${team}" is not a team slug (letters, digits, ".", "_" and "-", e.g. platform-security)`);
      rule.team = team;
    }
    if (permission !== undefined) rule.permission = permission;
    const policies = reader.strings(entry, [...entryAt, "policies"]);
    if (policies) rule.policies = policies;
    rules.push(rule);
  });
  return rules;
}

/** Validation helpers bound to one document, collecting problems with their lines. */
class Reader {
  readonly problems: InputError[] = [];
  root: JsonObject | undefined;
  private document: SourceDocument | undefined;

  constructor(private readonly file: string) {}

  load(document: SourceDocument | undefined): void {
    this.document = document;
    if (!document || document.value === null) return; // an empty file: all defaults
    if (!isObject(document.value)) this.fail([], "the config must be a mapping (key: value), see the README's configuration reference");
    else this.root = document.value;
  }

  locate(path: FieldPath): { line: number; column: number } {
    return this.document ? this.document.locate(path) : { line: 1, column: 1 };
  }

  fail(path: FieldPath, message: string): void {
    const at = this.locate(path);
    this.problems.push({ file: this.file, line: at.line, column: at.column, message });
  }

  keys(object: JsonObject, at: FieldPath, allowed: readonly string[]): void {
    for (const key of Object.keys(object)) {
      if (allowed.includes(key)) continue;
      const where = at.length === 0 ? "the config" : at.join(".");
      this.fail([...at, key], `unknown key "${key}" in ${where}${didYouMean(key, allowed)}; allowed: ${allowed.join(", ")}`);
    }
  }

  mapping(parent: JsonObject, path: FieldPath): JsonObject | undefined {
    const value = parent[last(path)];
    if (value === undefined || value === null) return undefined;
    if (isObject(value)) return value;
    this.fail(path, `${path.join(".")} must be a mapping`);
    return undefined;
  }

  string(parent: JsonObject, path: FieldPath): string | undefined {
    const value = parent[last(path)];
    if (value === undefined || value === null) return undefined;
    if (typeof value === "string") return value;
    this.fail(path, `${path.join(".")} must be a string (quote it)`);
    return undefined;
  }

  boolean(parent: JsonObject, path: FieldPath): boolean | undefined {
    const value = parent[last(path)];
    if (value === undefined || value === null) return undefined;
    if (typeof value === "boolean") return value;
    this.fail(path, `${path.join(".")} must be true or false`);
    return undefined;
  }

  choice<T extends string>(parent: JsonObject, path: FieldPath, allowed: readonly T[]): T | undefined {
    const value = parent[last(path)];
    if (value === undefined || value === null) return undefined;
    if (typeof value === "string" && (allowed as readonly string[]).includes(value)) return value as T;
    const hint = typeof value === "string" ? didYouMean(value, allowed) : "";
    this.fail(path, `${path.join(".")} must be one of ${allowed.join(", ")}, not ${JSON.stringify(value)}${hint}`);
    return undefined;
  }

  strings(parent: JsonObject, path: FieldPath): string[] | undefined {
    const value = parent[last(path)];
    if (value === undefined || value === null) return undefined;
    if (Array.isArray(value) && value.every((item): item is string => typeof item === "string" && item !== "")) return value;
    this.fail(path, `${path.join(".")} must be a list of non-empty strings`);
    return undefined;
  }

  /** Repository-relative minimatch globs. */
  globs(parent: JsonObject, path: FieldPath): string[] | undefined {
    const globs = this.strings(parent, path);
    if (!globs) return undefined;
    if (globs.length > MAX_GLOBS) {
      this.fail(path, `${path.join(".")} lists ${globs.length} globs; at most ${MAX_GLOBS} are allowed (use ** patterns to cover folders)`);
      return undefined;
    }
    globs.forEach((glob, index) => {
      if (glob.length > MAX_GLOB_LENGTH) return this.fail([...path, index], `a glob may be at most ${MAX_GLOB_LENGTH} characters long`);
      if (glob.startsWith("/") || glob.startsWith("./")) this.fail([...path, index], `glob "${glob}" must be relative to the repository root, without a leading "/" or "./"`);
      else if (glob.startsWith("!")) this.fail([...path, index], `glob "${glob}": negation is not supported here; use manifests.exclude (org config) instead`);
    });
    return globs;
  }

  /** `14d`, `2w`, `36h`. */
  duration(parent: JsonObject, path: FieldPath): number | undefined {
    const value = parent[last(path)];
    if (value === undefined || value === null) return undefined;
    const match = typeof value === "string" ? /^(\d{1,4})([hdw])$/.exec(value.trim()) : null;
    const amount = match ? Number(match[1]) : 0;
    if (!match || amount <= 0) {
      this.fail(path, `${path.join(".")} must be a duration like 14d, 2w or 36h, not ${JSON.stringify(value)}`);
      return undefined;
    }
    const unit = { h: 3_600_000, d: 86_400_000, w: 604_800_000 }[match[2] as "h" | "d" | "w"];
    return amount * unit;
  }
}

function open(file: string, content: string | Uint8Array): Reader {
  const reader = new Reader(file);
  const parsed = parseDocuments(file, content);
  for (const error of parsed.errors) reader.problems.push({ file, line: error.line, column: error.column, message: error.message });
  const documents = parsed.documents.filter((document) => document.value !== null);
  if (documents.length > 1) {
    const second = documents[1] as SourceDocument;
    const at = second.locate([]);
    reader.problems.push({ file, line: at.line, column: at.column, message: "the config must be a single YAML document; remove the extra `---` document" });
  }
  if (parsed.errors.length === 0) reader.load(documents[0]);
  return reader;
}

function last(path: FieldPath): string {
  return String(path[path.length - 1]);
}
