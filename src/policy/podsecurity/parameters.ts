/**
 * `spec.parameters` of a PodSecurity policy: `{level: privileged|baseline|restricted, version?: latest|v1.N}`.
 * Every mistake is reported with its path: a policy that is silently weaker than written is worse
 * than one that does not load.
 */
import type { JsonValue } from "../../manifests/types.js";
import { didYouMean } from "../suggest.js";
import type { ParameterError } from "../types.js";
import type { Level } from "./types.js";
import { parseVersion } from "./version.js";

export interface PodSecurityParameters {
  level: Level;
  /** The policy version's minor (`latest` already resolved). */
  minor: number;
}

const LEVELS: readonly Level[] = ["privileged", "baseline", "restricted"];
const KEYS = ["level", "version"];

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
      errors.push({ path: [key], message: `unknown parameter "${key}"${didYouMean(key, KEYS)}; PodSecurity accepts level and version` });
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

  if (errors.length > 0 || parsedLevel === undefined || minor === undefined) return { errors };
  return { parameters: { level: parsedLevel, minor } };
}
