/**
 * `matchConstraints` of a ValidatingAdmissionPolicy and `matchResources` of its binding
 * (admissionregistration.k8s.io/v1 MatchResources): which requests a policy sees. Read with errors at
 * their paths, and matched as the API server's matcher does (k8s.io/apiserver/pkg/admission/plugin/
 * policy/matching): namespace and object selectors, then the resource rules, minus the excluded ones.
 */
import type { FieldPath, JsonObject, JsonValue } from "../../manifests/types.js";
import { selectorMatches } from "../match.js";
import { labelsOf } from "../object-labels.js";
import type { EvaluationContext, LabelSelector } from "../types.js";
import type { AdmissionAttributes } from "./request.js";
import { equivalentGroups } from "./resources.js";
import type { SpecError } from "./validator.js";
import { isObject } from "../../manifests/json.js";

export interface ResourceRule {
  apiGroups: string[];
  apiVersions: string[];
  resources: string[];
  operations: string[];
  scope: "*" | "Cluster" | "Namespaced";
  resourceNames: string[];
}

export interface MatchResources {
  resourceRules: ResourceRule[];
  excludeResourceRules: ResourceRule[];
  namespaceSelector: LabelSelector;
  objectSelector: LabelSelector;
  matchPolicy: "Equivalent" | "Exact";
}

const OPERATIONS = ["*", "CREATE", "UPDATE", "DELETE", "CONNECT"];
const KEYS = ["resourceRules", "excludeResourceRules", "namespaceSelector", "objectSelector", "matchPolicy"];
const RULE_KEYS = ["apiGroups", "apiVersions", "resources", "operations", "scope", "resourceNames"];

export function readMatchResources(
  value: JsonValue | undefined,
  at: FieldPath,
  errors: SpecError[],
  requireRules: boolean,
): MatchResources {
  const match: MatchResources = {
    resourceRules: [],
    excludeResourceRules: [],
    namespaceSelector: {},
    objectSelector: {},
    matchPolicy: "Equivalent",
  };
  if (value === undefined || value === null) {
    if (requireRules)
      errors.push({ path: at, message: "matchConstraints with resourceRules is required: without it the policy matches nothing" });
    return match;
  }
  if (!isObject(value)) {
    errors.push({ path: at, message: "must be a mapping" });
    return match;
  }
  for (const key of Object.keys(value))
    if (!KEYS.includes(key)) errors.push({ path: [...at, key], message: `unknown field "${key}"; expected one of ${KEYS.join(", ")}` });
  match.resourceRules = readRules(value["resourceRules"], [...at, "resourceRules"], errors);
  match.excludeResourceRules = readRules(value["excludeResourceRules"], [...at, "excludeResourceRules"], errors);
  if (requireRules && match.resourceRules.length === 0)
    errors.push({ path: [...at, "resourceRules"], message: "resourceRules must not be empty: the policy would match nothing" });
  match.namespaceSelector = readSelector(value["namespaceSelector"], [...at, "namespaceSelector"], errors);
  match.objectSelector = readSelector(value["objectSelector"], [...at, "objectSelector"], errors);
  const policy = value["matchPolicy"];
  if (policy !== undefined && policy !== "Equivalent" && policy !== "Exact")
    errors.push({ path: [...at, "matchPolicy"], message: "matchPolicy must be Equivalent or Exact" });
  else if (policy === "Exact") match.matchPolicy = "Exact";
  return match;
}

function readRules(value: JsonValue | undefined, at: FieldPath, errors: SpecError[]): ResourceRule[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) {
    errors.push({ path: at, message: "must be a list of rules" });
    return [];
  }
  return value.flatMap((entry, index): ResourceRule[] => {
    const path = [...at, index];
    if (!isObject(entry)) {
      errors.push({ path, message: "each rule must be a mapping" });
      return [];
    }
    for (const key of Object.keys(entry))
      if (!RULE_KEYS.includes(key))
        errors.push({ path: [...path, key], message: `unknown field "${key}"; expected one of ${RULE_KEYS.join(", ")}` });
    const strings = (key: string, required: boolean): string[] => {
      const list = entry[key];
      if (list === undefined && !required) return [];
      if (!Array.isArray(list) || list.some((item) => typeof item !== "string") || (required && list.length === 0)) {
        errors.push({ path: [...path, key], message: `${key} must be a non-empty list of strings` });
        return [];
      }
      return list as string[];
    };
    const operations = strings("operations", true);
    for (const operation of operations)
      if (!OPERATIONS.includes(operation))
        errors.push({ path: [...path, "operations"], message: `unknown operation "${operation}"; expected ${OPERATIONS.join(", ")}` });
    const scope = entry["scope"] ?? "*";
    if (scope !== "*" && scope !== "Cluster" && scope !== "Namespaced")
      errors.push({ path: [...path, "scope"], message: 'scope must be "*", Cluster or Namespaced' });
    return [
      {
        apiGroups: strings("apiGroups", true),
        apiVersions: strings("apiVersions", true),
        resources: strings("resources", true),
        operations,
        scope: scope as ResourceRule["scope"],
        resourceNames: strings("resourceNames", false),
      },
    ];
  });
}

function readSelector(value: JsonValue | undefined, at: FieldPath, errors: SpecError[]): LabelSelector {
  if (value === undefined || value === null) return {};
  if (!isObject(value)) {
    errors.push({ path: at, message: "must be a label selector" });
    return {};
  }
  const selector: LabelSelector = {};
  const labels = value["matchLabels"];
  if (labels !== undefined) {
    if (!isObject(labels) || Object.values(labels).some((v) => typeof v !== "string"))
      errors.push({ path: [...at, "matchLabels"], message: "matchLabels must map strings to strings" });
    else selector.matchLabels = labels as Record<string, string>;
  }
  const expressions = value["matchExpressions"];
  if (expressions !== undefined) {
    const valid =
      Array.isArray(expressions) &&
      expressions.every(
        (e) => isObject(e) && typeof e["key"] === "string" && ["In", "NotIn", "Exists", "DoesNotExist"].includes(e["operator"] as string),
      );
    if (!valid)
      errors.push({
        path: [...at, "matchExpressions"],
        message: "matchExpressions must be a list of {key, operator: In|NotIn|Exists|DoesNotExist, values}",
      });
    else selector.matchExpressions = expressions as unknown as LabelSelector["matchExpressions"];
  }
  return selector;
}

export function matchesResources(match: MatchResources, attributes: AdmissionAttributes, context: EvaluationContext): boolean {
  if (!matchesNamespaceSelector(match.namespaceSelector, attributes, context)) return false;
  if (!matchesObjectSelector(match.objectSelector, attributes)) return false;
  if (match.excludeResourceRules.some((rule) => ruleMatches(rule, attributes, match.matchPolicy))) return false;
  // A binding's matchResources without resourceRules narrows by selectors only (the policy's rules still apply).
  return match.resourceRules.length === 0 || match.resourceRules.some((rule) => ruleMatches(rule, attributes, match.matchPolicy));
}

function ruleMatches(rule: ResourceRule, request: AdmissionAttributes, policy: MatchResources["matchPolicy"]): boolean {
  if (!rule.operations.some((op) => op === "*" || op === request.operation)) return false;
  if (rule.scope === "Cluster" && !request.clusterScoped) return false;
  if (rule.scope === "Namespaced" && request.clusterScoped) return false;
  if (rule.resourceNames.length > 0 && !rule.resourceNames.includes(request.name)) return false;
  const resourceMatches = rule.resources.some((resource) => resource === "*" || resource === "*/*" || resource === request.resource);
  if (!resourceMatches) return false;
  const groups = policy === "Equivalent" ? equivalentGroups(request.group, request.resource) : [request.group];
  if (!rule.apiGroups.some((group) => group === "*" || groups.includes(group))) return false;
  // Equivalent: the API server converts the object to the version the rule names.
  return policy === "Equivalent" || rule.apiVersions.some((version) => version === "*" || version === request.version);
}

/**
 * A Namespace is matched by its own labels; other cluster-scoped objects are never excluded by a
 * namespace selector. A namespaced object is matched by its Namespace's labels when the Namespace is
 * among the objects under review; otherwise we cannot know them and the policy applies (fail closed).
 */
function matchesNamespaceSelector(selector: LabelSelector, request: AdmissionAttributes, context: EvaluationContext): boolean {
  if (isEmpty(selector)) return true;
  if (request.kind === "Namespace" && request.group === "") return selectorMatches(selector, labelsOf(metadataOf(request.object)));
  if (request.clusterScoped) return true;
  const namespace = context.namespaces.get(request.namespace);
  return !namespace || selectorMatches(selector, labelsOf(metadataOf(namespace)));
}

/** The object or, on UPDATE/DELETE, its old version may match. */
function matchesObjectSelector(selector: LabelSelector, request: AdmissionAttributes): boolean {
  if (isEmpty(selector)) return true;
  if (selectorMatches(selector, labelsOf(metadataOf(request.object)))) return true;
  return request.oldObject !== undefined && selectorMatches(selector, labelsOf(metadataOf(request.oldObject)));
}

function isEmpty(selector: LabelSelector): boolean {
  return Object.keys(selector.matchLabels ?? {}).length === 0 && (selector.matchExpressions ?? []).length === 0;
}

function metadataOf(object: JsonObject): JsonObject | undefined {
  const metadata = object["metadata"];
  return isObject(metadata) ? metadata : undefined;
}
