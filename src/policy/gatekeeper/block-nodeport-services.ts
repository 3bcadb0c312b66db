/**
 * K8sBlockNodePort — upstream template `library/general/block-nodeport-services` (v1.0.0).
 * Services may not be of type NodePort.
 */
import { defineKind } from "./lib/define.js";
import { get } from "./lib/json.js";
import { reviewKind } from "./lib/review.js";
import { obj } from "./lib/schema.js";

export const blockNodePortServices = defineKind<Record<string, never>>({
  kind: "K8sBlockNodePort",
  template: "library/general/block-nodeport-services",
  description: "Disallows all Services with type NodePort.",
  fix: "Change the Service's `type` to `ClusterIP` (or use an Ingress or Gateway) instead of `NodePort`.",
  target: "object",
  parameters: obj({}),
  build: () => (object) =>
    reviewKind(object).kind === "Service" && get(object, "spec", "type") === "NodePort"
      ? [{ message: "User is not allowed to create service of type NodePort", path: ["spec", "type"] }]
      : [],
});
