/**
 * What applies when an organisation has no config, and the fixed names of the config files.
 */
import type { OrgConfig } from "./types.js";

/** Path of both config files: in the org's `.github` repository and in each repository. */
export const CONFIG_PATH = ".github/kube-policy.yml";
/** The organisation-wide repository GitHub itself uses for community health files. */
export const ORG_CONFIG_REPO = ".github";

/** How every glob is matched: dotfiles and dot-folders included, no comment or negation syntax. */
export const GLOB_OPTIONS = { dot: true, nocomment: true, nonegate: true } as const;

export const DEFAULT_CHECK_NAME = "kube-policy-bot";

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Manifest globs (minimatch, dotfiles included). YAML anywhere: Kubernetes manifests have no fixed
 * place. JSON only in folders conventionally holding manifests, because `package.json`,
 * `tsconfig.json` and friends are everywhere and are not Kubernetes objects.
 */
export const DEFAULT_INCLUDE: readonly string[] = [
  "**/*.yaml",
  "**/*.yml",
  "**/{k8s,kube,kubernetes,manifests,deploy,deployment,deployments}/**/*.json",
];

/**
 * YAML that is certainly not a Kubernetes manifest, or not YAML until rendered: CI and GitHub
 * settings, Helm chart templates and values, Compose files, dot-config files of linters and tools.
 * An org that keeps manifests in one of these places lists its own `exclude`.
 */
export const DEFAULT_EXCLUDE: readonly string[] = [
  ".github/**",
  ".gitlab-ci.yml",
  "**/.*.{yaml,yml}",
  "**/templates/**",
  "**/Chart.{yaml,yml}",
  "**/values*.{yaml,yml}",
  "**/{docker-,}compose*.{yaml,yml}",
  "**/{pnpm-lock,mkdocs,codecov,renovate,dependabot,action,buildspec,azure-pipelines,bitbucket-pipelines,cloudbuild,skaffold,kind}.{yaml,yml}",
];

/** Suggested-change comments per push: enough for a typical manifest, few enough to stay reviewable. */
export const DEFAULT_MAX_SUGGESTIONS = 10;
/** GitHub does not bound comments per review; a reviewer's attention does. */
export const MAX_SUGGESTIONS = 50;
/**
 * Where GitOps repositories conventionally keep their Namespace manifests: a file named after them,
 * or a `namespaces/` folder. Reading these costs one tree listing and at most `maxFiles` blob reads.
 */
export const DEFAULT_NAMESPACE_PATHS: readonly string[] = [
  "**/namespace.{yaml,yml}",
  "**/namespaces.{yaml,yml}",
  "**/ns.{yaml,yml}",
  "**/namespaces/**/*.{yaml,yml}",
];

/** Namespace files read per check by default, and the most an organisation may allow. */
export const DEFAULT_NAMESPACE_MAX_FILES = 50;
export const MAX_NAMESPACE_FILES = 500;

export const DEFAULT_ORG_CONFIG: Readonly<OrgConfig> = Object.freeze({
  manifests: { include: [...DEFAULT_INCLUDE], exclude: [...DEFAULT_EXCLUDE] },
  namespaces: { paths: [...DEFAULT_NAMESPACE_PATHS], maxFiles: DEFAULT_NAMESPACE_MAX_FILES },
  policies: { shipped: true, paths: [], overridable: [] },
  check: { name: DEFAULT_CHECK_NAME, failureMode: "fail-closed", gate: "new" },
  exceptions: { approvers: [], maxDurationMs: 30 * DAY_MS, defaultDurationMs: 14 * DAY_MS },
  suggestions: { enabled: true, maxComments: DEFAULT_MAX_SUGGESTIONS },
  podTemplates: [],
  kustomize: {},
}) as OrgConfig;

export function defaultOrgConfig(): OrgConfig {
  return structuredClone(DEFAULT_ORG_CONFIG);
}
