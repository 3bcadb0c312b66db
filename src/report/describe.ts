/**
 * Wording shared by the human-facing formats, so a finding reads the same in a terminal, a SARIF
 * alert and a check-run annotation.
 */
import type { ResourceRef } from "../manifests/types.js";
import type { Finding } from "../policy/types.js";

/**
 * `Pod default/r00t`, or `ClusterRole admin` for cluster-scoped objects; a rendered object names the
 * Kustomize overlay(s) it comes from: `Deployment prod/web in overlays/prod`.
 */
export function describeResource(resource: ResourceRef): string {
  const name = resource.namespace === undefined ? resource.name : `${resource.namespace}/${resource.name}`;
  const overlays = resource.renderedIn && resource.renderedIn.length > 0 ? ` in ${resource.renderedIn.join(", ")}` : "";
  return `${resource.kind} ${name}${overlays}`;
}

/**
 * `Pod default/r00t, container "1"`: what a reader needs to find the object the finding is about,
 * then what decided the rule applies there when that depends on the namespace
 * (`; namespace prod: enforce=restricted:v1.30`).
 */
export function describeSubject(finding: Pick<Finding, "resource" | "container" | "basis">): string {
  const container = finding.container === undefined ? "" : `, container ${JSON.stringify(finding.container)}`;
  const basis = finding.basis === undefined ? "" : `; ${finding.basis}`;
  return `${describeResource(finding.resource)}${container}${basis}`;
}

/** The rule's full id, `pod-security-baseline/privileged`: policy name, then the check within it. */
export function ruleId(finding: Pick<Finding, "policy" | "rule">): string {
  return `${finding.policy}/${finding.rule}`;
}

export function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${count} ${count === 1 ? singular : pluralForm}`;
}
