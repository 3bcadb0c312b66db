/**
 * The `PodSecurityEnforceFloor` policy kind: a rule on Namespace manifests. A change that removes or
 * lowers a namespace's `pod-security.kubernetes.io/enforce` label (its level, or its pinned
 * `enforce-version`) so that the namespace ends up below the organisation's floor is reported on the
 * label's line. Without this, a pull request could relabel `prod` from `restricted` to `privileged`
 * and every later workload check would faithfully apply `privileged`.
 *
 *   apiVersion: kube-policy-bot.dev/v1
 *   kind: PodSecurityEnforceFloor
 *   spec:
 *     parameters: { level: baseline, version: v1.30 }   # version optional
 *
 * The enforce level is read as Pod Security admission reads it (labels.ts); a removed label falls back
 * to the cluster's default (the AdmissionConfiguration among the policies, else upstream's own
 * default, `privileged`). "Lowered" compares with the Namespace before the change: the pull request's
 * base, or an AdmissionReview's oldObject. A Namespace with no known earlier state (new, or the CLI
 * judging a folder) is reported whenever it is below the floor. Namespaces exempt in the cluster's
 * configuration are left alone: Pod Security admission ignores their labels.
 */
import type { FieldPath, JsonObject, JsonValue } from "../../manifests/types.js";
import { isObject } from "../../manifests/json.js";
import { labelsOf } from "../object-labels.js";
import { namespaceName } from "../namespace-catalog.js";
import { choice, mapping, string } from "../../documents/schema.js";
import { parameterErrors } from "../parameters.js";
import type { CompileEnvironment, EvaluationContext, ParameterError, PolicyKind, Violation } from "../types.js";
import {
  PRIVILEGED_DEFAULTS,
  compareLevels,
  compareVersions,
  formatLevelVersion,
  formatVersion,
  levelLabel,
  namespacePolicy,
  parseLabelVersion,
  versionLabel,
  type LabelVersion,
  type LevelVersion,
} from "./labels.js";
import type { Level } from "./types.js";

interface Floor {
  level: Level;
  version?: LabelVersion;
}

const FLOOR_LEVELS: readonly Level[] = ["baseline", "restricted"];

export const podSecurityEnforceFloor: PolicyKind = {
  kind: "PodSecurityEnforceFloor",
  apiVersions: ["kube-policy-bot.dev/v1"],
  target: "object",
  description: "A Namespace's Pod Security enforce label must not be removed or lowered below a floor",
  rules: [
    {
      id: "PodSecurityEnforceFloor",
      kind: "PodSecurityEnforceFloor",
      title: "Pod Security enforce label: not removed or lowered below the organisation's floor",
      checks:
        "A Namespace's `pod-security.kubernetes.io/enforce` label (and `enforce-version`) decides what Pod Security admission lets into it. Removing the label or lowering its level or pinned version below the floor the organisation configured silently admits pods the floor forbids, for every workload in the namespace.",
      fix: "Keep the `pod-security.kubernetes.io/enforce` label at or above the floor (and its `enforce-version` at or above the floor's version, or `latest`); if a namespace really needs less, ask the platform team for an exception, visible in review.",
      helpUri: "https://kubernetes.io/docs/concepts/security/pod-security-admission/#pod-security-admission-labels-for-namespaces",
      tags: ["security", "kubernetes", "pod-security-admission"],
    },
  ],
  compile(parameters: JsonValue | undefined, environment: CompileEnvironment = {}) {
    const parsed = parseFloor(parameters);
    if ("errors" in parsed) return parsed;
    const floor = parsed.floor;
    const admission = environment.podSecurityAdmission;
    const defaults = admission?.defaults ?? PRIVILEGED_DEFAULTS;
    const enforceOf = (object: JsonObject): LevelVersion => namespacePolicy(labelsOf(metadataOf(object)), defaults).enforce;
    return {
      evaluator: (object: JsonObject, context: EvaluationContext): Violation[] => {
        const name = namespaceName(object);
        if (name === undefined || context.review?.operation === "DELETE") return [];
        if (admission?.exemptNamespaces.has(name)) return [];
        const head = enforceOf(object);
        if (!isBelow(head, floor)) return [];
        const before = context.review?.oldObject ?? context.baseCatalog?.byName.get(name)?.object;
        const base = before ? enforceOf(before) : undefined;
        if (base && !isLowered(head, base) && isBelow(base, floor)) return [];
        return [
          violationFor(
            object,
            head,
            base,
            floor,
            admission ? `the default of AdmissionConfiguration ${admission.source}` : "Pod Security admission's default",
          ),
        ];
      },
    };
  },
};

function isBelow(value: LevelVersion, floor: Floor): boolean {
  if (compareLevels(value.level, floor.level) < 0) return true;
  return floor.version !== undefined && compareVersions(value.version, floor.version) < 0;
}

function isLowered(head: LevelVersion, base: LevelVersion): boolean {
  return compareLevels(head.level, base.level) < 0 || (head.level !== "privileged" && compareVersions(head.version, base.version) < 0);
}

function violationFor(
  object: JsonObject,
  head: LevelVersion,
  base: LevelVersion | undefined,
  floor: Floor,
  defaultName: string,
): Violation {
  const labels = labelsOf(metadataOf(object));
  const levelKey = levelLabel("enforce");
  const versionKey = versionLabel("enforce");
  const versionTooLow = compareLevels(head.level, floor.level) >= 0;
  let path: FieldPath;
  let what: string;
  if (versionTooLow && labels[versionKey] !== undefined) {
    path = ["metadata", "labels", versionKey];
    what = `${versionKey}: ${labels[versionKey]}`;
  } else if (labels[levelKey] !== undefined) {
    path = ["metadata", "labels", levelKey];
    what = `${levelKey}: ${labels[levelKey]}`;
  } else {
    path = metadataOf(object)?.["labels"] !== undefined ? ["metadata", "labels"] : ["metadata"];
    what = `no ${levelKey} label (${defaultName} applies)`;
  }
  const floorText = floor.version ? `${floor.level}:${formatVersion(floor.version)}` : floor.level;
  const was = base ? `, was enforce=${formatLevelVersion(base)} before this change` : "";
  return {
    message:
      `${what}: the namespace would enforce ${formatLevelVersion(head)}, below the organisation's floor ${floorText}${was}. ` +
      `Keep ${levelKey} at ${floor.level} or stricter${floor.version ? ` and ${versionKey} at ${formatVersion(floor.version)} or newer (or latest)` : ""}.`,
    path,
  };
}

const FLOOR_SCHEMA = mapping(
  {
    level: choice(FLOOR_LEVELS, { describe: '"baseline" or "restricted" (a privileged floor allows everything)' }),
    version: string({
      describe: '"latest" or "v1.x"',
      check: (value: string, name) =>
        parseLabelVersion(value) ? [] : [{ message: `${name} must be "latest" or "v1.x", got ${JSON.stringify(value)}` }],
    }),
  },
  { required: ["level"], describe: `a mapping with level (${FLOOR_LEVELS.join(" or ")}) and an optional version` },
);

function parseFloor(parameters: JsonValue | undefined): { floor: Floor } | { errors: ParameterError[] } {
  const errors = parameterErrors(FLOOR_SCHEMA, parameters);
  if (errors.length > 0) return { errors };
  const given = parameters as JsonObject;
  const floor: Floor = { level: given["level"] as Level };
  const version = typeof given["version"] === "string" ? parseLabelVersion(given["version"]) : undefined;
  if (version) floor.version = version;
  return { floor };
}

function metadataOf(object: JsonObject): JsonObject | undefined {
  const metadata = object["metadata"];
  return isObject(metadata) ? metadata : undefined;
}
