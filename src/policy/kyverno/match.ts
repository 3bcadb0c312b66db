/**
 * Kyverno `match` / `exclude` (kyverno pkg/engine/utils/match.go): `any` (one filter matches), `all`
 * (every filter matches) or a single filter; within a filter every field given must hold. Kinds take
 * upstream's selector forms (`Pod`, `v1/Pod`, `apps/v1/Deployment`, `Pod/ephemeralcontainers`, `*`,
 * wildcards); names, namespaces and annotations match with wildcards.
 *
 * Who makes the request is unknown for a manifest in a pull request: as in the Kyverno CLI without
 * user info, `match` ignores `subjects`/`roles`/`clusterRoles`, and an `exclude` that names them
 * excludes nothing, so the rule still judges the object (fail closed).
 */
import type { JsonObject, JsonValue } from "../../manifests/types.js";
import { apiGroupOf } from "../../manifests/resource.js";
import { wildcardMatch } from "./wildcard.js";
import { isObject } from "../../manifests/json.js";
import { stringsOf } from "./lists.js";

export interface MatchRequest {
  object: JsonObject;
  operation: string;
  /** Labels of the object's Namespace when the check knows that Namespace; undefined when it does not. */
  namespaceLabels: Record<string, string> | undefined;
  /** Whether the request carries user info (an AdmissionReview with `userInfo`). */
  userInfo?: { username?: string; groups?: string[] } | undefined;
}

/** Does the rule's `match` select the object, and its `exclude` not remove it? */
export function ruleMatches(match: JsonValue | undefined, exclude: JsonValue | undefined, request: MatchRequest): boolean {
  if (!isObject(match) || !matchesBlock(match, request, "match")) return false;
  if (isObject(exclude) && matchesBlock(exclude, request, "exclude")) return false;
  return true;
}

function matchesBlock(block: JsonObject, request: MatchRequest, mode: "match" | "exclude"): boolean {
  const any = block["any"];
  const all = block["all"];
  if (Array.isArray(any) && any.length > 0) return any.some((filter) => filterMatches(filter, request, mode));
  if (Array.isArray(all) && all.length > 0) return all.every((filter) => filterMatches(filter, request, mode));
  return filterMatches(block, request, mode);
}

/** One ResourceFilter: `resources` plus user info. An empty filter matches nothing. */
function filterMatches(filter: JsonValue, request: MatchRequest, mode: "match" | "exclude"): boolean {
  if (!isObject(filter)) return false;
  const { resources, userKeys, hasResources } = filterShape(filter);
  if (!hasResources && userKeys.length === 0) return false;
  if (hasResources && !resourcesMatch(resources, request, mode)) return false;
  if (userKeys.length > 0 && mode === "exclude") return userMatches(filter, request);
  return true;
}

interface FilterShape {
  resources: JsonObject;
  userKeys: string[];
  hasResources: boolean;
}

/** Policies never change: what a filter names is read once, not per object. */
const filterShapes = new WeakMap<JsonObject, FilterShape>();

function filterShape(filter: JsonObject): FilterShape {
  let shape = filterShapes.get(filter);
  if (!shape) {
    const resources = isObject(filter["resources"]) ? filter["resources"] : {};
    shape = {
      resources,
      userKeys: ["subjects", "roles", "clusterRoles"].filter(
        (key) => Array.isArray(filter[key]) && (filter[key] as JsonValue[]).length > 0,
      ),
      hasResources: Object.values(resources).some((value) => !isEmpty(value)),
    };
    filterShapes.set(filter, shape);
  }
  return shape;
}

/** The strings of a policy's list (kinds, names, operations), read once per list. */
const policyLists = new WeakMap<JsonValue[], string[]>();

function policyStrings(value: JsonValue | undefined): string[] {
  if (!Array.isArray(value)) return [];
  let strings = policyLists.get(value);
  if (!strings) {
    strings = stringsOf(value);
    policyLists.set(value, strings);
  }
  return strings;
}

/** Only subjects of kind User/Group can be checked, and only when the request says who makes it. */
function userMatches(filter: JsonObject, request: MatchRequest): boolean {
  const user = request.userInfo;
  if (!user) return false;
  const subjects = filter["subjects"];
  if (!Array.isArray(subjects) || subjects.length === 0) return false;
  return subjects.some((subject) => {
    if (!isObject(subject)) return false;
    const name = typeof subject["name"] === "string" ? subject["name"] : "";
    if (subject["kind"] === "User") return user.username === name;
    if (subject["kind"] === "Group") return (user.groups ?? []).includes(name);
    if (subject["kind"] === "ServiceAccount")
      return user.username === `system:serviceaccount:${String(subject["namespace"] ?? "")}:${name}`;
    return false;
  });
}

function resourcesMatch(resources: JsonObject, request: MatchRequest, mode: "match" | "exclude"): boolean {
  const { object } = request;
  const kind = stringField(object, "kind");
  const metadata = isObject(object["metadata"]) ? object["metadata"] : {};
  const name = stringField(metadata, "name") || stringField(metadata, "generateName");
  const namespace = kind === "Namespace" ? stringField(metadata, "name") : stringField(metadata, "namespace");

  const operations = policyStrings(resources["operations"]);
  if (operations.length > 0 && !operations.includes(request.operation)) return false;
  const kinds = policyStrings(resources["kinds"]);
  if (kinds.length > 0 && !kindMatches(kinds, object)) return false;
  const single = resources["name"];
  if (typeof single === "string" && single !== "" && !wildcardMatch(single, name)) return false;
  const names = policyStrings(resources["names"]);
  if (names.length > 0 && !names.some((pattern) => wildcardMatch(pattern, name))) return false;
  const namespaces = policyStrings(resources["namespaces"]);
  if (namespaces.length > 0 && !namespaces.some((pattern) => wildcardMatch(pattern, namespace))) return false;
  const annotations = resources["annotations"];
  if (isObject(annotations) && !annotationsMatch(annotations, stringMap(metadata["annotations"]))) return false;
  const selector = resources["selector"];
  if (isObject(selector) && !selectorMatches(selector, stringMap(metadata["labels"]))) return false;
  const namespaceSelector = resources["namespaceSelector"];
  if (isObject(namespaceSelector)) {
    if (kind === "Namespace") return false; // upstream: not applicable to a Namespace
    // A Namespace the check does not see cannot be judged: it keeps the rule applying (matches, never excludes).
    if (request.namespaceLabels === undefined) return mode === "match";
    if (!selectorMatches(namespaceSelector, request.namespaceLabels)) return false;
  }
  return true;
}

type KindSelector = [group: string, version: string, kind: string, subresource: string];
/** Policies repeat a few selectors over every object: each is parsed once. */
const parsedSelectors = new Map<string, KindSelector>();

/** Kind selector forms, as kyverno pkg/utils/kube ParseKindSelector reads them. */
export function parseKindSelector(input: string): KindSelector {
  let parsed = parsedSelectors.get(input);
  if (!parsed) {
    parsed = parseKindSelectorText(input);
    if (parsedSelectors.size > 10000) parsedSelectors.clear();
    parsedSelectors.set(input, parsed);
  }
  return parsed;
}

function parseKindSelectorText(input: string): KindSelector {
  let parts = input.split("/");
  parts = [...parts.slice(0, -1), ...(parts[parts.length - 1] as string).split(".")];
  const isVersion = (text: string): boolean => /^(v\d+((alpha|beta)\d+)?|\*)$/.test(text);
  const [a = "", b = "", c = "", d = ""] = parts;
  switch (parts.length) {
    case 1:
      return ["*", "*", a, ""];
    case 2:
      if (a === "*" && b === "*") return ["*", "*", "*", "*"];
      if (a === "*" && b.toLowerCase() === b) return ["*", "*", a, b];
      if (isVersion(a)) return ["*", a, b, ""];
      return ["*", "*", a, b];
    case 3:
      if (isVersion(a)) return ["*", a, b, c];
      return [a, b, c, ""];
    case 4:
      return [a, b, c, d];
    default:
      return ["", "", "", ""];
  }
}

export function kindMatches(selectors: readonly string[], object: JsonObject): boolean {
  const apiVersion = stringField(object, "apiVersion");
  const group = apiGroupOf(apiVersion);
  const version = apiVersion.includes("/") ? apiVersion.slice(apiVersion.indexOf("/") + 1) : apiVersion;
  const kind = stringField(object, "kind");
  return selectors.some((selector) => {
    const [g, v, k, sub] = parseKindSelector(selector);
    return wildcardMatch(g, group) && wildcardMatch(v, version) && wildcardMatch(k, kind) && wildcardMatch(sub, "");
  });
}

function annotationsMatch(expected: JsonObject, actual: Record<string, string>): boolean {
  return Object.entries(expected).every(([key, value]) =>
    Object.entries(actual).some(([actualKey, actualValue]) => wildcardMatch(key, actualKey) && wildcardMatch(String(value), actualValue)),
  );
}

/** metav1.LabelSelector; `matchLabels` keys and values may hold wildcards (kyverno ReplaceInSelector). */
export function selectorMatches(selector: JsonObject, labels: Record<string, string>): boolean {
  const matchLabels = isObject(selector["matchLabels"]) ? selector["matchLabels"] : {};
  for (const [key, value] of Object.entries(matchLabels)) {
    const wanted = String(value);
    const ok = Object.entries(labels).some(([labelKey, labelValue]) => wildcardMatch(key, labelKey) && wildcardMatch(wanted, labelValue));
    if (!ok) return false;
  }
  const expressions = Array.isArray(selector["matchExpressions"]) ? selector["matchExpressions"] : [];
  for (const expression of expressions) {
    if (!isObject(expression)) return false;
    const key = stringField(expression, "key");
    const values = stringsOf(expression["values"]);
    const has = Object.hasOwn(labels, key);
    switch (expression["operator"]) {
      case "In":
        if (!has || !values.includes(labels[key] as string)) return false;
        break;
      case "NotIn":
        if (has && values.includes(labels[key] as string)) return false;
        break;
      case "Exists":
        if (!has) return false;
        break;
      case "DoesNotExist":
        if (has) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}

function isEmpty(value: JsonValue): boolean {
  if (value === null || value === "") return true;
  if (Array.isArray(value)) return value.length === 0;
  return isObject(value) && Object.keys(value).length === 0;
}

function stringMap(value: JsonValue | undefined): Record<string, string> {
  const result: Record<string, string> = {};
  if (isObject(value)) for (const [key, item] of Object.entries(value)) if (typeof item === "string") result[key] = item;
  return result;
}

function stringField(object: JsonObject, key: string): string {
  const value = object[key];
  return typeof value === "string" ? value : "";
}

/**
 * The kind selectors an object must satisfy (one of) for `match` to select it, when `match` implies
 * any: a necessary condition, checked once per kind so rules for other kinds cost nothing per object.
 */
export function kindGate(match: JsonValue | undefined): string[] | undefined {
  if (!isObject(match)) return undefined;
  const kindsOf = (filter: JsonValue): string[] =>
    isObject(filter) && isObject(filter["resources"]) ? stringsOf(filter["resources"]["kinds"]) : [];
  const any = match["any"];
  const all = match["all"];
  if (Array.isArray(any) && any.length > 0) {
    const lists = any.map(kindsOf);
    return lists.every((list) => list.length > 0) ? lists.flat() : undefined;
  }
  if (Array.isArray(all) && all.length > 0) return all.map(kindsOf).find((list) => list.length > 0);
  const kinds = kindsOf(match);
  return kinds.length > 0 ? kinds : undefined;
}
