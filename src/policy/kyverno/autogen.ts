/**
 * Kyverno's auto-generated rules for Pod controllers (kyverno pkg/autogen/v1), reproduced on the rule
 * JSON exactly as upstream builds them: a rule that matches `Pod` also gets `autogen-<rule>` for
 * DaemonSet, Deployment, Job, StatefulSet, ReplicaSet and ReplicationController (the pattern moved
 * under `spec.template`) and `autogen-cronjob-<rule>` for CronJob (under
 * `spec.jobTemplate.spec.template`), with `request.object.spec`/`.metadata` references rewritten to
 * the template. The policy annotation `pod-policies.kyverno.io/autogen-controllers` narrows the
 * controllers or turns this off (`none`); a rule whose match names Pods by name, selector or
 * annotations, or mixes Pod with other kinds, turns it off for the whole policy, as upstream does.
 */
import type { JsonObject, JsonValue } from "../../manifests/types.js";
import { isObject } from "../../manifests/json.js";
import { stringsOf } from "./lists.js";

export const AUTOGEN_ANNOTATION = "pod-policies.kyverno.io/autogen-controllers";

/** The generated-rule prefix; upstream drops hand-written rules named like generated ones. */
const AUTOGEN_PREFIX = "autogen-";
const POD_CONTROLLERS = ["DaemonSet", "Deployment", "Job", "StatefulSet", "ReplicaSet", "ReplicationController", "CronJob"];
const TEMPLATE_CONTROLLERS = ["DaemonSet", "Deployment", "Job", "StatefulSet", "ReplicaSet", "ReplicationController"];
const GVK: Readonly<Record<string, string>> = {
  DaemonSet: "apps/v1/DaemonSet",
  Deployment: "apps/v1/Deployment",
  Job: "batch/v1/Job",
  StatefulSet: "apps/v1/StatefulSet",
  ReplicaSet: "apps/v1/ReplicaSet",
  ReplicationController: "v1/ReplicationController",
  CronJob: "batch/v1/CronJob",
  Pod: "v1/Pod",
};
const POD_REPLACEMENTS: readonly [string, string][] = [
  ["request.object.spec", "request.object.spec.template.spec"],
  ["request.oldObject.spec", "request.oldObject.spec.template.spec"],
  ["request.object.metadata", "request.object.spec.template.metadata"],
  ["request.oldObject.metadata", "request.oldObject.spec.template.metadata"],
];
const POD_CEL_REPLACEMENTS: readonly [string, string][] = [
  ["object.spec", "object.spec.template.spec"],
  ["oldObject.spec", "oldObject.spec.template.spec"],
  ["object.metadata", "object.spec.template.metadata"],
  ["oldObject.metadata", "oldObject.spec.template.metadata"],
];
const CRONJOB_REPLACEMENTS: readonly [string, string][] = POD_REPLACEMENTS.map(([from, to]) => [
  from,
  to.replace(".template.", ".jobTemplate.spec.template."),
]);
const CRONJOB_CEL_REPLACEMENTS: readonly [string, string][] = POD_CEL_REPLACEMENTS.map(([from, to]) => [
  from,
  to.replace(".template.", ".jobTemplate.spec.template."),
]);

export interface ComputedRule {
  rule: JsonObject;
  /** Index of the written rule this one comes from (itself, or the rule an autogen rule was made from). */
  source: number;
}

/** The rules Kyverno applies for a policy: written rules, then generated ones. */
export function computeRules(rules: readonly JsonObject[], annotations: Record<string, string>): ComputedRule[] {
  const written = rules.map((rule, source) => ({ rule, source }));
  const support = canAutogen(rules);
  let controllers: string;
  if (!support.apply) controllers = "none";
  else {
    const annotated = annotations[AUTOGEN_ANNOTATION];
    controllers = annotated === undefined ? POD_CONTROLLERS.join(",") : annotated.split(",").join(",");
  }
  if (controllers === "none") return written;
  const generated: ComputedRule[] = [];
  rules.forEach((rule, source) => {
    const forControllers = ruleForControllers(rule, stripCronJob(controllers));
    if (forControllers) generated.push({ rule: rewriteReferences(forControllers, POD_REPLACEMENTS, POD_CEL_REPLACEMENTS), source });
    const forCronJob = ruleForCronJob(rule, controllers);
    if (forCronJob) generated.push({ rule: rewriteReferences(forCronJob, CRONJOB_REPLACEMENTS, CRONJOB_CEL_REPLACEMENTS), source });
  });
  if (generated.length === 0) return written;
  return [...written.filter(({ rule }) => !String(rule["name"] ?? "").startsWith(AUTOGEN_PREFIX)), ...generated];
}

function canAutogen(rules: readonly JsonObject[]): { apply: boolean } {
  let needed = false;
  const supports = (description: JsonValue | undefined): boolean => {
    if (!isObject(description)) return true;
    const kinds = stringsOf(description["kinds"]);
    const hasNames = typeof description["name"] === "string" && description["name"] !== "";
    const namesList = stringsOf(description["names"]).length > 0;
    if (hasNames || namesList || description["selector"] != null || description["annotations"] != null) return false;
    if (kinds.length > 1 && containsKind(kinds, "Pod")) return false;
    if (kinds.some((kind) => kind === "Pod" || POD_CONTROLLERS.includes(kind))) needed = true;
    return true;
  };
  const blockSupports = (block: JsonValue | undefined): boolean => {
    if (!isObject(block)) return true;
    if (!supports(block["resources"])) return false;
    for (const list of [block["any"], block["all"]]) {
      if (!Array.isArray(list)) continue;
      for (const filter of list) if (isObject(filter) && !supports(filter["resources"])) return false;
    }
    return true;
  };
  for (const rule of rules) {
    if (rule["generate"] !== undefined && rule["generate"] !== null) return { apply: false };
    const mutate = rule["mutate"];
    if (isObject(mutate)) {
      if (typeof mutate["patchesJson6902"] === "string" && mutate["patchesJson6902"] !== "") return { apply: false };
      const foreach = mutate["foreach"];
      if (
        Array.isArray(foreach) &&
        foreach.some((item) => isObject(item) && typeof item["patchesJson6902"] === "string" && item["patchesJson6902"] !== "")
      ) {
        return { apply: false };
      }
    }
    if (!blockSupports(rule["match"]) || !blockSupports(rule["exclude"])) return { apply: false };
  }
  return { apply: needed };
}

function stripCronJob(controllers: string): string {
  return splitKinds(controllers)
    .filter((kind) => kind !== "CronJob")
    .join(",");
}

function splitKinds(controllers: string): string[] {
  return controllers.split(",").sort();
}

function ruleForControllers(rule: JsonObject, controllers: string): JsonObject | undefined {
  const name = String(rule["name"] ?? "");
  if (name.startsWith(AUTOGEN_PREFIX) || controllers === "") return undefined;
  const matchKinds = kindsOf(rule["match"]);
  const excludeKinds = kindsOf(rule["exclude"]);
  if (!containsKind(matchKinds, "Pod") || (excludeKinds.length > 0 && !containsKind(excludeKinds, "Pod"))) return undefined;
  let kinds = controllers;
  if (controllers === "all") kinds = TEMPLATE_CONTROLLERS.join(",");
  else if (controllers !== "none") {
    const valid = splitKinds(controllers).filter((kind) => TEMPLATE_CONTROLLERS.includes(kind));
    if (valid.length > 0) kinds = valid.join(",");
  }
  return generateRule(autogenName("autogen", name), rule, "template", splitKinds(kinds), (filters, gvks) =>
    filters.map((filter) =>
      isObject(filter) && containsKind(kindsOf({ resources: filter["resources"] ?? null }), "Pod") ? withKinds(filter, gvks) : filter,
    ),
  );
}

function ruleForCronJob(rule: JsonObject, controllers: string): JsonObject | undefined {
  if (!controllers.includes("CronJob") && !controllers.includes("all")) return undefined;
  const base = ruleForControllers(rule, controllers);
  if (!base) return undefined;
  return generateRule(autogenName("autogen-cronjob", String(rule["name"] ?? "")), base, "jobTemplate", ["CronJob"], (filters, gvks) =>
    filters.map((filter) => (isObject(filter) ? withKinds(filter, gvks) : filter)),
  );
}

function autogenName(prefix: string, name: string): string {
  return `${prefix}-${name}`.slice(0, 63);
}

type FilterRewrite = (filters: JsonValue[], gvks: string[]) => JsonValue[];

function generateRule(
  name: string,
  original: JsonObject,
  templateKey: string,
  kinds: string[],
  rewrite: FilterRewrite,
): JsonObject | undefined {
  const rule = structuredClone(original);
  rule["name"] = name;
  const gvks = kinds.map((kind) => GVK[kind] ?? kind);
  const match = isObject(rule["match"]) ? rule["match"] : {};
  rule["match"] = match;
  if (Array.isArray(match["any"]) && match["any"].length > 0) match["any"] = rewrite(match["any"], gvks);
  else if (Array.isArray(match["all"]) && match["all"].length > 0) match["all"] = rewrite(match["all"], gvks);
  else match["resources"] = { ...(isObject(match["resources"]) ? match["resources"] : {}), kinds: gvks };
  const exclude = rule["exclude"];
  if (isObject(exclude)) {
    if (Array.isArray(exclude["any"]) && exclude["any"].length > 0) exclude["any"] = rewrite(exclude["any"], gvks);
    else if (Array.isArray(exclude["all"]) && exclude["all"].length > 0) exclude["all"] = rewrite(exclude["all"], gvks);
    else if (isObject(exclude["resources"]) && stringsOf(exclude["resources"]["kinds"]).length > 0) {
      exclude["resources"] = { ...exclude["resources"], kinds: gvks };
    }
  }
  const wrap = (pattern: JsonValue): JsonValue => ({ spec: { [templateKey]: pattern } });
  const mutate = rule["mutate"];
  if (isObject(mutate)) {
    if (mutate["patchStrategicMerge"] !== undefined) {
      rule["mutate"] = { patchStrategicMerge: wrap(mutate["patchStrategicMerge"]) };
      return rule;
    }
    if (Array.isArray(mutate["foreach"]) && mutate["foreach"].length > 0) return rule;
  }
  const validate = rule["validate"];
  if (isObject(validate)) {
    const kept: JsonObject = {};
    for (const key of ["message", "failureAction", "failureActionOverrides", "allowExistingViolations"]) {
      if (validate[key] !== undefined) kept[key] = validate[key] as JsonValue;
    }
    if (validate["pattern"] !== undefined && validate["pattern"] !== null) {
      rule["validate"] = { ...kept, pattern: wrap(validate["pattern"]) };
      return rule;
    }
    if (validate["deny"] !== undefined && validate["deny"] !== null) {
      rule["validate"] = { ...kept, deny: validate["deny"] };
      return rule;
    }
    if (validate["podSecurity"] !== undefined && validate["podSecurity"] !== null) {
      rule["validate"] = { ...kept, podSecurity: validate["podSecurity"] };
      return rule;
    }
    if (Array.isArray(validate["anyPattern"])) {
      rule["validate"] = { ...kept, anyPattern: validate["anyPattern"].map(wrap) };
      return rule;
    }
    if (Array.isArray(validate["foreach"]) && validate["foreach"].length > 0) {
      rule["validate"] = { ...kept, foreach: validate["foreach"] };
      return rule;
    }
    if (validate["cel"] !== undefined && validate["cel"] !== null) return rule;
  }
  if (Array.isArray(rule["verifyImages"])) return rule;
  return undefined;
}

/** Upstream rewrites references by text over the rule's JSON; CEL rules use the CEL variable names. */
function rewriteReferences(
  rule: JsonObject,
  replacements: readonly [string, string][],
  celReplacements: readonly [string, string][],
): JsonObject {
  const validate = rule["validate"];
  const cel = isObject(validate) && validate["cel"] !== undefined && validate["cel"] !== null;
  let text = JSON.stringify(rule);
  for (const [from, to] of cel ? celReplacements : replacements) text = text.split(from).join(to);
  return JSON.parse(text) as JsonObject;
}

function withKinds(filter: JsonObject, gvks: string[]): JsonObject {
  return { ...filter, resources: { ...(isObject(filter["resources"]) ? filter["resources"] : {}), kinds: gvks } };
}

function kindsOf(block: JsonValue | undefined): string[] {
  if (!isObject(block)) return [];
  const kinds: string[] = [];
  if (isObject(block["resources"])) kinds.push(...stringsOf(block["resources"]["kinds"]));
  for (const list of [block["any"], block["all"]]) {
    if (!Array.isArray(list)) continue;
    for (const filter of list)
      if (isObject(filter) && isObject(filter["resources"])) kinds.push(...stringsOf(filter["resources"]["kinds"]));
  }
  return kinds;
}

/** Upstream ContainsKind: the kind part of `group/version/Kind` or `Kind/subresource` forms. */
function containsKind(selectors: readonly string[], kind: string): boolean {
  return selectors.some((selector) => {
    const parts = selector.split("/");
    let rest: string;
    if (parts.length === 1) rest = selector.replace(".", "/");
    else if (parts.length === 2)
      rest = /^(v\d+((alpha|beta)\d+)?|\*)$/.test(parts[0] as string) ? (parts[1] as string).replace(".", "/") : selector;
    else if (parts.length === 3)
      rest = /^(v\d+((alpha|beta)\d+)?|\*)$/.test(parts[0] as string) ? `${parts[1]}/${parts[2]}` : (parts[2] as string).replace(".", "/");
    else if (parts.length === 4) rest = `${parts[2]}/${parts[3]}`;
    else return false;
    const split = rest.split("/");
    return (split.length === 2 ? split[0] : rest) === kind;
  });
}
