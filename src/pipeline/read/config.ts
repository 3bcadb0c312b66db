/**
 * Reading the configuration and policies from GitHub (the imperative shell around parse + merge).
 *
 * Requests per check, steady state: one tree listing of the org's `.github` repository (which holds
 * both the org config and its policy files; their blobs are cached by SHA) and one read of the
 * repository's config on the base branch. The org repository's default branch is cached briefly.
 */
import type { InputError } from "../../manifests/types.js";
import { minimatch } from "minimatch";
import type { GitHubGateway, RepoRef, TreeEntry } from "../../github/gateway.js";
import { loadPolicies, type PolicySource } from "../../config/policy-files.js";
import type { PodSecurityAdmission } from "../../policy/podsecurity/admission-configuration.js";
import type { Policy } from "../../policy/types.js";
import { unknownPolicyErrors } from "../../exceptions/document.js";
import { LruCache } from "./lru-cache.js";
import { CONFIG_PATH, GLOB_OPTIONS, ORG_CONFIG_REPO, defaultOrgConfig } from "../../config/defaults.js";
import { mergeNotEvaluated, mergePolicies, repoExceptionProblems } from "../../config/merge.js";
import { parseOrgConfig, parseRepoConfig } from "../../config/parse.js";
import type { OrgLayer, RepoConfig, ResolvedConfig } from "../../config/types.js";

export type { OrgLayer, ResolvedConfig } from "../../config/types.js";

export interface ConfigLoaderOptions {
  /** The shipped default policies (read from disk once). */
  shippedSources: () => Promise<PolicySource[]>;
  now?: () => number;
  /** How long the org `.github` repository's default branch is remembered. */
  defaultBranchTtlMs?: number;
}

export class ConfigLoader {
  private readonly blobs = new LruCache<string, Uint8Array>(2000, 32 * 1024 * 1024, (content) => content.byteLength);
  private readonly defaultBranches = new Map<string, { branch: string; expires: number }>();
  private shipped: Promise<PolicySource[]> | undefined;
  private readonly now: () => number;
  private readonly ttl: number;

  constructor(private readonly options: ConfigLoaderOptions) {
    this.now = options.now ?? Date.now;
    this.ttl = options.defaultBranchTtlMs ?? 10 * 60 * 1000;
  }

  /** Reads the org config; never throws for bad content (problems), only for GitHub errors. */
  async loadOrg(gateway: GitHubGateway, org: string): Promise<OrgLayer> {
    const repo: RepoRef = { owner: org, repo: ORG_CONFIG_REPO };
    const label = `${org}/${ORG_CONFIG_REPO}`;
    const branch = await this.defaultBranch(gateway, repo);
    const defaults: OrgLayer = { config: defaultOrgConfig(), source: undefined, policySources: [], problems: [] };
    if (branch === undefined) return defaults;
    const tree = await gateway.getTree(repo, branch);
    if (!tree) return defaults;
    const configFile = `${label}:${CONFIG_PATH}`;
    const configEntry = tree.entries.find((entry) => entry.type === "blob" && entry.path === CONFIG_PATH);
    let content: Uint8Array | undefined;
    if (configEntry) content = await this.blob(gateway, repo, configEntry.sha);
    // A truncated listing may just not show the file: ask for it by path before assuming there is none.
    else if (tree.truncated) content = (await gateway.readFile(repo, CONFIG_PATH, branch))?.content;
    if (!content) return defaults;
    const parsed = parseOrgConfig(configFile, content);
    if (!parsed.config) return { ...defaults, source: label, problems: parsed.problems };
    const config = parsed.config;
    if (config.policies.paths.length === 0) return { config, source: label, policySources: [], problems: [] };
    if (tree.truncated) {
      return { config, source: label, policySources: [], problems: [truncatedProblem(configFile, label)] };
    }
    const { sources, problems } = await this.policyFiles(
      gateway,
      repo,
      tree.entries,
      config.policies.paths,
      configFile,
      (path) => `${label}:${path}`,
    );
    return { config, source: label, policySources: sources, problems };
  }

  /** Adds the repository's layer (read from `baseRef`, never the PR head) and merges everything. */
  async resolve(gateway: GitHubGateway, repo: RepoRef, baseRef: string, org: OrgLayer): Promise<ResolvedConfig> {
    const problems = [...org.problems];
    let repoConfig: RepoConfig = {
      check: {},
      manifests: { include: [] },
      namespaces: { paths: [] },
      policies: { paths: [], overrides: new Map() },
    };
    let repoSources: PolicySource[] = [];
    const repoConfigFile = `${CONFIG_PATH} (base branch ${baseRef})`;

    // In the org's own `.github` repository the two config files are the same file: one layer only.
    if (repo.repo !== ORG_CONFIG_REPO) {
      const file = await gateway.readFile(repo, CONFIG_PATH, baseRef);
      if (file) {
        const parsed = parseRepoConfig(repoConfigFile, file.content);
        if (parsed.config) repoConfig = parsed.config;
        problems.push(...parsed.problems);
        if (parsed.config && parsed.config.policies.paths.length > 0) {
          const tree = await gateway.getTree(repo, baseRef);
          if (!tree || tree.truncated) {
            problems.push(
              tree
                ? truncatedProblem(repoConfigFile, `${repo.owner}/${repo.repo}`)
                : { file: repoConfigFile, line: 1, column: 1, message: `could not list the files of branch ${baseRef}` },
            );
          } else {
            const found = await this.policyFiles(gateway, repo, tree.entries, parsed.config.policies.paths, repoConfigFile, (path) => path);
            repoSources = found.sources;
            problems.push(...found.problems);
          }
        }
      }
    }

    // The org's Pod Security admission configuration (the cluster's) applies to the shipped policies and
    // the repository's too; a repository's own applies only to its own policies.
    const orgPolicies = loadPolicies(org.policySources);
    const shipped = org.config.policies.shipped
      ? await this.shippedPolicies(orgPolicies.podSecurityAdmission)
      : { policies: [], problems: [] };
    problems.push(...shipped.problems);
    const repoPolicies = loadPolicies(repoSources, undefined, orgPolicies.podSecurityAdmission);
    problems.push(...orgPolicies.errors, ...repoPolicies.errors);

    const merged = mergePolicies({
      shipped: shipped.policies,
      org: orgPolicies.policies,
      orgLabel: org.source ?? "organisation",
      overridable: org.config.policies.overridable,
      repo: repoPolicies.policies,
      overrides: repoConfig.policies.overrides,
      repoConfigFile,
    });
    problems.push(...merged.problems);
    const notEvaluated = mergeNotEvaluated(org.config.policies.notEvaluated, repoConfig.policies.notEvaluated, {
      org: org.source ?? "the organisation's config",
      repoConfigFile,
    });
    problems.push(...notEvaluated.problems);
    // An exception naming no policy does nothing while whoever wrote it believes otherwise: an error.
    // Any policy defined in a layer counts, so a repository that disables an overridable policy does
    // not turn the org's exceptions for it into errors.
    const exceptions = [...orgPolicies.exceptions, ...repoPolicies.exceptions];
    const defined = [...new Set([...shipped.policies, ...orgPolicies.policies, ...repoPolicies.policies].map((policy) => policy.name))];
    problems.push(...unknownPolicyErrors(exceptions, defined));
    problems.push(
      ...repoExceptionProblems(repoPolicies.exceptions, {
        orgOwned: [...shipped.policies, ...orgPolicies.policies].map((policy) => policy.name),
        repoOwned: repoPolicies.policies.map((policy) => policy.name),
        overridable: org.config.policies.overridable,
      }),
    );
    if (merged.policies.length === 0 && problems.length === 0) {
      problems.push({
        file: org.source ? `${org.source}:${CONFIG_PATH}` : repoConfigFile,
        line: 1,
        column: 1,
        message: "no policy is in effect (every policy is disabled or inactive): the check would pass anything, so it fails instead",
      });
    }

    return {
      org: org.config,
      selection: {
        include: org.config.manifests.include,
        exclude: org.config.manifests.exclude,
        repoInclude: repoConfig.manifests.include,
      },
      namespaces: {
        paths: [...new Set([...org.config.namespaces.paths, ...repoConfig.namespaces.paths])],
        maxFiles: org.config.namespaces.maxFiles,
      },
      notices: [...orgPolicies.notices, ...repoPolicies.notices],
      policies: merged.policies,
      gate: repoConfig.check.gate ?? org.config.check.gate,
      ...(notEvaluated.setting ? { notEvaluated: notEvaluated.setting } : {}),
      applied: merged.applied,
      exceptions,
      protectedFiles: {
        configPath: CONFIG_PATH,
        policyGlobs: repo.repo === ORG_CONFIG_REPO ? org.config.policies.paths : repoConfig.policies.paths,
      },
      problems,
    };
  }

  private async defaultBranch(gateway: GitHubGateway, repo: RepoRef): Promise<string | undefined> {
    const key = repo.owner.toLowerCase();
    const cached = this.defaultBranches.get(key);
    if (cached && cached.expires > this.now()) return cached.branch;
    const branch = await gateway.getDefaultBranch(repo);
    // Absence is not cached: an org that just created its `.github` repository gets it applied at once.
    if (branch !== undefined) this.defaultBranches.set(key, { branch, expires: this.now() + this.ttl });
    else this.defaultBranches.delete(key);
    return branch;
  }

  private async policyFiles(
    gateway: GitHubGateway,
    repo: RepoRef,
    entries: readonly TreeEntry[],
    globs: readonly string[],
    configFile: string,
    label: (path: string) => string,
  ): Promise<{ sources: PolicySource[]; problems: InputError[] }> {
    const problems: InputError[] = [];
    const blobs = entries.filter((entry) => entry.type === "blob").sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    const selected: TreeEntry[] = [];
    for (const glob of globs) {
      const matched = blobs.filter((entry) => minimatch(entry.path, glob, GLOB_OPTIONS));
      // A glob that finds nothing is almost always a typo; applying no policy would fail open.
      if (matched.length === 0)
        problems.push({ file: configFile, line: 1, column: 1, message: `policies.paths: "${glob}" matches no file` });
      for (const entry of matched) if (!selected.includes(entry)) selected.push(entry);
    }
    const sources: PolicySource[] = [];
    for (const entry of selected) sources.push({ file: label(entry.path), content: await this.blob(gateway, repo, entry.sha) });
    return { sources, problems };
  }

  private async blob(gateway: GitHubGateway, repo: RepoRef, sha: string): Promise<Uint8Array> {
    const cached = this.blobs.get(sha);
    if (cached) return cached;
    const content = await gateway.getBlob(repo, sha);
    this.blobs.set(sha, content);
    return content;
  }

  /**
   * The shipped files are read once; they are compiled per check, with the organisation's Pod Security
   * admission configuration (compiling two small documents costs next to nothing).
   */
  private async shippedPolicies(admission: PodSecurityAdmission | undefined): Promise<{ policies: Policy[]; problems: InputError[] }> {
    this.shipped ??= this.options.shippedSources();
    // A failed read (e.g. a broken install) is retried on the next check rather than remembered.
    this.shipped.catch(() => (this.shipped = undefined));
    const loaded = loadPolicies(await this.shipped, undefined, admission);
    return { policies: loaded.policies, problems: loaded.errors };
  }
}

function truncatedProblem(file: string, repo: string): InputError {
  return {
    file,
    line: 1,
    column: 1,
    message: `${repo} has too many files for GitHub to list in one request, so the policy files cannot be found reliably; keep policy files in a smaller repository`,
  };
}
