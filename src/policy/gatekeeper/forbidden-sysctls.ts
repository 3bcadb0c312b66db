/**
 * K8sPSPForbiddenSysctls — upstream template `library/pod-security-policy/forbidden-sysctls` (v1.2.1).
 * A Pod's `securityContext.sysctls` may not use a name in `forbiddenSysctls`, and, when
 * `allowedSysctls` is given, must use one listed there. Entries match exactly, or as a prefix when
 * they end in `*`; a lone `*` matches everything. (Upstream skips UPDATE requests because the field
 * is immutable, so an AdmissionReview of an UPDATE is
 * not judged (`exemptsUpdates`); a manifest is judged as a CREATE.)
 */
import type { Violation } from "../types.js";
import { defineKind } from "./lib/define.js";
import { get, getArray } from "./lib/json.js";
import { msg } from "./lib/rego-format.js";
import { arrayOf, obj, str } from "./lib/schema.js";

interface Parameters {
  allowedSysctls?: string[];
  forbiddenSysctls?: string[];
}

function listed(name: string, patterns: readonly string[]): boolean {
  return patterns.some((p) => p === "*" || p === name || (p.endsWith("*") && name.startsWith(p.slice(0, -1))));
}

export const forbiddenSysctls = defineKind<Parameters>({
  kind: "K8sPSPForbiddenSysctls",
  template: "library/pod-security-policy/forbidden-sysctls",
  description: "Controls the `sysctl` profile used by containers.",
  fix: "Remove the forbidden sysctl from `securityContext.sysctls`; only the constraint's allowed sysctls may be set.",
  target: "pod",
  exemptsUpdates: true,
  parameters: obj({ allowedSysctls: arrayOf(str()), forbiddenSysctls: arrayOf(str()) }),
  build:
    ({ allowedSysctls, forbiddenSysctls }) =>
    (pod) => {
      const podName = get(pod, "metadata", "name");
      const found: Violation[] = [];
      getArray(pod, "spec", "securityContext", "sysctls").forEach((sysctl, index) => {
        const name = get(sysctl, "name");
        if (typeof name !== "string") return;
        const path = ["spec", "securityContext", "sysctls", index, "name"];
        if (forbiddenSysctls && listed(name, forbiddenSysctls)) {
          found.push({ message: msg`The sysctl ${name} is not allowed, pod: ${podName}. Forbidden sysctls: ${forbiddenSysctls}`, path });
        }
        if (allowedSysctls && !listed(name, allowedSysctls)) {
          found.push({
            message: msg`The sysctl ${name} is not explicitly allowed, pod: ${podName}. Allowed sysctls: ${allowedSysctls}`,
            path,
          });
        }
      });
      return found;
    },
});
