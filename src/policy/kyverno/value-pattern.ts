/**
 * A leaf of a Kyverno `pattern` compared with a resource value (kyverno pkg/engine/pattern): typed
 * equality for booleans, numbers and null, and for strings the pattern language: `a | b` (or),
 * `a & b` (and), operators `>=`, `<=`, `>`, `<`, `!`, ranges `1-10` and `!1-10`, with values compared
 * as Go durations, then Kubernetes quantities, then wildcard strings.
 */
import type { JsonValue } from "../../manifests/types.js";
import { compareQuantities, parseQuantity } from "../gatekeeper/lib/quantity.js";
import { parseGoDuration } from "./duration.js";
import { wildcardMatch } from "./wildcard.js";

type Operator = "" | ">=" | "<=" | "!" | ">" | "<" | "-" | "!-";

const IN_RANGE = /^([-|+]?\d+(?:\.\d+)?[A-Za-z]*)-([-|+]?\d+(?:\.\d+)?[A-Za-z]*)$/;
const NOT_IN_RANGE = /^([-|+]?\d+(?:\.\d+)?[A-Za-z]*)!-([-|+]?\d+(?:\.\d+)?[A-Za-z]*)$/;

export function operatorOf(pattern: string): Operator {
  if (pattern.length < 2) return "";
  for (const operator of [">=", "<=", ">", "<", "!"] as const) if (pattern.startsWith(operator)) return operator;
  if (NOT_IN_RANGE.test(pattern)) return "!-";
  if (IN_RANGE.test(pattern)) return "-";
  return "";
}

export function isInRange(pattern: string): boolean {
  return operatorOf(pattern) === "-";
}

/** Whether `value` satisfies the pattern leaf `pattern`. Arrays and objects never match a leaf. */
export function matchesValue(value: JsonValue | undefined, pattern: JsonValue): boolean {
  if (typeof pattern === "boolean") return typeof value === "boolean" && value === pattern;
  if (typeof pattern === "number") return Number.isInteger(pattern) ? matchesInteger(value, pattern) : matchesFloat(value, pattern);
  if (pattern === null) return matchesNil(value);
  if (typeof pattern === "string") return matchesStringPattern(value, pattern);
  if (Array.isArray(pattern)) return false;
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function matchesInteger(value: JsonValue | undefined, pattern: number): boolean {
  if (typeof value === "number") return Number.isInteger(value) && value === pattern;
  if (typeof value === "string") return /^[+-]?\d+$/.test(value) && Number(value) === pattern;
  return false;
}

function matchesFloat(value: JsonValue | undefined, pattern: number): boolean {
  if (typeof value === "number") return value === pattern;
  if (typeof value === "string") {
    const parsed = parseGoFloat(value);
    return parsed !== undefined && parsed === pattern;
  }
  return false;
}

function matchesNil(value: JsonValue | undefined): boolean {
  if (value === undefined || value === null) return true;
  if (typeof value === "number") return value === 0;
  if (typeof value === "string") return value === "";
  if (typeof value === "boolean") return !value;
  return false;
}

function matchesStringPattern(value: JsonValue | undefined, pattern: string): boolean {
  if (value === pattern) return true;
  return pattern.split("|").some((alternative) =>
    alternative
      .trim()
      .split("&")
      .every((part) => matchesOperand(value, part.trim())),
  );
}

function matchesOperand(value: JsonValue | undefined, pattern: string): boolean {
  const operator = operatorOf(pattern);
  if (operator === "-") {
    const match = IN_RANGE.exec(pattern);
    return match !== null && matchesOperand(value, `>= ${match[1]}`) && matchesOperand(value, `<= ${match[2]}`);
  }
  if (operator === "!-") {
    const match = NOT_IN_RANGE.exec(pattern);
    return match !== null && (matchesOperand(value, `< ${match[1]}`) || matchesOperand(value, `> ${match[2]}`));
  }
  const operand = pattern.slice(operator.length).trim();
  const byDuration = compareAsDuration(value, operand, operator);
  if (byDuration !== undefined) return byDuration;
  const byQuantity = compareAsQuantity(value, operand, operator);
  if (byQuantity !== undefined) return byQuantity;
  return compareAsString(value, operand, operator);
}

function compare(order: number, operator: Operator): boolean | undefined {
  switch (operator) {
    case "":
      return order === 0;
    case "!":
      return order !== 0;
    case ">":
      return order > 0;
    case "<":
      return order < 0;
    case ">=":
      return order >= 0;
    case "<=":
      return order <= 0;
    default:
      return undefined;
  }
}

/** Kyverno reads a missing value as `0` and a number as its decimal text before parsing a duration or quantity. */
function numberText(value: JsonValue | undefined): string | undefined {
  if (value === undefined || value === null) return "0";
  if (typeof value === "string") return value;
  if (typeof value === "number") return Number.isInteger(value) ? String(value) : value.toFixed(6);
  return undefined;
}

function compareAsDuration(value: JsonValue | undefined, operand: string, operator: Operator): boolean | undefined {
  const expected = parseGoDuration(operand);
  if (expected === undefined) return undefined;
  const text = numberText(value);
  const actual = text === undefined ? undefined : parseGoDuration(text);
  if (actual === undefined) return undefined;
  return compare(Math.sign(actual - expected), operator);
}

function compareAsQuantity(value: JsonValue | undefined, operand: string, operator: Operator): boolean | undefined {
  const expected = parseQuantity(operand);
  if (expected === undefined) return undefined;
  const text = numberText(value);
  const actual = text === undefined ? undefined : parseQuantity(text);
  if (actual === undefined) return undefined;
  return compare(compareQuantities(actual, expected), operator);
}

function compareAsString(value: JsonValue | undefined, operand: string, operator: Operator): boolean {
  if (operator !== "" && operator !== "!") return false; // ordering operators do not apply to strings
  let text: string;
  if (typeof value === "string") text = value;
  else if (typeof value === "number") text = Number.isInteger(value) ? String(value) : goExponentFormat(value);
  else if (typeof value === "boolean") text = String(value);
  else return false;
  const matched = wildcardMatch(operand, text);
  return operator === "!" ? !matched : matched;
}

/** Go's `strconv.FormatFloat(v, 'E', -1, 64)`: `1.5E+00`. */
function goExponentFormat(value: number): string {
  const [mantissa = "", exponent = "0"] = value.toExponential().toUpperCase().split("E");
  const power = Number(exponent);
  return `${mantissa}E${power < 0 ? "-" : "+"}${String(Math.abs(power)).padStart(2, "0")}`;
}

/** Go's `strconv.ParseFloat`: decimal or exponent notation, no trailing garbage. */
export function parseGoFloat(text: string): number | undefined {
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text) && !/^[+-]?(inf|infinity|nan)$/i.test(text)) return undefined;
  return Number(text);
}
