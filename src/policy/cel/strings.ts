/**
 * The parts of cel-go's strings extension (version 2, as the API server enables it) that cel-js does
 * not ship: `charAt`, `replace`, `format`, `strings.quote` and `reverse`. Indexes count code points.
 */
import type { Environment } from "@marcbachmann/cel-js";
import { celError } from "./errors.js";
import { describeCel } from "./values.js";

function charAt(text: string, index: bigint): string {
  const chars = [...text];
  if (index < 0n || index > BigInt(chars.length)) celError(`charAt(${index}): index out of range`);
  return chars[Number(index)] ?? "";
}

function replace(text: string, from: string, to: string, limit: bigint): string {
  if (limit === 0n) return text;
  if (from === "") {
    const chars = [...text];
    const slots = limit < 0n ? chars.length + 1 : Math.min(chars.length + 1, Number(limit));
    let out = "";
    for (let i = 0; i < chars.length; i++) out += (i < slots ? to : "") + chars[i];
    return out + (slots > chars.length ? to : "");
  }
  let out = "";
  let rest = text;
  let count = 0n;
  while (limit < 0n || count < limit) {
    const at = rest.indexOf(from);
    if (at < 0) break;
    out += rest.slice(0, at) + to;
    rest = rest.slice(at + from.length);
    count++;
  }
  return out + rest;
}

/** `"%s has %d items".format([a, n])`: the verbs cel-go's `format` knows. */
function format(template: string, args: unknown[]): string {
  let next = 0;
  return template.replace(/%(?:\.(\d+))?([sdfexXobc%])/g, (_match, precision: string | undefined, verb: string) => {
    if (verb === "%") return "%";
    if (next >= args.length) celError(`format: too few arguments for ${JSON.stringify(template)}`);
    const arg = args[next++];
    switch (verb) {
      case "s":
        return typeof arg === "string" ? arg : describeCel(arg);
      case "d":
        if (typeof arg !== "bigint") celError(`format: %d needs an integer, got ${describeCel(arg)}`);
        return String(arg);
      case "f":
        return Number(arg).toFixed(precision === undefined ? 6 : Number(precision));
      case "e":
        return Number(arg)
          .toExponential(precision === undefined ? 6 : Number(precision))
          .replace(/e([+-])(\d)$/, "e$10$2");
      case "x":
      case "X": {
        const hex = typeof arg === "string" ? Buffer.from(arg).toString("hex") : BigInt(arg as bigint).toString(16);
        return verb === "X" ? hex.toUpperCase() : hex;
      }
      case "o":
        return BigInt(arg as bigint).toString(8);
      case "b":
        return typeof arg === "boolean" ? String(arg) : BigInt(arg as bigint).toString(2);
      default:
        return celError(`format: unsupported verb %${verb}`);
    }
  });
}

class StringsNamespace {}

export function registerStrings(env: Environment): void {
  env.registerFunction("string.charAt(int): string", charAt);
  env.registerFunction("string.replace(string, string): string", (text: string, from: string, to: string) => replace(text, from, to, -1n));
  env.registerFunction("string.replace(string, string, int): string", replace);
  env.registerFunction("string.format(list): string", format);
  env.registerFunction("string.reverse(): string", (text: string) => [...text].reverse().join(""));
  env.registerType("StringsNamespace", StringsNamespace);
  env.registerConstant("strings", "StringsNamespace", new StringsNamespace());
  env.registerFunction("StringsNamespace.quote(string): string", (_: StringsNamespace, text: string) => JSON.stringify(text));
}
