/**
 * The documentation of every rule a report can name: the rules carried by the policy kinds
 * (src/policy/rules.ts) and the one rule of the input itself, `input/parse-error`.
 */
import { CEL_POLICY_RULES } from "../policy/cel-policies.js";
import { policyKinds } from "../policy/kinds.js";
import type { RuleDoc } from "../policy/rules.js";
import type { PolicyDocs } from "../policy/types.js";

export const KYVERNO_POLICIES_URL = "https://kyverno.io/policies/";

/** The rule id under which unreadable or unparsable input is reported. */
export const PARSE_ERROR_RULE = "input/parse-error";

const PARSE_ERROR_DOC: RuleDoc = {
  id: PARSE_ERROR_RULE,
  kind: PARSE_ERROR_RULE,
  title: "Manifest cannot be read or parsed",
  checks:
    "The file is not valid YAML or JSON, or a document in it is not a Kubernetes object. kube-policy-bot does not guess what a broken file meant, so it blocks the change until the file parses: a file the tool cannot read would otherwise pass unchecked.",
  fix: "Fix the syntax error at the reported line (run the file through a YAML linter or `kubectl apply --dry-run=client -f FILE`), or move files that are not Kubernetes manifests out of the checked paths.",
  helpUri: "https://kubernetes.io/docs/concepts/overview/working-with-objects/#describing-a-kubernetes-object",
  tags: ["kubernetes", "correctness"],
};

/**
 * Kyverno policies (`ClusterPolicy`, `Policy`) are documented per policy by their own annotations
 * (`policies.kyverno.io/title`, ...); this is the kind-level entry `kube-policy-bot rules` lists.
 */
const KYVERNO_RULES: readonly RuleDoc[] = (["ClusterPolicy", "Policy"] as const).map((kind) => ({
  id: kind,
  kind,
  title: `Kyverno ${kind} validate rules`,
  checks: `An organisation's Kyverno ${kind}: validate rules (patterns, anchors, deny conditions, foreach, podSecurity, CEL expressions) evaluated as Kyverno evaluates them, including the rules Kyverno generates for Pod controllers. Each finding names the policy and rule, documented by the policy's own annotations.`,
  fix: `Change the resource as the rule's message says, or ask the owners of the Kyverno ${kind} for an approved exception.`,
  helpUri: KYVERNO_POLICIES_URL,
  tags: ["kubernetes", "kyverno"],
}));

/** Every rule, policy kinds in registry order, then the policy documents read as sets, then the input rule. */
export function allRules(kinds = policyKinds): RuleDoc[] {
  return [...[...kinds.values()].flatMap((kind) => kind.rules), ...CEL_POLICY_RULES, ...KYVERNO_RULES, PARSE_ERROR_DOC];
}

/**
 * Documentation of a rule as findings name it (`policyKind` + `rule`). A rule no kind documents (a
 * kind registered without its rules) gets a plain pointer to the message rather than nothing.
 */
export function ruleDoc(policyKind: string, rule: string, docs?: PolicyDocs): RuleDoc {
  if (policyKind === PARSE_ERROR_RULE) return PARSE_ERROR_DOC;
  if (docs !== undefined || policyKind === "ClusterPolicy" || policyKind === "Policy") return kyvernoDoc(policyKind, rule, docs ?? {});
  const rules = policyKinds.get(policyKind)?.rules ?? CEL_POLICY_RULES.filter((candidate) => candidate.kind === policyKind);
  return (
    rules.find((candidate) => candidate.id === rule) ??
    rules.find((candidate) => candidate.id === policyKind) ?? {
      id: rule,
      kind: policyKind,
      title: `${policyKind}: ${rule}`,
      // Every built-in kind documents its rules; a kind known only to one policy load is a constraint
      // kind of the organisation's own ConstraintTemplate with CEL code.
      checks: `Defined by the organisation's own ConstraintTemplate ${policyKind} (CEL code, run generically); the constraint's parameters decide what is allowed.`,
      fix: "Change the resource as the message says.",
      helpUri: "https://github.com/kube-policy-bot/kube-policy-bot#policies",
      tags: ["kubernetes"],
    }
  );
}

/** A Kyverno rule is documented by its policy's own annotations (`policies.kyverno.io/title`, ...). */
function kyvernoDoc(policyKind: string, rule: string, docs: PolicyDocs): RuleDoc {
  const generic = KYVERNO_RULES.find((candidate) => candidate.kind === policyKind) ?? (KYVERNO_RULES[0] as RuleDoc);
  return {
    ...generic,
    id: rule,
    title: `${docs.title ?? rule} (${rule})`,
    checks: docs.description ?? generic.checks,
    tags: [...generic.tags, ...[docs.category, docs.severity].filter((tag): tag is string => tag !== undefined && tag !== "")],
  };
}
