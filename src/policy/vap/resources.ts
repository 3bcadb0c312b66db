/**
 * The resource (plural, lowercase) a kind is served as: what admission rules name. Built-in kinds
 * follow the API server's guess (meta.UnsafeGuessKindToResource) except a few irregular ones;
 * custom resources almost always follow it too (their CRD, which we cannot see, names the plural).
 */
const IRREGULAR: Readonly<Record<string, string>> = { Endpoints: "endpoints" };

export function resourceOfKind(kind: string): string {
  const irregular = IRREGULAR[kind];
  if (irregular) return irregular;
  const lower = kind.toLowerCase();
  if (lower === "") return "";
  if (lower.endsWith("s")) return `${lower}es`;
  if (lower.endsWith("y")) return `${lower.slice(0, -1)}ies`;
  return `${lower}s`;
}

/**
 * Groups serving the same resource under another name: with `matchPolicy: Equivalent` (the default)
 * a rule for `apps` deployments also catches the same object sent as `extensions/v1beta1`.
 */
const EQUIVALENT_GROUPS: readonly (readonly [string, readonly string[], readonly string[]])[] = [
  ["deployments, daemonsets, replicasets", ["apps", "extensions"], ["deployments", "daemonsets", "replicasets"]],
  ["ingresses, networkpolicies", ["networking.k8s.io", "extensions"], ["ingresses", "networkpolicies"]],
  ["podsecuritypolicies", ["policy", "extensions"], ["podsecuritypolicies"]],
];

export function equivalentGroups(group: string, resource: string): string[] {
  for (const [, groups, resources] of EQUIVALENT_GROUPS) {
    if (groups.includes(group) && resources.includes(resource)) return [...groups];
  }
  return [group];
}
