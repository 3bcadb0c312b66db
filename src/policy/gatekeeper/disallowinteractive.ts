/**
 * K8sDisallowInteractiveTTY — upstream template `library/general/disallowinteractive` (v1.0.0).
 * No container may set `stdin` or `tty` (to anything but `false`), except those matching `exemptImages`.
 */
import { containerViolation, podContainers } from "./lib/containers.js";
import { defineKind } from "./lib/define.js";
import { isExemptImage } from "./lib/exempt-images.js";
import { hasField } from "./lib/json.js";
import { msg } from "./lib/rego-format.js";
import { exemptImages, obj } from "./lib/schema.js";

interface Parameters {
  exemptImages?: string[];
}

export const disallowInteractive = defineKind<Parameters>({
  kind: "K8sDisallowInteractiveTTY",
  template: "library/general/disallowinteractive",
  description: "Controls use of fields related to gaining an interactive session (`tty` and `stdin`).",
  fix: "Remove `tty` and `stdin` from the container, or set them to `false`.",
  target: "pod",
  parameters: obj({ exemptImages }),
  build: (parameters) => (pod) =>
    podContainers(pod).flatMap((c) => {
      if (isExemptImage(c.image, parameters.exemptImages)) return [];
      const field = ["stdin", "tty"].find((name) => hasField(c.spec, name));
      return field
        ? [containerViolation(c, msg`Containers using tty or stdin (${c.name}) are not allowed running image: ${c.image}`, field)]
        : [];
    }),
});
