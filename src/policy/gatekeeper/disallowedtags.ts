/**
 * K8sDisallowedTags — upstream template `library/general/disallowedtags` (v1.0.2).
 * Container images must name a tag (the last path segment has a `:`), and not one of `tags`.
 * Containers whose image matches `exemptImages` are skipped.
 */
import { containerViolation, podContainers } from "./lib/containers.js";
import { defineKind } from "./lib/define.js";
import { isExemptImage } from "./lib/exempt-images.js";
import { msg } from "./lib/rego-format.js";
import { arrayOf, exemptImages, obj, str } from "./lib/schema.js";

interface Parameters {
  exemptImages?: string[];
  tags?: string[];
}

export const disallowedTags = defineKind<Parameters>({
  kind: "K8sDisallowedTags",
  template: "library/general/disallowedtags",
  description: "Requires container images to have an image tag different from the ones in the specified list.",
  fix: "Pin the image to an explicit, allowed tag (not `latest` or another disallowed tag).",
  target: "pod",
  parameters: obj({ exemptImages, tags: arrayOf(str()) }),
  build: (parameters) => {
    const suffixes = (parameters.tags ?? []).map((tag) => `:${tag}`);
    return (pod) =>
      podContainers(pod).flatMap((c) => {
        const image = c.image;
        if (typeof image !== "string" || isExemptImage(image, parameters.exemptImages)) return [];
        const found = [];
        if (suffixes.some((suffix) => image.endsWith(suffix))) {
          found.push(
            containerViolation(
              c,
              msg`container <${c.name}> uses a disallowed tag <${image}>; disallowed tags are ${parameters.tags}`,
              "image",
            ),
          );
        }
        // A registry port (`host:5000/app`) has a colon too, so only the last path segment counts.
        if (!(image.split("/").pop() ?? "").includes(":")) {
          found.push(containerViolation(c, msg`container <${c.name}> didn't specify an image tag <${image}>`, "image"));
        }
        return found;
      });
  },
});
