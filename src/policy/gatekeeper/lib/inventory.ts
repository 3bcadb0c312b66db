/**
 * Indexes over the inventory (every manifest under review), built once per evaluation run: the
 * engine hands every evaluation of a run the same inventory array, so kinds that compare each
 * object with the others stay linear instead of scanning the whole inventory per object.
 */
import type { JsonObject, Manifest } from "../../../manifests/types.js";

export function perInventory<T>(build: (objects: readonly JsonObject[]) => T): (inventory: readonly Manifest[]) => T {
  const cache = new WeakMap<readonly Manifest[], T>();
  return (inventory) => {
    let index = cache.get(inventory);
    if (index === undefined) {
      index = build(inventory.map((manifest) => manifest.object));
      cache.set(inventory, index);
    }
    return index;
  };
}

/** Groups values by key. */
export function groupBy<T>(values: Iterable<T>, keyOf: (value: T) => string | undefined): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const value of values) {
    const key = keyOf(value);
    if (key === undefined) continue;
    const group = groups.get(key);
    if (group) group.push(value);
    else groups.set(key, [value]);
  }
  return groups;
}
