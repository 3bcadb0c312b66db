/**
 * JMESPath as Kyverno evaluates it: the @jmespath-community/jmespath interpreter (it takes custom
 * functions, which Kyverno's policies rely on) with two upstream behaviours layered on:
 * - Kyverno's go-jmespath fork reports a path through a missing map key (`request.object.spec.foo`
 *   when `foo` is absent) as an error, unless an `||`, a function call, a comparison or a projection
 *   absorbs it. A rule that reads an absent field without a default is therefore a rule error upstream,
 *   and here (never a silent pass).
 * - Legacy backtick literals (`` `true` ``, `` `foo` ``) are accepted, as go-jmespath accepts them.
 */
import { compile, TreeInterpreter } from "@jmespath-community/jmespath";
import type { JsonValue } from "../../manifests/types.js";
import { registerKyvernoFunctions } from "./jmespath-functions.js";
import { isObject } from "../../manifests/json.js";

type Node = ReturnType<typeof compile>;

/**
 * A query that upstream fails: the message says why. Absent fields are routine (a rule probing an
 * optional field), so no stack trace is captured for this error.
 */
export class QueryError extends Error {
  constructor(message: string) {
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(message);
    Error.stackTraceLimit = limit;
  }
}

/** The query needs something a pull request cannot tell (the clock, randomness): the rule is not evaluated. */
export class NotEvaluableError extends Error {
  constructor(readonly needs: string) {
    super(`needs ${needs}`);
  }
}

registerKyvernoFunctions((needs) => new NotEvaluableError(needs));

const compiled = new Map<string, Node>();
const MAX_CACHED = 5000;

export function query(expression: string, data: JsonValue): JsonValue {
  const node = parse(expression.trim());
  let result: JsonValue;
  try {
    result = walk(node, data) as JsonValue;
  } catch (error) {
    if (error instanceof NotEvaluableError || error instanceof QueryError) throw error;
    throw new QueryError(`JMESPath query failed: ${(error as Error).message}`);
  }
  return result ?? null;
}

function parse(expression: string): Node {
  if (expression === "") throw new QueryError("invalid query (nil)");
  const cached = compiled.get(expression);
  if (cached) return cached;
  let node: Node;
  try {
    node = compile(expression, { enable_legacy_literals: true });
  } catch (error) {
    throw new QueryError(`incorrect query ${expression}: ${(error as Error).message}`);
  }
  if (compiled.size >= MAX_CACHED) compiled.clear();
  compiled.set(expression, node);
  return node;
}

/** What `queryUnlessMissing` returns for a path through a missing map key (where `query` throws). */
export const MISSING: unique symbol = Symbol("missing key");

/**
 * `query`, except that a path through a missing map key is `MISSING` rather than an error: for callers
 * that treat it as an absent optional field (a `foreach` list), without the cost of an exception.
 */
export function queryUnlessMissing(expression: string, data: JsonValue): JsonValue | typeof MISSING {
  const node = parse(expression.trim());
  let result: JsonValue | typeof MISSING;
  try {
    result = walk(node, data, true);
  } catch (error) {
    if (error instanceof NotEvaluableError || error instanceof QueryError) throw error;
    throw new QueryError(`JMESPath query failed: ${(error as Error).message}`);
  }
  return result ?? null;
}

/** Follows the field chain from the root, raising on a missing key (or, `lenient`, returning MISSING); the rest goes to the interpreter. */
function walk(node: Node, value: JsonValue, lenient: true): JsonValue | typeof MISSING;
function walk(node: Node, value: JsonValue, lenient?: false): JsonValue;
function walk(node: Node, value: JsonValue, lenient = false): JsonValue | typeof MISSING {
  switch (node.type) {
    case "Field": {
      if (isObject(value) && !Object.hasOwn(value, node.name)) {
        if (lenient) return MISSING;
        throw new QueryError(`Unknown key "${node.name}" in path`);
      }
      return isObject(value) ? (value[node.name] as JsonValue) : null;
    }
    case "Subexpression":
    case "IndexExpression": {
      const binary = node as { left: Node; right: Node };
      const left = lenient ? walk(binary.left, value, true) : walk(binary.left, value);
      if (left === MISSING) return MISSING;
      return lenient ? walk(binary.right, left, true) : walk(binary.right, left);
    }
    default:
      return TreeInterpreter.search(node, value) as JsonValue;
  }
}
