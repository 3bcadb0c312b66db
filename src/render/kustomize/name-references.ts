/**
 * Name references: once every resource has its final name (prefix, suffix, namespace, content hash),
 * fields that name another resource of the render (a pod's ConfigMap volume, a RoleBinding's
 * roleRef, an HPA's target...) are updated to the new name, with kustomize's rules for picking the
 * referred resource when several share an old name.
 */
import type { JsonObject, JsonValue } from "../../manifests/types.js";
import type { NameReference } from "./default-field-specs.js";
import { visitFieldSpec, type FieldSpec } from "./field-spec.js";
import { isCollection, markField, provenanceOf } from "./provenance.js";
import type { Resource } from "./resource.js";
import { effectiveNamespace, gvkSelected, isClusterScopedGvk, type GvkSelector } from "./resource-id.js";

export class NameReferenceError extends Error {}

function sameEnding(a: readonly string[], b: readonly string[]): boolean {
  let shortest = a;
  let longest = b;
  if (shortest.length > longest.length) [shortest, longest] = [longest, shortest];
  const diff = longest.length - shortest.length;
  if (shortest.length === 0) return diff === 0;
  for (let index = shortest.length - 1; index >= 0; index--) if (longest[index + diff] !== shortest[index]) return false;
  return true;
}

function affixesEqual(a: Resource, b: Resource, allowEmpty: boolean): boolean {
  if (allowEmpty) {
    const prefixOk = a.prefixes.length === 0 || b.prefixes.length === 0 || sameEnding(a.prefixes, b.prefixes);
    const suffixOk = a.suffixes.length === 0 || b.suffixes.length === 0 || sameEnding(a.suffixes, b.suffixes);
    return prefixOk && suffixOk;
  }
  return sameEnding(a.prefixes, b.prefixes) && sameEnding(a.suffixes, b.suffixes);
}

/** What a referrer may refer to: cluster-scoped resources, its own namespace, and a RoleBinding's subjects' namespaces. */
function candidatesFor(referrer: Resource, resources: readonly Resource[]): Resource[] {
  const referrerId = referrer.currentId();
  if (isClusterScopedGvk(referrerId)) return [...resources];
  const subjectNamespaces = new Set<string>();
  if (referrer.kind === "RoleBinding" && Array.isArray(referrer.object.subjects)) {
    for (const subject of referrer.object.subjects) {
      if (isCollection(subject) && !Array.isArray(subject) && subject.kind === "ServiceAccount" && typeof subject.namespace === "string") {
        subjectNamespaces.add(subject.namespace);
      }
    }
  }
  const namespace = effectiveNamespace(referrerId);
  return resources.filter((candidate) => {
    const id = candidate.currentId();
    return isClusterScopedGvk(id) || effectiveNamespace(id) === namespace || subjectNamespaces.has(candidate.namespace);
  });
}

function selectReferral(
  referrer: Resource,
  oldName: string,
  candidates: Resource[],
  target: GvkSelector,
  specPath: string,
  identical: (found: Resource[]) => boolean,
): Resource | undefined {
  let found = candidates.filter((candidate) => candidate.previousIds().some((id) => id.name === oldName));
  found = found.filter((candidate) => candidate.previousIds().some((id) => gvkSelected(id, target)));
  if (specPath.endsWith("roleRef/name")) {
    const roleRef = referrer.object.roleRef;
    if (isCollection(roleRef) && !Array.isArray(roleRef) && typeof roleRef.apiGroup === "string" && typeof roleRef.kind === "string") {
      const selector = { group: roleRef.apiGroup, kind: roleRef.kind };
      found = found.filter((candidate) => candidate.previousIds().some((id) => gvkSelected(id, selector)));
    }
  }
  const referrerId = referrer.currentId();
  if (!isClusterScopedGvk(referrerId)) {
    const namespace = effectiveNamespace(referrerId);
    found = found.filter((candidate) => {
      const id = candidate.currentId();
      return isClusterScopedGvk(id) || candidate.kind === "ServiceAccount" || effectiveNamespace(id) === namespace;
    });
  }
  if (found.length === 1) return found[0];
  found = found.filter((candidate) => affixesEqual(candidate, referrer, true));
  if (found.length > 1) found = found.filter((candidate) => affixesEqual(candidate, referrer, false));
  if (found.length === 1) return found[0];
  if (found.length === 0) return undefined;
  if (identical(found)) return found[0];
  throw new NameReferenceError(
    `found multiple possible referrals: ${found.map((candidate) => `${candidate.kind} ${candidate.name}`).join(", ")}`,
  );
}

export function fixNameReferences(resources: readonly Resource[], references: readonly NameReference[]): void {
  const filters = new Map<Resource, { spec: FieldSpec; target: GvkSelector }[]>();
  for (const reference of references) {
    const target: GvkSelector = { group: reference.group, version: reference.version, kind: reference.kind };
    for (const spec of reference.fieldSpecs) {
      for (const resource of resources) {
        if (!gvkSelected(resource.originalId(), spec)) continue;
        let list = filters.get(resource);
        if (!list) filters.set(resource, (list = []));
        list.push({ spec, target });
      }
    }
  }
  for (const [referrer, list] of filters) {
    const candidates = candidatesFor(referrer, resources);
    for (const { spec, target } of list) {
      const setScalar = (parent: JsonObject | JsonValue[], key: string | number, value: JsonValue): void => {
        if (typeof value !== "string") return;
        const referral = selectReferral(referrer, value, candidates, target, spec.path, (found) =>
          found.every((item) => item.name === found[0]?.name),
        );
        if (!referral || referral.name === value) return;
        (parent as Record<string | number, JsonValue>)[key] = referral.name;
        const place = provenanceOf(parent as JsonValue, [key]);
        if (place) markField(parent, key, place);
      };
      const setMapping = (node: JsonObject): void => {
        if (!("name" in node))
          throw new NameReferenceError(`path config error; no 'name' field in node of ${referrer.kind} ${referrer.name}`);
        const name = node.name;
        if (typeof name !== "string") return;
        let pool = candidates;
        if (typeof node.namespace === "string") {
          const namespace = node.namespace;
          const byOriginal = candidates.filter((candidate) => effectiveNamespace(candidate.originalId()) === namespace);
          pool =
            byOriginal.length > 0 ? byOriginal : candidates.filter((candidate) => effectiveNamespace(candidate.currentId()) === namespace);
        }
        const referral = selectReferral(referrer, name, pool, target, spec.path, (found) =>
          found.every((item) => item.name === found[0]?.name && item.namespace === found[0]?.namespace),
        );
        if (!referral) return;
        if (referral.name === name && referral.namespace === "") return;
        node.name = referral.name;
        if (referral.namespace !== "") node.namespace = referral.namespace;
      };
      const visit = (parent: JsonObject | JsonValue[], key: string | number, value: JsonValue): void => {
        if (value === null) return;
        if (Array.isArray(value)) {
          value.forEach((item, index) => {
            if (isCollection(item) && !Array.isArray(item)) setMapping(item);
            else setScalar(value, index, item);
          });
        } else if (isCollection(value)) setMapping(value);
        else setScalar(parent, key, value);
      };
      visitFieldSpec(referrer.object, referrer.gvk(), { ...spec, group: undefined, version: undefined, kind: undefined }, visit, undefined);
    }
  }
}
