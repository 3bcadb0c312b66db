/**
 * K8sBlockLoadBalancer — upstream template `library/general/block-loadbalancer-services` (v1.0.0).
 * Services may not be of type LoadBalancer.
 */
import { defineKind } from "./lib/define.js";
import { get } from "./lib/json.js";
import { reviewKind } from "./lib/review.js";
import { obj } from "./lib/schema.js";

export const blockLoadBalancerServices = defineKind<Record<string, never>>({
  kind: "K8sBlockLoadBalancer",
  template: "library/general/block-loadbalancer-services",
  description: "Disallows all Services with type LoadBalancer.",
  fix: "Change the Service's `type` to `ClusterIP` and expose it through an Ingress or Gateway instead of a LoadBalancer.",
  target: "object",
  parameters: obj({}),
  build: () => (object) =>
    reviewKind(object).kind === "Service" && get(object, "spec", "type") === "LoadBalancer"
      ? [{ message: "User is not allowed to create service of type LoadBalancer", path: ["spec", "type"] }]
      : [],
});
