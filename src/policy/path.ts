import type { FieldPath } from "../manifests/types.js";

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/**
 * A field path as users write it: `spec.containers[0].securityContext.privileged`; keys that are not
 * plain identifiers are quoted, e.g. `metadata.annotations["seccomp.security.alpha.kubernetes.io/pod"]`.
 */
export function formatPath(path: FieldPath): string {
  let out = "";
  for (const segment of path) {
    if (typeof segment === "number") out += `[${segment}]`;
    else if (IDENTIFIER.test(segment)) out += out === "" ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}
