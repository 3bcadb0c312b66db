/**
 * Kubernetes resource quantities (`500m`, `1.5Gi`, `2e3`, `128974848`), parsed exactly as the API
 * server's `resource.ParseQuantity` accepts them and kept as exact fractions, so `1Gi` and
 * `1073741824` compare equal and no limit is misjudged by floating-point rounding.
 *
 * Grammar (k8s.io/apimachinery/pkg/api/resource/quantity.go):
 *   quantity ::= [+-] number suffix
 *   number   ::= digits | digits "." digits | digits "." | "." digits
 *   suffix   ::= binarySI (Ki Mi Gi Ti Pi Ei) | decimalSI (n u m "" k M G T P E) | [eE] [+-] digits
 * A YAML number (`cpu: 2`, `cpu: 0.5`) is read from its decimal text, as the API server does.
 */
import type { JsonValue } from "../../../manifests/types.js";

/** An exact rational value `num / den`, `den > 0`. */
export interface Quantity {
  readonly num: bigint;
  readonly den: bigint;
}

const DECIMAL_SUFFIX_EXPONENT: Readonly<Record<string, number>> = { n: -9, u: -6, m: -3, "": 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const BINARY_SUFFIX_EXPONENT: Readonly<Record<string, number>> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
const QUANTITY = /^([+-]?)(\d+\.?\d*|\.\d+)(.*)$/;
const EXPONENT_SUFFIX = /^[eE]([+-]?\d+)$/;
/** Far beyond any real resource amount; keeps a hostile `1e999999999` from building a huge bigint. */
const MAX_DECIMAL_EXPONENT = 1000;

export function parseQuantity(value: JsonValue | undefined): Quantity | undefined {
  if (typeof value === "number") return Number.isFinite(value) ? parseQuantity(String(value)) : undefined;
  if (typeof value !== "string") return undefined;
  const match = QUANTITY.exec(value);
  if (!match) return undefined;
  const [, sign = "", number = "", suffix = ""] = match;
  let decimalExponent: number;
  let binaryExponent = 0;
  if (Object.hasOwn(DECIMAL_SUFFIX_EXPONENT, suffix)) {
    decimalExponent = DECIMAL_SUFFIX_EXPONENT[suffix] as number;
  } else if (Object.hasOwn(BINARY_SUFFIX_EXPONENT, suffix)) {
    decimalExponent = 0;
    binaryExponent = BINARY_SUFFIX_EXPONENT[suffix] as number;
  } else {
    const exponent = EXPONENT_SUFFIX.exec(suffix);
    if (!exponent) return undefined;
    decimalExponent = Number(exponent[1]);
    if (Math.abs(decimalExponent) > MAX_DECIMAL_EXPONENT) return undefined;
  }
  const base = decimalFraction(number, decimalExponent);
  const signed = sign === "-" ? { num: -base.num, den: base.den } : base;
  return binaryExponent === 0 ? signed : normalize(signed.num * 2n ** BigInt(binaryExponent), signed.den);
}

/**
 * A plain decimal number (`2`, `1.5`, `1e3`), as Rego's `to_number` reads a ratio parameter.
 * Unlike a quantity it has no unit suffix.
 */
export function parseDecimal(value: JsonValue | undefined): Quantity | undefined {
  if (typeof value === "number") return Number.isFinite(value) ? parseDecimal(String(value)) : undefined;
  if (typeof value !== "string") return undefined;
  const match = /^([+-]?)(\d+\.?\d*|\.\d+)(?:[eE]([+-]?\d+))?$/.exec(value);
  if (!match) return undefined;
  const exponent = Number(match[3] ?? "0");
  if (Math.abs(exponent) > MAX_DECIMAL_EXPONENT) return undefined;
  const base = decimalFraction(match[2] ?? "", exponent);
  return match[1] === "-" ? { num: -base.num, den: base.den } : base;
}

export function compareQuantities(a: Quantity, b: Quantity): number {
  const left = a.num * b.den;
  const right = b.num * a.den;
  return left < right ? -1 : left > right ? 1 : 0;
}

export function multiplyQuantities(a: Quantity, b: Quantity): Quantity {
  return normalize(a.num * b.num, a.den * b.den);
}

/** `digits[.digits] × 10^exponent` as an exact fraction. */
function decimalFraction(number: string, exponent: number): Quantity {
  const [whole = "", fraction = ""] = number.split(".");
  const digits = BigInt(whole + fraction || "0");
  const scale = exponent - fraction.length;
  return scale >= 0 ? normalize(digits * 10n ** BigInt(scale), 1n) : normalize(digits, 10n ** BigInt(-scale));
}

function normalize(num: bigint, den: bigint): Quantity {
  const divisor = gcd(num < 0n ? -num : num, den);
  return divisor > 1n ? { num: num / divisor, den: den / divisor } : { num, den };
}

function gcd(a: bigint, b: bigint): bigint {
  while (b !== 0n) [a, b] = [b, a % b];
  return a === 0n ? 1n : a;
}
