/**
 * What a YAML scalar means to the Kubernetes API machinery.
 *
 * sigs.k8s.io/yaml decodes with go-yaml v2 into interface{} and converts the result to JSON, so a
 * plain scalar means what go-yaml v2's `resolve` (resolve.go) makes of it, and a mapping key becomes
 * the string sigs.k8s.io/yaml's `convertToJSONableObject` makes of it. This module mirrors both,
 * including their YAML 1.1 quirks: `yes`/`on`/`y` are booleans, `0755` is octal, `08` is the float 8,
 * `1e400` and `10:30` stay strings, timestamps stay strings.
 */
import type { JsonValue } from "./types.js";

export type ScalarTag = "str" | "int" | "float" | "bool" | "null" | "timestamp";

/**
 * Whose reading of plain scalars: `kubernetes` is go-yaml v2 (kubectl, the API machinery);
 * `kustomize` is go-yaml v3 as kyaml keeps the nodes of what it renders, where the YAML 1.1-only
 * booleans (`yes`, `on`, `n`, ...) stay strings — and kustomize prints them quoted, so that is what
 * a cluster receives from an overlay.
 */
export type ScalarDialect = "kubernetes" | "kustomize";

const YAML_1_1_ONLY_BOOLEANS = new Set(["y", "Y", "yes", "Yes", "YES", "on", "On", "ON", "n", "N", "no", "No", "NO", "off", "Off", "OFF"]);

export interface ResolvedScalar {
  tag: ScalarTag;
  value: JsonValue;
}

/** A scalar the Kubernetes API machinery would refuse or read differently: reported, never guessed. */
export class ScalarError extends Error {}

// go-yaml's resolveTable: the first byte decides which resolutions are even tried.
const HINT_NONE = 0;
const HINT_MAP = 1; // may be one of the fixed words below
const HINT_DOT = 2; // a float written as `.5`, or `.inf`/`.nan`
const HINT_NUMBER = 3; // digit or sign: int, float (or timestamp)
const HINTS = new Uint8Array(128);
for (const c of "yYnNtTfFoO~") HINTS[c.charCodeAt(0)] = HINT_MAP;
HINTS[".".charCodeAt(0)] = HINT_DOT;
for (const c of "+-0123456789") HINTS[c.charCodeAt(0)] = HINT_NUMBER;

// go-yaml's resolveMap.
const FIXED = new Map<string, ResolvedScalar>();
const fixed = (tag: ScalarTag, value: JsonValue, words: string[]) => words.forEach((word) => FIXED.set(word, { tag, value }));
fixed("bool", true, ["y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"]);
fixed("bool", false, ["n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"]);
fixed("null", null, ["", "~", "null", "Null", "NULL"]);
fixed("float", NaN, [".nan", ".NaN", ".NAN"]);
fixed("float", Infinity, [".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF"]);
fixed("float", -Infinity, ["-.inf", "-.Inf", "-.INF"]);
const LONGEST_FIXED_WORD = 5;

// go-yaml's yamlStyleFloat, applied after underscores are removed.
const YAML_STYLE_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
// What Go's strconv.ParseFloat accepts of a string starting with `.` (underscores only between digits).
const DOT_FLOAT = /^\.[0-9]+(_[0-9]+)*([eE][-+]?[0-9]+(_[0-9]+)*)?$/;
// Go's strconv.ParseInt(s, 0, 64) syntax once underscores are gone: base prefixes, a leading 0 is octal.
const GO_INTEGER = /^([-+]?)(?:0[xX]([0-9a-fA-F]+)|0[oO]([0-7]+)|0[bB]([01]+)|0([0-7]*)|([1-9][0-9]*))$/;

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;

type IntegerParse =
  /** Fits int64 (Go `int`), or uint64 when unsigned. */
  | { fits: "int64" | "uint64"; value: bigint }
  /** A valid unsigned literal beyond uint64: go-yaml (sigs.k8s.io fork) makes it a big.Int. */
  | { fits: "big"; value: bigint }
  | undefined;

function parseGoInteger(plain: string): IntegerParse {
  const match = GO_INTEGER.exec(plain);
  if (!match) return undefined;
  const [, sign, hex, octal, binary, leadingZeroOctal, decimal] = match;
  let magnitude: bigint;
  if (hex !== undefined) magnitude = BigInt(`0x${hex}`);
  else if (octal !== undefined) magnitude = BigInt(`0o${octal}`);
  else if (binary !== undefined) magnitude = BigInt(`0b${binary}`);
  else if (leadingZeroOctal !== undefined) magnitude = leadingZeroOctal === "" ? 0n : BigInt(`0o${leadingZeroOctal}`);
  else magnitude = BigInt(decimal as string);
  const value = sign === "-" ? -magnitude : magnitude;
  if (value >= INT64_MIN && value <= INT64_MAX) return { fits: "int64", value };
  // strconv.ParseUint accepts no sign at all, not even `+`.
  if (sign !== "") return undefined;
  return { fits: value <= UINT64_MAX ? "uint64" : "big", value };
}

/** Small decimal integers, by far the most common numbers in manifests, skip the general path. */
const SMALL_DECIMAL = /^-?(0|[1-9][0-9]{0,14})$/;

function resolveNumberLike(text: string): ResolvedScalar {
  if (SMALL_DECIMAL.test(text)) return { tag: "int", value: Number(text) + 0 };
  const plain = text.indexOf("_") === -1 ? text : text.replace(/_/g, "");
  const integer = parseGoInteger(plain);
  if (integer && integer.fits !== "big") return { tag: "int", value: Number(integer.value) + 0 };
  if (YAML_STYLE_FLOAT.test(plain)) {
    const value = Number(plain);
    // ParseFloat fails on overflow, and go-yaml then keeps the text.
    if (Number.isFinite(value)) return { tag: "float", value };
  }
  if (integer) return { tag: "int", value: Number(integer.value) };
  return { tag: "str", value: text };
}

/**
 * go-yaml v2 `resolve(tag, in)`: the meaning of a scalar, implicitly (`tag` "") or under an explicit
 * standard tag. An explicit tag the text does not fit is an error, as in go-yaml.
 */
export function resolveScalar(text: string, tag: ScalarTag | "" = ""): ResolvedScalar {
  if (tag === "str") return { tag: "str", value: text };
  const resolved = resolveUntagged(text, tag === "timestamp");
  if (tag === "" || tag === resolved.tag) return resolved;
  if (tag === "float" && resolved.tag === "int") return { tag: "float", value: resolved.value };
  throw new ScalarError(`\`${text}\` is not a valid !!${tag} (it reads as !!${resolved.tag}); Kubernetes would reject it`);
}

function resolveUntagged(text: string, timestampWanted: boolean): ResolvedScalar {
  const code = text.length === 0 ? -1 : text.charCodeAt(0);
  const hint = code === -1 ? HINT_MAP : code < 128 ? (HINTS[code] as number) : HINT_NONE;
  if (hint === HINT_NONE) return { tag: "str", value: text };
  if (text.length <= LONGEST_FIXED_WORD) {
    const word = FIXED.get(text);
    if (word) return word;
  }
  if (hint === HINT_DOT) {
    if (DOT_FLOAT.test(text)) {
      const value = Number(text.replace(/_/g, ""));
      if (Number.isFinite(value)) return { tag: "float", value };
    }
  } else if (hint === HINT_NUMBER) {
    // A timestamp stays a string when decoded into interface{}; only an explicit !!timestamp
    // needs to know that it is one.
    if (timestampWanted && isTimestamp(text)) return { tag: "timestamp", value: text };
    return resolveNumberLike(text);
  }
  return { tag: "str", value: text };
}

/**
 * The value of an untagged plain scalar, allocation-free for the common cases (words, small ints).
 * Numbers may come out NaN or infinite: the caller rejects those, JSON cannot carry them.
 */
export function plainScalarValue(text: string, dialect: ScalarDialect = "kubernetes"): JsonValue {
  const length = text.length;
  if (length === 0) return null;
  const code = text.charCodeAt(0);
  const hint = code < 128 ? (HINTS[code] as number) : HINT_NONE;
  if (hint === HINT_NONE) return text;
  if (hint === HINT_MAP) {
    if (length > LONGEST_FIXED_WORD) return text;
    const word = FIXED.get(text);
    if (word && dialect === "kustomize" && YAML_1_1_ONLY_BOOLEANS.has(text)) return text;
    return word ? word.value : text;
  }
  return resolveUntagged(text, false).value;
}

// Go's time.Parse with go-yaml's allowedTimestampFormats: RFC 3339 with short fields (T or t, zone
// required), "date time" without zone, or a bare date.
const TIMESTAMP =
  /^([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})(?:(?:[Tt]([0-9]{1,2}):([0-9]{1,2}):([0-9]{1,2})(?:[.,][0-9]+)?(?:Z|[-+]([0-9]{2}):([0-9]{2})))|(?: ([0-9]{1,2}):([0-9]{1,2}):([0-9]{1,2})(?:[.,][0-9]+)?))?$/;

function isTimestamp(text: string): boolean {
  const match = TIMESTAMP.exec(text);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (month < 1 || month > 12) return false;
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (day < 1 || day > daysInMonth) return false;
  const hour = Number(match[4] ?? match[9] ?? 0);
  const minute = Number(match[5] ?? match[10] ?? 0);
  const second = Number(match[6] ?? match[11] ?? 0);
  if (hour > 23 || minute > 59 || second > 59) return false;
  if (match[7] !== undefined && (Number(match[7]) > 24 || Number(match[8]) > 59)) return false;
  return true;
}

/**
 * The JSON object key sigs.k8s.io/yaml makes of a scalar key (`convertToJSONableObject`):
 * strings as they are, ints in decimal, floats as Go's FormatFloat(f, 'g', -1, 32), bools as
 * true/false. Null and integers beyond int64 are refused there, so they are refused here.
 */
export function keyString(resolved: ResolvedScalar, text: string): string {
  switch (resolved.tag) {
    case "str":
    case "timestamp":
      return resolved.value as string;
    case "bool":
      return resolved.value ? "true" : "false";
    case "null":
      throw new ScalarError(`a null mapping key (\`${text}\`) cannot be converted to JSON`);
    case "int": {
      const plain = text.replace(/_/g, "");
      const integer = parseGoInteger(plain);
      if (integer === undefined) return String(resolved.value); // an explicit !!int of something resolved otherwise
      if (integer.fits !== "int64")
        throw new ScalarError(`integer mapping key \`${text}\` is out of range and cannot be converted to JSON`);
      return integer.value.toString();
    }
    case "float":
      return formatFloat32(resolved.value as number);
  }
}

/** Go's strconv.FormatFloat(f, 'g', -1, 32), with sigs.k8s.io/yaml's names for the non-finite values. */
export function formatFloat32(value: number): string {
  if (Number.isNaN(value)) return ".nan";
  const single = Math.fround(value);
  if (single === Infinity) return ".inf";
  if (single === -Infinity) return "-.inf";
  if (single === 0) return Object.is(single, -0) ? "-0" : "0";
  // Shortest digits that read back as the same float32.
  let exponential = "";
  for (let precision = 1; precision <= 9; precision++) {
    exponential = single.toExponential(precision - 1);
    if (Math.fround(Number(exponential)) === single) break;
  }
  const negative = exponential.startsWith("-");
  const [mantissa = "", exponentText = "0"] = (negative ? exponential.slice(1) : exponential).split("e");
  const digits = mantissa.replace(".", "");
  const exponent = Number(exponentText);
  const sign = negative ? "-" : "";
  if (exponent < -4 || exponent >= 6) {
    const fraction = digits.length > 1 ? `.${digits.slice(1)}` : "";
    const magnitude = Math.abs(exponent);
    return `${sign}${digits[0]}${fraction}e${exponent < 0 ? "-" : "+"}${magnitude < 10 ? "0" : ""}${magnitude}`;
  }
  const pointAt = exponent + 1; // digits before the decimal point
  if (pointAt <= 0) return `${sign}0.${"0".repeat(-pointAt)}${digits}`;
  if (pointAt >= digits.length) return `${sign}${digits}${"0".repeat(pointAt - digits.length)}`;
  return `${sign}${digits.slice(0, pointAt)}.${digits.slice(pointAt)}`;
}
