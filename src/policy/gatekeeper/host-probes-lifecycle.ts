/**
 * K8sPSPHostProbesLifecycle — upstream template `library/pod-security-policy/host-probes-lifecycle` (v1.0.1).
 * Probes (liveness, readiness, startup) and lifecycle hooks (postStart, preStop) may not set a
 * `host` on their `httpGet` or `tcpSocket` handler: that makes the kubelet send requests to another
 * address, typically the node itself. Containers matching `exemptImages` are skipped. (Upstream
 * skips UPDATE requests, so an AdmissionReview of an UPDATE is
 * not judged (`exemptsUpdates`); a manifest is judged as a CREATE.)
 */
import type { Violation } from "../types.js";
import { containerViolation, podContainers } from "./lib/containers.js";
import { defineKind } from "./lib/define.js";
import { isExemptImage } from "./lib/exempt-images.js";
import { get } from "./lib/json.js";
import { msg } from "./lib/rego-format.js";
import { exemptImages, obj } from "./lib/schema.js";

interface Parameters {
  exemptImages?: string[];
}

const HANDLERS = [
  { what: "probe", path: ["livenessProbe"] },
  { what: "probe", path: ["readinessProbe"] },
  { what: "probe", path: ["startupProbe"] },
  { what: "lifecycle hook", path: ["lifecycle", "postStart"] },
  { what: "lifecycle hook", path: ["lifecycle", "preStop"] },
] as const;

export const hostProbesLifecycle = defineKind<Parameters>({
  kind: "K8sPSPHostProbesLifecycle",
  template: "library/pod-security-policy/host-probes-lifecycle",
  description: "Disallows specifying the host field in probes and lifecycle hooks.",
  fix: "Remove the `host` field from the probe or lifecycle handler; it must target the pod itself.",
  target: "pod",
  exemptsUpdates: true,
  parameters: obj({ exemptImages }),
  build: (parameters) => (pod) =>
    podContainers(pod).flatMap((c) => {
      if (isExemptImage(c.image, parameters.exemptImages)) return [];
      const found: Violation[] = [];
      for (const handler of HANDLERS) {
        for (const action of ["httpGet", "tcpSocket"]) {
          const host = get(c.spec, ...handler.path, action, "host");
          if (host === undefined || host === "") continue;
          found.push(
            containerViolation(
              c,
              msg`Container ${c.name} has ${handler.what} with host field set: ${host}`,
              ...handler.path,
              action,
              "host",
            ),
          );
        }
      }
      return found;
    }),
});
