/**
 * K8sPSPHostNetworkingPorts — upstream template `library/pod-security-policy/host-network-ports` (v1.1.5).
 * A Pod may use the host network only if `hostNetwork` is true, and container `hostPort`s must lie
 * within `min`..`max`. `exemptImages` exempts containers from the port check only: host networking
 * is a Pod-wide setting. (Upstream skips UPDATE requests because the fields are immutable, so an AdmissionReview of an UPDATE is
 * not judged (`exemptsUpdates`); a manifest is judged as a CREATE.)
 */
import type { FieldPath, JsonObject } from "../../manifests/types.js";
import { podContainers } from "./lib/containers.js";
import { defineKind } from "./lib/define.js";
import { isExemptImage } from "./lib/exempt-images.js";
import { get, getArray, isSet } from "./lib/json.js";
import { compareRego, msg } from "./lib/rego-format.js";
import { bool, exemptImages, int, obj } from "./lib/schema.js";

interface Parameters {
  exemptImages?: string[];
  hostNetwork?: boolean;
  min?: number;
  max?: number;
}

export const hostNetworkPorts = defineKind<Parameters>({
  kind: "K8sPSPHostNetworkingPorts",
  template: "library/pod-security-policy/host-network-ports",
  description: "Controls usage of host network namespace by pod containers. Specific ports must be specified.",
  fix: "Remove `hostNetwork` (or set it to `false`) and use host ports only within the constraint's `min`/`max` range.",
  target: "pod",
  exemptsUpdates: true,
  parameters: obj({ exemptImages, hostNetwork: bool, min: int, max: int }),
  build: (parameters) => (pod) => {
    const path = offendingField(parameters, pod);
    if (!path) return [];
    // One violation per Pod, whatever the number of offending fields: upstream's message is the same for all.
    return [
      {
        message: msg`The specified hostNetwork and hostPort are not allowed, pod: ${get(pod, "metadata", "name")}. Allowed values: ${parameters as unknown as JsonObject}`,
        path,
      },
    ];
  },
});

function offendingField(parameters: Parameters, pod: JsonObject): FieldPath | undefined {
  if (!parameters.hostNetwork && isSet(get(pod, "spec", "hostNetwork"))) return ["spec", "hostNetwork"];
  for (const c of podContainers(pod)) {
    if (isExemptImage(c.image, parameters.exemptImages)) continue;
    const ports = getArray(c.spec, "ports");
    for (let index = 0; index < ports.length; index++) {
      const hostPort = get(ports[index], "hostPort");
      if (hostPort === undefined) continue;
      const below = parameters.min !== undefined && compareRego(hostPort, parameters.min) < 0;
      const above = parameters.max !== undefined && compareRego(hostPort, parameters.max) > 0;
      if (below || above) return [...c.path, "ports", index, "hostPort"];
    }
  }
  return undefined;
}
