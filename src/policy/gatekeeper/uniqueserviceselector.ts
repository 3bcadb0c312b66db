/**
 * K8sUniqueServiceSelector — upstream template `library/general/uniqueserviceselector` (v1.0.2).
 * No two Services in a namespace may have the same selector. The other Services come from the
 * inventory — every manifest under review — where Gatekeeper reads its synced cluster state.
 *
 * Two deliberate departures from the upstream Rego, both following the template's documented intent:
 *
 * Services without a selector (ExternalName, or Endpoints managed by hand) select no Pods and are
 * not compared; the Rego flattens every missing selector to the same empty string, so any two such
 * Services would conflict.
 *
 * Scope: the template documents "unique selectors within a namespace", and a selector only ever
 * selects Pods of its own namespace; the upstream Rego, however, compares with Services of every
 * namespace. This follows the documented, namespace-scoped semantics, so two teams' namespaces do
 * not conflict.
 */
import type { JsonObject } from "../../manifests/types.js";
import { defineKind } from "./lib/define.js";
import { groupBy, perInventory } from "./lib/inventory.js";
import { get, getObject } from "./lib/json.js";
import { formatArg, msg } from "./lib/rego-format.js";
import { isSameObject, nameOf, namespaceOf, reviewKind } from "./lib/review.js";
import { obj } from "./lib/schema.js";

export const uniqueServiceSelector = defineKind<Record<string, never>>({
  kind: "K8sUniqueServiceSelector",
  template: "library/general/uniqueserviceselector",
  description: "Requires Services to have unique selectors within a namespace.",
  fix: "Give the Service a selector no other Service in its namespace uses.",
  target: "object",
  parameters: obj({}),
  build: () => {
    const servicesBySelector = perInventory((objects) =>
      groupBy(objects, (other) => {
        const selector = get(other, "kind") === "Service" ? flattenSelector(other) : "";
        return selector === "" ? undefined : `${namespaceOf(other)}\u0000${selector}`;
      }),
    );
    return (service, context) => {
      const kind = reviewKind(service);
      if (kind.kind !== "Service" || kind.version !== "v1" || kind.group !== "") return [];
      const selector = flattenSelector(service);
      if (selector === "") return [];
      const namespace = namespaceOf(service);
      return (servicesBySelector(context.inventory).get(`${namespace}\u0000${selector}`) ?? [])
        .filter((other) => !isSameObject(other, service))
        .map((other) => ({
          message: msg`same selector as service <${nameOf(other)}> in namespace <${namespace}>`,
          path: ["spec", "selector"],
        }));
    };
  },
});

/** Upstream's `flatten_selector`: `key:value` pairs, sorted, joined with commas. */
function flattenSelector(service: JsonObject): string {
  const selector = getObject(service, "spec", "selector") ?? {};
  return Object.entries(selector)
    .map(([key, value]) => `${key}:${formatArg(value)}`)
    .sort()
    .join(",");
}
