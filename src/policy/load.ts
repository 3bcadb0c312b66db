/**
 * Reads one policy document (kube-policy-bot `PodSecurity`, Gatekeeper constraints, Kyverno
 * `ClusterPolicy`/`Policy`) and validates it.
 * Every problem is reported with file, line and what is wrong: a policy that silently does nothing
 * is worse than one that fails to load.
 */
import type { FieldPath, JsonObject, JsonValue, SourceDocument, InputError } from "../manifests/types.js";
import { isKyvernoPolicyDocument, KYVERNO_KINDS, readKyvernoPolicy } from "./kyverno/index.js";
import { didYouMean } from "./suggest.js";
import type { CompileEnvironment, EnforcementAction, LabelSelector, MatchSpec, Policy, PolicyKind } from "./types.js";
import { isObject } from "../manifests/json.js";

export interface PolicySource {
  file: string;
  content: string | Uint8Array;
}

/**
 * The names a `scoped` enforcement action answers to. Gatekeeper calls shift-left evaluation
 * `gator.gatekeeper.sh`; a pull-request gate is exactly that, so a constraint copied from a cluster
 * behaves here as it does in gator. Our own name lets an org scope an action to this tool alone.
 */
export const ENFORCEMENT_POINTS: readonly string[] = ["kube-policy-bot.dev", "gator.gatekeeper.sh", "*"];

const ACTION_STRENGTH: Record<EnforcementAction, number> = { dryrun: 0, warn: 1, deny: 2 };
const TOP_LEVEL_KEYS = ["apiVersion", "kind", "metadata", "spec", "status"];
const SPEC_KEYS = ["enforcementAction", "scopedEnforcementActions", "match", "parameters"];
const MATCH_KEYS = ["kinds", "namespaces", "excludedNamespaces", "labelSelector", "namespaceSelector", "name", "scope", "source"];
const SELECTOR_OPERATORS = ["In", "NotIn", "Exists", "DoesNotExist"];

/** Document kinds that may sit beside policies and are not policies themselves. */
const CONSTRAINT_TEMPLATE_API = "templates.gatekeeper.sh/";

export interface DocumentResult {
  policy?: Policy;
  /** False when a `scoped` action names no enforcement point we answer to. */
  active: boolean;
  errors: InputError[];
}

/** One policy document read and validated (policy files are read by config/policy-files.ts). */
export function readPolicyDocument(
  file: string,
  document: SourceDocument,
  kinds: ReadonlyMap<string, PolicyKind>,
  /** Kinds other readers take from the same files: offered by did-you-mean, never reported unknown here. */
  companionKinds: readonly string[] = [],
  /** What the policy is compiled with besides its parameters (the cluster's Pod Security configuration). */
  environment: CompileEnvironment = {},
): DocumentResult {
  const errors: InputError[] = [];
  const fail = (path: FieldPath, message: string): void => {
    const at = document.locate(path);
    errors.push({ file, line: at.line, column: at.column, message });
  };
  const done = (): DocumentResult => ({ active: false, errors });

  const root = document.value;
  if (root === null) return done(); // an empty document, e.g. a trailing `---`
  if (!isObject(root)) {
    fail([], "a policy document must be a mapping with apiVersion, kind, metadata and spec");
    return done();
  }
  const supported = [...kinds.keys(), ...KYVERNO_KINDS.map((name) => `${name} (kyverno.io)`)].sort().join(", ");
  const apiVersion = root["apiVersion"];
  const kind = root["kind"];
  if (typeof apiVersion !== "string" || apiVersion === "") fail(["apiVersion"], "missing apiVersion");
  if (typeof kind !== "string" || kind === "") {
    fail(["kind"], `missing kind; supported kinds: ${supported}`);
    return done();
  }
  if (typeof apiVersion !== "string") return done();

  if (apiVersion.startsWith(CONSTRAINT_TEMPLATE_API) && kind === "ConstraintTemplate") {
    return readConstraintTemplate(root, kinds, fail, supported, errors);
  }

  if (isKyvernoPolicyDocument(apiVersion, kind)) {
    const kyverno = readKyvernoPolicy(file, document);
    return kyverno.policy ? { policy: kyverno.policy, active: true, errors: kyverno.errors } : { active: false, errors: kyverno.errors };
  }

  const handler = kinds.get(kind);
  if (!handler) {
    fail(["kind"], `unknown policy kind "${kind}"${didYouMean(kind, [...kinds.keys(), ...companionKinds])}; supported kinds: ${supported}`);
    return done();
  }
  if (!handler.apiVersions.includes(apiVersion)) {
    fail(["apiVersion"], `kind ${kind} needs apiVersion ${handler.apiVersions.join(" or ")}, not "${apiVersion}"`);
  }
  checkKeys(root, TOP_LEVEL_KEYS, [], fail);

  const metadata = root["metadata"];
  const name = isObject(metadata) ? metadata["name"] : undefined;
  if (typeof name !== "string" || name === "") {
    fail(isObject(metadata) ? ["metadata"] : [], "missing metadata.name: every policy needs a name");
    return done();
  }

  const spec = root["spec"] ?? {};
  if (!isObject(spec)) {
    fail(["spec"], "spec must be a mapping");
    return done();
  }
  checkKeys(spec, SPEC_KEYS, ["spec"], fail);

  const action = readEnforcementAction(spec, fail);
  const match = readMatch(spec["match"], ["spec", "match"], fail);

  const compiled = handler.compile(spec["parameters"], environment);
  if ("errors" in compiled) {
    for (const error of compiled.errors) {
      const path = ["spec", "parameters", ...error.path];
      fail(spec["parameters"] === undefined ? ["spec"] : path, `${kind} "${name}": ${error.message}`);
    }
  }
  if (errors.length > 0 || "errors" in compiled || action === "invalid") return done();

  const policy: Policy = {
    apiVersion,
    kind,
    name,
    file,
    range: document.locate([]),
    enforcementAction: action ?? "dryrun",
    match,
    parameters: spec["parameters"],
    target: handler.target,
    evaluate: compiled.evaluator,
  };
  if (compiled.describeNamespace) policy.describeNamespace = compiled.describeNamespace;
  return { policy, active: action !== undefined, errors };
}

/**
 * A ConstraintTemplate copied along with its constraints is accepted when we implement its kind
 * natively (the Rego is not run); one we do not implement is an error, never a silent pass.
 */
function readConstraintTemplate(
  root: JsonObject,
  kinds: ReadonlyMap<string, PolicyKind>,
  fail: (path: FieldPath, message: string) => void,
  supported: string,
  errors: InputError[],
): DocumentResult {
  const path = ["spec", "crd", "spec", "names", "kind"];
  let value: JsonValue | undefined = root;
  for (const key of path) value = isObject(value) ? value[key] : undefined;
  if (typeof value !== "string" || !kinds.has(value)) {
    fail(typeof value === "string" ? path : [], `ConstraintTemplate for ${typeof value === "string" ? `"${value}"` : "an unnamed kind"} is not supported: kube-policy-bot implements constraint kinds natively and does not run Rego; supported kinds: ${supported}`);
  }
  return { active: false, errors };
}

/** `undefined` means: scoped to enforcement points we do not answer to, so the policy is inactive here. */
function readEnforcementAction(
  spec: JsonObject,
  fail: (path: FieldPath, message: string) => void,
): EnforcementAction | undefined | "invalid" {
  const value = spec["enforcementAction"] ?? "deny";
  const plain = ["deny", "warn", "dryrun"];
  if (typeof value !== "string" || ![...plain, "scoped"].includes(value)) {
    fail(["spec", "enforcementAction"], `enforcementAction must be deny, warn, dryrun or scoped, not ${JSON.stringify(value)}${typeof value === "string" ? didYouMean(value, [...plain, "scoped"]) : ""}`);
    return "invalid";
  }
  const scoped = spec["scopedEnforcementActions"];
  if (value !== "scoped") {
    if (scoped !== undefined) fail(["spec", "scopedEnforcementActions"], 'scopedEnforcementActions needs enforcementAction: scoped');
    return value as EnforcementAction;
  }
  if (!Array.isArray(scoped) || scoped.length === 0) {
    fail(["spec", "enforcementAction"], "enforcementAction: scoped needs a non-empty scopedEnforcementActions list");
    return "invalid";
  }
  let chosen: EnforcementAction | undefined;
  let invalid = false;
  scoped.forEach((entry, index) => {
    const at = ["spec", "scopedEnforcementActions", index];
    if (!isObject(entry)) {
      fail(at, "each scopedEnforcementActions entry must be a mapping with action and enforcementPoints");
      invalid = true;
      return;
    }
    checkKeys(entry, ["action", "enforcementPoints"], at, fail);
    const action = entry["action"];
    if (typeof action !== "string" || !plain.includes(action)) {
      fail([...at, "action"], `action must be deny, warn or dryrun, not ${JSON.stringify(action ?? null)}`);
      invalid = true;
      return;
    }
    const points = entry["enforcementPoints"];
    if (!Array.isArray(points)) {
      fail([...at, "enforcementPoints"], "enforcementPoints must be a list of {name: ...}");
      invalid = true;
      return;
    }
    const names = points.map((point) => (isObject(point) ? point["name"] : undefined));
    if (names.some((pointName) => typeof pointName !== "string")) {
      fail([...at, "enforcementPoints"], "each enforcement point needs a name");
      invalid = true;
      return;
    }
    if (names.some((pointName) => ENFORCEMENT_POINTS.includes(pointName as string))) {
      const strength = ACTION_STRENGTH[action as EnforcementAction];
      if (chosen === undefined || strength > ACTION_STRENGTH[chosen]) chosen = action as EnforcementAction;
    }
  });
  return invalid ? "invalid" : chosen;
}

function readMatch(value: JsonValue | undefined, at: FieldPath, fail: (path: FieldPath, message: string) => void): MatchSpec {
  if (value === undefined || value === null) return {};
  if (!isObject(value)) {
    fail(at, "match must be a mapping");
    return {};
  }
  checkKeys(value, MATCH_KEYS, at, fail);
  const match: MatchSpec = {};
  const kinds = value["kinds"];
  if (kinds !== undefined) {
    if (!Array.isArray(kinds)) fail([...at, "kinds"], "match.kinds must be a list of {apiGroups: [...], kinds: [...]}");
    else {
      match.kinds = kinds.map((entry, index) => {
        const entryAt = [...at, "kinds", index];
        if (!isObject(entry)) {
          fail(entryAt, "each match.kinds entry must be a mapping with apiGroups and kinds");
          return { apiGroups: [], kinds: [] };
        }
        checkKeys(entry, ["apiGroups", "kinds"], entryAt, fail);
        return {
          apiGroups: stringList(entry["apiGroups"], [...entryAt, "apiGroups"], fail) ?? [],
          kinds: stringList(entry["kinds"], [...entryAt, "kinds"], fail) ?? [],
        };
      });
    }
  }
  const namespaces = stringList(value["namespaces"], [...at, "namespaces"], fail);
  if (namespaces) match.namespaces = namespaces;
  const excluded = stringList(value["excludedNamespaces"], [...at, "excludedNamespaces"], fail);
  if (excluded) match.excludedNamespaces = excluded;
  const labelSelector = readSelector(value["labelSelector"], [...at, "labelSelector"], fail);
  if (labelSelector) match.labelSelector = labelSelector;
  const namespaceSelector = readSelector(value["namespaceSelector"], [...at, "namespaceSelector"], fail);
  if (namespaceSelector) match.namespaceSelector = namespaceSelector;
  const name = value["name"];
  if (name !== undefined) {
    if (typeof name !== "string") fail([...at, "name"], "match.name must be a string");
    else match.name = name;
  }
  const scope = value["scope"];
  if (scope !== undefined) {
    if (scope !== "*" && scope !== "Cluster" && scope !== "Namespaced") {
      fail([...at, "scope"], `match.scope must be "*", "Cluster" or "Namespaced", not ${JSON.stringify(scope)}`);
    } else match.scope = scope;
  }
  const source = value["source"];
  if (source !== undefined && source !== "All" && source !== "Original" && source !== "Generated") {
    fail([...at, "source"], `match.source must be All, Original or Generated, not ${JSON.stringify(source)}`);
  }
  return match;
}

function readSelector(value: JsonValue | undefined, at: FieldPath, fail: (path: FieldPath, message: string) => void): LabelSelector | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isObject(value)) {
    fail(at, "a label selector must be a mapping with matchLabels and/or matchExpressions");
    return undefined;
  }
  checkKeys(value, ["matchLabels", "matchExpressions"], at, fail);
  const selector: LabelSelector = {};
  const labels = value["matchLabels"];
  if (labels !== undefined && labels !== null) {
    if (!isObject(labels)) fail([...at, "matchLabels"], "matchLabels must be a mapping of label to value");
    else {
      selector.matchLabels = {};
      for (const [key, label] of Object.entries(labels)) {
        if (typeof label !== "string") fail([...at, "matchLabels", key], `label value for "${key}" must be a string (quote it)`);
        else selector.matchLabels[key] = label;
      }
    }
  }
  const expressions = value["matchExpressions"];
  if (expressions !== undefined && expressions !== null) {
    if (!Array.isArray(expressions)) fail([...at, "matchExpressions"], "matchExpressions must be a list");
    else {
      selector.matchExpressions = [];
      expressions.forEach((expression, index) => {
        const exprAt = [...at, "matchExpressions", index];
        if (!isObject(expression)) return fail(exprAt, "each match expression must be a mapping with key, operator and values");
        checkKeys(expression, ["key", "operator", "values"], exprAt, fail);
        const key = expression["key"];
        const operator = expression["operator"];
        if (typeof key !== "string" || key === "") return fail(exprAt, "a match expression needs a key");
        if (typeof operator !== "string" || !SELECTOR_OPERATORS.includes(operator)) {
          return fail([...exprAt, "operator"], `operator must be one of ${SELECTOR_OPERATORS.join(", ")}`);
        }
        const values = stringList(expression["values"], [...exprAt, "values"], fail) ?? [];
        if ((operator === "In" || operator === "NotIn") && values.length === 0) {
          return fail(exprAt, `operator ${operator} needs a non-empty values list`);
        }
        if ((operator === "Exists" || operator === "DoesNotExist") && values.length > 0) {
          return fail([...exprAt, "values"], `operator ${operator} takes no values`);
        }
        selector.matchExpressions?.push({ key, operator: operator as "In" | "NotIn" | "Exists" | "DoesNotExist", values });
      });
    }
  }
  return selector;
}

function stringList(value: JsonValue | undefined, at: FieldPath, fail: (path: FieldPath, message: string) => void): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || value.some((item) => typeof item !== "string")) {
    fail(at, `${String(at[at.length - 1])} must be a list of strings`);
    return undefined;
  }
  return value as string[];
}

function checkKeys(object: JsonObject, allowed: readonly string[], at: FieldPath, fail: (path: FieldPath, message: string) => void): void {
  for (const key of Object.keys(object)) {
    if (!allowed.includes(key)) {
      const where = at.length === 0 ? "the document" : at.join(".");
      fail([...at, key], `unknown field "${key}" in ${where}${didYouMean(key, allowed)}; allowed: ${allowed.join(", ")}`);
    }
  }
}
