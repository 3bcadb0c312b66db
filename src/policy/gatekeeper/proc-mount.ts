/**
 * K8sPSPProcMount — upstream template `library/pod-security-policy/proc-mount` (v1.1.3).
 * With `procMount: Default` (the default), containers that set `securityContext.procMount` must set
 * it to `Default`; `Unmasked` allows either. Containers matching `exemptImages` are skipped.
 * (Upstream skips UPDATE requests, so an AdmissionReview of an UPDATE is
 * not judged (`exemptsUpdates`); a manifest is judged as a CREATE.)
 */
import { containerViolation, podContainers } from "./lib/containers.js";
import { defineKind } from "./lib/define.js";
import { isExemptImage } from "./lib/exempt-images.js";
import { get } from "./lib/json.js";
import { formatArg, msg } from "./lib/rego-format.js";
import { exemptImages, obj, str } from "./lib/schema.js";

interface Parameters {
  exemptImages?: string[];
  procMount?: "Default" | "Unmasked";
}

export const procMount = defineKind<Parameters>({
  kind: "K8sPSPProcMount",
  template: "library/pod-security-policy/proc-mount",
  description: "Controls the allowed `procMount` types for the container.",
  fix: "Remove `securityContext.procMount` or set it to a type the constraint allows (`Default`).",
  target: "pod",
  exemptsUpdates: true,
  parameters: obj({ exemptImages, procMount: str(["Default", "Unmasked"]) }),
  build: (parameters) => {
    const allowed = (parameters.procMount ?? "Default").toLowerCase();
    return (pod) =>
      podContainers(pod).flatMap((c) => {
        const mount = get(c.spec, "securityContext", "procMount");
        if (mount === undefined || mount === null || isExemptImage(c.image, parameters.exemptImages)) return [];
        if (allowed === "unmasked" || formatArg(mount).toLowerCase() === "default") return [];
        return [
          containerViolation(
            c,
            msg`ProcMount type is not allowed, container: ${c.name}. Allowed procMount types: ${allowed}`,
            "securityContext",
            "procMount",
          ),
        ];
      });
  },
});
