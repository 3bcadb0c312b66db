/**
 * What an exception names, against what a finding is about. Matching is exact on every dimension
 * the exception names: an exception never covers more than it says.
 */
import { createHash } from "node:crypto";
import type { Finding } from "../policy/types.js";
import type { PolicyException, ResourceSelector } from "./model.js";

export type ExceptionScope = Pick<PolicyException, "policies" | "resources" | "containers">;

export function inScope(scope: ExceptionScope, finding: Finding): boolean {
  const policy = scope.policies.some(
    (entry) => entry.name === finding.policy && (entry.rules === undefined || entry.rules.includes(finding.rule)),
  );
  if (!policy) return false;
  if (!scope.resources.some((selector) => selects(selector, finding))) return false;
  // A named container excuses findings on that container only, never the pod as a whole.
  if (scope.containers !== undefined) return finding.container !== undefined && scope.containers.includes(finding.container);
  return true;
}

function selects(selector: ResourceSelector, finding: Finding): boolean {
  const { kind, namespace, name } = finding.resource;
  if (selector.kinds && !selector.kinds.includes(kind)) return false;
  if (selector.names && !selector.names.includes(name)) return false;
  if (selector.clusterScoped && namespace !== undefined) return false;
  if (selector.namespaces && (namespace === undefined || !selector.namespaces.includes(namespace))) return false;
  return true;
}

/**
 * What a comment exception is bound to: the finding's fingerprint (rule, stable field path and the
 * offending content) on this policy, this resource and this container, with the images the finding
 * is about (the container's image; every image of the pod for a pod-level finding). The fingerprint
 * alone is the same for two resources with the same content, and the exception was granted for one
 * of them; without the images, `privileged: true` would stay excepted when the container's image is
 * swapped for another.
 */
export function bindingOf(finding: Finding): string {
  const { kind, namespace, name } = finding.resource;
  const identity = JSON.stringify([
    finding.policy,
    kind,
    namespace ?? null,
    name,
    finding.container ?? null,
    finding.images ?? null,
    finding.fingerprint,
  ]);
  return createHash("sha256").update(identity).digest("hex").slice(0, 16);
}
