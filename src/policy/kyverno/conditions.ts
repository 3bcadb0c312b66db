/**
 * `preconditions` and `deny.conditions` (kyverno pkg/engine/variables/operator): `{key, operator, value}`
 * with variables substituted in key and value, combined as `any` (one holds) and `all` (every one
 * holds), or a plain list (all). Operators keep upstream's loose typing: numbers and strings compare
 * as durations, quantities, numbers or semantic versions, set operators match with wildcards.
 */
import type { JsonObject, JsonValue } from "../../manifests/types.js";
import { compareQuantities, parseQuantity } from "../gatekeeper/lib/quantity.js";
import { parseGoDuration } from "./duration.js";
import { compareSemver, parseSemver } from "./semver.js";
import { matchesValue, isInRange, parseGoFloat } from "./value-pattern.js";
import { substituteAll } from "./variables.js";
import { NotEvaluableError } from "./jmespath.js";
import { holdsReference } from "./references.js";

const REFERENCES_IN_CONDITIONS = "`$(...)` references in conditions resolved, which kube-policy-bot does only in patterns";
import { wildcardMatch } from "./wildcard.js";
import { joinNonEmpty } from "./lists.js";

export const CONDITION_OPERATORS = [
  "Equal",
  "Equals",
  "NotEqual",
  "NotEquals",
  "In",
  "AnyIn",
  "AllIn",
  "NotIn",
  "AnyNotIn",
  "AllNotIn",
  "GreaterThanOrEquals",
  "GreaterThan",
  "LessThanOrEquals",
  "LessThan",
  "DurationGreaterThanOrEquals",
  "DurationGreaterThan",
  "DurationLessThanOrEquals",
  "DurationLessThan",
] as const;

export interface ConditionsResult {
  holds: boolean;
  /** The `message` of the conditions that decided the result, joined. */
  message: string;
}

const NO_CONDITIONS: ConditionsResult = Object.freeze({ holds: true, message: "" });

/** `conditions` is the raw YAML: `{any, all}` or a list (all). Throws when a variable cannot be resolved. */
export function evaluateConditions(conditions: JsonValue | undefined, context: JsonObject): ConditionsResult {
  if (conditions === undefined || conditions === null) return NO_CONDITIONS;
  if (Array.isArray(conditions)) {
    const trueMessages: string[] = [];
    for (const condition of conditions) {
      const result = evaluateCondition(condition as JsonObject, context);
      if (!result.holds) return result;
      trueMessages.push(result.message);
    }
    return { holds: true, message: joinNonEmpty(trueMessages, ";") };
  }
  const block = conditions as JsonObject;
  const any = block["any"];
  const all = block["all"];
  let anyHolds = true;
  let allHolds = true;
  const falseMessages: string[] = [];
  const trueMessages: string[] = [];
  if (Array.isArray(any)) {
    anyHolds = false;
    for (const condition of any) {
      const result = evaluateCondition(condition as JsonObject, context);
      if (result.holds) {
        anyHolds = true;
        trueMessages.push(result.message);
        break;
      }
      falseMessages.push(result.message);
    }
  }
  if (Array.isArray(all)) {
    for (const condition of all) {
      const result = evaluateCondition(condition as JsonObject, context);
      if (!result.holds) {
        allHolds = false;
        falseMessages.push(result.message);
        break;
      }
      trueMessages.push(result.message);
    }
  }
  const holds = anyHolds && allHolds;
  return { holds, message: joinNonEmpty(holds ? trueMessages : falseMessages, "; ") };
}

function evaluateCondition(condition: JsonObject, context: JsonObject): ConditionsResult {
  // Kyverno resolves `$(...)` here too, within the whole conditions list; that is not ported, and
  // comparing the text literally would judge something the policy does not say.
  if (holdsReference(condition)) throw new NotEvaluableError(REFERENCES_IN_CONDITIONS);
  const key = substituteAll(condition["key"] ?? null, context);
  const value = substituteAll(condition["value"] ?? null, context);
  const operator = String(condition["operator"] ?? "");
  const message = typeof condition["message"] === "string" ? condition["message"] : "";
  return { holds: applyOperator(operator, key, value), message };
}

export function applyOperator(operator: string, key: JsonValue, value: JsonValue): boolean {
  switch (operator.toLowerCase()) {
    case "equal":
    case "equals":
      return equals(key, value);
    case "notequal":
    case "notequals":
      return !equals(key, value);
    case "in":
      return inOperator(key, value, false);
    case "notin":
      return inOperator(key, value, true);
    case "anyin":
      return anyAll(key, value, "any", false);
    case "anynotin":
      return anyAll(key, value, "any", true);
    case "allin":
      return anyAll(key, value, "all", false);
    case "allnotin":
      return anyAll(key, value, "all", true);
    case "greaterthanorequals":
      return numeric(key, value, (order) => order >= 0);
    case "greaterthan":
      return numeric(key, value, (order) => order > 0);
    case "lessthanorequals":
      return numeric(key, value, (order) => order <= 0);
    case "lessthan":
      return numeric(key, value, (order) => order < 0);
    case "durationgreaterthanorequals":
      return durationCompare(key, value, (order) => order >= 0);
    case "durationgreaterthan":
      return durationCompare(key, value, (order) => order > 0);
    case "durationlessthanorequals":
      return durationCompare(key, value, (order) => order <= 0);
    case "durationlessthan":
      return durationCompare(key, value, (order) => order < 0);
    default:
      throw new Error(`unknown condition operator ${JSON.stringify(operator)}`);
  }
}

function equals(key: JsonValue, value: JsonValue): boolean {
  if (typeof key === "boolean") return typeof value === "boolean" && key === value;
  if (typeof key === "number") {
    if (typeof value === "number") return Number.isInteger(key) ? Number.isInteger(value) && key === value : key === value;
    if (typeof value === "string") {
      const parsed = Number.isInteger(key) ? (/^[+-]?\d+$/.test(value) ? Number(value) : undefined) : parseGoFloat(value);
      return parsed !== undefined && parsed === key;
    }
    return false;
  }
  if (typeof key === "string") {
    const durations = durationPair(key, value);
    if (durations) return durations[0] === durations[1];
    const keyQuantity = parseQuantity(key);
    if (keyQuantity && typeof value === "string") {
      const valueQuantity = parseQuantity(value);
      return valueQuantity !== undefined && compareQuantities(keyQuantity, valueQuantity) === 0;
    }
    return typeof value === "string" && wildcardMatch(value, key);
  }
  if (key !== null && typeof key === "object") return value !== null && typeof value === "object" && deepEqual(key, value);
  return false;
}

/** Go's `fmt.Sprint` of a JSON value, which the set operators compare. */
function sprint(value: JsonValue): string {
  if (value === null) return "<nil>";
  if (typeof value === "object")
    return Array.isArray(value)
      ? `[${value.map(sprint).join(" ")}]`
      : `map[${Object.keys(value)
          .sort()
          .map((k) => `${k}:${sprint(value[k] as JsonValue)}`)
          .join(" ")}]`;
  return String(value);
}

function bothWays(a: string, b: string): boolean {
  return wildcardMatch(a, b) || wildcardMatch(b, a);
}

/** A string value of a set operator: a JSON array of strings, or the one value itself. Undefined: invalid. */
function stringValues(value: string, strictJson: boolean): string[] | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    return strictJson ? undefined : [value];
  }
  if (!Array.isArray(parsed) || parsed.some((item) => typeof item !== "string")) return undefined;
  return parsed as string[];
}

/** The deprecated `In` / `NotIn`: exact set membership for lists, wildcards for one key. */
function inOperator(key: JsonValue, value: JsonValue, negate: boolean): boolean {
  if (Array.isArray(key)) {
    const keys = key.map(sprint);
    let values: string[] | undefined;
    if (Array.isArray(value)) values = value.every((item) => typeof item === "string") ? (value as string[]) : undefined;
    else if (typeof value === "string") {
      if (keys.length === 1 && keys[0] === value) return !negate;
      values = stringValues(value, true);
    }
    if (!values) return false;
    const set = new Set(values);
    return negate ? keys.some((item) => !set.has(item)) : keys.every((item) => set.has(item));
  }
  if (key === null || typeof key === "object") return false;
  const text = String(key);
  let found: boolean;
  if (Array.isArray(value)) found = value.some((item) => bothWays(sprint(item), text));
  else if (typeof value === "string") {
    if (wildcardMatch(value, text)) found = true;
    else {
      const values = stringValues(value, true);
      if (!values) return false;
      found = values.includes(text);
    }
  } else return false;
  return negate ? !found : found;
}

function anyAll(key: JsonValue, value: JsonValue, mode: "any" | "all", negate: boolean): boolean {
  if (key === null || (typeof key === "object" && !Array.isArray(key))) return false;
  if (!Array.isArray(key)) {
    // One key: AnyIn and AllIn agree; the NotIn forms are their negation.
    const found = keyInValues(String(key), value);
    if (found === undefined) return false;
    return negate ? !found : found;
  }
  const keys = key.map(sprint);
  let values: string[];
  if (Array.isArray(value)) values = value.map(sprint);
  else if ((typeof value === "number" || typeof value === "boolean") && mode === "any") values = [String(value)];
  else if (typeof value === "string") {
    if (keys.length === 1 && keys[0] === value) return !negate;
    if (isInRange(value)) {
      const inRange = keys.map((item) => matchesValue(item, value));
      if (mode === "any") return negate ? keys.some((item) => matchesValue(item, value.replace("-", "!-"))) : inRange.some(Boolean);
      return negate ? !inRange.some(Boolean) : inRange.every(Boolean);
    }
    const parsed = stringValues(value, false);
    if (!parsed) return false;
    values = parsed;
  } else return false;
  const matched = keys.map((item) => values.some((candidate) => bothWays(item, candidate)));
  if (mode === "any") return negate ? matched.some((found) => !found) : matched.some(Boolean);
  return negate ? !matched.some(Boolean) : matched.every(Boolean);
}

function keyInValues(key: string, value: JsonValue): boolean | undefined {
  if (Array.isArray(value)) return value.some((item) => bothWays(sprint(item), key));
  if (typeof value !== "string") return undefined;
  if (wildcardMatch(value, key)) return true;
  if (isInRange(value)) return matchesValue(key, value);
  const values = stringValues(value, false);
  if (!values) return undefined;
  return values.includes(key);
}

/** Durations when at least one side is a duration string; a number on the other side counts seconds. */
function durationPair(key: JsonValue, value: JsonValue): [number, number] | undefined {
  const asDuration = (side: JsonValue): number | undefined =>
    typeof side === "string" && side !== "0" ? parseGoDuration(side) : undefined;
  let left = asDuration(key);
  let right = asDuration(value);
  if (left === undefined && right === undefined) return undefined;
  left ??= typeof key === "number" ? key * 1e9 : undefined;
  right ??= typeof value === "number" ? value * 1e9 : undefined;
  return left === undefined || right === undefined ? undefined : [left, right];
}

function numeric(key: JsonValue, value: JsonValue, test: (order: number) => boolean): boolean {
  const compareNumbers = (a: number, b: JsonValue): boolean => {
    if (typeof b === "number") return test(Math.sign(a - b));
    if (typeof b !== "string") return false;
    const durations = durationPair(a, b);
    if (durations) return test(Math.sign(durations[0] - durations[1]));
    const parsed = parseGoFloat(b);
    return parsed !== undefined && test(Math.sign(a - parsed));
  };
  if (typeof key === "number") return compareNumbers(key, value);
  if (typeof key !== "string") return false;
  const durations = durationPair(key, value);
  if (durations) return test(Math.sign(durations[0] - durations[1]));
  const keyQuantity = parseQuantity(key);
  const valueQuantity = typeof value === "string" ? parseQuantity(value) : undefined;
  if (keyQuantity && valueQuantity) return test(compareQuantities(keyQuantity, valueQuantity));
  const keyNumber = parseGoFloat(key);
  if (keyNumber !== undefined) return compareNumbers(keyNumber, value);
  const keyVersion = parseSemver(key);
  const valueVersion = typeof value === "string" ? parseSemver(value) : undefined;
  return keyVersion !== undefined && valueVersion !== undefined && test(compareSemver(keyVersion, valueVersion));
}

function durationCompare(key: JsonValue, value: JsonValue, test: (order: number) => boolean): boolean {
  const toDuration = (side: JsonValue): number | undefined => {
    if (typeof side === "number") return side * 1e9;
    return typeof side === "string" ? parseGoDuration(side) : undefined;
  };
  const left = toDuration(key);
  const right = toDuration(value);
  return left !== undefined && right !== undefined && test(Math.sign(left - right));
}

function deepEqual(a: JsonValue, b: JsonValue): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b))
    return a.length === b.length && a.every((item, index) => deepEqual(item, b[index] as JsonValue));
  const left = a as JsonObject;
  const right = b as JsonObject;
  const keys = Object.keys(left);
  return (
    keys.length === Object.keys(right).length &&
    keys.every((key) => Object.hasOwn(right, key) && deepEqual(left[key] as JsonValue, right[key] as JsonValue))
  );
}
