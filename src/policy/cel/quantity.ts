/**
 * The Kubernetes `quantity` library (k8s.io/apiserver/pkg/cel/library/quantity.go) over resource
 * quantities (`500m`, `1Gi`, `1e3`). Values are kept exactly, as integers of nano-units: the API
 * server's Quantity also rounds anything finer up to the nano.
 */
import type { Environment } from "@marcbachmann/cel-js";
import { celError } from "./errors.js";

const NANO = 1_000_000_000n;
const INT64_MAX = (1n << 63n) - 1n;
const INT64_MIN = -(1n << 63n);
const BINARY: Record<string, bigint> = { Ki: 1n << 10n, Mi: 1n << 20n, Gi: 1n << 30n, Ti: 1n << 40n, Pi: 1n << 50n, Ei: 1n << 60n };
const DECIMAL: Record<string, number> = { n: -9, u: -6, m: -3, "": 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const SYNTAX = /^([+-]?)(\d+(?:\.\d*)?|\.\d+)(Ki|Mi|Gi|Ti|Pi|Ei|[eE][+-]?\d+|[numkMGTPE])?$/;

export class Quantity {
  /** The value in nano-units. */
  constructor(readonly nanos: bigint) {}
}

export function parseQuantity(text: string): Quantity | undefined {
  const match = SYNTAX.exec(text);
  if (!match) return undefined;
  const [, sign = "", number = "", suffix = ""] = match;
  const [whole = "", fraction = ""] = number.split(".");
  // mantissa * 10^-fraction.length, then scaled by the suffix.
  let numerator = BigInt((whole || "0") + fraction) * (sign === "-" ? -1n : 1n);
  let exponent = -fraction.length;
  if (suffix in BINARY) numerator *= BINARY[suffix] as bigint;
  else if (/^[eE]/.test(suffix)) {
    const power = Number(suffix.slice(1));
    if (Math.abs(power) > 100) return undefined;
    exponent += power;
  } else exponent += DECIMAL[suffix] ?? 0;
  exponent += 9; // to nano-units
  if (exponent >= 0) return new Quantity(numerator * 10n ** BigInt(exponent));
  const divisor = 10n ** BigInt(-exponent);
  // Round away from zero to the nano, as the API server rounds up.
  const quotient = numerator / divisor;
  const rest = numerator % divisor;
  return new Quantity(rest === 0n ? quotient : quotient + (numerator > 0n ? 1n : -1n));
}

function toQuantity(value: Quantity | bigint): Quantity {
  return typeof value === "bigint" ? new Quantity(value * NANO) : value;
}

function asInteger(quantity: Quantity): bigint {
  if (quantity.nanos % NANO !== 0n) celError("asInteger(): the quantity is not an integer");
  const value = quantity.nanos / NANO;
  if (value > INT64_MAX || value < INT64_MIN) celError("asInteger(): the quantity overflows int64");
  return value;
}

function compare(a: Quantity, b: Quantity): bigint {
  return a.nanos < b.nanos ? -1n : a.nanos > b.nanos ? 1n : 0n;
}

export function registerQuantity(env: Environment): void {
  env.registerType("Quantity", Quantity);
  env.registerFunction(
    "quantity(string): Quantity",
    (text: string) => parseQuantity(text) ?? celError(`quantity(${JSON.stringify(text)}): not a resource quantity`),
  );
  env.registerFunction("isQuantity(string): bool", (text: string) => parseQuantity(text) !== undefined);
  env.registerFunction("Quantity.sign(): int", (q: Quantity) => (q.nanos > 0n ? 1n : q.nanos < 0n ? -1n : 0n));
  env.registerFunction(
    "Quantity.isInteger(): bool",
    (q: Quantity) => q.nanos % NANO === 0n && q.nanos / NANO <= INT64_MAX && q.nanos / NANO >= INT64_MIN,
  );
  env.registerFunction("Quantity.asInteger(): int", asInteger);
  env.registerFunction("Quantity.asApproximateFloat(): double", (q: Quantity) => Number(q.nanos) / 1e9);
  for (const other of ["Quantity", "int"]) {
    env.registerFunction(
      `Quantity.add(${other}): Quantity`,
      (q: Quantity, v: Quantity | bigint) => new Quantity(q.nanos + toQuantity(v).nanos),
    );
    env.registerFunction(
      `Quantity.sub(${other}): Quantity`,
      (q: Quantity, v: Quantity | bigint) => new Quantity(q.nanos - toQuantity(v).nanos),
    );
  }
  env.registerFunction("Quantity.isLessThan(Quantity): bool", (a: Quantity, b: Quantity) => compare(a, b) < 0n);
  env.registerFunction("Quantity.isGreaterThan(Quantity): bool", (a: Quantity, b: Quantity) => compare(a, b) > 0n);
  env.registerFunction("Quantity.compareTo(Quantity): int", compare);
  env.registerOperator("Quantity == Quantity", (a: Quantity, b: Quantity) => a.nanos === b.nanos);
}
