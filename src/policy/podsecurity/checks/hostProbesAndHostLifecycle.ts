/**
 * Probes and lifecycle hooks must not reach out to an arbitrary host (they run from the node).
 * Upstream `check_hostProbesAndhostLifecycle.go` (new in v1.34): `httpGet.host` and `tcpSocket.host` of
 * the liveness, readiness and startup probes and of the postStart and preStop hooks of every container
 * must be unset or empty.
 */
import { containerFinding } from "../finding.js";
import { containerLabel, quote } from "../format.js";
import { LIFECYCLE_FIELDS, PROBE_FIELDS, type Container, type DecodedPod, type Handler } from "../pod.js";
import type { CheckFinding, PodSecurityCheck } from "../types.js";

const HANDLER_ACTIONS = ["httpGet", "tcpSocket"] as const;
const FIX = "Remove host; probes and hooks target the pod's own IP by default.";

export const hostProbesAndHostLifecycle: PodSecurityCheck = {
  id: "hostProbesAndHostLifecycle",
  level: "baseline",
  reason: "probe or lifecycle host",
  doc: {
    title: "Host probes and lifecycle hooks",
    checks:
      "The `host` field of probes and lifecycle hooks makes the kubelet send requests to an arbitrary address, which can be abused to reach services on the node network. Forbidden at the baseline level.",
    fix: "Remove the `host` field from the probe or lifecycle handler; it must target the pod itself.",
  },
  versions: [{ minimumVersion: "v1.34", checkPod: hostProbesAndHostLifecycleV1Dot34 }],
};

/** Runs on every container of every pod: it allocates only for what it finds. */
function hostProbesAndHostLifecycleV1Dot34(pod: DecodedPod): CheckFinding[] {
  const findings: CheckFinding[] = [];
  for (const container of pod.spec.containers) {
    for (const field of PROBE_FIELDS) forbiddenHosts(container, undefined, field, container.probes[field], findings);
    for (const field of LIFECYCLE_FIELDS) forbiddenHosts(container, "lifecycle", field, container.lifecycle?.[field], findings);
  }
  return findings;
}

/** `parent`/`field`: where the handler sits in the container (`livenessProbe`, `lifecycle.postStart`). */
function forbiddenHosts(
  container: Container,
  parent: string | undefined,
  field: string,
  handler: Handler | undefined,
  findings: CheckFinding[],
): void {
  if (!handler) return;
  for (const action of HANDLER_ACTIONS) {
    const host = handler[action]?.host;
    if (host === undefined || host === "") continue;
    findings.push(
      containerFinding(
        container,
        parent === undefined ? [field, action, "host"] : [parent, field, action, "host"],
        `${containerLabel(container.name)} uses probe or lifecycle host ${quote(host)}`,
        FIX,
      ),
    );
  }
}
