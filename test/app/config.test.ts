/** Org and repo config files (parsing, with lines) and the layering of policies (merge rules). */
import { describe, expect, test } from "@jest/globals";
import { DEFAULT_CHECK_NAME, DEFAULT_EXCLUDE, DEFAULT_INCLUDE } from "../../src/config/defaults.js";
import { mergeNotEvaluated, mergePolicies, type PolicyLayers } from "../../src/config/merge.js";
import { MAX_GLOBS } from "../../src/documents/reader.js";
import { parseOrgConfig, parseRepoConfig } from "../../src/config/parse.js";
import { isManifestPath } from "../../src/config/select-files.js";
import type { EnforcementAction, Policy } from "../../src/policy/types.js";

describe("org config", () => {
  test("an empty file means the defaults", () => {
    const parsed = parseOrgConfig("org.yml", "");
    expect(parsed.problems).toEqual([]);
    expect(parsed.config).toEqual(
      expect.objectContaining({
        manifests: { include: [...DEFAULT_INCLUDE], exclude: [...DEFAULT_EXCLUDE] },
        policies: { shipped: true, paths: [], overridable: [] },
        check: { name: DEFAULT_CHECK_NAME, failureMode: "fail-closed", gate: "new" },
      }),
    );
  });

  test("a full config is read", () => {
    const parsed = parseOrgConfig(
      "org.yml",
      `manifests:
  include: ["k8s/**/*.yaml"]
  exclude: ["k8s/**/kustomization.yaml"]
namespaces:
  paths: ["clusters/*/namespaces/*.yaml"]
  maxFiles: 20
policies:
  shipped: false
  paths: ["policies/**/*.yaml"]
  overridable: [pod-security-restricted]
check:
  name: k8s-policy
  failureMode: fail-open
kustomize:
  roots: ["clusters/*", "."]
suggestions:
  enabled: false
  maxComments: 5
exceptions:
  maxDuration: 2w
  defaultDuration: 7d
  approvers:
    - team: platform-security
    - permission: admin
      policies: [pod-security-restricted]
`,
    );
    expect(parsed.problems).toEqual([]);
    expect(parsed.config).toEqual({
      manifests: { include: ["k8s/**/*.yaml"], exclude: ["k8s/**/kustomization.yaml"] },
      namespaces: { paths: ["clusters/*/namespaces/*.yaml"], maxFiles: 20 },
      policies: { shipped: false, paths: ["policies/**/*.yaml"], overridable: ["pod-security-restricted"] },
      check: { name: "k8s-policy", failureMode: "fail-open", gate: "new" },
      exceptions: {
        maxDurationMs: 14 * 86_400_000,
        defaultDurationMs: 7 * 86_400_000,
        approvers: [{ team: "platform-security" }, { permission: "admin", policies: ["pod-security-restricted"] }],
      },
      suggestions: { enabled: false, maxComments: 5 },
      podTemplates: [],
      kustomize: { roots: ["clusters/*", "."] },
    });
  });

  test("kustomize.roots: a list of directory globs, only in the organisation's config", () => {
    expect(parseOrgConfig("org.yml", "check:\n  gate: new\n").config?.kustomize).toEqual({});
    expect(parseOrgConfig("org.yml", "kustomize:\n  roots: []\n").config?.kustomize).toEqual({ roots: [] });
    expect(parseOrgConfig("org.yml", "kustomize:\n  roots: overlays/*\n").problems).toEqual([
      expect.objectContaining({ line: 2, code: "wrong-type" }),
    ]);
    expect(parseOrgConfig("org.yml", "kustomize:\n  root: [overlays/*]\n").problems).toEqual([
      expect.objectContaining({ line: 2, code: "unknown-key", suggestion: "roots" }),
    ]);
    expect(parseOrgConfig("org.yml", "kustomize:\n  roots: [/overlays/*]\n").problems).toEqual([expect.objectContaining({ line: 2 })]);
    expect(parseRepoConfig("repo.yml", "kustomize:\n  roots: [overlays/*]\n").problems).toEqual([
      expect.objectContaining({ line: 1, code: "not-allowed-here", message: expect.stringContaining("organisation's config") }),
    ]);
  });

  test("suggestions: maxComments is bounded, and only the organisation sets suggestions", () => {
    const parsed = parseOrgConfig("org.yml", "suggestions:\n  maxComments: 500\n  enbled: true\n");
    expect(parsed.problems.map((problem) => `${problem.line}: ${problem.message}`)).toEqual([
      expect.stringMatching(/^3: .*enbled.*did you mean "enabled"/),
      "2: suggestions.maxComments must be a whole number from 1 to 50",
    ]);
    const repo = parseRepoConfig("repo.yml", "suggestions:\n  enabled: false\n");
    expect(repo.problems.map((problem) => problem.message)).toContainEqual(
      expect.stringMatching(/^suggestions can only be set in the organisation's config/),
    );
  });

  test("namespaces: maxFiles is bounded, and only the organisation sets it", () => {
    expect(parseOrgConfig("org.yml", "namespaces:\n  maxFiles: 5000\n").problems).toEqual([
      expect.objectContaining({ line: 2, message: "namespaces.maxFiles must be a whole number from 0 to 500, not 5000" }),
    ]);
    const repo = parseRepoConfig("repo.yml", "namespaces:\n  paths: [ns/*.yaml]\n  maxFiles: 5\n");
    expect(repo.problems).toEqual([
      expect.objectContaining({ line: 3, message: expect.stringContaining("only be set in the organisation's config") }),
    ]);
    expect(parseRepoConfig("repo.yml", "namespaces:\n  paths: [ns/*.yaml]\n").config?.namespaces).toEqual({ paths: ["ns/*.yaml"] });
  });

  test("podTemplates name custom resources that create pods; a path must look like one", () => {
    const parsed = parseOrgConfig(
      "org.yml",
      'podTemplates:\n  - apiVersion: example.com/v1\n    kind: Runner\n    podTemplatePaths: [spec.template, "spec.jobs[*].template"]\n',
    );
    expect(parsed.problems).toEqual([]);
    expect(parsed.config?.podTemplates).toEqual([
      { apiVersion: "example.com/v1", kind: "Runner", podTemplatePaths: ["spec.template", "spec.jobs[*].template"] },
    ]);
    const bad = parseOrgConfig(
      "org.yml",
      'podTemplates:\n  - apiVersion: example.com/v1\n    kind: Runner\n    podTemplatePaths: ["spec..template"]\n  - kind: X\n',
    );
    expect(bad.problems.map((problem) => `${problem.line}: ${problem.message}`)).toEqual([
      '4: "spec..template" is not a path like spec.template or spec.jobs[*].template',
      "5: podTemplates must be a list of {apiVersion: group/version, kind: Kind, podTemplatePaths: [spec.template, ...]}",
    ]);
  });

  test("problems come with their line and a suggestion", () => {
    const parsed = parseOrgConfig(
      "acme/.github:.github/kube-policy.yml",
      "check:\n  nmae: x\n  failureMode: closed\nexceptions:\n  maxDuration: forever\n",
    );
    expect(parsed.config).toBeUndefined();
    expect(parsed.problems).toEqual([
      expect.objectContaining({
        file: "acme/.github:.github/kube-policy.yml",
        line: 2,
        message: expect.stringContaining('unknown key "nmae" in check (did you mean "name"?)'),
      }),
      expect.objectContaining({ line: 3, message: expect.stringContaining("check.failureMode must be one of fail-closed, fail-open") }),
      expect.objectContaining({ line: 5, message: expect.stringContaining("duration like 14d") }),
    ]);
  });

  test("glob lists are bounded: every changed file is matched against every glob", () => {
    const globs = Array.from({ length: MAX_GLOBS + 1 }, (_, index) => `"apps/${index}/**"`).join(", ");
    const parsed = parseOrgConfig("org.yml", `manifests:\n  include: [${globs}]\n`);
    expect(parsed.config).toBeUndefined();
    expect(parsed.problems).toEqual([expect.objectContaining({ line: 2, message: expect.stringContaining(`at most ${MAX_GLOBS}`) })]);
    expect(parseOrgConfig("org.yml", `manifests:\n  include: ["${"a".repeat(501)}"]\n`).problems[0]?.message).toMatch(
      /at most 500 characters/,
    );
  });

  test("YAML syntax errors, several documents and a non-mapping are errors", () => {
    expect(parseOrgConfig("f", "check: [\n").problems[0]).toEqual(expect.objectContaining({ file: "f", line: expect.any(Number) }));
    expect(parseOrgConfig("f", "check: {}\n---\ncheck: {}\n").problems[0]?.message).toMatch(/single YAML document/);
    expect(parseOrgConfig("f", "- a\n").problems[0]?.message).toMatch(/must be a mapping/);
  });

  test("approvers name exactly one of team or permission, and a real team slug", () => {
    const parsed = parseOrgConfig(
      "f",
      "exceptions:\n  approvers:\n    - team: a\n      permission: admin\n    - team: 'not a slug'\n    - permission: owner\n",
    );
    expect(parsed.problems.map((problem) => problem.message)).toEqual([
      expect.stringMatching(/exactly one of team or permission/),
      expect.stringMatching(/not a team slug/),
      expect.stringMatching(/permission must be one of read, triage, write, maintain, admin/),
    ]);
  });

  test("shipped: false without policy paths would apply no policy: an error", () => {
    expect(parseOrgConfig("f", "policies:\n  shipped: false\n").problems[0]?.message).toMatch(/no policy would apply/);
  });

  test("globs are repository-relative", () => {
    expect(parseOrgConfig("f", "manifests:\n  include: ['/deploy/*.yaml']\n").problems[0]?.message).toMatch(
      /relative to the repository root/,
    );
  });
});

describe("repo config", () => {
  test("may add globs, policy files and overrides", () => {
    const parsed = parseRepoConfig(
      "repo.yml",
      "manifests:\n  include: ['ops/**/*.json']\npolicies:\n  paths: ['policy/*.yaml']\n  overrides:\n    pod-security-restricted:\n      enforcementAction: deny\n",
    );
    expect(parsed.problems).toEqual([]);
    expect(parsed.config?.manifests.include).toEqual(["ops/**/*.json"]);
    expect(parsed.config?.policies.paths).toEqual(["policy/*.yaml"]);
    expect(parsed.config?.policies.overrides.get("pod-security-restricted")).toEqual({ enforcementAction: "deny", line: 6, column: 5 });
  });

  test("may not set the check, exceptions, or exclude files", () => {
    const parsed = parseRepoConfig("repo.yml", "check:\n  failureMode: fail-open\nexceptions: {}\nmanifests:\n  exclude: ['**']\n");
    expect(parsed.config).toBeUndefined();
    expect(parsed.problems.map((problem) => [problem.line, problem.message])).toEqual([
      [2, expect.stringMatching(/check\.failureMode can only be set in the organisation's config/)],
      [3, expect.stringMatching(/only be set in the organisation's config/)],
      [5, expect.stringMatching(/not exclude files/)],
    ]);
  });
});

describe("policies.notEvaluated: the action of findings about rules that were not judged", () => {
  const labels = { org: "acme/.github", repoConfigFile: "repo.yml" };
  const repoSetting = (value: string) => parseRepoConfig("repo.yml", `policies:\n  notEvaluated: ${value}\n`);

  test("absent by default; deny, warn or dryrun in the organisation's config", () => {
    expect(parseOrgConfig("org.yml", "").config?.policies.notEvaluated).toBeUndefined();
    for (const action of ["deny", "warn", "dryrun"] as const) {
      const parsed = parseOrgConfig("org.yml", `check:\n  name: k8s\npolicies:\n  notEvaluated: ${action}\n`);
      expect(parsed.problems).toEqual([]);
      expect(parsed.config?.policies).toEqual({ shipped: true, paths: [], overridable: [], notEvaluated: action });
    }
  });

  test("any other value is an error at its line, with the likely value", () => {
    const parsed = parseOrgConfig("org.yml", "policies:\n  shipped: true\n  notEvaluated: block\n");
    expect(parsed.config).toBeUndefined();
    expect(parsed.problems).toEqual([
      expect.objectContaining({
        file: "org.yml",
        line: 3,
        message: 'policies.notEvaluated must be one of deny, warn, dryrun, not "block"',
        code: "not-one-of",
      }),
    ]);
    expect(repoSetting("Deny").problems).toEqual([
      expect.objectContaining({
        line: 2,
        message: expect.stringMatching(/must be one of deny, warn, dryrun, not "Deny"/),
        suggestion: "deny",
      }),
    ]);
  });

  test("the organisation's setting applies, naming where it is set", () => {
    expect(mergeNotEvaluated(undefined, undefined, labels)).toEqual({ problems: [] });
    expect(mergeNotEvaluated("warn", undefined, labels)).toEqual({
      setting: { action: "warn", source: "policies.notEvaluated in acme/.github" },
      problems: [],
    });
  });

  test("a repository may tighten it", () => {
    const deny = repoSetting("deny");
    expect(deny.config?.policies.notEvaluated).toEqual({ action: "deny", line: 2, column: 3 });
    expect(mergeNotEvaluated(undefined, deny.config?.policies.notEvaluated, labels)).toEqual({
      setting: { action: "deny", source: "policies.notEvaluated in this repository's config" },
      problems: [],
    });
    expect(mergeNotEvaluated("dryrun", repoSetting("warn").config?.policies.notEvaluated, labels).setting?.action).toBe("warn");
    expect(mergeNotEvaluated("warn", repoSetting("warn").config?.policies.notEvaluated, labels)).toEqual({
      setting: { action: "warn", source: "policies.notEvaluated in acme/.github" },
      problems: [],
    });
  });

  test("but never loosen it: weaker than the organisation's, or than a rule's own action when the org sets none", () => {
    const warn = repoSetting("warn").config?.policies.notEvaluated;
    expect(mergeNotEvaluated("deny", warn, labels)).toEqual({
      problems: [
        expect.objectContaining({
          file: "repo.yml",
          line: 2,
          message: expect.stringMatching(
            /^a repository may only tighten policies\.notEvaluated: warn is weaker than the organisation's deny/,
          ),
        }),
      ],
    });
    expect(mergeNotEvaluated(undefined, repoSetting("dryrun").config?.policies.notEvaluated, labels).problems).toEqual([
      expect.objectContaining({ message: expect.stringMatching(/dryrun is weaker than each rule's own action/) }),
    ]);
  });
});

describe("default manifest globs", () => {
  const selection = { include: DEFAULT_INCLUDE, exclude: DEFAULT_EXCLUDE, repoInclude: [] as string[] };

  test.each([
    ["deploy/app.yaml", true],
    ["k8s/base/deployment.yml", true],
    ["k8s/app.json", true],
    ["apps/web/kubernetes/svc.json", true],
    [".hidden/manifests/pod.yaml", true],
    ["package.json", false],
    ["tsconfig.json", false],
    [".github/workflows/ci.yml", false],
    [".pre-commit-config.yaml", false],
    ["charts/web/templates/deployment.yaml", false],
    ["charts/web/values.yaml", false],
    ["charts/web/Chart.yaml", false],
    ["docker-compose.yml", false],
    ["README.md", false],
  ])("%s is a manifest: %s", (path, expected) => {
    expect(isManifestPath(path, selection)).toBe(expected);
  });

  test("a repository's own include adds files, even ones the defaults exclude", () => {
    expect(isManifestPath("charts/web/templates/rendered.yaml", { ...selection, repoInclude: ["charts/*/templates/rendered.yaml"] })).toBe(
      true,
    );
  });
});

describe("merging policy layers", () => {
  function policy(name: string, action: EnforcementAction, file = `${name}.yaml`): Policy {
    return {
      apiVersion: "kube-policy-bot.dev/v1",
      kind: "PodSecurity",
      name,
      file,
      range: { line: 4, column: 3, endLine: 4, endColumn: 10 },
      enforcementAction: action,
      match: { excludedNamespaces: ["kube-system"] },
      parameters: undefined,
      target: "pod",
      evaluate: () => [],
    };
  }

  function layers(overrides: Partial<PolicyLayers>): PolicyLayers {
    return {
      shipped: [policy("baseline", "deny"), policy("restricted", "warn")],
      org: [],
      orgLabel: "acme/.github",
      overridable: [],
      repo: [],
      overrides: new Map(),
      repoConfigFile: "repo.yml",
      ...overrides,
    };
  }

  test("org policies replace shipped ones of the same name; repo policies are added", () => {
    const merged = mergePolicies(layers({ org: [policy("baseline", "warn")], repo: [policy("mine", "deny")] }));
    expect(merged.problems).toEqual([]);
    expect(merged.applied).toEqual([
      { name: "baseline", action: "warn", origin: "acme/.github" },
      { name: "mine", action: "deny", origin: "this repository" },
      { name: "restricted", action: "warn", origin: "shipped default" },
    ]);
  });

  test("tightening is always allowed", () => {
    const merged = mergePolicies(layers({ overrides: new Map([["restricted", { enforcementAction: "deny", line: 3, column: 5 }]]) }));
    expect(merged.problems).toEqual([]);
    expect(merged.policies.find((item) => item.name === "restricted")?.enforcementAction).toBe("deny");
  });

  test.each([
    [
      "lowering the action",
      { enforcementAction: "dryrun" as const },
      /may raise its enforcementAction but not lower it from deny to dryrun/,
    ],
    ["excluding namespaces", { excludedNamespaces: ["legacy"] }, /cannot widen its excluded namespaces/],
    ["disabling", { disabled: true }, /cannot disable it/],
  ])("%s a non-overridable policy is an error, and the policy stays as it was", (_name, change, message) => {
    const merged = mergePolicies(layers({ overrides: new Map([["baseline", { ...change, line: 7, column: 5 }]]) }));
    expect(merged.problems).toEqual([expect.objectContaining({ file: "repo.yml", line: 7, message: expect.stringMatching(message) })]);
    const baseline = merged.policies.find((item) => item.name === "baseline");
    expect(baseline?.enforcementAction).toBe("deny");
    expect(baseline?.match.excludedNamespaces).toEqual(["kube-system"]);
  });

  test("an overridable policy may be relaxed, excluded from namespaces, or disabled", () => {
    const relaxed = mergePolicies(
      layers({
        overridable: ["baseline"],
        overrides: new Map([["baseline", { enforcementAction: "warn", excludedNamespaces: ["legacy"], line: 1, column: 1 }]]),
      }),
    );
    expect(relaxed.problems).toEqual([]);
    const baseline = relaxed.policies.find((item) => item.name === "baseline");
    expect(baseline?.enforcementAction).toBe("warn");
    expect(baseline?.match.excludedNamespaces).toEqual(["kube-system", "legacy"]);
    const disabled = mergePolicies(
      layers({ overridable: ["baseline"], overrides: new Map([["baseline", { disabled: true, line: 1, column: 1 }]]) }),
    );
    expect(disabled.policies.map((item) => item.name)).toEqual(["restricted"]);
  });

  test("a repository policy may not take the name of a non-overridable org policy", () => {
    const merged = mergePolicies(layers({ repo: [policy("baseline", "dryrun", "policy/weak.yaml")] }));
    expect(merged.problems).toEqual([
      expect.objectContaining({ file: "policy/weak.yaml", line: 4, message: expect.stringMatching(/not overridable/) }),
    ]);
    expect(merged.policies.find((item) => item.name === "baseline")?.enforcementAction).toBe("deny");
  });

  test("an override of an unknown policy is an error naming the known ones", () => {
    const merged = mergePolicies(layers({ overrides: new Map([["basline", { enforcementAction: "deny", line: 2, column: 5 }]]) }));
    expect(merged.problems[0]?.message).toMatch(/"basline", which is not a policy in effect here; known policies: baseline, restricted/);
  });
});

describe("the document reader's problems", () => {
  test("carry a stable code and, for a typo, the suggestion", () => {
    const org = parseOrgConfig("org.yml", "chek:\n  name: x\ncheck:\n  failureMode: fail-opn\n");
    expect(org.problems).toEqual([
      expect.objectContaining({
        line: 1,
        code: "unknown-key",
        suggestion: "check",
        message: expect.stringContaining('did you mean "check"?'),
      }),
      expect.objectContaining({ line: 4, code: "not-one-of", suggestion: "fail-open" }),
    ]);
    const repo = parseRepoConfig("repo.yml", "manifests: {}\n---\nmanifests: {}\n");
    expect(repo.problems.map((problem) => problem.code)).toEqual(["multiple-documents"]);
    expect(parseRepoConfig("repo.yml", "exceptions: {}\n").problems.map((problem) => problem.code)).toEqual(["not-allowed-here"]);
  });
});
