/**
 * Kyverno's `orValue` compatibility (kyverno pkg/cel/compiler/env.go, OrValueCompatEnvOptions): Kyverno
 * rewrites every `x.orValue(y)` so that a receiver that is not an optional is returned as it is (CEL
 * before cel-go 0.28 did so), where plain CEL refuses it. Policies written for Kyverno rely on it
 * (`container.volumeMounts.orValue([])`). An optional receiver behaves as usual, and an error in the
 * receiver stays an error (the compat function is strict, as cel-go functions are).
 *
 * cel-js expands `orValue` as a macro when it parses; this replaces that macro's evaluation and type
 * check on a parsed expression, before it is checked or run.
 */
import { Optional, type ASTNode } from "@marcbachmann/cel-js";

interface Evaluator {
  run(ast: ASTNode, context: unknown): unknown;
}

interface Checker {
  check(ast: ASTNode, context: unknown): { kind?: string; valueType?: unknown; unify?(registry: unknown, other: unknown): unknown };
  registry: unknown;
  getType(name: string): unknown;
}

interface OrValueMacro {
  functionDesc?: string;
  receiver: ASTNode;
  arg: ASTNode;
  evaluate(ev: Evaluator, macro: OrValueMacro, context: unknown): unknown;
  typeCheck(checker: Checker, macro: OrValueMacro, context: unknown): unknown;
}

const OR_VALUE = "optional.orValue(value)";

export function relaxOrValue(root: ASTNode): void {
  const seen = new Set<object>();
  const visit = (value: unknown): void => {
    if (value === null || typeof value !== "object" || seen.has(value)) return;
    seen.add(value);
    if (Array.isArray(value)) return value.forEach(visit);
    const node = value as ASTNode & { meta?: { macro?: OrValueMacro; alternate?: ASTNode } };
    const macro = node.meta?.macro;
    if (macro?.functionDesc === OR_VALUE) {
      macro.evaluate = evaluateCompat;
      macro.typeCheck = typeCheckCompat;
    }
    if (node.meta?.alternate) visit(node.meta.alternate);
    for (const child of Object.values(node)) visit(child);
  };
  visit(root);
}

function evaluateCompat(ev: Evaluator, macro: OrValueMacro, context: unknown): unknown {
  const value = ev.run(macro.receiver, context);
  if (value instanceof Optional) return value.hasValue() ? value.value() : ev.run(macro.arg, context);
  return value;
}

/** The receiver may be of any type; the result is the optional's value type when it is one, else dynamic. */
function typeCheckCompat(checker: Checker, macro: OrValueMacro, context: unknown): unknown {
  const receiver = checker.check(macro.receiver, context);
  const argument = checker.check(macro.arg, context);
  if (receiver.kind === "optional" && receiver.valueType && typeof (receiver.valueType as { unify?: unknown }).unify === "function") {
    const unified = (receiver.valueType as { unify(registry: unknown, other: unknown): unknown }).unify(checker.registry, argument);
    if (unified) return unified;
  }
  return checker.getType("dyn");
}
