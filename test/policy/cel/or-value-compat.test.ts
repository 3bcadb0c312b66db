/** Kyverno's `orValue` compatibility: a receiver that is not an optional is its own value there, an error in plain CEL. */
import { describe, expect, test } from "@jest/globals";
import { compileCel, fromCel, toCel } from "../../../src/policy/cel/index.js";

const object = toCel({ spec: { volumes: [{ name: "data" }] } });

function run(expression: string, orValueCompat: boolean): unknown {
  const compiled = compileCel(expression, { orValueCompat });
  if (!compiled.ok) throw new Error(compiled.error);
  const result = compiled.program.evaluate({ object });
  return result.ok ? fromCel(result.value) : { error: result.error };
}

describe("orValue compatibility (Kyverno)", () => {
  test("a concrete receiver is returned as it is", () => {
    expect(run("object.spec.volumes.orValue([]).size()", true)).toBe(1);
    expect(run("object.spec.volumes.orValue([]).size()", false)).toEqual({ error: expect.stringMatching(/orValue/) });
  });

  test("an optional receiver behaves as in CEL: its value, or the default when empty", () => {
    for (const compat of [true, false]) {
      expect(run("object.spec.?volumes.orValue([]).size()", compat)).toBe(1);
      expect(run("object.spec.?containers.orValue([]).size()", compat)).toBe(0);
    }
  });

  test("an error in the receiver stays an error", () => {
    expect(run("object.spec.containers.orValue([]).size()", true)).toEqual({ error: expect.stringMatching(/containers/) });
  });
});
