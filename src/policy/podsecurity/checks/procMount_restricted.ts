/**
 * At `restricted`, /proc must keep its default masks even in a user namespace.
 * Upstream `check_procMount_restricted.go`: from v1.35 (when baseline `procMount` started waiving
 * `hostUsers: false` pods) this check replaces `procMount` at `restricted` with the strict rule.
 */
import type { PodSecurityCheck } from "../types.js";
import { unmaskedProcMounts } from "./procMount.js";
import { setTo } from "../../fixes.js";

export const procMountRestricted: PodSecurityCheck = {
  id: "procMount_restricted",
  level: "restricted",
  reason: "procMount",
  doc: {
    title: "/proc mount type",
    checks:
      "The default /proc masks reduce the kernel attack surface; at the restricted level they are required even for pods in a user namespace.",
    fix: "Remove `securityContext.procMount` or set it to `Default`.",
  },
  versions: [
    {
      minimumVersion: "v1.35",
      checkPod: (pod) => unmaskedProcMounts(pod, "Remove securityContext.procMount or set it to Default."),
      overrides: ["procMount"],
    },
  ],
  mechanicalFix: setTo("Default", "Set procMount to Default."),
};
