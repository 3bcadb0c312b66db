/** The registry and which checks run at a level and version (upstream registry.go semantics). */
import { describe, expect, test } from "@jest/globals";
import { POD_SECURITY_CHECKS } from "../../../src/policy/podsecurity/checks/index.js";
import { newestPolicyMinor, selectChecks } from "../../../src/policy/podsecurity/select.js";
import { minorOf } from "../../../src/policy/podsecurity/version.js";

const ids = (level: "privileged" | "baseline" | "restricted", minor: number) => selectChecks(level, minor).map((check) => check.id);

describe("the check registry", () => {
  test("has the 19 upstream check ids, each once", () => {
    expect(POD_SECURITY_CHECKS.map((check) => check.id).sort()).toEqual(
      [
        "allowPrivilegeEscalation",
        "appArmorProfile",
        "capabilities_baseline",
        "capabilities_restricted",
        "hostNamespaces",
        "hostPathVolumes",
        "hostPorts",
        "hostProbesAndHostLifecycle",
        "privileged",
        "procMount",
        "procMount_restricted",
        "restrictedVolumes",
        "runAsNonRoot",
        "runAsUser",
        "seLinuxOptions",
        "seccompProfile_baseline",
        "seccompProfile_restricted",
        "sysctls",
        "windowsHostProcess",
      ].sort(),
    );
  });

  test("versions are strictly increasing, and only restricted checks override existing baseline checks", () => {
    const baselineIds = new Set(POD_SECURITY_CHECKS.filter((c) => c.level === "baseline").map((c) => c.id));
    for (const check of POD_SECURITY_CHECKS) {
      const minors = check.versions.map((version) => minorOf(version.minimumVersion));
      expect(minors.length).toBeGreaterThan(0);
      minors.slice(1).forEach((minor, i) => expect(minor).toBeGreaterThan(minors[i]!));
      for (const version of check.versions) {
        if (check.level === "baseline") expect(version.overrides ?? []).toEqual([]);
        for (const overridden of version.overrides ?? []) expect(baselineIds).toContain(overridden);
      }
    }
  });

  test("the versioned implementations are the upstream ones", () => {
    const table = Object.fromEntries(
      POD_SECURITY_CHECKS.map((check) => [check.id, check.versions.map((version) => version.minimumVersion).join(" ")]),
    );
    expect(table).toEqual({
      privileged: "v1.0",
      hostNamespaces: "v1.0",
      capabilities_baseline: "v1.0",
      hostPathVolumes: "v1.0",
      hostPorts: "v1.0",
      appArmorProfile: "v1.0",
      seLinuxOptions: "v1.0 v1.31",
      procMount: "v1.0 v1.35",
      seccompProfile_baseline: "v1.0 v1.19",
      sysctls: "v1.0 v1.27 v1.29 v1.32 v1.37",
      windowsHostProcess: "v1.0",
      hostProbesAndHostLifecycle: "v1.34",
      restrictedVolumes: "v1.0",
      allowPrivilegeEscalation: "v1.8 v1.25",
      runAsNonRoot: "v1.0 v1.35",
      runAsUser: "v1.23 v1.35",
      seccompProfile_restricted: "v1.19 v1.25",
      capabilities_restricted: "v1.22 v1.25",
      procMount_restricted: "v1.35",
    });
    expect(newestPolicyMinor()).toBe(37);
  });
});

describe("check selection", () => {
  test("privileged selects nothing", () => {
    expect(ids("privileged", 37)).toEqual([]);
  });

  test("baseline selects only baseline checks, and only those that exist at the version", () => {
    expect(ids("baseline", 33)).not.toContain("hostProbesAndHostLifecycle");
    expect(ids("baseline", 34)).toContain("hostProbesAndHostLifecycle");
    expect(ids("baseline", 37)).not.toContain("runAsNonRoot");
  });

  test("restricted replaces baseline checks with their stricter versions from when those exist", () => {
    expect(ids("restricted", 21)).toContain("capabilities_baseline");
    expect(ids("restricted", 21)).not.toContain("capabilities_restricted");
    expect(ids("restricted", 22)).toContain("capabilities_restricted");
    expect(ids("restricted", 22)).not.toContain("capabilities_baseline");

    expect(ids("restricted", 18)).toContain("seccompProfile_baseline");
    expect(ids("restricted", 19)).not.toContain("seccompProfile_baseline");
    expect(ids("restricted", 19)).toContain("seccompProfile_restricted");

    expect(ids("restricted", 0)).not.toContain("hostPathVolumes");
    expect(ids("restricted", 0)).toContain("restrictedVolumes");

    expect(ids("restricted", 34)).toContain("procMount");
    expect(ids("restricted", 35)).not.toContain("procMount");
    expect(ids("restricted", 35)).toContain("procMount_restricted");
  });

  test("restricted checks start at their minimum version", () => {
    expect(ids("restricted", 7)).not.toContain("allowPrivilegeEscalation");
    expect(ids("restricted", 8)).toContain("allowPrivilegeEscalation");
    expect(ids("restricted", 22)).not.toContain("runAsUser");
    expect(ids("restricted", 23)).toContain("runAsUser");
  });
});
