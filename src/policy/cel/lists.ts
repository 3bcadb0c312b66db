/**
 * The Kubernetes `lists` library: `isSorted`, `sum`, `min`, `max`, `indexOf`, `lastIndexOf` on lists
 * of comparable values (k8s.io/apiserver/pkg/cel/library/lists.go).
 */
import type { Environment } from "@marcbachmann/cel-js";
import { celError } from "./errors.js";
import { compareValues, valuesEqual } from "./compare.js";

export function registerLists(env: Environment): void {
  env.registerFunction("list.isSorted(): bool", (list: unknown[]) =>
    list.every((item, i) => i === 0 || compareValues(list[i - 1], item) <= 0),
  );
  env.registerFunction("list.sum(): dyn", (list: unknown[]) => {
    if (list.length === 0) return 0n;
    let total = list[0];
    for (const item of list.slice(1)) total = add(total, item);
    return total;
  });
  env.registerFunction("list.min(): dyn", (list: unknown[]) => extreme(list, "min", -1));
  env.registerFunction("list.max(): dyn", (list: unknown[]) => extreme(list, "max", 1));
  env.registerFunction("list.indexOf(dyn): int", (list: unknown[], value: unknown) =>
    BigInt(list.findIndex((item) => valuesEqual(item, value))),
  );
  env.registerFunction("list.lastIndexOf(dyn): int", (list: unknown[], value: unknown) => {
    for (let i = list.length - 1; i >= 0; i--) if (valuesEqual(list[i], value)) return BigInt(i);
    return -1n;
  });
}

function add(a: unknown, b: unknown): unknown {
  if (typeof a === "bigint" && typeof b === "bigint") return a + b;
  if (typeof a === "number" && typeof b === "number") return a + b;
  return celError(`sum() needs a list of numbers of one type, got ${typeof a} and ${typeof b}`);
}

function extreme(list: unknown[], name: string, sign: 1 | -1): unknown {
  if (list.length === 0) celError(`${name}() of an empty list`);
  let best = list[0];
  for (const item of list.slice(1)) if (compareValues(item, best) * sign > 0) best = item;
  return best;
}
