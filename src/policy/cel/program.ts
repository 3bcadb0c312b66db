/**
 * Compiling and running one CEL expression in the Kubernetes environment, with every failure as a
 * value: a policy author's typo is reported at the expression, an evaluation error is a finding of its
 * own (the API server's failurePolicy decides what it means), and nothing is ever thrown past here.
 */
import type { ASTNode } from "@marcbachmann/cel-js";
import { celEnvironment, type CelLibrary } from "./environment.js";
import { COST_BUDGET, estimateCost, inputBounds, withinBudget } from "./cost.js";
import { errorSummary } from "./errors.js";
import { relaxOrValue } from "./or-value-compat.js";

export interface CelProgram {
  expression: string;
  /** The parsed expression (cel-js AST), for placing findings (blame.ts). */
  ast: ASTNode;
  /** Runs the expression over bindings that are already CEL values (see `toCel`). */
  evaluate(bindings: Readonly<Record<string, unknown>>): CelResult;
}

export type CelResult = { ok: true; value: unknown } | { ok: false; error: string };
/** `needs`, on a failure: what the expression needs that no file can give (a live cluster, the network). */
export type CompileResult = { ok: true; program: CelProgram } | { ok: false; error: string; needs?: string };

export interface CompileOptions {
  /** Extra functions (e.g. Kyverno's libraries). */
  library?: CelLibrary;
  /**
   * Identifiers that need a live cluster, with what they need: the expression compiles to an error
   * naming it (the API server's `authorizer` asks the cluster's authorizer).
   */
  clusterOnly?: Readonly<Record<string, string>>;
  /**
   * The variables the expression may name (`object`, `request`, ...). When given, any other free
   * identifier is a compile error, as the API server refuses an undeclared reference when the policy
   * is created; without it, unknown names fail at evaluation.
   */
  declared?: readonly string[];
  /** Kyverno's `orValue` on a value that is not an optional returns the value (or-value-compat.ts). */
  orValueCompat?: boolean;
}

const DEFAULT_CLUSTER_ONLY: Readonly<Record<string, string>> = { authorizer: "the cluster's authorizer (authorizer.* checks)" };

export function compileCel(expression: string, options: CompileOptions = {}): CompileResult {
  const env = celEnvironment(options.library);
  let parsed: ReturnType<typeof env.parse>;
  try {
    parsed = env.parse(expression);
  } catch (error) {
    return { ok: false, error: `invalid CEL expression ${quote(expression)}: ${errorSummary(error)}` };
  }
  if (options.orValueCompat) relaxOrValue(parsed.ast);
  const clusterOnly = { ...DEFAULT_CLUSTER_ONLY, ...options.clusterOnly };
  const needed = identifiers(parsed.ast).find((name) => name in clusterOnly);
  if (needed) {
    const needs = clusterOnly[needed] as string;
    return { ok: false, error: `CEL expression ${quote(expression)} needs a live cluster: ${needs}; it cannot be judged offline`, needs };
  }
  if (options.declared) {
    const known = new Set([...options.declared, ...NAMESPACES, ...Object.keys(clusterOnly)]);
    const unknown = freeIdentifiers(parsed.ast).filter((name) => !known.has(name));
    if (unknown.length > 0) {
      return {
        ok: false,
        error: `CEL expression ${quote(expression)} refers to undeclared ${unknown.map((n) => `"${n}"`).join(", ")}; available: ${options.declared.join(", ")}`,
      };
    }
  }
  const checked = parsed.check();
  if (!checked.valid) return { ok: false, error: `invalid CEL expression ${quote(expression)}: ${errorSummary(checked.error)}` };

  const program: CelProgram = {
    expression,
    ast: parsed.ast,
    evaluate(bindings) {
      const estimate = estimateCost(parsed.ast, inputBounds(Object.values(bindings)));
      if (!withinBudget(estimate)) {
        return {
          ok: false,
          error: `CEL expression ${quote(expression)} exceeds the cost budget (estimated ${Math.min(estimate.cost, Number.MAX_SAFE_INTEGER).toExponential(1)} > ${COST_BUDGET.toExponential(0)} steps for these inputs); simplify nested comprehensions or concatenations`,
        };
      }
      try {
        return { ok: true, value: parsed(bindings) };
      } catch (error) {
        return { ok: false, error: errorSummary(error) };
      }
    },
  };
  return { ok: true, program };
}

/** Names the environment itself defines: library namespaces and `cel.bind`. */
const NAMESPACES = ["cel", "optional", "format", "strings", "sets", "ip", "json", "image"];
const COMPREHENSIONS = new Set(["all", "exists", "exists_one", "existsOne", "map", "filter"]);

/** Identifiers an expression names that no comprehension or `cel.bind` in it defines. */
function freeIdentifiers(ast: ASTNode): string[] {
  const free = new Set<string>();
  const visit = (node: unknown, bound: ReadonlySet<string>): void => {
    if (Array.isArray(node)) return node.forEach((child) => visit(child, bound));
    if (!node || typeof node !== "object" || !("op" in node)) return;
    const { op, args } = node as ASTNode;
    if (op === "id") {
      if (!bound.has(args as string)) free.add(args as string);
      return;
    }
    if (op === "rcall") {
      const [name, receiver, callArgs] = args as [string, ASTNode, ASTNode[]];
      const isBind = name === "bind" && receiver.op === "id" && receiver.args === "cel" && callArgs.length === 3;
      const variables = isBind
        ? 1
        : COMPREHENSIONS.has(name) && callArgs.length >= 2
          ? name !== "map" && callArgs.length === 3
            ? 2
            : 1
          : 0;
      if (variables > 0) {
        const names = callArgs.slice(0, variables).map((arg) => String(arg.args));
        const inner = new Set([...bound, ...names]);
        if (isBind) {
          visit(callArgs[1], bound);
          visit(callArgs[2], inner);
        } else {
          visit(receiver, bound);
          callArgs.slice(variables).forEach((arg) => visit(arg, inner));
        }
        return;
      }
    }
    visit(args, bound);
  };
  visit(ast, new Set());
  return [...free];
}

/** Free identifiers an expression refers to (over-approximated: comprehension variables included). */
function identifiers(ast: ASTNode): string[] {
  const found: string[] = [];
  const stack: unknown[] = [ast];
  while (stack.length > 0) {
    const node = stack.pop();
    if (Array.isArray(node)) stack.push(...node);
    else if (node && typeof node === "object" && "op" in node) {
      const { op, args } = node as ASTNode;
      if (op === "id") found.push(args as string);
      else stack.push(args);
    }
  }
  return found;
}

function quote(expression: string): string {
  const oneLine = expression.replace(/\s+/g, " ").trim();
  return JSON.stringify(oneLine.length > 100 ? `${oneLine.slice(0, 97)}...` : oneLine);
}
