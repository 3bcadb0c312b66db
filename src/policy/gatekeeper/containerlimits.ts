/**
 * K8sContainerLimits — upstream template `library/general/containerlimits` (v1.1.0).
 * Containers and init containers must set memory and CPU limits, at most `memory` / `cpu`.
 * `cpu: "-1"` turns every CPU check off, and so (as upstream) does leaving `cpu` out; memory limits
 * are always required. Ephemeral containers cannot set resources and are not checked.
 */
import { defineKind } from "./lib/define.js";
import { checkMaximum, maximum, resourceBounds, type BoundedResource } from "./lib/resource-bounds.js";
import { exemptImages, obj, str } from "./lib/schema.js";

interface Parameters {
  exemptImages?: string[];
  cpu?: string;
  memory?: string;
}

const CPU_CHECKS_DISABLED = "-1";

export const containerLimits = defineKind<Parameters>({
  kind: "K8sContainerLimits",
  template: "library/general/containerlimits",
  description: "Requires containers to have memory and CPU limits set and constrains limits to be within the specified maximum values.",
  fix: "Set `resources.limits.cpu` and `resources.limits.memory` on every container, within the constraint's maximums.",
  target: "pod",
  parameters: obj({ exemptImages, cpu: str(), memory: str() }),
  check: ({ cpu, memory }) => [...(cpu === CPU_CHECKS_DISABLED ? [] : checkMaximum(cpu, "cpu")), ...checkMaximum(memory, "memory")],
  build: ({ cpu, memory, exemptImages }) => {
    const resources: BoundedResource[] = [];
    if (cpu !== undefined && cpu !== CPU_CHECKS_DISABLED) resources.push({ name: "cpu", max: maximum(cpu) });
    resources.push({ name: "memory", max: maximum(memory) });
    return resourceBounds({ section: "limits", noun: "limit", resources, exemptImages });
  },
});
