/**
 * When an exception stops applying: `--expires 14d` (from when it is granted), `--expires 2026-12-31`
 * (an instant), the org's default when absent, never later than the org's maximum.
 */

const UNIT_MS = { h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;
const DAY_MS = UNIT_MS.d;

export type ExpirySpec =
  | { kind: "duration"; ms: number; text: string }
  /** `date` is 00:00 UTC of the day named: the exception is over when that day begins. */
  | { kind: "date"; date: Date; text: string };

export const DURATION_SYNTAX = "a duration like 14d, 36h or 2w, or a date like 2026-12-31";

/** `14d`, `36h`, `2w` (the same syntax as the org config's durations), or `YYYY-MM-DD`. */
export function parseExpiry(text: string): ExpirySpec | { error: string } {
  const duration = /^(\d{1,4})([hdw])$/.exec(text);
  if (duration) {
    const amount = Number(duration[1]);
    if (amount === 0) return { error: `\`--expires ${text}\` is zero: give ${DURATION_SYNTAX}` };
    return { kind: "duration", ms: amount * UNIT_MS[duration[2] as keyof typeof UNIT_MS], text };
  }
  if (/^\d{4}-\d{2}-\d{2}$/.test(text)) {
    const date = parseDate(text);
    if (!date) return { error: `\`--expires ${text}\` is not a calendar date (YYYY-MM-DD)` };
    return { kind: "date", date, text };
  }
  return { error: `\`--expires ${text.replace(/`/g, "'").slice(0, 80)}\` is not ${DURATION_SYNTAX}` };
}

/** A date (`2026-12-31`, meaning 00:00 UTC that day) or an RFC 3339 timestamp with a zone. */
export function parseInstant(text: string): Date | undefined {
  if (/^\d{4}-\d{2}-\d{2}$/.test(text)) return parseDate(text);
  const match = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/.exec(text);
  if (!match || !parseDate(`${match[1]}-${match[2]}-${match[3]}`)) return undefined;
  if (Number(match[4]) > 23 || Number(match[5]) > 59 || Number(match[6]) > 59) return undefined;
  const time = Date.parse(text.replace(" ", "T"));
  return Number.isNaN(time) ? undefined : new Date(time);
}

function parseDate(text: string): Date | undefined {
  const [year, month, day] = text.split("-").map(Number) as [number, number, number];
  if (month < 1 || month > 12 || day < 1) return undefined;
  const date = new Date(Date.UTC(year, month - 1, day));
  // Date.UTC rolls 2026-02-30 over into March: a date that does not exist is an error, not a guess.
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return undefined;
  return date;
}

export interface ExpiryLimits {
  maxDurationMs: number;
  defaultDurationMs: number;
}

export type ResolvedExpiry = { expires: Date; capped: boolean; note?: string } | { error: string };

/**
 * The instant a granted exception expires. Durations count from the grant, so a request approved a
 * week later still gets the time it asked for; nothing lasts longer than the org's maximum.
 */
export function resolveExpiry(spec: ExpirySpec | undefined, grantedAt: Date, limits: ExpiryLimits): ResolvedExpiry {
  const start = grantedAt.getTime();
  const latest = start + limits.maxDurationMs;
  let wanted: number;
  if (!spec) wanted = start + limits.defaultDurationMs;
  else if (spec.kind === "duration") wanted = start + spec.ms;
  else {
    wanted = spec.date.getTime();
    if (wanted <= start) {
      return {
        error: `--expires ${spec.text} is not after ${grantedAt.toISOString()}, when the exception was granted: an exception must end in the future`,
      };
    }
  }
  if (wanted > latest) {
    return {
      expires: new Date(latest),
      capped: true,
      note: `--expires ${spec?.text ?? "(default)"} is longer than the organisation's maximum of ${formatDuration(limits.maxDurationMs)}, so it expires at ${new Date(latest).toISOString()}`,
    };
  }
  return { expires: new Date(wanted), capped: false };
}

/** `30 days`, `36 hours`, `2 weeks` — how config durations read back to people. */
export function formatDuration(ms: number): string {
  if (ms % DAY_MS === 0) return plural(ms / DAY_MS, "day");
  if (ms % UNIT_MS.h === 0) return plural(ms / UNIT_MS.h, "hour");
  return plural(Math.round(ms / 60_000), "minute");
}

function plural(count: number, unit: string): string {
  return `${count} ${unit}${count === 1 ? "" : "s"}`;
}
