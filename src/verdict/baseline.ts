/**
 * Diff gating: which findings of the change were already there before it. Pure.
 *
 * A finding is matched by what it is about, never by where it is written: the policy and rule, the
 * object (API group, kind, namespace, name), the container (by name), and the fingerprint, which
 * hashes the field path (list items by their `name`) and the offending value. So moving lines,
 * reformatting, reordering documents, writing a value through an anchor or renaming the file leaves a
 * finding pre-existing, while changing the offending value (another image, another hostPath) makes it
 * new. The API version is left out on purpose: `apps/v1beta2` -> `apps/v1` is the same object.
 */
import { apiGroupOf } from "../manifests/resource.js";
import type { Finding, FindingState } from "../policy/types.js";

export interface BaselineComparison {
  /** The state of each head finding, in the order given. */
  states: FindingState[];
  /** Base findings with no counterpart in the head: what the change fixes. */
  fixed: Finding[];
}

export function identityOf(finding: Finding): string {
  const { resource } = finding;
  return JSON.stringify([
    finding.policy,
    finding.rule,
    apiGroupOf(resource.apiVersion),
    resource.kind,
    resource.namespace ?? "",
    resource.name,
    finding.container ?? "",
    finding.fingerprint,
  ]);
}

/**
 * Pairs head findings with base findings of the same identity, one to one: two identical findings
 * at the head where the base had one leave one of them new.
 */
export function compareWithBaseline(head: readonly Finding[], base: readonly Finding[]): BaselineComparison {
  const unmatched = new Map<string, Finding[]>();
  for (const finding of base) {
    const key = identityOf(finding);
    const list = unmatched.get(key);
    if (list) list.push(finding);
    else unmatched.set(key, [finding]);
  }
  const states = head.map((finding): FindingState => {
    const list = unmatched.get(identityOf(finding));
    if (!list || list.length === 0) return "new";
    list.shift();
    return "pre-existing";
  });
  const fixed = [...unmatched.values()].flat();
  return { states, fixed };
}
