/**
 * A bound on what evaluating an expression can cost, checked before it runs, so a pathological
 * expression is refused instead of hanging the check. The API server meters CEL at run time against a
 * budget (RuntimeCELCostBudget, 10 million units per validation, string operations costing 0.1 per
 * character); cel-js has no meter, so we bound statically what the run could do, knowing the real
 * inputs: no list or map in them has more than `items` entries and no string more than `chars`
 * characters. Two things can explode in CEL: nested comprehensions (cost multiplies) and
 * concatenation inside `cel.bind` chains or comprehensions (lengths double); both are tracked.
 */
import type { ASTNode } from "@marcbachmann/cel-js";

/** The API server's per-validation runtime budget. */
export const COST_BUDGET = 10_000_000;
/** Longest list or string an expression may build; beyond it memory, not time, is the danger. */
export const LENGTH_BUDGET = 10_000_000;
/** The API server's cost of one character of a string operation. */
const CHAR_COST = 0.1;

export interface InputBounds {
  /** Most entries of any list or map in the inputs. */
  items: number;
  /** Most characters of any string in the inputs. */
  chars: number;
}

interface Estimate {
  cost: number;
  /** Upper bound on the entries of the value, if it is a list or map. */
  items: number;
  /** Upper bound on the characters of the value, or of any string inside it. */
  chars: number;
}

const COMPREHENSIONS = new Set(["all", "exists", "exists_one", "existsOne", "map", "filter"]);
/** Functions whose result is a scalar (bool, number): nothing to iterate or concatenate. */
const SCALAR = new Set([
  "size",
  "contains",
  "startsWith",
  "endsWith",
  "matches",
  "has",
  "int",
  "uint",
  "double",
  "bool",
  "isSorted",
  "indexOf",
  "lastIndexOf",
  "sign",
  "compareTo",
  "hasValue",
]);
const SCALAR_VALUE: Omit<Estimate, "cost"> = { items: 1, chars: 1 };

export function estimateCost(ast: ASTNode, bounds: InputBounds): Estimate {
  const input = { items: Math.max(1, bounds.items), chars: Math.max(1, bounds.chars) };
  return estimate(ast, new Map(), input);
}

/** Whether an estimate is within budget. */
export function withinBudget(estimate: Estimate): boolean {
  return estimate.cost <= COST_BUDGET && estimate.items <= LENGTH_BUDGET && estimate.chars <= LENGTH_BUDGET;
}

type Scope = Map<string, Omit<Estimate, "cost">>;

function estimate(node: ASTNode, scope: Scope, input: Omit<Estimate, "cost">): Estimate {
  const args = node.args as unknown;
  const sub = (child: unknown): Estimate => (isNode(child) ? estimate(child, scope, input) : { cost: 0, ...SCALAR_VALUE });
  switch (node.op) {
    case "value":
      return { cost: 1, items: 1, chars: typeof args === "string" ? Math.max(1, args.length) : 1 };
    case "id":
      return { cost: 1, ...(scope.get(args as string) ?? input) };
    case "list":
    case "map": {
      const parts = (args as unknown[]).flat().map(sub);
      return {
        cost: 1 + sum(parts.map((e) => e.cost)),
        items: Math.max(1, parts.length, ...parts.map((e) => e.items)),
        chars: Math.max(1, ...parts.map((e) => e.chars)),
      };
    }
    case ".":
    case ".?":
    case "[]":
    case "[?]": {
      const [base, key] = (Array.isArray(args) ? args : [args]).map(sub) as [Estimate, Estimate | undefined];
      // A field of input data is input data; a field of a computed value is no bigger than the value.
      return { cost: base.cost + (key?.cost ?? 0) + 1, items: Math.max(base.items, input.items), chars: Math.max(base.chars, input.chars) };
    }
    case "+": {
      const [left, right] = (args as unknown[]).map(sub) as [Estimate, Estimate];
      return {
        cost: left.cost + right.cost + 1 + Math.ceil(CHAR_COST * (left.chars + right.chars)),
        items: left.items + right.items,
        chars: left.chars + right.chars,
      };
    }
    case "rcall":
    case "call":
      return estimateCall(node, scope, input);
    default: {
      const parts = (Array.isArray(args) ? args : [args]).map(sub);
      const branches = node.op === "?:" ? parts.slice(1) : parts;
      return {
        cost: 1 + sum(parts.map((e) => e.cost)),
        items: Math.max(1, ...branches.map((e) => e.items)),
        chars: Math.max(1, ...branches.map((e) => e.chars)),
      };
    }
  }
}

function estimateCall(node: ASTNode, scope: Scope, input: Omit<Estimate, "cost">): Estimate {
  const isMethod = node.op === "rcall";
  const raw = node.args as unknown[];
  const name = raw[0] as string;
  const receiver = isMethod ? (raw[1] as ASTNode) : undefined;
  const callArgs = (isMethod ? raw[2] : raw[1]) as ASTNode[];
  const sub = (child: ASTNode, within = scope): Estimate => estimate(child, within, input);

  if (receiver && receiver.op === "id" && receiver.args === "cel" && name === "bind" && callArgs.length === 3) {
    const value = sub(callArgs[1] as ASTNode);
    const inner: Scope = new Map(scope).set(String((callArgs[0] as ASTNode).args), { items: value.items, chars: value.chars });
    const body = sub(callArgs[2] as ASTNode, inner);
    return { cost: value.cost + body.cost + 1, items: body.items, chars: body.chars };
  }
  if (receiver && COMPREHENSIONS.has(name) && callArgs.length >= 2) {
    const range = sub(receiver);
    const variables = name !== "map" && callArgs.length === 3 ? 2 : 1;
    const inner: Scope = new Map(scope);
    for (const variable of callArgs.slice(0, variables)) inner.set(String(variable.args), { items: range.items, chars: range.chars });
    const steps = callArgs.slice(variables).map((step) => sub(step, inner));
    const perItem = 1 + sum(steps.map((e) => e.cost));
    const result =
      name === "map"
        ? { items: range.items, chars: Math.max(range.chars, ...steps.map((e) => e.chars)) }
        : name === "filter"
          ? { items: range.items, chars: range.chars }
          : SCALAR_VALUE;
    return { cost: range.cost + range.items * perItem, ...result };
  }
  const parts = [...(receiver ? [sub(receiver)] : []), ...callArgs.map((arg) => sub(arg))];
  // Library functions are linear in their inputs: list walks per entry, string scans per character.
  const cost = 1 + sum(parts.map((e) => e.cost)) + sum(parts.map((e) => e.items)) + Math.ceil(CHAR_COST * sum(parts.map((e) => e.chars)));
  const [first = SCALAR_VALUE, second = SCALAR_VALUE, third = SCALAR_VALUE] = parts;
  if (SCALAR.has(name) || name.startsWith("is")) return { cost, ...SCALAR_VALUE };
  if (name === "replace") return { cost, items: first.items, chars: first.chars * (third.chars + 1) };
  if (name === "join") return { cost, items: 1, chars: first.items * (first.chars + second.chars) };
  return { cost, items: Math.max(1, ...parts.map((e) => e.items)), chars: Math.max(1, sum(parts.map((e) => e.chars))) };
}

function isNode(value: unknown): value is ASTNode {
  return typeof value === "object" && value !== null && "op" in value;
}

function sum(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

const boundsCache = new WeakMap<object, { size: number; bounds: InputBounds }>();

/**
 * The longest list or map and the longest string anywhere in the inputs. Memoised per input value:
 * every expression of a policy sees the same object. A growing map (the `variables` being filled in)
 * is measured again when its size changed.
 */
export function inputBounds(values: readonly unknown[]): InputBounds {
  const bounds = { items: 1, chars: 1 };
  for (const value of values) {
    let measured: InputBounds;
    if (value !== null && typeof value === "object") {
      const size = value instanceof Map ? value.size : Array.isArray(value) ? value.length : 0;
      const cached = boundsCache.get(value);
      if (cached && cached.size === size) measured = cached.bounds;
      else {
        measured = measure(value);
        boundsCache.set(value, { size, bounds: measured });
      }
    } else measured = measure(value);
    bounds.items = Math.max(bounds.items, measured.items);
    bounds.chars = Math.max(bounds.chars, measured.chars);
  }
  return bounds;
}

function measure(root: unknown): InputBounds {
  const bounds = { items: 1, chars: 1 };
  const seen = new Set<unknown>();
  const stack = [root];
  while (stack.length > 0) {
    const value = stack.pop();
    if (typeof value === "string") bounds.chars = Math.max(bounds.chars, value.length);
    else if (Array.isArray(value)) {
      bounds.items = Math.max(bounds.items, value.length);
      if (!seen.has(value)) {
        seen.add(value);
        stack.push(...value);
      }
    } else if (value instanceof Map) {
      bounds.items = Math.max(bounds.items, value.size);
      if (!seen.has(value)) {
        seen.add(value);
        stack.push(...value.keys(), ...value.values());
      }
    }
  }
  return bounds;
}
