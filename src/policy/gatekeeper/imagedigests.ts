/**
 * K8sImageDigests — upstream template `library/general/imagedigests` (v1.0.1).
 * Container images must carry a digest (`@sha256:...`), except those matching `exemptImages`.
 */
import { CONTAINER_LABEL, containerViolation, podContainers } from "./lib/containers.js";
import { defineKind } from "./lib/define.js";
import { isExemptImage } from "./lib/exempt-images.js";
import { msg } from "./lib/rego-format.js";
import { exemptImages, obj } from "./lib/schema.js";

interface Parameters {
  exemptImages?: string[];
}

/** The template's digest pattern, unanchored as `regex.match` is: `@<algorithm>:<encoded>`. */
const DIGEST = /@[a-z0-9]+([+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+/;

export const imageDigests = defineKind<Parameters>({
  kind: "K8sImageDigests",
  template: "library/general/imagedigests",
  description: "Requires container images to contain a digest.",
  fix: "Pin the image by digest, e.g. `registry/image@sha256:…`.",
  target: "pod",
  parameters: obj({ exemptImages }),
  build: (parameters) => (pod) =>
    podContainers(pod).flatMap((c) =>
      typeof c.image === "string" && !isExemptImage(c.image, parameters.exemptImages) && !DIGEST.test(c.image)
        ? [containerViolation(c, msg`${CONTAINER_LABEL[c.list]} <${c.name}> uses an image without a digest <${c.image}>`, "image")]
        : [],
    ),
});
