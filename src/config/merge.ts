/**
 * Layering policies: shipped defaults, then the organisation's, then the repository's. Pure.
 *
 * The organisation owns the rules. A repository may add policies and tighten existing ones
 * (raise an enforcement action). It may replace, relax (lower the action, exclude namespaces) or
 * disable an org policy only when the org config lists that policy in `policies.overridable`.
 * Anything else is an error shown in the check — never silently ignored, or a repository could
 * believe it had changed a rule it had not.
 */
import type { InputError } from "../manifests/types.js";
import type { EnforcementAction, Policy } from "../policy/types.js";
import type { PolicyException } from "../exceptions/model.js";
import type { NotEvaluatedSetting } from "../policy/not-evaluated.js";
import type { AppliedPolicy, PolicyOverride, RepoConfig } from "./types.js";
import { ACTION_STRENGTH } from "../policy/actions.js";

export interface PolicyLayers {
  shipped: readonly Policy[];
  org: readonly Policy[];
  /** Shown as the origin of org policies, e.g. `acme/.github`. */
  orgLabel: string;
  overridable: readonly string[];
  repo: readonly Policy[];
  overrides: ReadonlyMap<string, PolicyOverride>;
  /** The repo config file, for problems about overrides. */
  repoConfigFile: string;
}

export interface MergedPolicies {
  policies: Policy[];
  applied: AppliedPolicy[];
  problems: InputError[];
}

interface Entry {
  policy: Policy;
  origin: string;
  /** Owned by the repository itself: its own policies it may change freely. */
  repoOwned: boolean;
}

export function mergePolicies(layers: PolicyLayers): MergedPolicies {
  const problems: InputError[] = [];
  const entries = new Map<string, Entry>();
  const overridable = new Set(layers.overridable);

  for (const policy of layers.shipped) entries.set(policy.name, { policy, origin: "shipped default", repoOwned: false });
  // The organisation may redefine a shipped policy: it owns the rules.
  for (const policy of layers.org) entries.set(policy.name, { policy, origin: layers.orgLabel, repoOwned: false });

  for (const policy of layers.repo) {
    const existing = entries.get(policy.name);
    if (existing && !overridable.has(policy.name)) {
      problems.push({
        file: policy.file,
        line: policy.range.line,
        column: policy.range.column,
        message: `policy "${policy.name}" is set by the organisation (${existing.origin}) and is not overridable: a repository may add policies but not replace this one. Rename your policy, or ask the organisation to list it in policies.overridable.`,
      });
      continue;
    }
    entries.set(policy.name, {
      policy,
      origin: existing ? `this repository (replaces ${existing.origin})` : "this repository",
      repoOwned: true,
    });
  }

  for (const [name, override] of layers.overrides) {
    const entry = entries.get(name);
    const fail = (message: string): void => {
      problems.push({ file: layers.repoConfigFile, line: override.line, column: override.column, message });
    };
    if (!entry) {
      fail(
        `policies.overrides names "${name}", which is not a policy in effect here; known policies: ${[...entries.keys()].sort().join(", ") || "none"}`,
      );
      continue;
    }
    const mayRelax = entry.repoOwned || overridable.has(name);
    const notOverridable = `policy "${name}" (${entry.origin}) is not overridable`;
    let policy = entry.policy;
    let ok = true;

    if (override.disabled === true) {
      if (!mayRelax) {
        fail(`${notOverridable}: a repository cannot disable it`);
        ok = false;
      } else {
        entries.delete(name);
        continue;
      }
    }
    if (override.enforcementAction !== undefined && override.enforcementAction !== policy.enforcementAction) {
      const lowers = ACTION_STRENGTH[override.enforcementAction] < ACTION_STRENGTH[policy.enforcementAction];
      if (lowers && !mayRelax) {
        fail(
          `${notOverridable}: a repository may raise its enforcementAction but not lower it from ${policy.enforcementAction} to ${override.enforcementAction}`,
        );
        ok = false;
      } else {
        policy = { ...policy, enforcementAction: override.enforcementAction };
      }
    }
    if (override.excludedNamespaces && override.excludedNamespaces.length > 0) {
      if (!mayRelax) {
        fail(`${notOverridable}: a repository cannot widen its excluded namespaces`);
        ok = false;
      } else {
        const excluded = [...new Set([...(policy.match.excludedNamespaces ?? []), ...override.excludedNamespaces])];
        policy = { ...policy, match: { ...policy.match, excludedNamespaces: excluded } };
      }
    }
    if (ok)
      entries.set(name, {
        ...entry,
        policy,
        origin: policy === entry.policy ? entry.origin : `${entry.origin}, adjusted by this repository`,
      });
  }

  const ordered = [...entries.values()].sort((a, b) => (a.policy.name < b.policy.name ? -1 : a.policy.name > b.policy.name ? 1 : 0));
  return {
    policies: ordered.map((entry) => entry.policy),
    applied: ordered.map((entry) => ({ name: entry.policy.name, action: entry.policy.enforcementAction, origin: entry.origin })),
    problems,
  };
}

/**
 * A repository's `PolicyException` documents follow the same rule as its overrides: a repository may
 * except findings of its own policies, and of org policies the org lists in `policies.overridable`;
 * excepting any other org policy is widening it, which only the org may do (in its `.github`
 * repository).
 */
export function repoExceptionProblems(
  exceptions: readonly PolicyException[],
  layers: { orgOwned: readonly string[]; repoOwned: readonly string[]; overridable: readonly string[] },
): InputError[] {
  const problems: InputError[] = [];
  const orgOwned = new Set(layers.orgOwned);
  const allowed = new Set([...layers.repoOwned.filter((name) => !orgOwned.has(name)), ...layers.overridable]);
  for (const exception of exceptions) {
    if (exception.source.kind !== "document") continue;
    for (const scope of exception.policies) {
      if (allowed.has(scope.name) || !orgOwned.has(scope.name)) continue;
      problems.push({
        file: exception.source.file,
        line: exception.source.line,
        column: 1,
        message: `PolicyException "${exception.id}" excepts policy "${scope.name}", which the organisation sets and does not list as overridable: a repository cannot except it. Commit the exception in the organisation's .github repository (next to its policies), or use /policy-exception on the pull request.`,
      });
    }
  }
  return problems;
}

/**
 * The action of findings about rules that were not judged: the organisation's `policies.notEvaluated`,
 * or the repository's where it is stricter. Without an org setting such a finding may already deny
 * (its rule's action), so only `deny` tightens; anything weaker than what applies would loosen, an error.
 */
export function mergeNotEvaluated(
  org: EnforcementAction | undefined,
  repo: RepoConfig["policies"]["notEvaluated"],
  labels: { org: string; repoConfigFile: string },
): { setting?: NotEvaluatedSetting; problems: InputError[] } {
  const orgSetting = org === undefined ? undefined : { action: org, source: `policies.notEvaluated in ${labels.org}` };
  if (repo === undefined) return orgSetting ? { setting: orgSetting, problems: [] } : { problems: [] };
  const tightens = repo.action === "deny" || (org !== undefined && ACTION_STRENGTH[repo.action] >= ACTION_STRENGTH[org]);
  if (!tightens) {
    const applies = org === undefined ? "each rule's own action (which may be deny)" : `the organisation's ${org}`;
    const message = `a repository may only tighten policies.notEvaluated: ${repo.action} is weaker than ${applies}; use deny, or remove it`;
    return { problems: [{ file: labels.repoConfigFile, line: repo.line, column: repo.column, message, code: "not-allowed-here" }] };
  }
  if (org === repo.action) return { setting: orgSetting as NotEvaluatedSetting, problems: [] };
  return { setting: { action: repo.action, source: "policies.notEvaluated in this repository's config" }, problems: [] };
}
