/**
 * K8sUniqueIngressHost — upstream template `library/general/uniqueingresshost` (v1.0.4).
 * No two Ingresses (in any namespace) may claim the same host. The other Ingresses come from the
 * inventory — every manifest under review — where Gatekeeper reads its synced cluster state.
 */
import type { JsonObject } from "../../manifests/types.js";
import { defineKind } from "./lib/define.js";
import { perInventory } from "./lib/inventory.js";
import { get, getArray, getString } from "./lib/json.js";
import { msg } from "./lib/rego-format.js";
import { nameOf, namespaceOf, reviewKind } from "./lib/review.js";
import { obj } from "./lib/schema.js";

const INGRESS_GROUP = /^(extensions|networking\.k8s\.io)$/;
const INGRESS_API_VERSION = /^(extensions|networking\.k8s\.io)\/.+$/;

export const uniqueIngressHost = defineKind<Record<string, never>>({
  kind: "K8sUniqueIngressHost",
  template: "library/general/uniqueingresshost",
  description: "Requires all Ingress rule hosts to be unique.",
  fix: "Use a host name that no other Ingress uses, or merge the rules into the Ingress that owns it.",
  target: "object",
  parameters: obj({}),
  build: () => {
    const ingressesByHost = perInventory((objects) => {
      const byHost = new Map<string, JsonObject[]>();
      for (const other of objects) {
        if (get(other, "kind") !== "Ingress" || !INGRESS_API_VERSION.test(getString(other, "apiVersion") ?? "")) continue;
        for (const rule of getArray(other, "spec", "rules")) {
          const host = get(rule, "host");
          if (typeof host === "string") byHost.set(host, [...(byHost.get(host) ?? []), other]);
        }
      }
      return byHost;
    });
    return (ingress, context) => {
      const kind = reviewKind(ingress);
      if (kind.kind !== "Ingress" || !INGRESS_GROUP.test(kind.group)) return [];
      // Upstream identifies "the same Ingress" by namespace and name alone: one Ingress served by
      // two API groups (extensions and networking.k8s.io) is still one object.
      const isOther = (other: JsonObject): boolean =>
        other !== ingress && !(namespaceOf(other) === namespaceOf(ingress) && nameOf(other) === nameOf(ingress));
      const byHost = ingressesByHost(context.inventory);
      return getArray(ingress, "spec", "rules").flatMap((rule, index) => {
        const host = get(rule, "host");
        return typeof host === "string" && (byHost.get(host) ?? []).some(isOther)
          ? [{ message: msg`ingress host conflicts with an existing ingress <${host}>`, path: ["spec", "rules", index, "host"] }]
          : [];
      });
    };
  },
});
