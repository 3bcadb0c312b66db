/**
 * Reads a Kyverno `ClusterPolicy` / `Policy` (kyverno.io/v1) from a policy file and checks its shape,
 * reporting every mistake at its file and line: a rule that silently does nothing because of a typo
 * is worse than a policy that does not load. What is read is the policy as written; the rules Kyverno
 * would run (with auto-generated ones) are computed by autogen.ts.
 */
import { compile } from "@jmespath-community/jmespath";
import type { FieldPath, JsonObject, JsonValue } from "../../manifests/types.js";
import type { ProblemCode } from "../../documents/codes.js";
import { unknownKey } from "../../documents/schema.js";
import { didYouMean } from "../../text/suggest.js";
import { CONDITION_OPERATORS } from "./conditions.js";
import { readPodSecurity } from "./pod-security.js";
import { isObject } from "../../manifests/json.js";

export type FailureAction = "Enforce" | "Audit";

export interface ActionOverride {
  action: FailureAction;
  namespaces: string[];
  namespaceSelector?: JsonObject;
}

export interface WrittenPolicy {
  kind: "ClusterPolicy" | "Policy";
  name: string;
  /** A namespaced `Policy` judges only objects of its namespace. */
  namespace?: string;
  annotations: Record<string, string>;
  failureAction: FailureAction;
  overrides: ActionOverride[];
  applyRules: "All" | "One";
  rules: JsonObject[];
}

/** Reports a problem at its path; `code` is a stable problem code (src/documents/codes.ts), `invalid-value` by default. */
export type Fail = (path: FieldPath, message: string, code?: ProblemCode, suggestion?: string) => void;

const TOP_KEYS = ["apiVersion", "kind", "metadata", "spec", "status"];
const SPEC_KEYS = [
  "rules",
  "applyRules",
  "failurePolicy",
  "validationFailureAction",
  "validationFailureActionOverrides",
  "emitWarning",
  "admission",
  "background",
  "schemaValidation",
  "webhookTimeoutSeconds",
  "mutateExistingOnPolicyUpdate",
  "generateExisting",
  "generateExistingOnPolicyUpdate",
  "useServerSideApply",
  "webhookConfiguration",
];
const RULE_KEYS = [
  "name",
  "match",
  "exclude",
  "context",
  "preconditions",
  "celPreconditions",
  "validate",
  "mutate",
  "generate",
  "verifyImages",
  "imageExtractors",
  "skipBackgroundRequests",
  "reportProperties",
];
const VALIDATE_KEYS = [
  "message",
  "failureAction",
  "failureActionOverrides",
  "allowExistingViolations",
  "manifests",
  "foreach",
  "pattern",
  "anyPattern",
  "deny",
  "podSecurity",
  "cel",
  "assert",
];
const VALIDATE_KINDS = ["pattern", "anyPattern", "deny", "foreach", "podSecurity", "cel", "manifests", "assert"];
const FOREACH_KEYS = ["list", "elementScope", "context", "preconditions", "pattern", "anyPattern", "deny", "foreach"];
const FILTER_KEYS = ["resources", "subjects", "roles", "clusterRoles"];
const MATCH_KEYS = ["any", "all", ...FILTER_KEYS];
const RESOURCE_KEYS = ["kinds", "name", "names", "namespaces", "annotations", "selector", "namespaceSelector", "operations"];
const OPERATIONS = ["CREATE", "UPDATE", "DELETE", "CONNECT"];
const CONTEXT_KEYS = ["name", "variable", "apiCall", "configMap", "globalReference", "imageRegistry"];
const VARIABLE_KEYS = ["value", "jmesPath", "default"];
const CONDITION_KEYS = ["key", "operator", "value", "message"];

export function readWrittenPolicy(root: JsonObject, fail: Fail): WrittenPolicy | undefined {
  checkKeys(root, TOP_KEYS, [], fail);
  const kind = root["kind"] === "Policy" ? "Policy" : "ClusterPolicy";
  const metadata = isObject(root["metadata"]) ? root["metadata"] : undefined;
  const name = metadata?.["name"];
  if (typeof name !== "string" || name === "") {
    fail(metadata ? ["metadata"] : [], "missing metadata.name: every policy needs a name");
    return undefined;
  }
  const annotations: Record<string, string> = {};
  const rawAnnotations = metadata?.["annotations"];
  if (isObject(rawAnnotations))
    for (const [key, value] of Object.entries(rawAnnotations)) if (typeof value === "string") annotations[key] = value;
  const spec = root["spec"];
  if (!isObject(spec)) {
    fail(root["spec"] === undefined ? [] : ["spec"], `${kind} "${name}" needs a spec with rules`);
    return undefined;
  }
  checkKeys(spec, SPEC_KEYS, ["spec"], fail);
  const failureAction = readAction(spec["validationFailureAction"], ["spec", "validationFailureAction"], fail) ?? "Audit";
  const overrides = readOverrides(spec["validationFailureActionOverrides"], ["spec", "validationFailureActionOverrides"], fail);
  const applyRules = spec["applyRules"] ?? "All";
  if (applyRules !== "All" && applyRules !== "One")
    fail(["spec", "applyRules"], `applyRules must be All or One, not ${JSON.stringify(applyRules)}`);
  const rules = spec["rules"];
  if (!Array.isArray(rules) || rules.length === 0) {
    fail(rules === undefined ? ["spec"] : ["spec", "rules"], `${kind} "${name}" needs a non-empty spec.rules list`);
    return undefined;
  }
  const names = new Set<string>();
  rules.forEach((rule, index) => readRule(rule, ["spec", "rules", index], names, fail));
  const policy: WrittenPolicy = {
    kind,
    name,
    annotations,
    failureAction,
    overrides,
    applyRules: applyRules === "One" ? "One" : "All",
    rules: rules.filter(isObject),
  };
  if (kind === "Policy") policy.namespace = typeof metadata?.["namespace"] === "string" ? metadata["namespace"] : "default";
  return policy;
}

/** Kyverno accepts the legacy lowercase `enforce` / `audit`. */
export function readAction(value: JsonValue | undefined, at: FieldPath, fail: Fail): FailureAction | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === "string" && ["enforce", "audit"].includes(value.toLowerCase()))
    return value.toLowerCase() === "enforce" ? "Enforce" : "Audit";
  fail(at, `must be Enforce or Audit, not ${JSON.stringify(value)}`);
  return undefined;
}

export function readOverrides(value: JsonValue | undefined, at: FieldPath, fail: Fail): ActionOverride[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) {
    fail(at, "must be a list of {action, namespaces, namespaceSelector}");
    return [];
  }
  const overrides: ActionOverride[] = [];
  value.forEach((entry, index) => {
    if (!isObject(entry)) return fail([...at, index], "must be a mapping with action, namespaces and/or namespaceSelector");
    checkKeys(entry, ["action", "namespaces", "namespaceSelector"], [...at, index], fail);
    const action = readAction(entry["action"], [...at, index, "action"], fail);
    if (!action) return;
    const override: ActionOverride = { action, namespaces: stringList(entry["namespaces"], [...at, index, "namespaces"], fail) };
    if (isObject(entry["namespaceSelector"])) override.namespaceSelector = entry["namespaceSelector"];
    overrides.push(override);
  });
  return overrides;
}

function readRule(rule: JsonValue, at: FieldPath, names: Set<string>, fail: Fail): void {
  if (!isObject(rule)) return fail(at, "each rule must be a mapping with name, match and one of validate, mutate, generate, verifyImages");
  checkKeys(rule, RULE_KEYS, at, fail);
  const name = rule["name"];
  if (typeof name !== "string" || name === "") fail(at, "each rule needs a name");
  else if (names.has(name)) fail([...at, "name"], `rule name "${name}" is used twice in this policy`);
  else names.add(name);
  const kinds = ["validate", "mutate", "generate", "verifyImages"].filter((key) => rule[key] !== undefined && rule[key] !== null);
  if (kinds.length !== 1)
    fail(
      at,
      `a rule needs exactly one of validate, mutate, generate, verifyImages${kinds.length > 1 ? `, not ${kinds.join(" and ")}` : ""}`,
    );
  if (!isObject(rule["match"])) fail(rule["match"] === undefined ? at : [...at, "match"], "a rule needs a match block");
  else readMatchBlock(rule["match"], [...at, "match"], fail);
  if (rule["exclude"] !== undefined && rule["exclude"] !== null) {
    if (!isObject(rule["exclude"])) fail([...at, "exclude"], "exclude must be a mapping");
    else readMatchBlock(rule["exclude"], [...at, "exclude"], fail);
  }
  readContext(rule["context"], [...at, "context"], fail);
  readConditions(rule["preconditions"], [...at, "preconditions"], fail);
  const validate = rule["validate"];
  if (validate !== undefined && validate !== null) readValidate(validate, [...at, "validate"], fail);
  // Kyverno refuses the policy: only a validate.cel rule has CEL to run its celPreconditions with.
  const celRule = isObject(validate) && validate["cel"] !== undefined && validate["cel"] !== null;
  if (rule["celPreconditions"] !== undefined && rule["celPreconditions"] !== null && !celRule) {
    fail([...at, "celPreconditions"], "celPreconditions can only be used with validate.cel; use preconditions with other rules");
  }
  checkExpressions(rule, at, fail);
}

function readMatchBlock(block: JsonObject, at: FieldPath, fail: Fail): void {
  checkKeys(block, MATCH_KEYS, at, fail);
  const any = block["any"];
  const all = block["all"];
  if (any !== undefined && all !== undefined) fail(at, "use either any or all, not both");
  for (const key of ["any", "all"] as const) {
    const list = block[key];
    if (list === undefined || list === null) continue;
    if (!Array.isArray(list)) {
      fail([...at, key], `${key} must be a list of resource filters`);
      continue;
    }
    list.forEach((filter, index) => {
      if (!isObject(filter))
        return fail([...at, key, index], "each filter must be a mapping with resources and/or subjects, roles, clusterRoles");
      checkKeys(filter, FILTER_KEYS, [...at, key, index], fail);
      readResources(filter["resources"], [...at, key, index, "resources"], fail);
    });
  }
  if ((any !== undefined || all !== undefined) && block["resources"] !== undefined)
    fail([...at, "resources"], "resources cannot be combined with any/all");
  readResources(block["resources"], [...at, "resources"], fail);
}

function readResources(value: JsonValue | undefined, at: FieldPath, fail: Fail): void {
  if (value === undefined || value === null) return;
  if (!isObject(value)) return fail(at, "resources must be a mapping");
  checkKeys(value, RESOURCE_KEYS, at, fail);
  for (const key of ["kinds", "names", "namespaces", "operations"]) stringList(value[key], [...at, key], fail);
  for (const operation of stringList(value["operations"], [...at, "operations"], () => undefined)) {
    if (!OPERATIONS.includes(operation))
      fail([...at, "operations"], `unknown operation "${operation}"; operations are ${OPERATIONS.join(", ")}`);
  }
  for (const key of ["selector", "namespaceSelector", "annotations"]) {
    if (value[key] !== undefined && value[key] !== null && !isObject(value[key])) fail([...at, key], `${key} must be a mapping`);
  }
}

function readContext(value: JsonValue | undefined, at: FieldPath, fail: Fail): void {
  if (value === undefined || value === null) return;
  if (!Array.isArray(value)) return fail(at, "context must be a list of entries");
  value.forEach((entry, index) => {
    if (!isObject(entry)) return fail([...at, index], "each context entry must be a mapping with a name");
    checkKeys(entry, CONTEXT_KEYS, [...at, index], fail);
    if (typeof entry["name"] !== "string" || entry["name"] === "") fail([...at, index], "each context entry needs a name");
    const sources = ["variable", "apiCall", "configMap", "globalReference", "imageRegistry"].filter(
      (key) => entry[key] !== undefined && entry[key] !== null,
    );
    if (sources.length !== 1)
      fail([...at, index], "a context entry needs exactly one of variable, apiCall, configMap, globalReference, imageRegistry");
    if (isObject(entry["variable"])) checkKeys(entry["variable"], VARIABLE_KEYS, [...at, index, "variable"], fail);
  });
}

function readConditions(value: JsonValue | undefined, at: FieldPath, fail: Fail): void {
  if (value === undefined || value === null) return;
  const readList = (list: JsonValue, listAt: FieldPath): void => {
    if (!Array.isArray(list)) return fail(listAt, "conditions must be a list of {key, operator, value}");
    list.forEach((condition, index) => {
      if (!isObject(condition)) return fail([...listAt, index], "each condition must be a mapping with key, operator and value");
      checkKeys(condition, CONDITION_KEYS, [...listAt, index], fail);
      const operator = condition["operator"];
      const known = CONDITION_OPERATORS.map((name) => name.toLowerCase());
      if (typeof operator !== "string" || !known.includes(operator.toLowerCase())) {
        fail(
          [...listAt, index, "operator"],
          `unknown condition operator ${JSON.stringify(operator ?? null)}${typeof operator === "string" ? didYouMean(operator, CONDITION_OPERATORS) : ""}; operators: ${CONDITION_OPERATORS.join(", ")}`,
        );
      }
    });
  };
  if (Array.isArray(value)) return readList(value, at);
  if (!isObject(value)) return fail(at, "conditions must be a mapping with any and/or all, or a list");
  checkKeys(value, ["any", "all"], at, fail);
  for (const key of ["any", "all"]) if (value[key] !== undefined && value[key] !== null) readList(value[key] as JsonValue, [...at, key]);
}

function readValidate(value: JsonValue, at: FieldPath, fail: Fail): void {
  if (!isObject(value)) return fail(at, "validate must be a mapping");
  checkKeys(value, VALIDATE_KEYS, at, fail);
  const kinds = VALIDATE_KINDS.filter((key) => value[key] !== undefined && value[key] !== null);
  if (kinds.length !== 1)
    fail(at, `validate needs exactly one of ${VALIDATE_KINDS.join(", ")}${kinds.length > 1 ? `, not ${kinds.join(" and ")}` : ""}`);
  readAction(value["failureAction"], [...at, "failureAction"], fail);
  readOverrides(value["failureActionOverrides"], [...at, "failureActionOverrides"], fail);
  if (value["message"] !== undefined && typeof value["message"] !== "string") fail([...at, "message"], "message must be a string");
  if (value["anyPattern"] !== undefined && !Array.isArray(value["anyPattern"]))
    fail([...at, "anyPattern"], "anyPattern must be a list of patterns");
  if (value["deny"] !== undefined && value["deny"] !== null) readDeny(value["deny"], [...at, "deny"], fail);
  if (value["foreach"] !== undefined) readForeach(value["foreach"], [...at, "foreach"], fail);
  if (value["podSecurity"] !== undefined) {
    const read = readPodSecurity(value["podSecurity"]);
    if ("errors" in read) for (const error of read.errors) fail([...at, "podSecurity", ...error.path], error.message);
  }
}

function readDeny(value: JsonValue, at: FieldPath, fail: Fail): void {
  if (!isObject(value)) return fail(at, "deny must be a mapping with conditions");
  checkKeys(value, ["conditions"], at, fail);
  readConditions(value["conditions"], [...at, "conditions"], fail);
}

function readForeach(value: JsonValue, at: FieldPath, fail: Fail): void {
  if (!Array.isArray(value)) return fail(at, "foreach must be a list");
  value.forEach((entry, index) => {
    const entryAt = [...at, index];
    if (!isObject(entry)) return fail(entryAt, "each foreach entry must be a mapping with list and a pattern, anyPattern, deny or foreach");
    checkKeys(entry, FOREACH_KEYS, entryAt, fail);
    if (typeof entry["list"] !== "string" || entry["list"].trim() === "")
      fail(entryAt, "each foreach entry needs a list (a JMESPath expression)");
    const kinds = ["pattern", "anyPattern", "deny", "foreach"].filter((key) => entry[key] !== undefined && entry[key] !== null);
    if (kinds.length !== 1) fail(entryAt, "a foreach entry needs exactly one of pattern, anyPattern, deny, foreach");
    if (entry["elementScope"] !== undefined && typeof entry["elementScope"] !== "boolean")
      fail([...entryAt, "elementScope"], "elementScope must be true or false");
    readContext(entry["context"], [...entryAt, "context"], fail);
    readConditions(entry["preconditions"], [...entryAt, "preconditions"], fail);
    if (entry["deny"] !== undefined && entry["deny"] !== null) readDeny(entry["deny"], [...entryAt, "deny"], fail);
    if (entry["foreach"] !== undefined && entry["foreach"] !== null) readForeach(entry["foreach"], [...entryAt, "foreach"], fail);
    if (typeof entry["list"] === "string") checkExpression(entry["list"], [...entryAt, "list"], fail);
  });
}

/** JMESPath syntax errors in `{{ }}` variables, reported where they are written. */
function checkExpressions(value: JsonValue, at: FieldPath, fail: Fail): void {
  if (typeof value === "string") {
    for (const match of value.matchAll(/\{\{-?((?:[^{}]|\{[^{}]*\})*)\}\}/g)) {
      const expression = (match[1] as string).trim();
      if (expression !== "@" && !/\{\{/.test(expression)) checkExpression(expression, at, fail);
    }
    return;
  }
  if (Array.isArray(value)) value.forEach((item, index) => checkExpressions(item, [...at, index], fail));
  else if (isObject(value)) for (const [key, item] of Object.entries(value)) checkExpressions(item, [...at, key], fail);
}

function checkExpression(expression: string, at: FieldPath, fail: Fail): void {
  if (/\{\{/.test(expression)) return; // resolved at evaluation, after the inner variables
  try {
    compile(expression, { enable_legacy_literals: true });
  } catch (error) {
    fail(at, `invalid JMESPath ${JSON.stringify(expression)}: ${(error as Error).message}`);
  }
}

function stringList(value: JsonValue | undefined, at: FieldPath, fail: Fail): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || value.some((item) => typeof item !== "string")) {
    fail(at, `${String(at[at.length - 1])} must be a list of strings`);
    return [];
  }
  return value as string[];
}

function checkKeys(object: JsonObject, allowed: readonly string[], at: FieldPath, fail: Fail): void {
  for (const key of Object.keys(object)) {
    if (!allowed.includes(key)) {
      const problem = unknownKey(key, at.length === 0 ? "the document" : at.join("."), allowed);
      fail([...at, key], problem.message, "unknown-key", problem.suggestion);
    }
  }
}
