/**
 * Namespace-driven Pod Security: the level and version come from the target namespace's
 * `pod-security.kubernetes.io/<mode>[-version]` labels, as Pod Security admission takes them, for the
 * modes a policy reads (`parameters.namespaceLabels`). Unlabelled namespaces, and workloads whose
 * Namespace is not known to the check, take the defaults: the cluster's AdmissionConfiguration when
 * one is among the policies, else the policy's own level and version. Exempt namespaces and runtime
 * classes (from that configuration) are allowed, as upstream allows them.
 *
 * Actions: the strictest mode a policy reads reports at the policy's enforcementAction (so the shipped
 * enforce policy denies and the shipped warn policy warns, and overrides keep working); a weaker mode
 * in the same policy reports as Pod Security admission does: warn as a warning, audit as a dry-run
 * notice, never stricter than the policy's action (the engine caps it).
 */
import type { JsonObject } from "../../manifests/types.js";
import type { EnforcementAction, EvaluationContext, NamespaceJudgement, Violation } from "../types.js";
import { isObject } from "../../manifests/json.js";
import { labelsOf } from "../object-labels.js";
import type { PodSecurityAdmission } from "./admission-configuration.js";
import { evaluatePod } from "./evaluate.js";
import {
  PRIVILEGED_DEFAULTS,
  effectiveMinor,
  formatLevelVersion,
  levelLabel,
  namespacePolicy,
  versionLabel,
  type LabelVersion,
  type LevelVersion,
  type Mode,
  type ModePolicy,
  type PolicyDefaults,
} from "./labels.js";
import { evaluatesRequest } from "./request.js";
import { selectChecks, type SelectedCheck } from "./select.js";
import type { Level } from "./types.js";

/** Pod Security admission's modes, strictest first, and how each reports when it is not the policy's strictest. */
const MODE_ACTIONS: Readonly<Record<Mode, EnforcementAction>> = { enforce: "deny", warn: "warn", audit: "dryrun" };
const MODE_ORDER: readonly Mode[] = ["enforce", "warn", "audit"];

export interface NamespaceModeOptions {
  modes: readonly Mode[];
  /** The policy's own level and version: the default of each mode it reads. */
  level: Level;
  version: LabelVersion;
  newestMinor: number;
  admission: PodSecurityAdmission | undefined;
}

/** Where a workload lands and what Pod Security admission would make of that namespace. */
interface Resolution {
  namespace: string | undefined;
  exempt: boolean;
  /** Whether the Namespace object is known to the check. */
  found: boolean;
  /** `file:line` of the Namespace object, when it was read from a file. */
  where: string | undefined;
  labels: Readonly<Record<string, string>>;
  policy: Record<Mode, ModePolicy>;
  /** The finding text per mode, built once per namespace. */
  bases: Partial<Record<Mode, string>>;
}

export function compileNamespaceMode(options: NamespaceModeOptions) {
  const modes = MODE_ORDER.filter((mode) => options.modes.includes(mode));
  const strictest = modes[0];
  const defaults = defaultsFor(options);
  const defaultsSource = options.admission ? `AdmissionConfiguration ${options.admission.source}` : "policy parameters";
  const checksCache = new Map<string, SelectedCheck[]>();
  const checksFor = (value: LevelVersion): SelectedCheck[] => {
    const minor = effectiveMinor(value.version, options.newestMinor);
    const key = `${value.level}:${minor}`;
    let checks = checksCache.get(key);
    if (!checks) checksCache.set(key, (checks = selectChecks(value.level, minor)));
    return checks;
  };

  // One resolution per namespace and evaluation: every workload of a namespace shares it. Keyed on the
  // context's Namespace objects, which one evaluation builds once.
  const resolutions = new WeakMap<object, Map<string | undefined, Resolution>>();
  const resolve = (namespace: string | undefined, context: EvaluationContext): Resolution => {
    const owner = context.catalog ?? context.namespaces;
    let cache = resolutions.get(owner);
    if (!cache) resolutions.set(owner, (cache = new Map()));
    let resolution = cache.get(namespace);
    if (!resolution) cache.set(namespace, (resolution = resolveUncached(namespace, context)));
    return resolution;
  };
  const resolveUncached = (namespace: string | undefined, context: EvaluationContext): Resolution => {
    const exempt = namespace !== undefined && (options.admission?.exemptNamespaces.has(namespace) ?? false);
    const record = namespace === undefined ? undefined : context.catalog?.byName.get(namespace);
    const object = record?.object ?? (namespace === undefined ? undefined : context.namespaces.get(namespace));
    const labels = object ? labelsOf(metadataOf(object)) : {};
    const where = record ? `${record.manifest.file}:${record.manifest.locate(["metadata"]).line}` : undefined;
    return { namespace, exempt, found: object !== undefined, where, labels, policy: namespacePolicy(labels, defaults), bases: {} };
  };

  const basisOf = (resolution: Resolution, mode: Mode): string => {
    const value = resolution.policy[mode];
    const text = `${mode}=${formatLevelVersion(value)}`;
    const notes: string[] = [];
    if (value.invalid.length > 0) notes.push(`${value.invalid.join(", ")} is invalid; Pod Security admission falls back to this`);
    if (!value.version.latest && value.version.minor > options.newestMinor)
      notes.push(`judged as v1.${options.newestMinor}, the newest version known here`);
    const suffix = notes.length > 0 ? ` (${notes.join("; ")})` : "";
    if (resolution.namespace === undefined) return `no namespace declared: default ${text} (${defaultsSource})${suffix}`;
    if (!resolution.found) return `namespace ${resolution.namespace} not found: default ${text} (${defaultsSource})${suffix}`;
    if (value.levelFrom === "default" && value.versionFrom === "default") {
      return `namespace ${resolution.namespace}: no ${mode} label, default ${text} (${defaultsSource})${suffix}`;
    }
    if (value.levelFrom === "enforce-label") return `namespace ${resolution.namespace}: ${text} (follows the enforce label)${suffix}`;
    return `namespace ${resolution.namespace}: ${text}${suffix}`;
  };

  const evaluator = (pod: JsonObject, context: EvaluationContext): Violation[] => {
    if (!evaluatesRequest(pod, context.review)) return [];
    const resolution = resolve(targetNamespace(pod, context), context);
    if (resolution.exempt || isExemptRuntimeClass(pod, options.admission)) return [];
    const violations: Violation[] = [];
    for (const mode of modes) {
      const basis = (resolution.bases[mode] ??= basisOf(resolution, mode));
      for (const violation of evaluatePod(pod, checksFor(resolution.policy[mode]))) {
        violation.basis = basis;
        if (mode !== strictest) violation.action = MODE_ACTIONS[mode];
        violations.push(violation);
      }
    }
    return violations;
  };

  const describeNamespace = (namespace: string | undefined, context: EvaluationContext): NamespaceJudgement[] => {
    const resolution = resolve(namespace, context);
    return modes.map((mode) => {
      if (resolution.exempt)
        return { mode, level: "exempt", source: `exemptions.namespaces of AdmissionConfiguration ${options.admission?.source ?? ""}` };
      const value = resolution.policy[mode];
      return { mode, level: formatLevelVersion(value), source: sourceOf(resolution, mode, value, defaultsSource) };
    });
  };

  return { evaluator, describeNamespace };
}

function sourceOf(resolution: Resolution, mode: Mode, value: ModePolicy, defaultsSource: string): string {
  const where = resolution.where ? ` (${resolution.where})` : "";
  if (resolution.namespace === undefined) return `default (${defaultsSource}): no namespace declared`;
  if (!resolution.found) return `default (${defaultsSource}): Namespace ${resolution.namespace} not found`;
  const labels: string[] = [];
  if (value.levelFrom === "label") labels.push(levelLabel(mode));
  if (value.versionFrom === "label") labels.push(versionLabel(mode));
  if (value.levelFrom === "enforce-label") labels.push(`${levelLabel("enforce")} (no warn label)`);
  const invalid = value.invalid.length > 0 ? `; invalid ${value.invalid.join(", ")}, Pod Security admission's fallback` : "";
  if (labels.length === 0) return `default (${defaultsSource}): Namespace ${resolution.namespace}${where} has no ${mode} label`;
  return `label ${labels.join(", ")} of Namespace ${resolution.namespace}${where}${invalid}`;
}

/** The cluster's defaults, else the policy's own level for the modes it reads (privileged for the rest). */
function defaultsFor(options: NamespaceModeOptions): PolicyDefaults {
  if (options.admission) return options.admission.defaults;
  const own: LevelVersion = { level: options.level, version: options.version };
  const defaults: PolicyDefaults = { ...PRIVILEGED_DEFAULTS };
  for (const mode of options.modes) defaults[mode] = own;
  return defaults;
}

/** An AdmissionReview's request namespace, else the namespace the Pod is created in. */
function targetNamespace(pod: JsonObject, context: EvaluationContext): string | undefined {
  const fromRequest = context.review?.namespace;
  if (fromRequest) return fromRequest;
  const namespace = metadataOf(pod)?.["namespace"];
  return typeof namespace === "string" && namespace !== "" ? namespace : undefined;
}

function isExemptRuntimeClass(pod: JsonObject, admission: PodSecurityAdmission | undefined): boolean {
  if (!admission || admission.exemptRuntimeClasses.size === 0) return false;
  const spec = pod["spec"];
  const runtimeClass = spec && typeof spec === "object" && !Array.isArray(spec) ? spec["runtimeClassName"] : undefined;
  return typeof runtimeClass === "string" && runtimeClass !== "" && admission.exemptRuntimeClasses.has(runtimeClass);
}

function metadataOf(object: JsonObject): JsonObject | undefined {
  const metadata = object["metadata"];
  return isObject(metadata) ? metadata : undefined;
}
