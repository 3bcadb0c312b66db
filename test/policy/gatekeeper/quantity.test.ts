import { describe, expect, it } from "@jest/globals";
import fc from "fast-check";
import {
  compareQuantities,
  multiplyQuantities,
  parseDecimal,
  parseQuantity,
  type Quantity,
} from "../../../src/policy/gatekeeper/lib/quantity.js";

const q = (text: string | number): Quantity => {
  const parsed = parseQuantity(text);
  if (!parsed) throw new Error(`${text} did not parse`);
  return parsed;
};
const same = (a: string | number, b: string | number): boolean => compareQuantities(q(a), q(b)) === 0;

describe("Kubernetes quantities", () => {
  it("reads decimal and binary suffixes exactly", () => {
    expect(same("1Gi", "1073741824")).toBe(true);
    expect(same("1Ki", "1024")).toBe(true);
    expect(same("1.5Gi", "1536Mi")).toBe(true);
    expect(same("1k", "1000")).toBe(true);
    expect(same("1M", "1000k")).toBe(true);
    expect(same("1G", "1000M")).toBe(true);
    expect(same("500m", "0.5")).toBe(true);
    expect(same("1000000n", "1m")).toBe(true);
    expect(same("1000u", "1m")).toBe(true);
  });

  it("reads exponents, and tells the exponent `e` from the exa suffix `E`", () => {
    expect(same("1e3", "1k")).toBe(true);
    expect(same("1E3", "1k")).toBe(true);
    expect(same("12e-3", "12m")).toBe(true);
    expect(same("1E", "1000P")).toBe(true);
    expect(parseQuantity("1e")).toBeUndefined();
  });

  it("reads YAML numbers from their decimal text", () => {
    expect(same(2, "2")).toBe(true);
    expect(same(0.5, "500m")).toBe(true);
    expect(same(1e21, "1000E")).toBe(true);
  });

  it("accepts the number spellings the API server accepts", () => {
    for (const text of ["0", "+1", "-1", "1.", ".5", "0.5Gi", "007", "1.000"]) expect(parseQuantity(text)).toBeDefined();
  });

  it("rejects what the API server rejects", () => {
    for (const value of ["", "Gi", "1 Gi", "1gi", "1Kb", "one", "1.2.3", "1e1.5", "--1", "0x10", true, null, {}, ["1"]]) {
      expect(parseQuantity(value as never)).toBeUndefined();
    }
  });

  it("orders quantities by value", () => {
    expect(compareQuantities(q("2Gi"), q("1Gi"))).toBe(1);
    expect(compareQuantities(q("999Mi"), q("1Gi"))).toBe(-1);
    expect(compareQuantities(q("1001m"), q("1"))).toBe(1);
    expect(compareQuantities(q("-1"), q("0"))).toBe(-1);
  });

  it("multiplies exactly, for ratios", () => {
    const ratio = parseDecimal("1.5");
    expect(ratio).toBeDefined();
    expect(compareQuantities(multiplyQuantities(ratio as Quantity, q("200m")), q("300m"))).toBe(0);
  });

  it("reads ratio parameters as plain numbers, without unit suffixes", () => {
    expect(parseDecimal("2")).toEqual({ num: 2n, den: 1n });
    expect(parseDecimal("0.25")).toEqual({ num: 1n, den: 4n });
    expect(parseDecimal("1e1")).toEqual({ num: 10n, den: 1n });
    expect(parseDecimal("2k")).toBeUndefined();
    expect(parseDecimal("two")).toBeUndefined();
  });

  it("agrees with integer arithmetic on every integer (property)", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }), fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }), (a, b) => {
        const order = compareQuantities(q(a.toString()), q(b.toString()));
        expect(order).toBe(a < b ? -1 : a > b ? 1 : 0);
      }),
    );
  });

  it("gives every suffix spelling of one amount the same value (property)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1_000_000 }), (n) => {
        expect(same(`${n}Ki`, String(n * 1024))).toBe(true);
        expect(same(`${n}k`, `${n}e3`)).toBe(true);
        expect(same(`${n}m`, `${n}e-3`)).toBe(true);
      }),
    );
  });
});
