/**
 * Gatekeeper `spec.match` semantics (open-policy-agent/gatekeeper pkg/mutation/match), applied the way
 * gator (Gatekeeper's offline CLI) applies them: an object that declares no namespace cannot be
 * disqualified by `namespaces` or `excludedNamespaces`, so a manifest that omits its namespace is
 * still judged (we do not know where it will be applied, and a gate must fail closed).
 */
import type { JsonObject } from "../manifests/types.js";
import { apiGroupOf, isClusterScoped } from "../manifests/resource.js";
import { labelsOf } from "./object-labels.js";
import type { LabelSelector, MatchSpec } from "./types.js";

/** What `match` looks at: the judged object and the `Namespace` objects known to the check. */
export interface MatchTarget {
  object: JsonObject;
  namespaces: ReadonlyMap<string, JsonObject>;
  /**
   * `request.namespace` of an AdmissionReview: at admission Gatekeeper matches the namespace of the
   * request (the Namespace it looks up), falling back to the object's own only when there is none.
   */
  requestNamespace?: string;
}

export function matches(match: MatchSpec, target: MatchTarget): boolean {
  const { object } = target;
  const apiVersion = stringField(object, "apiVersion");
  const kind = stringField(object, "kind");
  const metadata = objectField(object, "metadata");
  const name = stringField(metadata, "name");
  const declaredNamespace = stringField(metadata, "namespace");
  const isNamespace = kind === "Namespace" && apiGroupOf(apiVersion) === "";
  // The namespace the match criteria see: a Namespace is matched by its own name.
  const namespace = isNamespace ? name : target.requestNamespace || declaredNamespace;

  if (match.kinds && match.kinds.length > 0 && !kindsMatch(match.kinds, apiGroupOf(apiVersion), kind)) return false;

  if (match.scope === "Cluster" || match.scope === "Namespaced") {
    const namespaced = !isNamespace && (namespace !== "" || !isClusterScoped(apiVersion, kind));
    if ((match.scope === "Namespaced") !== namespaced) return false;
  }

  if (match.namespaces && match.namespaces.length > 0 && namespace !== "") {
    if (!match.namespaces.some((pattern) => wildcardMatches(pattern, namespace))) return false;
  }
  if (match.excludedNamespaces && match.excludedNamespaces.length > 0 && namespace !== "") {
    if (match.excludedNamespaces.some((pattern) => wildcardMatches(pattern, namespace))) return false;
  }

  if (match.labelSelector && !selectorMatches(match.labelSelector, labelsOf(metadata))) return false;

  if (match.namespaceSelector) {
    if (isNamespace) {
      if (!selectorMatches(match.namespaceSelector, labelsOf(metadata))) return false;
    } else if (namespace !== "") {
      const ns = target.namespaces.get(namespace);
      // Gatekeeper needs the Namespace object here. When the PR does not contain it we cannot
      // know its labels; the policy applies (fail closed) rather than silently skipping the object.
      if (ns && !selectorMatches(match.namespaceSelector, labelsOf(objectField(ns, "metadata")))) return false;
    }
  }

  if (match.name && match.name !== "" && !wildcardMatches(match.name, name)) return false;
  return true;
}

function kindsMatch(kinds: NonNullable<MatchSpec["kinds"]>, group: string, kind: string): boolean {
  return kinds.some(
    (entry) =>
      (entry.kinds.length === 0 || entry.kinds.includes("*") || entry.kinds.includes(kind)) &&
      (entry.apiGroups.length === 0 || entry.apiGroups.includes("*") || entry.apiGroups.includes(group)),
  );
}

/** Gatekeeper's `util.Wildcard`: exact, `prefix*` or `*suffix`. */
export function wildcardMatches(pattern: string, value: string): boolean {
  if (pattern.endsWith("*")) return value.startsWith(pattern.slice(0, -1));
  if (pattern.startsWith("*")) return value.endsWith(pattern.slice(1));
  return pattern === value;
}

/** metav1.LabelSelector semantics: matchLabels and matchExpressions are ANDed; an empty selector matches everything. */
export function selectorMatches(selector: LabelSelector, labels: Readonly<Record<string, string>>): boolean {
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) {
    if (labels[key] !== value) return false;
  }
  for (const expression of selector.matchExpressions ?? []) {
    const has = Object.prototype.hasOwnProperty.call(labels, expression.key);
    const value = labels[expression.key];
    const values = expression.values ?? [];
    switch (expression.operator) {
      case "In":
        if (!has || !values.includes(value as string)) return false;
        break;
      case "NotIn":
        if (has && values.includes(value as string)) return false;
        break;
      case "Exists":
        if (!has) return false;
        break;
      case "DoesNotExist":
        if (has) return false;
        break;
    }
  }
  return true;
}

function stringField(object: JsonObject | undefined, key: string): string {
  const value = object?.[key];
  return typeof value === "string" ? value : "";
}

function objectField(object: JsonObject | undefined, key: string): JsonObject | undefined {
  const value = object?.[key];
  return value && typeof value === "object" && !Array.isArray(value) ? value : undefined;
}
