/**
 * `spec.parameters` of a PodSecurity policy: `{level: privileged|baseline|restricted, version?: latest|v1.N,
 * namespaceLabels?: enforce|warn|audit or a list of them}`. With `namespaceLabels`, level and version are
 * the default for namespaces without the label (see namespace-mode.ts).
 * Every mistake is reported with its path: a policy that is silently weaker than written is worse
 * than one that does not load.
 */
import { choice, either, list, mapping, string, type Schema } from "../../documents/schema.js";
import type { JsonObject, JsonValue } from "../../manifests/types.js";
import { parameterErrors } from "../parameters.js";
import type { ParameterError } from "../types.js";
import { LATEST, LEVELS, MODES, type LabelVersion, type Mode } from "./labels.js";
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

function schema(newestMinor: number): Schema {
  const mode = choice(MODES, { describe: `a Pod Security admission mode (${MODES.join(", ")})` });
  return mapping(
    {
      level: choice(LEVELS),
      version: string({
        describe: `a string, "latest" or "v1.0" through "v1.${newestMinor}"`,
        check: (value: string) => {
          const parsed = parseVersion(value, newestMinor);
          return "error" in parsed ? [{ message: parsed.error, ...(parsed.suggestion ? { suggestion: parsed.suggestion } : {}) }] : [];
        },
      }),
      namespaceLabels: either([mode, list(mode, { minItems: 1, unique: true })], {
        describe: `one of ${MODES.join(", ")} or a non-empty list of them`,
      }),
    },
    { required: ["level"], describe: `a mapping with level (${LEVELS.join(", ")}) and an optional version and namespaceLabels` },
  );
}

export function parseParameters(
  parameters: JsonValue | undefined,
  newestMinor: number,
): { parameters: PodSecurityParameters } | { errors: ParameterError[] } {
  const errors = parameterErrors(schema(newestMinor), parameters);
  if (errors.length > 0) return { errors };
  // The schema held: level is a level, version parses, namespaceLabels are distinct modes.
  const given = parameters as JsonObject;
  const version = given["version"];
  const parsed = typeof version === "string" ? parseVersion(version, newestMinor) : { minor: newestMinor };
  const minor = "minor" in parsed ? parsed.minor : newestMinor;
  const result: PodSecurityParameters = {
    level: given["level"] as Level,
    minor,
    version: version === undefined || version === null || version === "latest" ? LATEST : { latest: false, minor },
  };
  const labels = given["namespaceLabels"];
  if (typeof labels === "string") result.namespaceLabels = [labels as Mode];
  else if (Array.isArray(labels)) result.namespaceLabels = labels as Mode[];
  return { parameters: result };
}
