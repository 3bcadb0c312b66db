/** Pathological expressions are refused before they run, never left to hang the check. */
import { describe, expect, test } from "@jest/globals";
import { compileCel, toCel } from "../../../src/policy/cel/index.js";

function evaluate(expression: string, bindings: Record<string, unknown> = {}): { ok: boolean; error?: string } {
  const compiled = compileCel(expression);
  if (!compiled.ok) throw new Error(compiled.error);
  const result = compiled.program.evaluate(bindings);
  return result.ok ? { ok: true } : { ok: false, error: result.error };
}

const pod = toCel({
  spec: {
    containers: Array.from({ length: 5 }, (_, i) => ({
      name: `c${i}`,
      ports: [{ containerPort: 80 + i }],
      env: [{ name: "A", value: "x" }],
    })),
  },
});
const wide = toCel({ items: Array.from({ length: 1000 }, (_, i) => i) });

describe("CEL cost bound", () => {
  test("ordinary nested comprehensions over a pod run", () => {
    expect(
      evaluate(
        "object.spec.containers.all(c, c.ports.all(p, object.spec.containers.exists(d, d.env.all(e, e.name != '' && p.containerPort > 0))))",
        { object: pod },
      ),
    ).toEqual({ ok: true });
  });

  test("nested comprehensions whose product exceeds the budget are refused", () => {
    const result = evaluate("object.items.all(a, object.items.all(b, object.items.all(c, a + b + c >= 0)))", { object: wide });
    expect(result.ok).toBe(false);
    expect(result.error).toMatch(/exceeds the cost budget/);
  });

  test("doubling concatenations are refused before they exhaust memory", () => {
    let expression = "s";
    for (let i = 0; i < 40; i++) expression = `cel.bind(s, s + s, ${expression})`;
    const result = evaluate(expression, { s: "ab" });
    expect(result).toEqual({ ok: false, error: expect.stringMatching(/exceeds the cost budget/) });
  });

  test("the same nesting over small lists stays within budget", () => {
    expect(evaluate("[1, 2, 3].all(a, [1, 2, 3].all(b, [1, 2, 3].all(c, a + b + c > 0)))")).toEqual({ ok: true });
  });

  test("hostile nesting depth is a compile error, not a stack overflow", () => {
    const compiled = compileCel(`${"(".repeat(5000)}1${")".repeat(5000)}`);
    expect(compiled.ok).toBe(false);
  });
});
