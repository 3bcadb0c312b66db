/**
 * Properties of the CEL environment that must hold for any input: compiling never throws (a policy
 * author's text is untrusted input), library parsers agree with their own formatting, orderings are
 * consistent, and random nesting of comprehensions is either evaluated or refused by the cost bound.
 */
import { describe, expect, test } from "@jest/globals";
import fc from "fast-check";
import { compileCel, toCel } from "../../../src/policy/cel/index.js";
import { formatIp, parseIp } from "../../../src/policy/cel/ip.js";
import { parseCidr } from "../../../src/policy/cel/cidr.js";
import { parseQuantity } from "../../../src/policy/cel/quantity.js";
import { compareSemver, parseSemver } from "../../../src/policy/cel/semver.js";

describe("CEL environment properties", () => {
  test("compiling arbitrary text returns a result, never throws", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (text) => {
        const result = compileCel(text);
        expect(typeof result.ok).toBe("boolean");
      }),
      { numRuns: 500 },
    );
  });

  test("expressions from CEL fragments compile or fail with a message, and evaluate or fail with a message", () => {
    const fragment = fc.constantFrom(
      "object",
      ".spec",
      ".?spec",
      "[0]",
      ".all(x, ",
      ".map(x, ",
      "x",
      ")",
      "(",
      " + ",
      " == ",
      "'a'",
      "1",
      "[1, 2]",
      "size(",
      ".orValue([])",
      "cel.bind(y, ",
      ", ",
      "quantity('1')",
      "!",
    );
    const object = toCel({ spec: { items: [1, 2, 3], name: "a" } });
    fc.assert(
      fc.property(fc.array(fragment, { maxLength: 25 }), (parts) => {
        const compiled = compileCel(parts.join(""));
        if (!compiled.ok) return expect(compiled.error.length).toBeGreaterThan(0);
        const result = compiled.program.evaluate({ object });
        if (!result.ok) expect(result.error.length).toBeGreaterThan(0);
      }),
      { numRuns: 1000 },
    );
  });

  test("nested comprehensions over big lists are evaluated within budget or refused, never left running", () => {
    const items = toCel({ items: Array.from({ length: 300 }, (_, i) => i) });
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 6 }), (depth) => {
        let expression = "true";
        for (let i = depth; i > 0; i--)
          expression = `object.items.exists(v${i}, v${i} < 0 || ${expression})`.replace("|| true", "|| false");
        const compiled = compileCel(expression);
        if (!compiled.ok) throw new Error(compiled.error);
        const result = compiled.program.evaluate({ object: items });
        if (depth >= 3) expect(result).toEqual({ ok: false, error: expect.stringMatching(/exceeds the cost budget/) });
        else expect(result).toEqual({ ok: true, value: false });
      }),
      { numRuns: 12 },
    );
  });

  test("an IP address prints canonically and parses back to itself", () => {
    fc.assert(
      fc.property(fc.oneof(fc.ipV4(), fc.ipV6()), (text) => {
        const ip = parseIp(text);
        if (!ip) return; // zones, IPv4-mapped forms and leading zeros are refused by design
        const again = parseIp(formatIp(ip));
        expect(again && formatIp(again)).toBe(formatIp(ip));
      }),
    );
  });

  test("a CIDR contains its own address", () => {
    fc.assert(
      fc.property(fc.ipV4(), fc.integer({ min: 0, max: 32 }), (address, bits) => {
        const cidr = parseCidr(`${address}/${bits}`);
        if (!cidr) return;
        const compiled = compileCel(`cidr('${address}/${bits}').containsIP('${formatIp(cidr.ip)}')`);
        if (!compiled.ok) throw new Error(compiled.error);
        expect(compiled.program.evaluate({})).toEqual({ ok: true, value: true });
      }),
    );
  });

  test("quantities: a suffix scales exactly, and milli-units compare like their integers", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1_000_000 }), fc.integer({ min: 0, max: 1_000_000 }), (a, b) => {
        expect(parseQuantity(`${a}Ki`)?.nanos).toBe(BigInt(a) * 1024n * 1_000_000_000n);
        const qa = parseQuantity(`${a}m`);
        const qb = parseQuantity(`${b}m`);
        expect(qa && qb && Math.sign(Number(qa.nanos - qb.nanos))).toBe(Math.sign(a - b));
      }),
    );
  });

  test("semver ordering is antisymmetric and a release outranks its pre-releases", () => {
    const version = fc.tuple(fc.nat(20), fc.nat(20), fc.nat(20), fc.option(fc.constantFrom("alpha", "alpha.1", "beta", "rc.1", "1")));
    fc.assert(
      fc.property(version, version, ([a1, a2, a3, ap], [b1, b2, b3, bp]) => {
        const a = parseSemver(`${a1}.${a2}.${a3}${ap ? `-${ap}` : ""}`);
        const b = parseSemver(`${b1}.${b2}.${b3}${bp ? `-${bp}` : ""}`);
        if (!a || !b) throw new Error("valid versions did not parse");
        expect(compareSemver(a, b)).toBe(-compareSemver(b, a));
        const release = parseSemver(`${a1}.${a2}.${a3}`);
        if (ap && release) expect(compareSemver(a, release)).toBe(-1n);
      }),
    );
  });
});
