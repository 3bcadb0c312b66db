/**
 * K8sBlockWildcardIngress — upstream template `library/general/block-wildcard-ingress` (v1.0.1).
 * Ingress rules may not use a blank, omitted, or wildcard (`*`) host: those catch traffic meant for
 * other applications.
 */
import { defineKind } from "./lib/define.js";
import { get, getArray } from "./lib/json.js";
import { msg } from "./lib/rego-format.js";
import { reviewKind } from "./lib/review.js";
import { obj } from "./lib/schema.js";

export const blockWildcardIngress = defineKind<Record<string, never>>({
  kind: "K8sBlockWildcardIngress",
  template: "library/general/block-wildcard-ingress",
  description: "Users should not be able to create Ingresses with a blank or wildcard (*) hostname.",
  fix: "Give every Ingress rule an explicit host name, without `*` and not empty.",
  target: "object",
  parameters: obj({}),
  build: () => (ingress) => {
    if (reviewKind(ingress).kind !== "Ingress") return [];
    return getArray(ingress, "spec", "rules").flatMap((rule, index) => {
      const host = get(rule, "host") ?? "";
      const wildcard = host === "" || (typeof host === "string" && host.includes("*"));
      return wildcard
        ? [
            {
              message: msg`Hostname '${host}' is not allowed since it counts as a wildcard, which can be used to intercept traffic from other applications.`,
              path: ["spec", "rules", index, "host"],
            },
          ]
        : [];
    });
  },
});
