/**
 * K8sAllowedReposv2 — upstream template `library/general/allowedreposv2` (v1.0.0).
 * Every container image must equal an `allowedImages` entry, or start with one that ends in `*`
 * (only a trailing `*` is special).
 */
import { CONTAINER_LABEL, containerViolation, podContainers } from "./lib/containers.js";
import { defineKind } from "./lib/define.js";
import { matchesImagePattern } from "./lib/exempt-images.js";
import { msg } from "./lib/rego-format.js";
import { arrayOf, obj, str } from "./lib/schema.js";

interface Parameters {
  allowedImages: string[];
}

export const allowedReposV2 = defineKind<Parameters>({
  kind: "K8sAllowedReposv2",
  template: "library/general/allowedreposv2",
  description: "Requires container images to match an allowed image exactly, or a prefix ending in `*`.",
  fix: "Use an image that matches one of the allowed image patterns listed in the constraint.",
  target: "pod",
  // Without `allowedImages` the upstream message is undefined and the rule never fires: required here.
  parameters: obj({ allowedImages: arrayOf(str()) }, ["allowedImages"]),
  build:
    ({ allowedImages }) =>
    (pod) =>
      podContainers(pod).flatMap((c) =>
        typeof c.image === "string" && !allowedImages.some((pattern) => matchesImagePattern(c.image as string, pattern))
          ? [
              containerViolation(
                c,
                msg`${CONTAINER_LABEL[c.list]} <${c.name}> has an invalid image <${c.image}>, allowed images are ${allowedImages}`,
                "image",
              ),
            ]
          : [],
      ),
});
