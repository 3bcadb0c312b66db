/**
 * Reading plain JSON the way Rego does: a missing step makes the whole reference undefined, and
 * a value counts as "set" (truthy) when it is defined and not `false` — `""`, `0` and `null` are set.
 */
import type { JsonObject, JsonValue } from "../../../manifests/types.js";
import { isObject } from "../../../manifests/json.js";

export { isObject };

/** `obj.a.b[0]`: undefined as soon as a step does not exist. */
export function get(value: JsonValue | undefined, ...path: (string | number)[]): JsonValue | undefined {
  let current: JsonValue | undefined = value;
  for (const step of path) {
    if (typeof step === "number") {
      if (!Array.isArray(current)) return undefined;
      current = current[step];
    } else {
      if (!isObject(current) || !Object.hasOwn(current, step)) return undefined;
      current = current[step];
    }
  }
  return current;
}

export function getObject(value: JsonValue | undefined, ...path: (string | number)[]): JsonObject | undefined {
  const found = get(value, ...path);
  return isObject(found) ? found : undefined;
}

/** The array at `path`, or `[]` when there is none (iterating an undefined reference yields nothing). */
export function getArray(value: JsonValue | undefined, ...path: (string | number)[]): JsonValue[] {
  const found = get(value, ...path);
  return Array.isArray(found) ? found : [];
}

export function getString(value: JsonValue | undefined, ...path: (string | number)[]): string | undefined {
  const found = get(value, ...path);
  return typeof found === "string" ? found : undefined;
}

/** Rego's truthiness of a reference used as a condition: defined and not `false`. */
export function isSet(value: JsonValue | undefined): boolean {
  return value !== undefined && value !== false;
}

/** The upstream `has_field(object, field)` helper: the field exists and is not `false`. */
export function hasField(value: JsonValue | undefined, field: string): boolean {
  return isSet(get(value, field));
}
