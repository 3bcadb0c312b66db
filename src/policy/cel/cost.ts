/**
 * A bound on what evaluating an expression can cost, checked before it runs, so a pathological
 * expression is refused instead of hanging the check. The API server meters CEL at run time against a
 * budget (RuntimeCELCostBudget, 10 million units per validation); cel-js has no meter, so we bound
 * statically what the run could do, knowing the real inputs: every list, map or string in them is at
 * most `inputLength` long. Two things can explode in CEL: nested comprehensions (cost multiplies) and
 * concatenation inside `cel.bind` chains or comprehensions (lengths double); both are tracked.
 */
import type { ASTNode } from "@marcbachmann/cel-js";

/** The API server's per-validation runtime budget. */
export const COST_BUDGET = 10_000_000;
/** Longest list or string an expression may build; beyond it memory, not time, is the danger. */
export const LENGTH_BUDGET = 10_000_000;

interface Estimate {
  cost: number;
  /** Upper bound on the length of the value (list/map size, string length). */
  length: number;
}

const COMPREHENSIONS = new Set(["all", "exists", "exists_one", "existsOne", "map", "filter"]);
/** Functions whose result is a scalar: length 1 whatever their arguments. */
const SCALAR = new Set(["size", "contains", "startsWith", "endsWith", "matches", "has", "int", "uint", "double", "bool", "isSorted", "indexOf", "lastIndexOf", "sign", "compareTo"]);

/** The estimate for one run of `ast` when no input list, map or string is longer than `inputLength`. */
export function estimateCost(ast: ASTNode, inputLength: number): Estimate {
  return estimate(ast, new Map(), Math.max(1, inputLength));
}

function estimate(node: ASTNode, bound: Map<string, number>, input: number): Estimate {
  const args = node.args as unknown;
  const sub = (child: unknown): Estimate => (isNode(child) ? estimate(child, bound, input) : { cost: 0, length: 1 });
  switch (node.op) {
    case "value":
      return { cost: 1, length: typeof args === "string" ? Math.max(1, args.length) : 1 };
    case "id":
      return { cost: 1, length: bound.get(args as string) ?? input };
    case "list":
    case "map": {
      const items = (args as unknown[]).flat().map(sub);
      return { cost: 1 + sum(items.map((e) => e.cost)), length: Math.max(items.length, ...items.map((e) => e.length), 1) };
    }
    case ".":
    case ".?": {
      const base = sub((args as unknown[])[0]);
      return { cost: base.cost + 1, length: Math.max(base.length, input) };
    }
    case "+": {
      const [left, right] = (args as unknown[]).map(sub) as [Estimate, Estimate];
      return { cost: left.cost + right.cost + 1, length: left.length + right.length };
    }
    case "rcall":
    case "call":
      return estimateCall(node, bound, input);
    default: {
      const parts = (Array.isArray(args) ? args : [args]).map(sub);
      const conditional = node.op === "?:";
      return {
        cost: 1 + sum(parts.map((e) => e.cost)),
        length: conditional ? Math.max(...parts.slice(1).map((e) => e.length)) : Math.max(1, ...parts.map((e) => e.length)),
      };
    }
  }
}

function estimateCall(node: ASTNode, bound: Map<string, number>, input: number): Estimate {
  const isMethod = node.op === "rcall";
  const raw = node.args as unknown[];
  const name = raw[0] as string;
  const receiver = isMethod ? (raw[1] as ASTNode) : undefined;
  const callArgs = (isMethod ? raw[2] : raw[1]) as ASTNode[];
  const sub = (child: ASTNode, scope = bound): Estimate => estimate(child, scope, input);

  if (receiver && receiver.op === "id" && receiver.args === "cel" && name === "bind" && callArgs.length === 3) {
    const value = sub(callArgs[1] as ASTNode);
    const scope = new Map(bound).set(String((callArgs[0] as ASTNode).args), value.length);
    const body = sub(callArgs[2] as ASTNode, scope);
    return { cost: value.cost + body.cost + 1, length: body.length };
  }
  if (receiver && COMPREHENSIONS.has(name) && callArgs.length >= 2) {
    const range = sub(receiver);
    const scope = new Map(bound);
    for (const variable of callArgs.slice(0, callArgs.length === 3 && name !== "map" ? 2 : 1)) scope.set(String(variable.args), range.length);
    const steps = callArgs.slice(callArgs.length === 3 && name !== "map" ? 2 : 1).map((step) => sub(step, scope));
    const perItem = 1 + sum(steps.map((e) => e.cost));
    const length = name === "map" ? Math.max(range.length, ...steps.map((e) => e.length)) : name === "filter" ? range.length : 1;
    return { cost: range.cost + range.length * perItem, length };
  }
  const parts = [...(receiver ? [sub(receiver)] : []), ...callArgs.map((arg) => sub(arg))];
  const lengths = parts.map((e) => e.length);
  // Library functions are linear in their inputs (string scans, list walks).
  const cost = 1 + sum(parts.map((e) => e.cost)) + sum(lengths);
  const [first = 1, second = 1, third = 1] = lengths;
  let length: number;
  if (SCALAR.has(name) || name.startsWith("is")) length = 1;
  else if (name === "replace") length = first * (third + 1);
  else if (name === "join") length = first * (first + second);
  else length = Math.max(1, sum(lengths));
  return { cost, length };
}

function isNode(value: unknown): value is ASTNode {
  return typeof value === "object" && value !== null && "op" in value;
}

function sum(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

/** Longest list, map or string anywhere in the inputs: what bounds every input-derived value. */
export function longestIn(values: readonly unknown[]): number {
  let longest = 1;
  const seen = new Set<unknown>();
  const stack = [...values];
  while (stack.length > 0) {
    const value = stack.pop();
    if (typeof value === "string") longest = Math.max(longest, value.length);
    else if (Array.isArray(value)) {
      longest = Math.max(longest, value.length);
      if (!seen.has(value)) {
        seen.add(value);
        stack.push(...value);
      }
    } else if (value instanceof Map) {
      longest = Math.max(longest, value.size);
      if (!seen.has(value)) {
        seen.add(value);
        stack.push(...value.keys(), ...value.values());
      }
    }
  }
  return longest;
}
