/**
 * A policy exception, whichever way it was granted: by an approver on a pull request (a comment
 * exception, bound to the findings it excused) or as a `PolicyException` document reviewed like
 * code (a permanent exception, not bound to content, but still expiring).
 */
import type { FindingException } from "../policy/types.js";

/** A policy the exception applies to, and optionally only some of its rules (check id or constraint kind). */
export interface PolicyScope {
  name: string;
  /** Absent: every rule of the policy. */
  rules?: readonly string[];
}

/**
 * Which resources an exception covers. Every list present must contain the resource's value;
 * values are exact (no wildcards). A comment's `Deployment/logging/fluent-bit` is
 * `{kinds: [Deployment], namespaces: [logging], names: [fluent-bit]}`.
 */
export interface ResourceSelector {
  kinds?: readonly string[];
  /** A selector with namespaces never matches a cluster-scoped resource. */
  namespaces?: readonly string[];
  names?: readonly string[];
  /**
   * A comment's `Kind/name`: the resource has no namespace. Keeps `Deployment/web` (a namespace
   * forgotten) from matching `web` in every namespace.
   */
  clusterScoped?: true;
}

/** A resource as a comment names it: `Kind/namespace/name`, or `Kind/name` when cluster-scoped. */
export interface NamedResource {
  kind: string;
  namespace?: string;
  name: string;
}

export type ExceptionSource = { kind: "comment"; commentId: number; url: string } | { kind: "document"; file: string; line: number };

export interface PolicyException {
  /** `E<comment id>` for a comment exception, `metadata.name` for a document. */
  id: string;
  policies: readonly PolicyScope[];
  /** A resource is covered when any selector matches it. Never empty. */
  resources: readonly ResourceSelector[];
  /** Absent: any container, and findings about the pod as a whole. Present: only findings on these containers. */
  containers?: readonly string[];
  reason: string;
  /** Who granted it: a GitHub login for comment exceptions, whatever the document says for documents. */
  approver: string;
  /** The exception stops applying at this instant. */
  expires: Date;
  source: ExceptionSource;
  /**
   * Comment exceptions only: the findings it excused when granted (see `bindingOf`). A finding whose
   * content changed since has another binding and blocks again. Absent: not content-bound (documents).
   */
  bindings?: readonly string[];
}

export function selectorOf(resource: NamedResource): ResourceSelector {
  return resource.namespace === undefined
    ? { kinds: [resource.kind], names: [resource.name], clusterScoped: true }
    : { kinds: [resource.kind], namespaces: [resource.namespace], names: [resource.name] };
}

/** `Deployment/logging/fluent-bit`, the way commands write it. */
export function formatNamedResource(resource: NamedResource): string {
  return resource.namespace === undefined ? `${resource.kind}/${resource.name}` : `${resource.kind}/${resource.namespace}/${resource.name}`;
}

/** A selector for a reader: `Deployment/logging/fluent-bit`, or `kinds Deployment, DaemonSet in namespaces logging`. */
export function formatSelector(selector: ResourceSelector): string {
  const single = (list: readonly string[] | undefined): string | undefined => (list && list.length === 1 ? list[0] : undefined);
  const kind = single(selector.kinds);
  const name = single(selector.names);
  const namespace = single(selector.namespaces);
  if (kind !== undefined && name !== undefined) {
    if (selector.clusterScoped) return `${kind}/${name}`;
    if (namespace !== undefined) return `${kind}/${namespace}/${name}`;
  }
  const parts: string[] = [];
  if (selector.kinds) parts.push(`${selector.kinds.length === 1 ? "kind" : "kinds"} ${selector.kinds.join(", ")}`);
  if (selector.names) parts.push(`${selector.names.length === 1 ? "named" : "named any of"} ${selector.names.join(", ")}`);
  if (selector.namespaces)
    parts.push(`in ${selector.namespaces.length === 1 ? "namespace" : "namespaces"} ${selector.namespaces.join(", ")}`);
  if (selector.clusterScoped) parts.push("(cluster-scoped)");
  return parts.join(" ");
}

/** `pod-security-baseline/hostPathVolumes`, or the policy alone when it covers all rules. */
export function formatPolicyScope(scope: PolicyScope): string {
  if (!scope.rules || scope.rules.length === 0) return `${scope.name} (all rules)`;
  return scope.rules.map((rule) => `${scope.name}/${rule}`).join(", ");
}

export function formatSource(source: ExceptionSource): string {
  return source.kind === "comment" ? `comment ${source.url}` : `${source.file}:${source.line}`;
}

/** What a finding carries once this exception excuses it. */
export function noteOf(exception: PolicyException): FindingException {
  return {
    id: exception.id,
    approver: exception.approver,
    reason: exception.reason,
    expires: exception.expires.toISOString(),
    source: formatSource(exception.source),
  };
}
