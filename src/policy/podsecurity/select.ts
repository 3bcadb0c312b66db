/**
 * Which checks run for a level and version, following upstream's registry (`policy/registry.go`):
 * each check runs the newest implementation whose minimum version is at or below the policy
 * version (none if the check is newer than the policy); `baseline` runs the baseline checks;
 * `restricted` runs the restricted checks plus every baseline check that none of them overrides;
 * `privileged` runs nothing.
 */
import type { RuleFix } from "../../fix/types.js";
import { POD_SECURITY_CHECKS } from "./checks/index.js";
import type { CheckPodFn, Level, PodSecurityCheck, VersionedCheck } from "./types.js";
import { minorOf } from "./version.js";

export interface SelectedCheck {
  id: string;
  reason: string;
  checkPod: CheckPodFn;
  fix?: RuleFix;
}

/** The newest minimum version of any check: what `latest` means (upstream `maxVersion`). */
export function newestPolicyMinor(checks: readonly PodSecurityCheck[] = POD_SECURITY_CHECKS): number {
  return Math.max(...checks.flatMap((check) => check.versions.map((version) => minorOf(version.minimumVersion))));
}

export function selectChecks(level: Level, minor: number, checks: readonly PodSecurityCheck[] = POD_SECURITY_CHECKS): SelectedCheck[] {
  if (level === "privileged") return [];
  const applicable = checks.flatMap((check) => {
    const version = implementationAt(check, minor);
    return version ? [{ check, version }] : [];
  });
  const restricted = level === "restricted" ? applicable.filter(({ check }) => check.level === "restricted") : [];
  const overridden = new Set(restricted.flatMap(({ version }) => version.overrides ?? []));
  const baseline = applicable.filter(({ check }) => check.level === "baseline" && !overridden.has(check.id));
  return [...baseline, ...restricted].map(({ check, version }) => ({
    id: check.id,
    reason: check.reason,
    checkPod: version.checkPod,
    ...(check.mechanicalFix ? { fix: check.mechanicalFix } : {}),
  }));
}

function implementationAt(check: PodSecurityCheck, minor: number): VersionedCheck | undefined {
  let chosen: VersionedCheck | undefined;
  for (const version of check.versions) {
    if (minorOf(version.minimumVersion) <= minor) chosen = version;
  }
  return chosen;
}
