/**
 * K8sContainerEphemeralStorageLimit — upstream template `library/general/ephemeralstoragelimit` (v1.0.2).
 * Containers and init containers must set an `ephemeral-storage` limit, at most the
 * `ephemeral-storage` parameter when given. (Upstream skips UPDATE requests because the field is
 * immutable, so an AdmissionReview of an UPDATE is
 * not judged (`exemptsUpdates`); a manifest is judged as a CREATE.)
 */
import { defineKind } from "./lib/define.js";
import { checkMaximum, maximum, resourceBounds } from "./lib/resource-bounds.js";
import { exemptImages, obj, str } from "./lib/schema.js";

interface Parameters {
  exemptImages?: string[];
  "ephemeral-storage"?: string;
}

export const ephemeralStorageLimit = defineKind<Parameters>({
  kind: "K8sContainerEphemeralStorageLimit",
  template: "library/general/ephemeralstoragelimit",
  description:
    "Requires containers to have an ephemeral storage limit set and constrains the limit to be within the specified maximum values.",
  fix: "Set `resources.limits.ephemeral-storage` on every container, within the constraint's maximum.",
  target: "pod",
  exemptsUpdates: true,
  parameters: obj({ exemptImages, "ephemeral-storage": str() }),
  check: (parameters) => checkMaximum(parameters["ephemeral-storage"], "ephemeral-storage"),
  build: (parameters) =>
    resourceBounds({
      section: "limits",
      noun: "limit",
      resources: [{ name: "ephemeral-storage", max: maximum(parameters["ephemeral-storage"]) }],
      exemptImages: parameters.exemptImages,
    }),
});
