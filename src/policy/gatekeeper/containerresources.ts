/**
 * K8sRequiredResources — upstream template `library/general/containerresources` (v1.0.1).
 * Containers and init containers must define the listed `limits` and `requests` (`cpu`, `memory`).
 */
import type { Violation } from "../types.js";
import { REGULAR_AND_INIT, containerViolation, podContainers } from "./lib/containers.js";
import { defineKind } from "./lib/define.js";
import { isExemptImage } from "./lib/exempt-images.js";
import { getObject } from "./lib/json.js";
import { RegoSet, msg } from "./lib/rego-format.js";
import { arrayOf, exemptImages, obj, str } from "./lib/schema.js";

type Resource = "cpu" | "memory";

interface Parameters {
  exemptImages?: string[];
  limits?: Resource[];
  requests?: Resource[];
}

const RESOURCE_NAMES = ["cpu", "memory"] as const;

export const containerResources = defineKind<Parameters>({
  kind: "K8sRequiredResources",
  template: "library/general/containerresources",
  description: "Requires containers to have defined resources set.",
  fix: "Set the resource limits and requests the constraint lists on every container.",
  target: "pod",
  parameters: obj({ exemptImages, limits: arrayOf(str(RESOURCE_NAMES)), requests: arrayOf(str(RESOURCE_NAMES)) }),
  build: (parameters) => {
    const sections = [
      { section: "limits", required: new RegoSet(parameters.limits ?? []) },
      { section: "requests", required: new RegoSet(parameters.requests ?? []) },
    ];
    return (pod) =>
      podContainers(pod, REGULAR_AND_INIT).flatMap((c) => {
        if (isExemptImage(c.image, parameters.exemptImages)) return [];
        const found: Violation[] = [];
        for (const { section, required } of sections) {
          const stated = getObject(c.spec, "resources", section) ?? {};
          const provided = new RegoSet(Object.keys(stated).filter((name) => stated[name] !== false));
          const missing = required.minus(provided);
          if (missing.size > 0) {
            found.push(
              containerViolation(c, msg`container <${c.name}> does not have <${missing}> ${section} defined`, "resources", section),
            );
          }
        }
        return found;
      });
  },
});
