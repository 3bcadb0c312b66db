/**
 * A rule's `context` entries that need no cluster: `variable` (a `value` with variables substituted,
 * optionally queried with `jmesPath`, else `default`). Entries that read the cluster or the network
 * (`apiCall`, `configMap`, `globalReference`, `imageRegistry`) never reach here: the rule is reported
 * as not evaluated before it runs (see needs.ts).
 */
import type { JsonObject, JsonValue } from "../../manifests/types.js";
import { NotEvaluableError, query } from "./jmespath.js";
import { substituteAll } from "./variables.js";
import { isObject } from "../../manifests/json.js";

export function loadContextEntries(entries: JsonValue | undefined, context: JsonObject): JsonObject {
  if (!Array.isArray(entries) || entries.length === 0) return context;
  let current = context;
  for (const entry of entries) {
    if (!isObject(entry) || typeof entry["name"] !== "string") continue;
    const variable = entry["variable"];
    if (!isObject(variable)) throw new Error(`context entry "${entry["name"]}" needs a cluster lookup`);
    current = { ...current, [entry["name"]]: loadVariable(entry["name"], variable, current) };
  }
  return current;
}

function loadVariable(name: string, variable: JsonObject, context: JsonObject): JsonValue {
  const fallback = variable["default"];
  const path = typeof variable["jmesPath"] === "string" ? substituteAll(variable["jmesPath"], context) : undefined;
  let value: JsonValue | undefined;
  if (variable["value"] !== undefined && variable["value"] !== null) value = substituteAll(variable["value"], context);
  if (typeof path === "string" && path !== "") {
    try {
      value = query(path, value ?? context);
    } catch (error) {
      if (error instanceof NotEvaluableError) throw error;
      if (fallback === undefined) throw new Error(`failed to evaluate JMESPath of context variable "${name}": ${(error as Error).message}`);
      value = null;
    }
  }
  if ((value === undefined || value === null) && fallback !== undefined) return substituteAll(fallback, context);
  if (value === undefined) throw new Error(`context variable "${name}" has neither a value nor a JMESPath`);
  return value;
}
