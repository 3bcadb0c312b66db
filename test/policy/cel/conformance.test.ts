/**
 * The cel-spec conformance suite (as shipped by @bufbuild/cel-spec) through our Kubernetes environment.
 * Suites about protobuf messages, enums and wrappers are left out: Kubernetes CEL never sees them.
 * The counts are printed; the floor is the figure measured when the environment was chosen (README).
 */
import { describe, expect, test } from "@jest/globals";
import { tests } from "@bufbuild/cel-spec/testdata/conformance.js";
import { compileCel } from "../../../src/policy/cel/index.js";

const NOT_KUBERNETES = new Set([
  "proto2",
  "proto3",
  "proto2_ext",
  "wrappers",
  "enums",
  "dynamic",
  "type_deductions",
  "unknowns",
  "namespace",
  "math_ext",
  "encoders_ext",
  "block_ext",
]);
type ProtoValue = Record<string, unknown>;
interface Case {
  suite: string;
  expr: string;
  value?: ProtoValue;
  evalError?: unknown;
  bindings?: Record<string, { value: ProtoValue }>;
}

function collect(): Case[] {
  const cases: Case[] = [];
  const walk = (node: { name: string; suites?: unknown[]; tests?: { original: Record<string, unknown> }[] }, top: string): void => {
    for (const child of (node.suites ?? []) as (typeof node)[])
      if (top !== "" || !NOT_KUBERNETES.has(child.name)) walk(child, top || child.name);
    for (const { original } of node.tests ?? []) {
      const text = JSON.stringify(original);
      if (
        /objectValue|enumValue|typeValue|google\.protobuf/.test(text) ||
        original["checkOnly"] ||
        original["typedResult"] ||
        original["container"]
      )
        continue;
      if (!original["value"] && !original["evalError"]) continue;
      cases.push({ suite: top, ...(original as unknown as Omit<Case, "suite">) });
    }
  };
  walk(tests as never, "");
  return cases;
}

function fromProto(value: ProtoValue): unknown {
  if ("int64Value" in value) return BigInt(value["int64Value"] as string);
  if ("uint64Value" in value) return `uint:${String(value["uint64Value"])}`;
  if ("doubleValue" in value) return Number(value["doubleValue"]);
  if ("stringValue" in value) return value["stringValue"];
  if ("boolValue" in value) return value["boolValue"];
  if ("bytesValue" in value) return `bytes:${Buffer.from(value["bytesValue"] as string, "base64").toString("hex")}`;
  if ("nullValue" in value) return null;
  if ("listValue" in value) return ((value["listValue"] as { values?: ProtoValue[] }).values ?? []).map(fromProto);
  const entries = (value["mapValue"] as { entries?: { key: ProtoValue; value: ProtoValue }[] }).entries ?? [];
  return new Map(entries.map((entry) => [fromProto(entry.key), fromProto(entry.value)]));
}

function normalise(value: unknown): unknown {
  if (typeof value === "number") return Number.isNaN(value) ? "NaN" : value;
  if (value instanceof Uint8Array) return `bytes:${Buffer.from(value).toString("hex")}`;
  if (Array.isArray(value)) return value.map(normalise);
  if (value instanceof Map || (value && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype)) {
    const entries = value instanceof Map ? [...value.entries()] : Object.entries(value);
    return entries.map(([k, v]) => [normalise(k), normalise(v)]).sort((a, b) => (String(a[0]) < String(b[0]) ? -1 : 1));
  }
  if (value && typeof value === "object" && "value" in value && value.constructor.name === "UnsignedInt")
    return `uint:${String((value as { value: bigint }).value)}`;
  return value;
}

const show = (value: unknown): string => JSON.stringify(normalise(value), (_k, v: unknown) => (typeof v === "bigint" ? `${v}n` : v));

function passes(entry: Case): boolean {
  const compiled = compileCel(entry.expr);
  if (!compiled.ok) return entry.evalError !== undefined;
  const bindings: Record<string, unknown> = {};
  for (const [name, binding] of Object.entries(entry.bindings ?? {})) bindings[name] = fromProto(binding.value);
  const result = compiled.program.evaluate(bindings);
  if (!result.ok) return entry.evalError !== undefined;
  return entry.value !== undefined && show(result.value) === show(fromProto(entry.value));
}

/** Measured on 2026-12-05 with @marcbachmann/cel-js 8.0.0 (README, "CEL"): a drop is a regression. */
const FLOOR = 1045;

describe("cel-spec conformance through the Kubernetes environment", () => {
  test("passes at least the measured number of cases", () => {
    const perSuite = new Map<string, [number, number]>();
    let passed = 0;
    const cases = collect();
    for (const entry of cases) {
      const counts = perSuite.get(entry.suite) ?? [0, 0];
      counts[1]++;
      if (passes(entry)) {
        counts[0]++;
        passed++;
      }
      perSuite.set(entry.suite, counts);
    }
    const lines = [...perSuite].map(([suite, [ok, total]]) => `  ${suite}: ${ok}/${total}`);
    console.log(`cel-spec conformance: ${passed}/${cases.length}\n${lines.join("\n")}`);
    expect(passed).toBeGreaterThanOrEqual(FLOOR);
  });
});
