/**
 * Which field of the judged object a failed CEL validation is about, so the finding lands on that
 * line. CEL returns only `false`; we look at what the expression ranges over. Values handed to CEL are
 * the memoised conversions of the object's own nodes (see values.ts), so a list item CEL returns can be
 * traced back to its place in the object by identity.
 *
 * In order: the first item that fails an `all(...)` the expression ends in; the first object-node item
 * of a list the expression (or a variable it names) computes, e.g. `variables.badContainers` or a
 * `.filter(...)` followed by `.map(...)` to messages; the longest `object.a.b.c` path it names.
 */
import { serialize, type ASTNode } from "@marcbachmann/cel-js";
import type { FieldPath } from "../../manifests/types.js";
import { compileCel, type CompileOptions } from "./program.js";

export interface BlameInput {
  /** The failed expression's AST. */
  ast: ASTNode;
  bindings: Readonly<Record<string, unknown>>;
  /** Where each CEL value of the judged object sits (object nodes only). */
  paths: ReadonlyMap<unknown, FieldPath>;
  /** The ASTs of the `variables` the expression may name, by name. */
  variableAsts: ReadonlyMap<string, ASTNode>;
  /** The name the judged object is bound to (`object`, or a Gatekeeper `variables.anyObject`). */
  objectRoots: readonly string[];
  options?: CompileOptions;
}

export function blame(input: BlameInput): FieldPath | undefined {
  return blameAll(input.ast, input) ?? blameLists(input.ast, input, new Set()) ?? blameFieldPath(input.ast, input);
}

/** `X.all(v, P)` at the top (through `&&`, `||`, `!`): the first item of X for which P does not hold. */
function blameAll(ast: ASTNode, input: BlameInput): FieldPath | undefined {
  for (const node of topLevel(ast)) {
    if (node.op !== "rcall") continue;
    const [name, receiver, args] = node.args as [string, ASTNode, ASTNode[]];
    if (name !== "all" || args.length !== 2) continue;
    const variable = serialize(args[0] as ASTNode);
    const failing = run(`${serialize(receiver)}.filter(${variable}, !(${serialize(args[1] as ASTNode)}))`, input);
    const path = firstNodePath(failing, input.paths);
    if (path) return path;
  }
  return undefined;
}

function topLevel(ast: ASTNode): ASTNode[] {
  if (ast.op === "&&" || ast.op === "||") return (ast.args as ASTNode[]).flatMap(topLevel);
  if (ast.op === "!_") return topLevel(ast.args as unknown as ASTNode);
  return [ast];
}

/** Lists the expression computes or names (variables followed into their definitions). */
function blameLists(ast: ASTNode, input: BlameInput, visited: Set<string>): FieldPath | undefined {
  for (const candidate of listCandidates(ast)) {
    const variable = variableName(candidate);
    if (variable !== undefined) {
      if (visited.has(variable)) continue;
      visited.add(variable);
      const value = (input.bindings["variables"] as Map<string, unknown> | undefined)?.get(variable);
      const path = firstNodePath(value, input.paths);
      if (path) return path;
      const definition = input.variableAsts.get(variable);
      const inner = definition && (blameLists(stripMaps(definition), input, visited) ?? blameAll(definition, input));
      if (inner) return inner;
      continue;
    }
    const path = firstNodePath(run(serialize(stripMaps(candidate)), input), input.paths);
    if (path) return path;
  }
  return undefined;
}

/** Sub-expressions worth evaluating: variable references and filter/map chains, outermost first. */
function listCandidates(ast: ASTNode): ASTNode[] {
  const found: ASTNode[] = [];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (!node || typeof node !== "object" || !("op" in node)) return;
    const ast = node as ASTNode;
    if (variableName(ast) !== undefined) found.push(ast);
    else if (ast.op === "rcall" && ["filter", "map"].includes((ast.args as unknown[])[0] as string)) found.push(ast);
    visit(ast.args);
  };
  visit(ast);
  return found;
}

/** The `variables.X` an expression names. */
export function namedVariables(ast: ASTNode): string[] {
  return listCandidates(ast)
    .map(variableName)
    .filter((name): name is string => name !== undefined);
}

function variableName(ast: ASTNode): string | undefined {
  if (ast.op !== "." && ast.op !== ".?") return undefined;
  const [base, field] = ast.args as [ASTNode, string];
  return base.op === "id" && base.args === "variables" ? field : undefined;
}

/** `X.filter(...).map(...)` -> `X.filter(...)`: the items rather than the messages made of them. */
function stripMaps(ast: ASTNode): ASTNode {
  let node = ast;
  while (node.op === "rcall" && (node.args as unknown[])[0] === "map") node = (node.args as unknown[])[1] as ASTNode;
  return node;
}

/** `object.spec.containers[0].image`-like chains, longest first: the field the expression is about. */
function blameFieldPath(ast: ASTNode, input: BlameInput): FieldPath | undefined {
  let best: FieldPath | undefined;
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (!node || typeof node !== "object" || !("op" in node)) return;
    const path = fieldPath(node as ASTNode, input.objectRoots);
    if (path && (!best || path.length > best.length)) best = path;
    visit((node as ASTNode).args);
  };
  visit(ast);
  return best;
}

function fieldPath(ast: ASTNode, roots: readonly string[]): FieldPath | undefined {
  const path: (string | number)[] = [];
  let node = ast;
  for (;;) {
    if (node.op === "." || node.op === ".?") {
      const [base, field] = node.args as [ASTNode, string];
      path.unshift(field);
      node = base;
    } else if (node.op === "[]" || node.op === "[?]") {
      const [base, index] = node.args as [ASTNode, ASTNode];
      if (index.op !== "value") return undefined;
      path.unshift(typeof index.args === "bigint" ? Number(index.args) : String(index.args));
      node = base;
    } else break;
  }
  const root = serialize(node);
  if (node.op === "id" && roots.includes(root)) return path;
  // `variables.anyObject.spec...`: the root is itself a chain.
  const chained = roots.find((r) => r.includes(".") && path.length > 0 && `${root}.${path[0]}` === r);
  return chained ? path.slice(1) : undefined;
}

function run(expression: string, input: BlameInput): unknown {
  const compiled = compileCel(expression, input.options);
  if (!compiled.ok) return undefined;
  const result = compiled.program.evaluate(input.bindings);
  return result.ok ? result.value : undefined;
}

function firstNodePath(value: unknown, paths: ReadonlyMap<unknown, FieldPath>): FieldPath | undefined {
  if (!Array.isArray(value)) return undefined;
  for (const item of value) {
    const path = paths.get(item);
    if (path) return path;
  }
  return undefined;
}

/** Where each container-like node (list or map) of a converted object sits. */
export function nodePaths(root: unknown): Map<unknown, FieldPath> {
  const paths = new Map<unknown, FieldPath>();
  const walk = (value: unknown, path: FieldPath): void => {
    if (Array.isArray(value)) {
      paths.set(value, path);
      value.forEach((item, i) => walk(item, [...path, i]));
    } else if (value instanceof Map) {
      paths.set(value, path);
      for (const [key, item] of value) walk(item, [...path, String(key)]);
    }
  };
  walk(root, []);
  return paths;
}
