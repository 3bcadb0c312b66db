/**
 * Scalars mean what go-yaml v2 (under sigs.k8s.io/yaml, i.e. kubectl and the API server) makes of
 * them, YAML 1.1 quirks included. Expected values follow go-yaml v2's resolve.go and its tests.
 */
import { describe, expect, it } from "@jest/globals";
import { formatFloat32 } from "../../src/manifests/scalars.js";
import { errorsOf, lines, onlyDocument, valueOf } from "./support.js";

describe("YAML 1.1 scalars, as go-yaml v2 resolves them", () => {
  it.each([
    ["y", true],
    ["Y", true],
    ["yes", true],
    ["Yes", true],
    ["YES", true],
    ["on", true],
    ["On", true],
    ["ON", true],
    ["true", true],
    ["True", true],
    ["TRUE", true],
    ["n", false],
    ["N", false],
    ["no", false],
    ["No", false],
    ["NO", false],
    ["off", false],
    ["Off", false],
    ["OFF", false],
    ["false", false],
    ["False", false],
    ["FALSE", false],
  ])("bool: %s", (text, expected) => {
    expect(valueOf(text)).toBe(expected);
  });

  it.each([["yEs"], ["tRUE"], ["oN"], ["nO"], ["yes please"], ["o"], ["t"]])("not a bool: %s stays a string", (text) => {
    expect(valueOf(text)).toBe(text);
  });

  it.each([["~"], ["null"], ["Null"], ["NULL"], [""]])("null: %j", (text) => {
    expect(valueOf(text)).toBeNull();
  });

  it.each([["nULL"], ["nil"], ["None"]])("not null: %s", (text) => {
    expect(valueOf(text)).toBe(text);
  });

  it.each([
    ["0", 0],
    ["-0", 0],
    ["42", 42],
    ["+42", 42],
    ["-17", -17],
    ["0755", 493],
    ["0o755", 493],
    ["0O17", 15],
    ["-0o17", -15],
    ["00", 0],
    ["0x1F", 31],
    ["0X1f", 31],
    ["-0x1F", -31],
    ["+0x10", 16],
    ["0b101", 5],
    ["-0b101", -5],
    ["0B11", 3],
    ["1_000", 1000],
    ["1_", 1],
    ["1__0", 10],
    ["0x_0A_74_AE", 685230],
    ["+685_230", 685230],
    ["0b1010_0111_0100_1010_1110", 685230],
  ])("int: %s", (text, expected) => {
    expect(valueOf(text)).toBe(expected);
  });

  it("ints up to uint64 are numbers (beyond 2^53 they lose precision, as in any JSON reader of JavaScript)", () => {
    expect(valueOf("9223372036854775807")).toBe(Number(2n ** 63n - 1n));
    expect(valueOf("-9223372036854775808")).toBe(-Number(2n ** 63n));
    expect(valueOf("18446744073709551615")).toBe(Number(2n ** 64n - 1n));
    // beyond uint64, a decimal becomes a float; a hex literal a big integer (the sigs.k8s.io fork's big.Int)
    expect(valueOf("18446744073709551616")).toBe(2 ** 64);
    expect(valueOf("0x1FFFFFFFFFFFFFFFF")).toBe(Number(0x1ffffffffffffffffn));
    // a negative hex beyond int64 is no number to go-yaml at all
    expect(valueOf("-0x1FFFFFFFFFFFFFFFF")).toBe("-0x1FFFFFFFFFFFFFFFF");
  });

  it.each([
    ["1.5", 1.5],
    ["-1.5", -1.5],
    ["1.", 1],
    ["1e3", 1000],
    ["1E3", 1000],
    ["2e-5", 0.00002],
    ["6.8523e+5", 685230],
    ["685.230_15e+03", 685230.15],
    ["685_230.15", 685230.15],
    [".5", 0.5],
    ["-.5", -0.5],
    ["+.5e2", 50],
    [".5_5", 0.55],
    // ParseInt refuses an octal 8, ParseFloat then reads it in decimal
    ["08", 8],
    ["09.5", 9.5],
    ["123456e1", 1234560],
  ])("float: %s", (text, expected) => {
    expect(valueOf(text)).toBeCloseTo(expected as number, 10);
    expect(typeof valueOf(text)).toBe("number");
  });

  it.each([
    // timestamps stay strings when decoded into interface{}
    ["2001-12-14"],
    ["2001-12-14t21:59:43.10-05:00"],
    ["2001-12-14 21:59:43.10 -5"],
    ["2015-2-3T3:4:5Z"],
    // base-60 numbers are unsupported by go-yaml on purpose
    ["10:30"],
    ["190:20:30.15"],
    ["1:1"],
    // ParseFloat overflows: go-yaml keeps the text
    ["1e400"],
    ["12e3456"],
    // things that only look numeric
    ["1.2.3.4"],
    ["1Gi"],
    ["0.1.0"],
    ["+"],
    ["-b_c"],
    ["+b_c"],
    ["50cent_of_dollar"],
    ["0x"],
    ["0xG"],
    ["_1"],
    ["._5"],
    [".e3"],
    ["."],
    ["NaN"],
    ["nan"],
    ["inf"],
    ["-inf"],
    ["Infinity"],
    ["="],
    ["<<x"],
  ])("string: %s", (text) => {
    expect(valueOf(text)).toBe(text);
  });

  it("numbers that are really strings must be quoted to stay strings", () => {
    const document = onlyDocument(
      lines(
        "version: 1.10", // a float: 1.1
        "quotedVersion: '1.10'",
        "zip: 01234", // octal!
        "quotedZip: '01234'",
        'port: "8080"',
        "sha: 12e3456", // too large a float: stays text
        "gitSha: 1234e5", // a float
        "answer: no", // a bool
        "country: NO", // Norway is a bool too
        "literal: |",
        "  yes",
        "folded: >-",
        "  0755",
      ),
    );
    expect(document.value).toEqual({
      version: 1.1,
      quotedVersion: "1.10",
      zip: 668,
      quotedZip: "01234",
      port: "8080",
      sha: "12e3456",
      gitSha: 123400000,
      answer: false,
      country: false,
      literal: "yes\n",
      folded: "0755",
    });
  });
});

describe("explicit tags", () => {
  it("standard scalar tags are honoured the way go-yaml does", () => {
    const document = onlyDocument(
      lines(
        "a: !!str yes",
        'b: !!int "12"',
        "c: !!float 3",
        "d: !!bool 'true'",
        "e: !!null ''",
        "f: ! 12", // the non-specific tag: a string
        "g: !<tag:yaml.org,2002:str> 0755",
        "h: !!timestamp 2001-12-14",
        "i: !!map {x: 1}",
        "j: !!seq [1]",
      ),
    );
    expect(document.value).toEqual({ a: "yes", b: 12, c: 3, d: true, e: null, f: "12", g: "0755", h: "2001-12-14", i: { x: 1 }, j: [1] });
  });

  it("a %TAG directive never reaches its document: kubectl cuts the stream at the `---` it needs", () => {
    // The oracle (tools/oracle) says the same: "did not find expected <document start>".
    const errors = errorsOf(lines("%TAG !y! tag:yaml.org,2002:", "---", "v: !y!int '1'"));
    expect(errors[0]).toBe("2:1 YAML syntax error: directives end mark is expected");
    expect(errors.length).toBeGreaterThan(0);
  });

  it("a value that does not fit its tag is an error", () => {
    expect(errorsOf(lines("a: 1", "b: !!int abc"))).toEqual([
      "2:4 `abc` is not a valid !!int (it reads as !!str); Kubernetes would reject it",
    ]);
    expect(errorsOf("v: !!float error\n")).toEqual(["1:4 `error` is not a valid !!float (it reads as !!str); Kubernetes would reject it"]);
    expect(errorsOf("v: !!bool 1\n")).toEqual(["1:4 `1` is not a valid !!bool (it reads as !!int); Kubernetes would reject it"]);
    expect(errorsOf("v: !!timestamp 2001-13-01\n")).toHaveLength(1);
  });
});

describe("mapping keys become strings as sigs.k8s.io/yaml makes them", () => {
  it("ints, bools and floats are converted", () => {
    const document = onlyDocument(
      lines(
        "1: int",
        "0x10: hex",
        "0755: octal",
        "-0: zero",
        "yes: yes-bool",
        "n: n-bool",
        "1.5: float",
        "2.0: whole",
        "123456789.0: big",
        "1e-7: tiny",
        ".inf: inf",
        "2020-01-01: date",
      ),
    );
    expect(document.value).toEqual({
      "1": "int",
      "16": "hex",
      "493": "octal",
      "0": "zero",
      // `yes` and `n` as keys are bools, a classic surprise
      true: "yes-bool",
      false: "n-bool",
      "1.5": "float",
      "2": "whole",
      "1.2345679e+08": "big",
      "1e-07": "tiny",
      ".inf": "inf",
      "2020-01-01": "date",
    });
  });

  it("quoted keys stay as written", () => {
    expect(onlyDocument(lines("'1': a", '"true": b', "'<<': c")).value).toEqual({ "1": "a", true: "b", "<<": "c" });
  });

  it("keys that become the same string are duplicates", () => {
    expect(errorsOf(lines("1: a", "'1': b"))).toEqual([
      '2:1 duplicate key "1" (first at line 1): Kubernetes would silently keep only one of the values',
    ]);
    expect(errorsOf(lines("true: a", "yes: b"))).toEqual([
      '2:1 duplicate key "true" (first at line 1): Kubernetes would silently keep only one of the values',
    ]);
    expect(errorsOf(lines("1: a", "1.0: b"))).toEqual([
      '2:1 duplicate key "1" (first at line 1): Kubernetes would silently keep only one of the values',
    ]);
  });

  it("null keys and integer keys beyond int64 cannot be converted", () => {
    expect(errorsOf("~: x\n")).toEqual(["1:1 a null mapping key (`~`) cannot be converted to JSON"]);
    expect(errorsOf("18446744073709551615: x\n")).toEqual([
      "1:1 integer mapping key `18446744073709551615` is out of range and cannot be converted to JSON",
    ]);
  });

  it("formats float keys as Go's FormatFloat(f, 'g', -1, 32)", () => {
    expect([0.1, 1, 100000, 1e6, 1234567, 0.0001, 0.00001, -2.5, 3.14159265358979, 16777217].map(formatFloat32)).toEqual([
      "0.1",
      "1",
      "100000",
      "1e+06",
      "1.234567e+06",
      "0.0001",
      "1e-05",
      "-2.5",
      "3.1415927",
      "1.6777216e+07",
    ]);
  });
});
