/** cel-go's sets extension, which the API server enables: `sets.contains`, `sets.equivalent`, `sets.intersects`. */
import type { Environment } from "@marcbachmann/cel-js";
import { valuesEqual } from "./compare.js";

class SetsNamespace {}

const has = (list: unknown[], value: unknown): boolean => list.some((item) => valuesEqual(item, value));

export function registerSets(env: Environment): void {
  env.registerType("SetsNamespace", SetsNamespace);
  env.registerConstant("sets", "SetsNamespace", new SetsNamespace());
  env.registerFunction("SetsNamespace.contains(list, list): bool", (_: SetsNamespace, a: unknown[], b: unknown[]) =>
    b.every((x) => has(a, x)),
  );
  env.registerFunction(
    "SetsNamespace.equivalent(list, list): bool",
    (_: SetsNamespace, a: unknown[], b: unknown[]) => b.every((x) => has(a, x)) && a.every((x) => has(b, x)),
  );
  env.registerFunction("SetsNamespace.intersects(list, list): bool", (_: SetsNamespace, a: unknown[], b: unknown[]) =>
    b.some((x) => has(a, x)),
  );
}
