/**
 * Go's `time.ParseDuration` (`300ms`, `-1.5h`, `2h45m`, `0`), which Kyverno uses for duration patterns
 * and the Duration* condition operators. Returns nanoseconds as a number (exact well beyond any real
 * policy value), or undefined when the text is not a Go duration.
 */

const UNIT_NANOSECONDS: Readonly<Record<string, number>> = {
  ns: 1,
  us: 1e3,
  µs: 1e3,
  μs: 1e3,
  ms: 1e6,
  s: 1e9,
  m: 60e9,
  h: 3600e9,
};
const COMPONENT = /^(\d+\.?\d*|\.\d+)(ns|us|µs|μs|ms|s|m|h)/;

export function parseGoDuration(text: string): number | undefined {
  let rest = text;
  let sign = 1;
  if (rest.startsWith("-") || rest.startsWith("+")) {
    sign = rest.startsWith("-") ? -1 : 1;
    rest = rest.slice(1);
  }
  if (rest === "0") return 0;
  if (rest === "") return undefined;
  let total = 0;
  while (rest !== "") {
    const match = COMPONENT.exec(rest);
    if (!match) return undefined;
    total += Number(match[1]) * (UNIT_NANOSECONDS[match[2] as string] as number);
    rest = rest.slice(match[0].length);
  }
  return sign * total;
}
