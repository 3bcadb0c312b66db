/**
 * `validate.podSecurity` ({level, version, exclude}) runs on our Pod Security Standards engine
 * (src/policy/podsecurity, a port of k8s.io/pod-security-admission), the same library Kyverno embeds.
 * `exclude` entries name a control as Kyverno does ("Capabilities", "Host Namespaces", ...); with
 * `images`, they excuse that control for containers whose image matches; without, the control's
 * pod-level fields. `restrictedField` + `values` narrow an exclusion to those values of the field.
 */
import type { FieldPath, JsonObject, JsonValue } from "../../manifests/types.js";
import { podViewOf } from "../../manifests/workloads.js";
import { evaluatePod } from "../podsecurity/evaluate.js";
import { newestPolicyMinor, selectChecks } from "../podsecurity/select.js";
import type { Level } from "../podsecurity/types.js";
import { parseVersion } from "../podsecurity/version.js";
import type { Violation } from "../types.js";
import { wildcardMatch } from "./wildcard.js";
import { isObject } from "../../manifests/json.js";
import { stringsOf } from "./lists.js";

const NEWEST_MINOR = newestPolicyMinor();

/** Kyverno's control names (pod-security-admission's check titles) to our check ids. */
export const CONTROL_CHECKS: Readonly<Record<string, readonly string[]>> = {
  HostProcess: ["windowsHostProcess"],
  "Host Namespaces": ["hostNamespaces"],
  "Privileged Containers": ["privileged"],
  Capabilities: ["capabilities_baseline", "capabilities_restricted"],
  "HostPath Volumes": ["hostPathVolumes"],
  "Host Ports": ["hostPorts"],
  "Host Probes / Lifecycle Hooks": ["hostProbesAndHostLifecycle"],
  AppArmor: ["appArmorProfile"],
  SELinux: ["seLinuxOptions"],
  "/proc Mount Type": ["procMount", "procMount_restricted"],
  Seccomp: ["seccompProfile_baseline", "seccompProfile_restricted"],
  Sysctls: ["sysctls"],
  "Volume Types": ["restrictedVolumes"],
  "Privilege Escalation": ["allowPrivilegeEscalation"],
  "Running as Non-root": ["runAsNonRoot"],
  "Running as Non-root user": ["runAsUser"],
};

export interface PodSecuritySpec {
  level: Level;
  minor: number;
  version: string;
  exclude: { checks: readonly string[]; images: string[]; field?: string; values: string[] }[];
}

/** Reads `validate.podSecurity`; errors are messages with a path relative to it. */
export function readPodSecurity(value: JsonValue): { spec: PodSecuritySpec } | { errors: { path: FieldPath; message: string }[] } {
  const errors: { path: FieldPath; message: string }[] = [];
  if (!isObject(value)) return { errors: [{ path: [], message: "podSecurity must be a mapping with level, version and exclude" }] };
  const level = value["level"];
  if (level !== "privileged" && level !== "baseline" && level !== "restricted") {
    errors.push({
      path: ["level"],
      message: `podSecurity.level must be privileged, baseline or restricted, not ${JSON.stringify(level ?? null)}`,
    });
  }
  const version = typeof value["version"] === "string" ? value["version"] : "latest";
  const parsed = parseVersion(version, NEWEST_MINOR);
  if ("error" in parsed) errors.push({ path: ["version"], message: parsed.error });
  const exclude: PodSecuritySpec["exclude"] = [];
  const entries = value["exclude"];
  if (entries !== undefined && entries !== null && !Array.isArray(entries))
    errors.push({ path: ["exclude"], message: "podSecurity.exclude must be a list" });
  (Array.isArray(entries) ? entries : []).forEach((entry, index) => {
    if (!isObject(entry) || typeof entry["controlName"] !== "string") {
      errors.push({ path: ["exclude", index], message: "each podSecurity.exclude entry needs a controlName" });
      return;
    }
    const checks = CONTROL_CHECKS[entry["controlName"]];
    if (!checks) {
      errors.push({
        path: ["exclude", index, "controlName"],
        message: `unknown podSecurity control "${entry["controlName"]}"; known: ${Object.keys(CONTROL_CHECKS).join(", ")}`,
      });
      return;
    }
    const field = typeof entry["restrictedField"] === "string" ? entry["restrictedField"] : undefined;
    const item: PodSecuritySpec["exclude"][number] = { checks, images: stringsOf(entry["images"]), values: stringsOf(entry["values"]) };
    if (field !== undefined) item.field = field;
    exclude.push(item);
  });
  if (errors.length > 0 || "error" in parsed) return { errors };
  return { spec: { level: level as Level, minor: parsed.minor, version, exclude } };
}

/** Violations of the Pod (or a workload's pod template) not excused by `exclude`; paths are in the object. */
export function evaluatePodSecurity(object: JsonObject, spec: PodSecuritySpec): Violation[] {
  const view = podViewOf({ file: "", object, locate: () => ({ line: 1, column: 1, endLine: 1, endColumn: 1 }) });
  if (!view) return [];
  const violations = evaluatePod(view.pod, selectChecks(spec.level, spec.minor));
  return violations
    .filter((violation) => !excused(violation, view.pod, spec))
    .map((violation) => ({ ...violation, path: view.toSourcePath(violation.path) }));
}

function excused(violation: Violation, pod: JsonObject, spec: PodSecuritySpec): boolean {
  return spec.exclude.some((exclusion) => {
    if (!exclusion.checks.includes(violation.rule ?? "")) return false;
    if (exclusion.images.length > 0) {
      if (violation.container === undefined) return false;
      const image = imageOf(pod, violation.container);
      if (image === undefined || !exclusion.images.some((pattern) => wildcardMatch(pattern, image))) return false;
    } else if (violation.container !== undefined) {
      return false;
    }
    if (exclusion.values.length === 0) return true;
    const value = valueAt(pod, violation.path);
    const actual = Array.isArray(value) ? value.map(String) : [String(value)];
    return actual.every((item) => exclusion.values.includes(item));
  });
}

function imageOf(pod: JsonObject, container: string): string | undefined {
  const spec = pod["spec"];
  if (!isObject(spec)) return undefined;
  for (const list of ["containers", "initContainers", "ephemeralContainers"]) {
    const containers = spec[list];
    if (!Array.isArray(containers)) continue;
    for (const item of containers) {
      if (isObject(item) && item["name"] === container && typeof item["image"] === "string") return item["image"];
    }
  }
  return undefined;
}

function valueAt(value: JsonValue, path: FieldPath): JsonValue | undefined {
  let current: JsonValue | undefined = value;
  for (const segment of path) {
    if (Array.isArray(current) && typeof segment === "number") current = current[segment];
    else if (isObject(current)) current = current[String(segment)];
    else return undefined;
  }
  return current;
}
