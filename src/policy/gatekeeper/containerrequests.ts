/**
 * K8sContainerRequests — upstream template `library/general/containerrequests` (v1.0.1).
 * Containers and init containers must set memory and CPU requests, at most `memory` / `cpu` when
 * given. Ephemeral containers cannot set resources and are not checked.
 */
import { defineKind } from "./lib/define.js";
import { checkMaximum, maximum, resourceBounds } from "./lib/resource-bounds.js";
import { exemptImages, obj, str } from "./lib/schema.js";

interface Parameters {
  exemptImages?: string[];
  cpu?: string;
  memory?: string;
}

export const containerRequests = defineKind<Parameters>({
  kind: "K8sContainerRequests",
  template: "library/general/containerrequests",
  description: "Requires containers to have memory and CPU requests set and constrains requests to be within the specified maximum values.",
  fix: "Set `resources.requests.cpu` and `resources.requests.memory` on every container, within the constraint's maximums.",
  target: "pod",
  parameters: obj({ exemptImages, cpu: str(), memory: str() }),
  check: ({ cpu, memory }) => [...checkMaximum(cpu, "cpu"), ...checkMaximum(memory, "memory")],
  build: ({ cpu, memory, exemptImages }) =>
    resourceBounds({
      section: "requests",
      noun: "request",
      resources: [
        { name: "cpu", max: maximum(cpu) },
        { name: "memory", max: maximum(memory) },
      ],
      exemptImages,
    }),
});
