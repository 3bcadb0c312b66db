/**
 * Constraint parameters are validated against the template's schema before anything is evaluated:
 * a typo, a wrong type or a value the kind cannot use is an error naming the parameter, never a
 * policy that silently checks nothing.
 */
import { describe, expect, it } from "@jest/globals";
import { gatekeeperLibrary } from "../../../src/policy/gatekeeper/index.js";
import { loadPolicies } from "../../../src/config/policy-files.js";
import type { JsonValue } from "../../../src/manifests/types.js";
import type { ParameterError } from "../../../src/policy/types.js";
import { constraint } from "./pipeline.js";

function errorsOf(kind: string, parameters: JsonValue | undefined): ParameterError[] {
  const found = gatekeeperLibrary.find((k) => k.kind === kind);
  if (!found) throw new Error(`no kind ${kind}`);
  const compiled = found.compile(parameters);
  return "errors" in compiled ? compiled.errors : [];
}

describe("constraint parameters", () => {
  it("rejects an unknown parameter, naming the ones the kind takes", () => {
    expect(errorsOf("K8sDisallowedTags", { tags: ["latest"], exemptImage: ["x"] })).toEqual([
      {
        path: ["exemptImage"],
        code: "unknown-key",
        suggestion: "exemptImages",
        message: 'unknown parameter "exemptImage" in parameters (did you mean "exemptImages"?); allowed: exemptImages, tags',
      },
    ]);
    expect(errorsOf("K8sBlockNodePort", { allow: true })).toEqual([
      { path: ["allow"], code: "unknown-key", message: 'unknown parameter "allow" in parameters; no parameter is allowed here' },
    ]);
  });

  it("rejects a value of the wrong type, saying what is expected", () => {
    expect(errorsOf("K8sAllowedRepos", { repos: "docker.io/" })).toEqual([
      { path: ["repos"], code: "wrong-type", message: 'parameters.repos must be a list of strings, got string "docker.io/"' },
    ]);
    expect(errorsOf("K8sAllowedRepos", { repos: ["docker.io/", 3] })).toEqual([
      { path: ["repos", 1], code: "wrong-type", message: "parameters.repos[1] must be a string, got number 3" },
    ]);
    expect(errorsOf("K8sHttpsOnly", { tlsOptional: "true" })).toEqual([
      { path: ["tlsOptional"], code: "wrong-type", message: 'parameters.tlsOptional must be true or false, got string "true"' },
    ]);
    expect(errorsOf("K8sReplicaLimits", { ranges: [{ min_replicas: 1.5, max_replicas: 3 }] })).toEqual([
      {
        path: ["ranges", 0, "min_replicas"],
        code: "wrong-type",
        message: "parameters.ranges[0].min_replicas must be a whole number, got number 1.5",
      },
    ]);
    expect(errorsOf("K8sAllowedRepos", ["docker.io/"])).toEqual([
      { path: [], code: "wrong-type", message: "parameters must be a mapping with repos, got a list" },
    ]);
  });

  it("rejects a value outside the template's enum", () => {
    expect(errorsOf("K8sPSPProcMount", { procMount: "Masked" })).toEqual([
      {
        path: ["procMount"],
        code: "not-one-of",
        suggestion: "Unmasked",
        message: 'parameters.procMount must be one of Default, Unmasked, got "Masked" (did you mean "Unmasked"?)',
      },
    ]);
    expect(errorsOf("K8sRequiredResources", { limits: ["gpu"] })).toEqual([
      {
        path: ["limits", 0],
        code: "not-one-of",
        suggestion: "cpu",
        message: 'parameters.limits[0] must be one of cpu, memory, got "gpu" (did you mean "cpu"?)',
      },
    ]);
  });

  it("requires the parameters without which a kind would check nothing", () => {
    expect(errorsOf("K8sAllowedRepos", undefined)).toEqual([
      { path: ["repos"], code: "missing-required", message: "parameters.repos is required: a list of strings" },
    ]);
    expect(errorsOf("K8sRequiredLabels", { labels: [{ allowedRegex: "^a$" }] })).toEqual([
      { path: ["labels", 0, "key"], code: "missing-required", message: "parameters.labels[0].key is required: a string" },
    ]);
    for (const kind of [
      "K8sDisallowedRepos",
      "K8sAllowedReposv2",
      "K8sRequiredAnnotations",
      "K8sRequiredProbes",
      "K8sReplicaLimits",
      "VerifyDeprecatedAPI",
      "K8sPSPAppArmor",
      "K8sPSPFlexVolumes",
      "K8sPSPSELinuxV2",
      "K8sPSPSeccomp",
      "K8sPSPSeccompV2",
      "K8sPSPVolumeTypes",
    ]) {
      expect(errorsOf(kind, {}).length).toBeGreaterThan(0);
    }
  });

  it("accepts absent or null parameters where the template needs none", () => {
    for (const kind of [
      "K8sBlockNodePort",
      "K8sImageDigests",
      "K8sPSPHostNamespace",
      "K8sContainerLimits",
      "K8sPSPCapabilities",
      "K8sUniqueIngressHost",
    ]) {
      expect(errorsOf(kind, undefined)).toEqual([]);
      expect(errorsOf(kind, null)).toEqual([]);
    }
  });

  it("rejects a maximum that is not a Kubernetes quantity, which upstream would silently ignore", () => {
    expect(errorsOf("K8sContainerLimits", { cpu: "two", memory: "1Gi" })).toEqual([
      { path: ["cpu"], message: 'parameters.cpu must be a Kubernetes quantity such as "500m", "2", "512Mi" or "1Gi", got "two"' },
    ]);
    expect(errorsOf("K8sContainerRequests", { memory: "-1Gi" })).toEqual([
      { path: ["memory"], message: 'parameters.memory must not be negative, got "-1Gi"' },
    ]);
    expect(errorsOf("K8sContainerEphemeralStorageLimit", { "ephemeral-storage": "1GB" })).toHaveLength(1);
    expect(errorsOf("K8sContainerLimits", { cpu: "-1", memory: "1e9" })).toEqual([]);
  });

  it("rejects a ratio that is not a number, and a ratio constraint without any ratio", () => {
    expect(errorsOf("K8sContainerRatios", { ratio: "2x" })).toEqual([
      { path: ["ratio"], message: 'parameters.ratio must be a string holding a number such as "2" or "1.5", got "2x"' },
    ]);
    expect(errorsOf("K8sContainerRatios", {})).toHaveLength(1);
    expect(errorsOf("K8sContainerRatios", { cpuRatio: "4" })).toEqual([]);
  });

  it("rejects a regular expression that does not compile", () => {
    const errors = errorsOf("K8sRequiredLabels", { labels: [{ key: "owner", allowedRegex: "([a-z]" }] });
    expect(errors).toHaveLength(1);
    expect(errors[0]?.path).toEqual(["labels", 0, "allowedRegex"]);
    expect(errors[0]?.message).toMatch(/^parameters\.labels\[0\]\.allowedRegex is not a valid regular expression/);
  });

  it("surfaces parameter errors when loading a constraint file", () => {
    const loaded = loadPolicies([{ file: "policies/repos.yaml", content: constraint("K8sAllowedRepos", "repo: [docker.io/]") }]);
    expect(loaded.policies).toEqual([]);
    expect(loaded.errors.map((e) => e.message).join("\n")).toMatch(/unknown parameter "repo" in parameters \(did you mean "repos"\?\)/);
  });
});
