/**
 * K8sPodDisruptionBudget — upstream template `library/general/poddisruptionbudget` (v1.0.4).
 * A PodDisruptionBudget must not set `maxUnavailable: 0`, and a workload selected by a PDB
 * (`policy/v1`, same namespace, whose `matchLabels` are a subset of the workload's) must neither be
 * covered by such a PDB nor have no more replicas than the PDB's `minAvailable` — either way no Pod
 * could ever be evicted voluntarily, which blocks node drains. The PDBs come from the inventory
 * (every manifest under review), where Gatekeeper reads its synced cluster state; a workload without
 * `replicas` is judged with the API server's default of 1.
 *
 * Percentages: upstream compares `"50%"` with numbers by Rego's type order (a string sorts above
 * every number), so any percentage `maxUnavailable` passes — `"0%"` included — and any percentage
 * `minAvailable` fails. Here a percentage means what the disruption controller makes of it: a share
 * of the replicas, rounded up. `maxUnavailable: "0%"` is therefore 0, and `minAvailable: "50%"` of
 * 3 replicas is 2, which leaves one Pod evictable.
 */
import type { JsonObject, JsonValue } from "../../manifests/types.js";
import type { Violation } from "../types.js";
import { defineKind } from "./lib/define.js";
import { groupBy, perInventory } from "./lib/inventory.js";
import { replicasOf } from "./lib/defaults.js";
import { get, getObject } from "./lib/json.js";
import { compareRego, msg } from "./lib/rego-format.js";
import { isSameObject, namespaceOf, reviewKind } from "./lib/review.js";
import { obj } from "./lib/schema.js";

export const podDisruptionBudget = defineKind<Record<string, never>>({
  kind: "K8sPodDisruptionBudget",
  template: "library/general/poddisruptionbudget",
  description: "Disallows PodDisruptionBudgets (and workloads they select) that allow no voluntary eviction.",
  fix: "Allow at least one voluntary eviction: lower `minAvailable` below the replica count, or set `maxUnavailable` above zero.",
  target: "object",
  parameters: obj({}),
  build: () => {
    const budgetsByNamespace = perInventory((objects) =>
      groupBy(objects, (o) =>
        get(o, "apiVersion") === "policy/v1" && get(o, "kind") === "PodDisruptionBudget" ? namespaceOf(o) : undefined,
      ),
    );
    return (object, context) => {
      const found: Violation[] = [];
      const name = get(object, "metadata", "name");
      if (reviewKind(object).kind === "PodDisruptionBudget" && !validMaxUnavailable(object)) {
        found.push({
          message: msg`PodDisruptionBudget <${name}> has maxUnavailable of 0, only positive integers are allowed for maxUnavailable`,
          path: ["spec", "maxUnavailable"],
        });
      }
      const selecting = (budgetsByNamespace(context.inventory).get(namespaceOf(object)) ?? []).filter(
        (pdb) => !isSameObject(pdb, object) && selects(pdb, object),
      );
      const replicas = replicasOf(object);
      for (const pdb of selecting) {
        const pdbName = get(pdb, "metadata", "name");
        if (!validMaxUnavailable(pdb)) {
          found.push({
            message: msg`${get(object, "kind")} <${name}> has been selected by PodDisruptionBudget <${pdbName}> but has maxUnavailable of 0, only positive integers are allowed for maxUnavailable`,
            path: ["spec", "selector"],
          });
        }
        const minAvailable = get(pdb, "spec", "minAvailable");
        if (minAvailable !== undefined && typeof replicas === "number" && replicas <= scaled(minAvailable, replicas)) {
          found.push({
            message: msg`${get(object, "kind")} <${name}> has ${replicas} replica(s) but PodDisruptionBudget <${pdbName}> has minAvailable of ${minAvailable}, PodDisruptionBudget count should always be lower than replica(s), and not used when replica(s) is set to 1`,
            path: ["spec", "replicas"],
          });
        }
      }
      return found;
    };
  },
});

function validMaxUnavailable(pdb: JsonObject): boolean {
  const maxUnavailable = get(pdb, "spec", "maxUnavailable");
  if (maxUnavailable === undefined) return true;
  const percent = percentage(maxUnavailable);
  if (percent !== undefined) return percent > 0;
  return typeof maxUnavailable !== "number" || maxUnavailable > 0;
}

/** An int-or-percent against a replica count, rounded up as the disruption controller does. */
function scaled(value: JsonValue, replicas: number): number {
  const percent = percentage(value);
  if (percent !== undefined) return Math.ceil((replicas * percent) / 100);
  return typeof value === "number" ? value : Number.NaN;
}

function percentage(value: JsonValue): number | undefined {
  if (typeof value !== "string") return undefined;
  const match = /^(\d+)%$/.exec(value);
  return match ? Number(match[1]) : undefined;
}

/** Upstream's selection: every `matchLabels` pair of the PDB is among the object's selector `matchLabels`. */
function selects(pdb: JsonObject, object: JsonObject): boolean {
  const wanted = getObject(pdb, "spec", "selector", "matchLabels") ?? {};
  const offered = getObject(object, "spec", "selector", "matchLabels") ?? {};
  return Object.entries(wanted).every(([key, value]) => Object.hasOwn(offered, key) && compareRego(offered[key] as JsonValue, value) === 0);
}
