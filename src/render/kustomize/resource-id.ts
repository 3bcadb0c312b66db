/**
 * How kustomize identifies a resource: group, version, kind, name and namespace, with kustomize's
 * rules for which namespace a resource is "in" (none for a cluster-scoped kind, `default` when unset).
 */
import { CLUSTER_SCOPED } from "./builtin-schema.js";

export interface Gvk {
  group: string;
  version: string;
  kind: string;
}

export interface ResId extends Gvk {
  name: string;
  namespace: string;
}

/** A partial Gvk as written in a field spec or selector: an empty part matches anything. */
export type GvkSelector = Partial<Gvk>;

export const NOT_NAMESPACED = "_non_namespaceable_";

export function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const slash = apiVersion.indexOf("/");
  return slash === -1 ? { group: "", version: apiVersion } : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}

export function apiVersionOf(gvk: Gvk): string {
  return gvk.group === "" ? gvk.version : `${gvk.group}/${gvk.version}`;
}

/** Cluster-scoped as far as kustomize can tell: only built-in kinds it knows are. */
export function isClusterScopedGvk(gvk: Gvk): boolean {
  return CLUSTER_SCOPED.has(`${apiVersionOf(gvk)} ${gvk.kind}`);
}

export function effectiveNamespace(id: ResId): string {
  if (isClusterScopedGvk(id)) return NOT_NAMESPACED;
  return id.namespace === "" || id.namespace === "default" ? "default" : id.namespace;
}

export function sameGvk(a: Gvk, b: Gvk): boolean {
  return a.group === b.group && a.version === b.version && a.kind === b.kind;
}

export function sameId(a: ResId, b: ResId): boolean {
  return a.name === b.name && sameGvk(a, b) && effectiveNamespace(a) === effectiveNamespace(b);
}

/** A string equal for two ids exactly when `sameId` holds. */
export function idKey(id: ResId): string {
  return `${id.group}|${id.version}|${id.kind}|${id.name}|${effectiveNamespace(id)}`;
}

/** A Gvk matches a selector when each part the selector sets is equal. */
export function gvkSelected(gvk: Gvk, selector: GvkSelector): boolean {
  return (
    (!selector.group || selector.group === gvk.group) &&
    (!selector.version || selector.version === gvk.version) &&
    (!selector.kind || selector.kind === gvk.kind)
  );
}

/** kustomize's display form, `Kind.version.group/name.namespace`, used in its error messages. */
export function idString(id: ResId): string {
  const gvk = [id.kind || "[noKind]", id.version || "[noVer]", id.group || "[noGrp]"].join(".");
  return `${gvk}/${id.name || "[noName]"}.${id.namespace || "[noNs]"}`;
}
