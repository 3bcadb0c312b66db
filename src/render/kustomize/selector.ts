/**
 * Patch and replacement targets: kustomize selectors (group, version, kind, name, namespace as
 * anchored regular expressions; label and annotation selectors in Kubernetes syntax).
 */
import type { JsonObject } from "../../manifests/types.js";
import type { Resource } from "./resource.js";
import { effectiveNamespace } from "./resource-id.js";

export interface Selector {
  group?: string;
  version?: string;
  kind?: string;
  name?: string;
  namespace?: string;
  labelSelector?: string;
  annotationSelector?: string;
}

export class SelectorError extends Error {}

export function readSelector(value: JsonObject): Selector {
  const selector: Selector = {};
  for (const key of ["group", "version", "kind", "name", "namespace", "labelSelector", "annotationSelector"] as const) {
    const item = value[key];
    if (typeof item === "string" && item !== "") selector[key] = item;
    else if (typeof item === "number" || typeof item === "boolean") selector[key] = String(item);
  }
  return selector;
}

function anchored(pattern: string | undefined): RegExp | undefined {
  if (pattern === undefined) return undefined;
  try {
    return new RegExp(`^(?:${pattern})$`);
  } catch {
    throw new SelectorError(`invalid regular expression '${pattern}' in a selector`);
  }
}

type Requirement = (labels: Record<string, string>) => boolean;

/** Parses a Kubernetes label selector (`a=b,c!=d,e in (x,y),!f,g`). */
export function parseLabelSelector(text: string): Requirement[] {
  const requirements: Requirement[] = [];
  const parts: string[] = [];
  let depth = 0;
  let current = "";
  for (const char of text) {
    if (char === "(") depth++;
    if (char === ")") depth--;
    if (char === "," && depth === 0) {
      parts.push(current);
      current = "";
    } else current += char;
  }
  parts.push(current);
  for (const raw of parts) {
    const part = raw.trim();
    if (part === "") continue;
    let match: RegExpMatchArray | null;
    if ((match = part.match(/^(\S+)\s+(in|notin)\s+\((.*)\)$/))) {
      const key = match[1] as string;
      const values = new Set((match[3] as string).split(",").map((value) => value.trim()));
      const negate = match[2] === "notin";
      requirements.push((labels) => (key in labels && values.has(labels[key] as string)) !== negate);
    } else if ((match = part.match(/^(\S+?)\s*(==|!=|=)\s*(\S*)$/))) {
      const [, key, op, value] = match as unknown as [string, string, string, string];
      requirements.push((labels) => (op === "!=" ? labels[key] !== value : labels[key] === value));
    } else if ((match = part.match(/^!\s*(\S+)$/))) {
      const key = match[1] as string;
      requirements.push((labels) => !(key in labels));
    } else if (/^\S+$/.test(part)) {
      requirements.push((labels) => part in labels);
    } else throw new SelectorError(`unable to parse requirement '${part}' of selector '${text}'`);
  }
  return requirements;
}

export function selectResources(resources: readonly Resource[], selector: Selector): Resource[] {
  const group = anchored(selector.group);
  const version = anchored(selector.version);
  const kind = anchored(selector.kind);
  const name = anchored(selector.name);
  const namespace = anchored(selector.namespace);
  const labels = selector.labelSelector ? parseLabelSelector(selector.labelSelector) : [];
  const annotations = selector.annotationSelector ? parseLabelSelector(selector.annotationSelector) : [];
  return resources.filter((resource) => {
    const current = resource.currentId();
    const original = resource.originalId();
    if (namespace && !namespace.test(effectiveNamespace(original)) && !namespace.test(effectiveNamespace(current))) return false;
    if (name && !name.test(original.name) && !name.test(current.name)) return false;
    const gvk = resource.gvk();
    if (group && !group.test(gvk.group)) return false;
    if (version && !version.test(gvk.version)) return false;
    if (kind && !kind.test(gvk.kind)) return false;
    if (labels.length > 0) {
      const actual = resource.labels();
      if (!labels.every((requirement) => requirement(actual))) return false;
    }
    if (annotations.length > 0) {
      const actual = resource.annotations();
      if (!annotations.every((requirement) => requirement(actual))) return false;
    }
    return true;
  });
}
