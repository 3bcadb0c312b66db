/**
 * Output order: kustomize's default "legacy" order (Namespaces first, webhooks last, then by
 * group/version/kind and namespace/name), or the order of accumulation with `sortOptions: fifo`.
 */
import type { Resource } from "./resource.js";
import type { Gvk, ResId } from "./resource-id.js";

const DEFAULT_FIRST = [
  "Namespace",
  "ResourceQuota",
  "StorageClass",
  "CustomResourceDefinition",
  "ServiceAccount",
  "PodSecurityPolicy",
  "Role",
  "ClusterRole",
  "RoleBinding",
  "ClusterRoleBinding",
  "ConfigMap",
  "Secret",
  "Endpoints",
  "Service",
  "LimitRange",
  "PriorityClass",
  "PersistentVolume",
  "PersistentVolumeClaim",
  "Deployment",
  "StatefulSet",
  "CronJob",
  "PodDisruptionBudget",
];
const DEFAULT_LAST = ["MutatingWebhookConfiguration", "ValidatingWebhookConfiguration"];

function gvkSortKey(gvk: Gvk): string {
  return [gvk.group || "~G", gvk.version || "~V", gvk.kind || "~K"].join("_");
}

function idSortKey(id: ResId): string {
  const gvk = [id.kind || "[noKind]", id.version || "[noVer]", id.group || "[noGrp]"].join(".");
  return [gvk, id.namespace || "~X", id.name || "~N"].join("|");
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function legacySort(
  resources: readonly Resource[],
  first: readonly string[] = DEFAULT_FIRST,
  last: readonly string[] = DEFAULT_LAST,
): Resource[] {
  const order = new Map<string, number>();
  first.forEach((kind, index) => order.set(kind, -first.length + index));
  last.forEach((kind, index) => order.set(kind, 1 + index));
  const keyed = resources.map((resource) => ({ resource, id: resource.currentId() }));
  keyed.sort((a, b) => {
    const sameGvk = a.id.group === b.id.group && a.id.version === b.id.version && a.id.kind === b.id.kind;
    if (!sameGvk) {
      const ia = order.get(a.id.kind) ?? 0;
      const ib = order.get(b.id.kind) ?? 0;
      if (ia !== ib) return ia - ib;
      if (a.id.kind === "Namespace" && b.id.kind === "Namespace" && (a.id.group === "" || b.id.group === "")) {
        return compareStrings(gvkSortKey(b.id), gvkSortKey(a.id));
      }
      return compareStrings(gvkSortKey(a.id), gvkSortKey(b.id));
    }
    return compareStrings(idSortKey(a.id), idSortKey(b.id));
  });
  return keyed.map((entry) => entry.resource);
}
