/**
 * `spec.parameters` of a PodSecurity policy: `{level: privileged|baseline|restricted, version?: latest|v1.N,
 * namespaceLabels?: enforce|warn|audit or a list of them}`. With `namespaceLabels`, level and version are
 * the default for namespaces without the label (see namespace-mode.ts).
 * Every mistake is reported with its path: a policy that is silently weaker than written is worse
 * than one that does not load.
 */
import type { JsonValue } from "../../manifests/types.js";
import { didYouMean } from "../suggest.js";
import type { ParameterError } from "../types.js";
import { LATEST, MODES, type LabelVersion, type Mode } from "./labels.js";
import type { Level } from "./types.js";
import { parseVersion } from "./version.js";

export interface PodSecurityParameters {
  level: Level;
  /** The policy version's minor (`latest` already resolved). */
  minor: number;
  /** The version as written: `latest` stays latest, so summaries say what the policy says. */
  version: LabelVersion;
  /** The Pod Security admission modes whose namespace labels decide; absent: the fixed level applies everywhere. */
  namespaceLabels?: Mode[];
}

const LEVELS: readonly Level[] = ["privileged", "baseline", "restricted"];
const KEYS = ["level", "version", "namespaceLabels"];

export function parseParameters(
  parameters: JsonValue | undefined,
  newestMinor: number,
): { parameters: PodSecurityParameters } | { errors: ParameterError[] } {
  const levelList = LEVELS.map((level) => JSON.stringify(level)).join(", ");
  if (parameters === undefined || parameters === null) {
    return { errors: [{ path: ["level"], message: `parameters.level is required: one of ${levelList}` }] };
  }
  if (typeof parameters !== "object" || Array.isArray(parameters)) {
    return { errors: [{ path: [], message: `parameters must be a mapping with level (${levelList}) and an optional version` }] };
  }

  const errors: ParameterError[] = [];
  for (const key of Object.keys(parameters)) {
    if (!KEYS.includes(key)) {
      errors.push({ path: [key], message: `unknown parameter "${key}"${didYouMean(key, KEYS)}; PodSecurity accepts ${KEYS.join(", ")}` });
    }
  }

  const level = parameters["level"];
  let parsedLevel: Level | undefined;
  if (level === undefined || level === null) {
    errors.push({ path: ["level"], message: `parameters.level is required: one of ${levelList}` });
  } else if (typeof level !== "string" || !(LEVELS as readonly string[]).includes(level)) {
    const suggestion = typeof level === "string" ? didYouMean(level, LEVELS) : "";
    errors.push({ path: ["level"], message: `level must be one of ${levelList}, got ${JSON.stringify(level)}${suggestion}` });
  } else {
    parsedLevel = level as Level;
  }

  const version = parameters["version"];
  let minor: number | undefined = newestMinor;
  if (version !== undefined) {
    if (typeof version !== "string") {
      errors.push({
        path: ["version"],
        message: `version must be a string, "latest" or "v1.0" through "v1.${newestMinor}", got ${JSON.stringify(version)}`,
      });
      minor = undefined;
    } else {
      const parsed = parseVersion(version, newestMinor);
      if ("error" in parsed) {
        errors.push({ path: ["version"], message: parsed.error });
        minor = undefined;
      } else {
        minor = parsed.minor;
      }
    }
  }

  const namespaceLabels = readModes(parameters["namespaceLabels"], errors);

  if (errors.length > 0 || parsedLevel === undefined || minor === undefined) return { errors };
  const result: PodSecurityParameters = { level: parsedLevel, minor, version: version === undefined || version === "latest" ? LATEST : { latest: false, minor } };
  if (namespaceLabels) result.namespaceLabels = namespaceLabels;
  return { parameters: result };
}

/** `namespaceLabels: enforce` or `[enforce, warn, audit]`: distinct Pod Security admission modes. */
function readModes(value: JsonValue | undefined, errors: ParameterError[]): Mode[] | undefined {
  if (value === undefined) return undefined;
  const modeList = MODES.map((mode) => JSON.stringify(mode)).join(", ");
  const items = typeof value === "string" ? [value] : Array.isArray(value) ? value : undefined;
  if (!items || items.length === 0) {
    errors.push({ path: ["namespaceLabels"], message: `namespaceLabels must be one of ${modeList} or a non-empty list of them, got ${JSON.stringify(value)}` });
    return undefined;
  }
  const modes: Mode[] = [];
  items.forEach((item, index) => {
    const path = typeof value === "string" ? ["namespaceLabels"] : ["namespaceLabels", index];
    if (typeof item !== "string" || !(MODES as readonly string[]).includes(item)) {
      const suggestion = typeof item === "string" ? didYouMean(item, MODES) : "";
      errors.push({ path, message: `namespaceLabels: ${JSON.stringify(item)} is not a Pod Security admission mode; use ${modeList}${suggestion}` });
    } else if (modes.includes(item as Mode)) {
      errors.push({ path, message: `namespaceLabels: "${item}" is listed twice` });
    } else modes.push(item as Mode);
  });
  return modes;
}
