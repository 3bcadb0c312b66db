/**
 * Kyverno `ClusterPolicy` / `Policy` (kyverno.io/v1) as a kube-policy-bot policy: read and checked at
 * load (read-policy.ts), its rules computed as Kyverno runs them (written + auto-generated for Pod
 * controllers), and each rule judged per object: match/exclude, then the validate rule. Findings carry
 * the Kyverno policy and rule names; their action follows the rule's failureAction (Enforce: deny,
 * Audit: warn). A rule that cannot be judged from the files alone is a finding "not evaluated: needs
 * <what>" on every object it matches, never a silent pass.
 */
import { DocumentReader } from "../../documents/reader.js";
import type { InputError, JsonObject, JsonValue, SourceDocument } from "../../manifests/types.js";
import { evaluateConditions } from "./conditions.js";
import type { EnforcementAction, EvaluationContext, Policy, PolicyDocs, Violation } from "../types.js";
import { computeRules } from "./autogen.js";
import { evaluateRule, ruleGate, type RuleResult } from "./evaluate-rule.js";
import { kindGate, kindMatches, ruleMatches, type MatchRequest } from "./match.js";
import { requestNeeds, requestReads, staticNeeds, type RequestReads } from "./needs.js";
import { readWrittenPolicy, type Fail, type WrittenPolicy } from "./read-policy.js";
import { readRuleAction, ruleAction, type RuleAction } from "./rule-action.js";
import { requestContext } from "./request-context.js";
import { isObject } from "../../manifests/json.js";
import type { ParamObject } from "../vap/params.js";
import { compileCelRule, type CelRule, type SpecError } from "../vpol/cel-rule.js";
import { validateCel } from "./validate-cel.js";

/** `v2beta1` is the same ClusterPolicy schema without fields deprecated in v1. */
export const KYVERNO_API_VERSIONS = ["kyverno.io/v1", "kyverno.io/v2beta1"];
export const KYVERNO_KINDS = ["ClusterPolicy", "Policy"];
/** Annotation an org sets on a policy to choose how its not-evaluated rules are reported. */
export const NOT_EVALUATED_ANNOTATION = "kube-policy-bot.dev/not-evaluated";
const SCORED_ANNOTATION = "policies.kyverno.io/scored";

export function isKyvernoPolicyDocument(apiVersion: string, kind: string): boolean {
  return apiVersion.startsWith("kyverno.io/") && KYVERNO_KINDS.includes(kind);
}

interface PreparedRule {
  name: string;
  rule: JsonObject;
  /** Line of the written rule this one comes from, for "not evaluated" messages. */
  line: number;
  needs: string | undefined;
  /** What the rule reads of the request, found once from its text. */
  reads: RequestReads;
  /** Kind selectors the object must satisfy for `match` to select it; undefined: any kind may. */
  kinds: string[] | undefined;
  /** The compiled `validate.cel`, for a CEL rule that can be judged here. */
  cel?: CelRule;
  /** What a failure does, but for namespace overrides. */
  action: RuleAction;
  /**
   * A rule that reads `request.operation` only in its preconditions (no context entries): judging it
   * as an UPDATE can only differ from a CREATE if its preconditions do.
   */
  operationOnlyInPreconditions: boolean;
}

/**
 * `params`: the objects among the policy files that a `validate.cel` paramKind may name (see
 * `celParamKinds`); without them, a rule whose paramRef names one is not evaluated.
 */
export function readKyvernoPolicy(
  file: string,
  document: SourceDocument,
  params: readonly ParamObject[] = [],
): { policy?: Policy; errors: InputError[] } {
  const reader = DocumentReader.of(file, document, "the document");
  const errors = reader.problems;
  const fail: Fail = (path, message, code = "invalid-value", suggestion) => reader.fail(path, message, code, suggestion);
  const root = document.value as JsonObject;
  const apiVersion = String(root["apiVersion"]);
  const kind = String(root["kind"]);
  if (!KYVERNO_API_VERSIONS.includes(apiVersion))
    fail(["apiVersion"], `kind ${kind} needs apiVersion ${KYVERNO_API_VERSIONS.join(" or ")}, not "${apiVersion}"`);
  const written = readWrittenPolicy(root, fail);
  const notEvaluated = readNotEvaluatedAction(written, fail);
  if (!written || errors.length > 0) return { errors };

  const failedCel = new Set<number>();
  const rules: PreparedRule[] = computeRules(written.rules, written.annotations).map(({ rule, source }) => {
    const prepared: PreparedRule = {
      name: String(rule["name"]),
      rule,
      line: document.locate(["spec", "rules", source]).line,
      needs: staticNeeds(rule),
      reads: requestReads(rule),
      kinds: kindGate(rule["match"]),
      action: readRuleAction(written, rule),
      operationOnlyInPreconditions: operationOnlyInPreconditions(rule),
    };
    const validate = rule["validate"];
    if (prepared.needs === undefined && isObject(validate) && validate["cel"] !== undefined && validate["cel"] !== null) {
      const compiled = compileRuleCel(rule, source, written.rules[source] === rule);
      if ("rule" in compiled) prepared.cel = compiled.rule;
      else if (compiled.needs !== undefined) prepared.needs = compiled.needs;
      else if (!failedCel.has(source)) {
        // A generated rule repeats its written rule's mistakes: each is said once, at the written rule.
        failedCel.add(source);
        for (const error of compiled.errors) fail(error.path, error.message);
      }
    }
    return prepared;
  });
  if (errors.length > 0) return { errors };
  const docs = docsOf(written.annotations);
  // Most objects match no rule of a policy: which rules a kind may reach is found once per apiVersion and kind.
  const byKind = new Map<unknown, Map<unknown, PreparedRule[]>>();
  const rulesFor = (object: JsonObject): PreparedRule[] => {
    const kind = object["kind"];
    let byVersion = byKind.get(kind);
    if (!byVersion) {
      byVersion = new Map();
      byKind.set(kind, byVersion);
    }
    const apiVersion = object["apiVersion"];
    let candidates = byVersion.get(apiVersion);
    if (!candidates) {
      candidates = rules.filter((rule) => rule.kinds === undefined || kindMatches(rule.kinds, object));
      byVersion.set(apiVersion, candidates);
    }
    return candidates;
  };
  const setting: PolicySetting = { notEvaluated, file, params, docs };
  const policy: Policy = {
    apiVersion,
    kind,
    name: written.name,
    file,
    range: document.locate([]),
    // The ceiling of what its rules do: each violation carries its own rule's action (rule-action.ts),
    // and the engine never lets a violation exceed its policy's action, which a repository may lower.
    // An org that annotates an Audit policy to block on what cannot be evaluated raises the ceiling too.
    enforcementAction: mayEnforce(root) || notEvaluated === "deny" ? "deny" : "warn",
    match: {},
    parameters: undefined,
    target: "object",
    evaluate: (object, context) => {
      const candidates = rulesFor(object);
      if (candidates.length === 0) return [];
      return evaluatePolicy(written, candidates, setting, object, context);
    },
  };
  return { policy, errors };
}

/**
 * A rule's `validate.cel` compiled, at the written rule's path (`written`: the rule as written, not
 * generated). What an expression needs that no file gives (the authorizer) makes the rule not
 * evaluated instead of the policy unreadable.
 */
function compileRuleCel(rule: JsonObject, source: number, written: boolean): { rule: CelRule } | { errors: SpecError[]; needs?: string } {
  const validate = rule["validate"] as JsonObject;
  const message = typeof validate["message"] === "string" ? validate["message"] : undefined;
  const compiled = compileCelRule({ cel: validate["cel"], message, preconditions: rule["celPreconditions"] }, ["spec", "rules", source]);
  if ("rule" in compiled) return compiled;
  const needs = compiled.errors.find((error) => error.needs !== undefined)?.needs;
  if (needs !== undefined && compiled.errors.every((error) => error.needs !== undefined)) return { errors: compiled.errors, needs };
  if (written) return compiled;
  const what = `the rule Kyverno generates for Pod controllers, "${String(rule["name"])}", does not compile`;
  return { errors: compiled.errors.map((error) => ({ ...error, message: `${what}: ${error.message}` })) };
}

/** The policy library's annotations document each of its rules. */
function docsOf(annotations: Record<string, string>): PolicyDocs {
  const docs: PolicyDocs = {};
  for (const key of ["title", "description", "category", "severity", "subject"] as const) {
    const value = annotations[`policies.kyverno.io/${key}`]?.trim();
    if (value) docs[key] = value.replace(/\s+/g, " ");
  }
  return docs;
}

function readNotEvaluatedAction(
  written: WrittenPolicy | undefined,
  fail: (path: readonly string[], message: string) => void,
): EnforcementAction | undefined {
  const value = written?.annotations[NOT_EVALUATED_ANNOTATION];
  if (value === undefined) return undefined;
  if (value === "deny" || value === "warn" || value === "dryrun") return value;
  fail(
    ["metadata", "annotations", NOT_EVALUATED_ANNOTATION],
    `${NOT_EVALUATED_ANNOTATION} must be deny, warn or dryrun, not ${JSON.stringify(value)}`,
  );
  return undefined;
}

interface PolicySetting {
  notEvaluated: EnforcementAction | undefined;
  file: string;
  params: readonly ParamObject[];
  docs: PolicyDocs;
}

function evaluatePolicy(
  policy: WrittenPolicy,
  rules: readonly PreparedRule[],
  setting: PolicySetting,
  object: JsonObject,
  context: EvaluationContext,
): Violation[] {
  const { notEvaluated, file, params, docs } = setting;
  const metadata = isObject(object["metadata"]) ? object["metadata"] : {};
  const namespace = typeof metadata["namespace"] === "string" ? metadata["namespace"] : "";
  // A namespaced Policy judges its own namespace; a manifest that names none may be applied there.
  if (policy.namespace !== undefined && namespace !== "" && namespace !== policy.namespace) return [];
  const review = context.review;
  const { request, knowledge } = requestOf(object, namespace, context);
  const { namespaceLabels } = request;
  let base: JsonObject | undefined;
  const scored = policy.annotations[SCORED_ANNOTATION] !== "false";
  const violations: Violation[] = [];

  for (const prepared of rules) {
    if (!ruleMatches(prepared.rule["match"], prepared.rule["exclude"], request)) continue;
    const action = ruleAction(prepared.action, namespace, namespaceLabels);
    const needs = prepared.needs ?? requestNeeds(prepared.reads, knowledge);
    let outcome: RuleResult | undefined;
    if (needs !== undefined) outcome = { status: "notEvaluated", message: needs, path: [] };
    else if (prepared.cel) {
      base ??= requestContext(object, review);
      const gate = ruleGate(prepared.rule, base);
      outcome = "outcome" in gate ? gate.outcome : validateCel(prepared.cel, prepared.name, params, object, context);
    } else {
      base ??= requestContext(object, review);
      outcome = evaluateRule(prepared.rule, prepared.name, { context: base, object });
      if (!review && prepared.reads.operation) outcome = sameForUpdate(outcome, prepared, base, object);
    }
    if (!outcome || outcome.status === "skip") continue;
    if (outcome.status === "fail") {
      const violationAction = scored ? action : "warn";
      for (const violation of outcome.violations ?? [{ message: outcome.message, path: outcome.path }]) {
        violations.push({ message: violation.message, path: violation.path, rule: prepared.name, action: violationAction, docs });
      }
    } else if (outcome.status === "error" || outcome.status === "notEvaluated") {
      const what = outcome.status === "error" ? `could not be evaluated: ${outcome.message}` : `not evaluated: needs ${outcome.message}`;
      const isChange = prepared.rule["mutate"] !== undefined || prepared.rule["generate"] !== undefined;
      violations.push({
        message: `${what} (rule "${prepared.name}" at ${file}:${prepared.line})`,
        path: [],
        rule: prepared.name,
        action: notEvaluated ?? (isChange ? "warn" : action),
        docs,
        notEvaluated: { byPolicy: notEvaluated !== undefined },
      });
    }
    if (policy.applyRules === "One") break;
  }
  return violations;
}

/**
 * A manifest in a pull request may create the object or update it; the Kyverno CLI assumes CREATE.
 * When a rule's conditions read `request.operation`, it is judged both ways, and a failure either way
 * is reported (fail closed), saying in which case it applies.
 */
function sameForUpdate(
  created: RuleResult | undefined,
  prepared: PreparedRule,
  base: JsonObject,
  object: JsonObject,
): RuleResult | undefined {
  const context = { ...base, request: { ...(base["request"] as JsonObject), operation: "UPDATE" } };
  if (prepared.operationOnlyInPreconditions && samePreconditions(prepared.rule["preconditions"], base, context)) return created;
  const updated = evaluateRule(prepared.rule, prepared.name, { context, object });
  const failing = (outcome: RuleResult | undefined): boolean =>
    outcome !== undefined && outcome.status !== "pass" && outcome.status !== "skip";
  if (failing(created) === failing(updated)) return created;
  const [outcome, when] = failing(created)
    ? [created as RuleResult, "creates the object"]
    : [updated as RuleResult, "updates an existing object"];
  return { ...outcome, message: `${outcome.message} (if this change ${when})` };
}

function operationOnlyInPreconditions(rule: JsonObject): boolean {
  const { match: _match, exclude: _exclude, preconditions: _preconditions, ...body } = rule;
  return rule["context"] === undefined && !JSON.stringify(body).includes("request.operation");
}

/** Whether the preconditions decide the same for both requests; an error in either: not known to be the same. */
function samePreconditions(preconditions: JsonValue | undefined, created: JsonObject, updated: JsonObject): boolean {
  try {
    return evaluateConditions(preconditions, created).holds === evaluateConditions(preconditions, updated).holds;
  } catch {
    return false;
  }
}

interface JudgedRequest {
  request: MatchRequest;
  /** What the request tells beyond the object (see needs.ts). */
  knowledge: { userInfo: boolean; oldObject: boolean };
}

/** Every Kyverno policy sees one object under one context the same way: its request is made once per pair. */
const requests = new WeakMap<JsonObject, { context: EvaluationContext; judged: JudgedRequest }>();

function requestOf(object: JsonObject, namespace: string, context: EvaluationContext): JudgedRequest {
  const cached = requests.get(object);
  if (cached && cached.context === context) return cached.judged;
  const review = context.review;
  const judged: JudgedRequest = {
    request: {
      object,
      operation: review?.operation ?? "CREATE",
      namespaceLabels: labelsOfNamespace(object, namespace, context),
      userInfo: review?.userInfo,
    },
    knowledge: { userInfo: review?.userInfo !== undefined, oldObject: review?.oldObject !== undefined },
  };
  requests.set(object, { context, judged });
  return judged;
}

/** Labels of the object's Namespace when the check sees it; `{}` for an object in no namespace. */
function labelsOfNamespace(object: JsonObject, namespace: string, context: EvaluationContext): Record<string, string> | undefined {
  if (object["kind"] === "Namespace") return undefined;
  if (namespace === "") return {};
  const known = context.namespaces.get(namespace);
  if (!known) return undefined;
  const metadata = known["metadata"];
  const labels = isObject(metadata) ? metadata["labels"] : undefined;
  const result: Record<string, string> = {};
  if (isObject(labels)) for (const [key, value] of Object.entries(labels)) if (typeof value === "string") result[key] = value;
  return result;
}

/**
 * Whether any rule of the policy can block: an Enforce action anywhere in its spec (the policy's,
 * a rule's, an override's) or an image verification rule, which enforces by default.
 */
function mayEnforce(root: JsonObject): boolean {
  const spec = root["spec"];
  const text = JSON.stringify(spec ?? null);
  // Kyverno also accepts the lower-case spelling of the actions.
  return /"enforce"/i.test(text) || text.includes('"verifyImages"');
}
