/**
 * Kyverno's auto-generated rules for ValidatingPolicies (kyverno pkg/cel/policies/vpol/autogen and
 * pkg/cel/autogen): a policy that matches exactly `pods` (core, v1, one rule, no object selector, no
 * exclusions, no resource names) also applies to Pod controllers. Kyverno copies the policy per
 * controller family and rewrites its text, `object.spec` -> `object.spec.template.spec` (CronJobs:
 * `object.spec.jobTemplate.spec.template.spec`) and likewise `metadata`, except
 * `object.metadata.namespace`, which stays the controller's own.
 */
import type { JsonObject, JsonValue } from "../../manifests/types.js";
import { isObject } from "../../manifests/json.js";

interface Controller {
  group: string;
  version: string;
  resource: string;
  kind: string;
  family: "defaults" | "cronjobs";
}

const CONTROLLERS: readonly Controller[] = [
  { group: "apps", version: "v1", resource: "daemonsets", kind: "DaemonSet", family: "defaults" },
  { group: "apps", version: "v1", resource: "deployments", kind: "Deployment", family: "defaults" },
  { group: "apps", version: "v1", resource: "replicasets", kind: "ReplicaSet", family: "defaults" },
  { group: "apps", version: "v1", resource: "statefulsets", kind: "StatefulSet", family: "defaults" },
  { group: "batch", version: "v1", resource: "jobs", kind: "Job", family: "defaults" },
  { group: "batch", version: "v1", resource: "cronjobs", kind: "CronJob", family: "cronjobs" },
];

const REPLACEMENTS: Readonly<Record<Controller["family"], readonly [string, string][]>> = {
  defaults: [
    ["spec", "spec.template.spec"],
    ["metadata", "spec.template.metadata"],
  ],
  cronjobs: [
    ["spec", "spec.jobTemplate.spec.template.spec"],
    ["metadata", "spec.jobTemplate.spec.template.metadata"],
  ],
};

export interface AutogenVariant {
  /** "defaults" or "cronjobs": Kyverno's name for the generated rule set. */
  family: string;
  /** The rewritten spec, whose matchConstraints name the controllers. */
  spec: JsonObject;
}

/** Whether Kyverno would generate controller rules for these matchConstraints. */
export function canAutogen(match: JsonValue | undefined): boolean {
  if (!isObject(match)) return false;
  const selector = match["objectSelector"];
  if (
    isObject(selector) &&
    (Object.keys(selectorField(selector, "matchLabels")).length > 0 || listField(selector, "matchExpressions").length > 0)
  )
    return false;
  if (listField(match, "excludeResourceRules").length > 0) return false;
  const rules = listField(match, "resourceRules");
  if (rules.length !== 1 || !isObject(rules[0])) return false;
  const rule = rules[0];
  if (listField(rule, "resourceNames").length > 0) return false;
  const only = (key: string, value: string): boolean => {
    const list = listField(rule, key);
    return list.length === 1 && list[0] === value;
  };
  return only("apiGroups", "") && only("apiVersions", "v1") && only("resources", "pods");
}

/** The controller variants of a policy spec (none when autogen does not apply or is turned off). */
export function autogenVariants(spec: JsonObject): AutogenVariant[] {
  if (!canAutogen(spec["matchConstraints"])) return [];
  const configured = (spec["autogen"] as JsonObject | undefined)?.["podControllers"];
  const names =
    isObject(configured) && Array.isArray(configured["controllers"]) ? new Set(configured["controllers"] as string[]) : undefined;
  // Kyverno names controllers by resource (`deployments`); a name it does not know selects nothing.
  const chosen = CONTROLLERS.filter((controller) => !names || names.has(controller.resource));
  const variants: AutogenVariant[] = [];
  for (const family of ["cronjobs", "defaults"] as const) {
    const targets = chosen.filter((controller) => controller.family === family);
    if (targets.length === 0) continue;
    const match = spec["matchConstraints"] as JsonObject;
    const rule = (match["resourceRules"] as JsonObject[])[0] as JsonObject;
    const groups = [...new Set(targets.map((t) => `${t.group}/${t.version}`))].sort();
    const resourceRules = groups.map((groupVersion) => {
      const [group = "", version = ""] = groupVersion.split("/");
      const resources = targets
        .filter((t) => t.group === group && t.version === version)
        .map((t) => t.resource)
        .sort();
      return { apiGroups: [group], apiVersions: [version], resources, operations: rule["operations"] ?? [] } as JsonObject;
    });
    const matchConstraints: JsonObject = { resourceRules };
    if (match["namespaceSelector"] !== undefined) matchConstraints["namespaceSelector"] = match["namespaceSelector"];
    const rewritten = rewrite(JSON.stringify({ ...spec, matchConstraints }), REPLACEMENTS[family]);
    variants.push({ family, spec: JSON.parse(rewritten) as JsonObject });
  }
  return variants;
}

function rewrite(text: string, replacements: readonly [string, string][]): string {
  let out = text;
  for (const [from, to] of replacements) {
    for (const root of ["object", "oldObject"]) out = replaceUnprotected(out, `${root}.${from}`, `${root}.${to}`);
  }
  return out;
}

/** Every occurrence, except those followed by `.namespace` as a whole segment (the controller's own namespace). */
function replaceUnprotected(text: string, from: string, to: string): string {
  let out = "";
  let rest = text;
  for (let at = rest.indexOf(from); at >= 0; at = rest.indexOf(from)) {
    out += rest.slice(0, at);
    const after = rest.slice(at + from.length);
    out += /^\.namespace(?![A-Za-z0-9_])/.test(after) ? from : to;
    rest = after;
  }
  return out + rest;
}

function listField(object: JsonObject, key: string): JsonValue[] {
  const value = object[key];
  return Array.isArray(value) ? value : [];
}

function selectorField(object: JsonObject, key: string): JsonObject {
  const value = object[key];
  return isObject(value) ? value : {};
}
