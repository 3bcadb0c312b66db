/**
 * HostPorts should be disallowed entirely.
 * Upstream `check_hostPorts.go`: `ports[*].hostPort` of every container must be unset or 0.
 */
import { containerFinding } from "../finding.js";
import { containerLabel } from "../format.js";
import type { DecodedPod } from "../pod.js";
import type { CheckFinding, PodSecurityCheck } from "../types.js";
import { removeField } from "../../fixes.js";

export const hostPorts: PodSecurityCheck = {
  id: "hostPorts",
  level: "baseline",
  reason: "hostPort",
  doc: {
    title: "Host ports",
    checks:
      "A hostPort binds a port on the node itself, bypassing network policies and exposing the pod on the node's address. Forbidden at the baseline level.",
    fix: "Remove `hostPort` from the container ports and expose the port with a Service instead.",
  },
  versions: [{ minimumVersion: "v1.0", checkPod: hostPortsV1Dot0 }],
  mechanicalFix: removeField("Remove the hostPort."),
};

function hostPortsV1Dot0(pod: DecodedPod): CheckFinding[] {
  const findings: CheckFinding[] = [];
  for (const container of pod.spec.containers) {
    for (const port of container.hostPorts) {
      if (port.value === 0) continue;
      findings.push(
        containerFinding(
          container,
          ["ports", port.index, "hostPort"],
          `${containerLabel(container.name)} uses hostPort ${port.value}`,
          "Remove hostPort; expose the port through a Service instead.",
        ),
      );
    }
  }
  return findings;
}
