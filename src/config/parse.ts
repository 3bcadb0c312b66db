/**
 * Reads and validates the org and repo config files with the document reader (src/documents): every
 * problem has a line, a stable code and, for a typo, a suggestion; unknown keys are errors.
 */
import { DocumentReader } from "../documents/reader.js";
import type { InputError, JsonObject } from "../manifests/types.js";
import type { EnforcementAction } from "../policy/types.js";
import { MAX_NAMESPACE_FILES, MAX_SUGGESTIONS, defaultOrgConfig } from "./defaults.js";
import { parsePathPattern } from "../manifests/pod-templates.js";
import type { ApproverRule, OrgConfig, PodTemplateSetting, PolicyOverride, RepoConfig, RepoPermission } from "./types.js";
import { isObject } from "../manifests/json.js";

export type Parsed<T> = { config: T; problems: [] } | { config: undefined; problems: InputError[] };

const ACTIONS: readonly EnforcementAction[] = ["deny", "warn", "dryrun"];
const PERMISSIONS: readonly RepoPermission[] = ["read", "triage", "write", "maintain", "admin"];
/** GitHub's check-run names are free text, but the name is also the required-check context. */
const MAX_CHECK_NAME = 100;

export function parseOrgConfig(file: string, content: string | Uint8Array): Parsed<OrgConfig> {
  const reader = DocumentReader.open(file, content, "the config");
  const config = defaultOrgConfig();
  const root = reader.root;
  if (root) {
    reader.keys(root, [], ["manifests", "namespaces", "policies", "check", "exceptions", "suggestions", "podTemplates", "kustomize"]);
    config.podTemplates = readPodTemplates(reader, root);
    const kustomize = reader.mapping(root, ["kustomize"]);
    if (kustomize) {
      reader.keys(kustomize, ["kustomize"], ["roots"]);
      // `.` is the repository's top directory (a kustomization.yaml at the root of the repository).
      const roots = reader.globs(kustomize, ["kustomize", "roots"]);
      if (roots) config.kustomize.roots = roots;
    }
    const manifests = reader.mapping(root, ["manifests"]);
    if (manifests) {
      reader.keys(manifests, ["manifests"], ["include", "exclude"]);
      config.manifests.include = reader.globs(manifests, ["manifests", "include"]) ?? config.manifests.include;
      config.manifests.exclude = reader.globs(manifests, ["manifests", "exclude"]) ?? config.manifests.exclude;
    }
    const namespaces = reader.mapping(root, ["namespaces"]);
    if (namespaces) {
      reader.keys(namespaces, ["namespaces"], ["paths", "maxFiles"]);
      config.namespaces.paths = reader.globs(namespaces, ["namespaces", "paths"]) ?? config.namespaces.paths;
      const maxFiles = namespaces["maxFiles"];
      if (maxFiles !== undefined && maxFiles !== null) {
        if (typeof maxFiles !== "number" || !Number.isInteger(maxFiles) || maxFiles < 0 || maxFiles > MAX_NAMESPACE_FILES) {
          reader.fail(
            ["namespaces", "maxFiles"],
            `namespaces.maxFiles must be a whole number from 0 to ${MAX_NAMESPACE_FILES}, not ${JSON.stringify(maxFiles)}`,
            "invalid-value",
          );
        } else config.namespaces.maxFiles = maxFiles;
      }
    }
    const policies = reader.mapping(root, ["policies"]);
    if (policies) {
      reader.keys(policies, ["policies"], ["shipped", "paths", "overridable", "notEvaluated"]);
      const notEvaluated = reader.choice(policies, ["policies", "notEvaluated"], ACTIONS);
      if (notEvaluated) config.policies.notEvaluated = notEvaluated;
      config.policies.shipped = reader.boolean(policies, ["policies", "shipped"]) ?? config.policies.shipped;
      config.policies.paths = reader.globs(policies, ["policies", "paths"]) ?? [];
      config.policies.overridable = reader.strings(policies, ["policies", "overridable"]) ?? [];
      if (!config.policies.shipped && config.policies.paths.length === 0) {
        reader.fail(
          ["policies", "shipped"],
          "with shipped: false, list the organisation's policy files in policies.paths; otherwise no policy would apply",
        );
      }
    }
    const check = reader.mapping(root, ["check"]);
    if (check) {
      reader.keys(check, ["check"], ["name", "failureMode", "gate"]);
      const name = reader.string(check, ["check", "name"]);
      if (name !== undefined) {
        if (name.trim() === "" || name.length > MAX_CHECK_NAME || /[\r\n]/.test(name))
          reader.fail(["check", "name"], `check.name must be one line of 1 to ${MAX_CHECK_NAME} characters`);
        else config.check.name = name.trim();
      }
      const mode = reader.choice(check, ["check", "failureMode"], ["fail-closed", "fail-open"] as const);
      if (mode) config.check.failureMode = mode;
      const gate = reader.choice(check, ["check", "gate"], ["new", "all"] as const);
      if (gate) config.check.gate = gate;
    }
    const exceptions = reader.mapping(root, ["exceptions"]);
    if (exceptions) {
      reader.keys(exceptions, ["exceptions"], ["approvers", "maxDuration", "defaultDuration"]);
      const max = reader.duration(exceptions, ["exceptions", "maxDuration"]);
      if (max !== undefined) config.exceptions.maxDurationMs = max;
      const byDefault = reader.duration(exceptions, ["exceptions", "defaultDuration"]);
      if (byDefault !== undefined) config.exceptions.defaultDurationMs = byDefault;
      if (config.exceptions.defaultDurationMs > config.exceptions.maxDurationMs) {
        reader.fail(
          ["exceptions", byDefault !== undefined ? "defaultDuration" : "maxDuration"],
          "exceptions.defaultDuration must not be longer than exceptions.maxDuration",
        );
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
          reader.fail(
            ["suggestions", "maxComments"],
            `suggestions.maxComments must be a whole number from 1 to ${MAX_SUGGESTIONS}`,
            "invalid-value",
          );
        } else config.suggestions.maxComments = max;
      }
    }
  }
  return reader.problems.length > 0 ? { config: undefined, problems: reader.problems } : { config, problems: [] };
}

export function parseRepoConfig(file: string, content: string | Uint8Array): Parsed<RepoConfig> {
  const reader = DocumentReader.open(file, content, "the config");
  const config: RepoConfig = {
    check: {},
    manifests: { include: [] },
    namespaces: { paths: [] },
    policies: { paths: [], overrides: new Map() },
  };
  const root = reader.root;
  if (root) {
    const check = reader.mapping(root, ["check"]);
    if (check) {
      // The name and failure mode are the organisation's; a repository may only ask for a stricter gate.
      for (const key of Object.keys(check)) {
        if (key !== "gate") {
          reader.fail(
            ["check", key],
            `check.${key} can only be set in the organisation's config (the .github repository), not in a repository; a repository may set only check.gate: all`,
            "not-allowed-here",
          );
        }
      }
      const gate = reader.choice(check, ["check", "gate"], ["new", "all"] as const);
      if (gate === "new") {
        reader.fail(
          ["check", "gate"],
          "a repository may only tighten the gate: check.gate: all (every finding in changed files blocks); the organisation decides whether pre-existing findings may pass",
          "not-allowed-here",
        );
      }
      if (gate === "all") config.check.gate = "all";
    }
    for (const key of ["exceptions", "suggestions"]) {
      if (key in root)
        reader.fail(
          [key],
          `${key} can only be set in the organisation's config (the .github repository), not in a repository`,
          "not-allowed-here",
        );
    }
    if ("kustomize" in root) {
      // Choosing roots chooses what is judged: a repository could leave an overlay out.
      reader.fail(
        ["kustomize"],
        "kustomize can only be set in the organisation's config (the .github repository): which roots are rendered decides what is judged",
        "not-allowed-here",
      );
    }
    reader.keys(root, [], ["manifests", "namespaces", "policies", "check", "exceptions", "suggestions", "kustomize"]);
    const namespaces = reader.mapping(root, ["namespaces"]);
    if (namespaces) {
      if ("maxFiles" in namespaces)
        reader.fail(
          ["namespaces", "maxFiles"],
          "namespaces.maxFiles can only be set in the organisation's config: it bounds the work of every check",
        );
      reader.keys(namespaces, ["namespaces"], ["paths", "maxFiles"]);
      config.namespaces.paths = reader.globs(namespaces, ["namespaces", "paths"]) ?? [];
    }
    const manifests = reader.mapping(root, ["manifests"]);
    if (manifests) {
      if ("exclude" in manifests)
        reader.fail(
          ["manifests", "exclude"],
          "a repository may add manifest globs (include) but not exclude files: excluding would let files skip the organisation's policies",
          "not-allowed-here",
        );
      reader.keys(manifests, ["manifests"], ["include", "exclude"]);
      config.manifests.include = reader.globs(manifests, ["manifests", "include"]) ?? [];
    }
    const policies = reader.mapping(root, ["policies"]);
    if (policies) {
      reader.keys(policies, ["policies"], ["paths", "overrides", "notEvaluated"]);
      config.policies.paths = reader.globs(policies, ["policies", "paths"]) ?? [];
      // Whether it tightens the organisation's setting is decided when both are known (merge.ts).
      const notEvaluated = reader.choice(policies, ["policies", "notEvaluated"], ACTIONS);
      if (notEvaluated) {
        const { line, column } = reader.locate(["policies", "notEvaluated"]);
        config.policies.notEvaluated = { action: notEvaluated, line, column };
      }
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

function readPodTemplates(reader: DocumentReader, root: JsonObject): PodTemplateSetting[] {
  const at = ["podTemplates"];
  const list = root["podTemplates"];
  if (list === undefined || list === null) return [];
  const shape = "podTemplates must be a list of {apiVersion: group/version, kind: Kind, podTemplatePaths: [spec.template, ...]}";
  if (!Array.isArray(list)) {
    reader.fail(at, shape);
    return [];
  }
  const settings: PodTemplateSetting[] = [];
  list.forEach((entry, index) => {
    const entryAt = [...at, index];
    if (!isObject(entry)) {
      reader.fail(entryAt, shape);
      return;
    }
    reader.keys(entry, entryAt, ["apiVersion", "kind", "podTemplatePaths"]);
    const apiVersion = reader.string(entry, [...entryAt, "apiVersion"]);
    const kind = reader.string(entry, [...entryAt, "kind"]);
    const paths = reader.strings(entry, [...entryAt, "podTemplatePaths"]);
    if (apiVersion === undefined || kind === undefined || paths === undefined || paths.length === 0) {
      reader.fail(entryAt, shape);
      return;
    }
    paths.forEach((path, pathIndex) => {
      if (!parsePathPattern(path))
        reader.fail([...entryAt, "podTemplatePaths", pathIndex], `"${path}" is not a path like spec.template or spec.jobs[*].template`);
    });
    settings.push({ apiVersion, kind, podTemplatePaths: paths });
  });
  return settings;
}

function readApprovers(reader: DocumentReader, exceptions: JsonObject): ApproverRule[] | undefined {
  const at = ["exceptions", "approvers"];
  const list = exceptions["approvers"];
  if (list === undefined || list === null) return undefined;
  if (!Array.isArray(list)) {
    reader.fail(
      at,
      "exceptions.approvers must be a list of {team: slug} or {permission: admin|maintain|write|triage|read}, each optionally with policies: [...]",
    );
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
    if ("team" in entry === "permission" in entry) {
      reader.fail(entryAt, "each approver names exactly one of team or permission");
      return;
    }
    if (team === undefined && permission === undefined) return; // already reported as invalid
    if (team !== undefined) {
      if (!/^[A-Za-z0-9._-]+$/.test(team))
        reader.fail([...entryAt, "team"], `"${team}" is not a team slug (letters, digits, ".", "_" and "-", e.g. platform-security)`);
      rule.team = team;
    }
    if (permission !== undefined) rule.permission = permission;
    const policies = reader.strings(entry, [...entryAt, "policies"]);
    if (policies) rule.policies = policies;
    rules.push(rule);
  });
  return rules;
}
