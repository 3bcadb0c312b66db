import { describe, expect, it } from "@jest/globals";
import { artifactUri, formatSarif, toSarif, type SarifLog } from "../../src/report/sarif.js";
import type { EvaluationResult } from "../../src/policy/engine.js";
import { hostPidFinding, privilegedFinding, sampleResult } from "./sample-result.js";

const tool = { name: "kube-policy-bot", version: "1.2.3", informationUri: "https://example.test/kube-policy-bot" };

function run(log: SarifLog) {
  expect(log.runs).toHaveLength(1);
  return log.runs[0]!;
}

/** The properties GitHub code scanning documents as required for an upload to show alerts. */
function expectGitHubRequiredProperties(log: SarifLog): void {
  expect(log.$schema).toMatch(/^https:\/\/.*sarif-2\.1\.0.*\.json$/);
  expect(log.version).toBe("2.1.0");
  const {
    tool: { driver },
    results,
  } = run(log);
  expect(driver.name).toEqual(expect.any(String));
  expect(Array.isArray(driver.rules)).toBe(true);
  const ruleIds = driver.rules.map((rule) => rule.id);
  expect(new Set(ruleIds).size).toBe(ruleIds.length);
  for (const rule of driver.rules) {
    expect(rule.id).toEqual(expect.any(String));
    expect(rule.shortDescription.text.length).toBeGreaterThan(0);
    expect(rule.fullDescription.text.length).toBeGreaterThan(0);
    expect(rule.fullDescription.text.length).toBeLessThanOrEqual(1000);
    expect(rule.help.text.length).toBeGreaterThan(0);
    expect(rule.help.markdown.length).toBeGreaterThan(0);
    expect(rule.properties.tags.length).toBeLessThanOrEqual(10);
  }
  for (const result of results) {
    expect(driver.rules[result.ruleIndex]!.id).toBe(result.ruleId);
    expect(["error", "warning", "note"]).toContain(result.level);
    expect(result.message.text.length).toBeGreaterThan(0);
    expect(result.locations).toHaveLength(1);
    const { artifactLocation, region } = result.locations[0]!.physicalLocation;
    expect(artifactLocation.uri).not.toMatch(/^\/|\\/);
    for (const key of ["startLine", "startColumn", "endLine", "endColumn"] as const) {
      expect(Number.isInteger(region[key]) && region[key] >= 1).toBe(true);
    }
    expect(region.endLine).toBeGreaterThanOrEqual(region.startLine);
    expect(result.partialFingerprints.primaryLocationLineHash).toEqual(expect.any(String));
  }
}

describe("sarif report", () => {
  const log = JSON.parse(formatSarif(sampleResult(), { tool })) as SarifLog;

  it("has every property GitHub code scanning requires", () => {
    expectGitHubRequiredProperties(log);
    expect(run(log).tool.driver).toMatchObject({
      name: "kube-policy-bot",
      version: "1.2.3",
      semanticVersion: "1.2.3",
      informationUri: tool.informationUri,
    });
  });

  it("maps deny, warn and dryrun to error, warning and note", () => {
    const levels = Object.fromEntries(run(log).results.map((r) => [r.ruleId, r.level]));
    expect(levels).toMatchObject({
      "pod-security-baseline/privileged": "error",
      "pod-security-baseline/hostNamespaces": "error",
      "allowed-repos/K8sAllowedRepos": "warning",
      "required-labels/K8sRequiredLabels": "note",
    });
  });

  it("places the privileged finding on its line, the region ending one column past the value as SARIF counts", () => {
    const result = run(log).results.find((r) => r.ruleId === "pod-security-baseline/privileged")!;
    expect(result.locations[0]!.physicalLocation).toEqual({
      artifactLocation: { uri: "examples/attacks/breakout-pod.yaml" },
      region: { startLine: 15, startColumn: 7, endLine: 15, endColumn: 23 },
    });
    expect(result.message.text).toBe(`${privilegedFinding.message} (Pod default/r00t, container "1")`);
  });

  it("documents each rule with how to fix it and a link to the upstream standard", () => {
    const rules = Object.fromEntries(run(log).tool.driver.rules.map((rule) => [rule.id, rule]));
    const privileged = rules["pod-security-baseline/privileged"]!;
    expect(privileged.help.markdown).toContain("https://kubernetes.io/docs/concepts/security/pod-security-standards/");
    expect(privileged.help.text).toMatch(/How to fix: .*privileged/);
    expect(privileged.properties.tags).toEqual(expect.arrayContaining(["security", "baseline"]));
    const repos = rules["allowed-repos/K8sAllowedRepos"]!;
    expect(repos.helpUri).toBe("https://open-policy-agent.github.io/gatekeeper-library/website/validation/allowedrepos");
    expect(repos.defaultConfiguration.level).toBe("warning");
  });

  it("reports input errors as results of the input/parse-error rule", () => {
    const result = run(log).results.find((r) => r.ruleId === "input/parse-error")!;
    expect(result.level).toBe("error");
    expect(result.message.text).toBe("bad indentation of a mapping entry");
    expect(result.locations[0]!.physicalLocation.region).toEqual({ startLine: 4, startColumn: 7, endLine: 4, endColumn: 8 });
  });

  it("keeps fingerprints stable when lines move, and distinct for different problems", () => {
    const moved: EvaluationResult = {
      ...sampleResult(),
      findings: sampleResult().findings.map((f) => ({ ...f, line: f.line + 10, endLine: f.endLine + 10, column: f.column + 2 })),
    };
    const fingerprints = (l: SarifLog) => run(l).results.map((r) => r.partialFingerprints.primaryLocationLineHash);
    expect(fingerprints(toSarif(moved, { tool }))).toEqual(fingerprints(log));
    expect(new Set(fingerprints(log)).size).toBe(run(log).results.length);

    const renamed: EvaluationResult = {
      ...sampleResult(),
      findings: [{ ...hostPidFinding, resource: { ...hostPidFinding.resource, name: "other" } }],
    };
    expect(fingerprints(toSarif(renamed, { tool }))[0]).not.toBe(fingerprints(log)[1]);
  });

  it("tells identical problems apart by an occurrence number", () => {
    const twice: EvaluationResult = { ...sampleResult(), findings: [hostPidFinding, { ...hostPidFinding, line: 30 }], errors: [] };
    const [first, second] = run(toSarif(twice, { tool })).results.map((r) => r.partialFingerprints.primaryLocationLineHash);
    expect(first).toMatch(/:1$/);
    expect(second).toBe(first!.replace(/:1$/, ":2"));
  });

  it("lists no rules and no results for a clean run, which is still a valid upload", () => {
    const clean = toSarif(
      { findings: [], errors: [], summary: { files: 1, resources: 1, deny: 0, warn: 0, dryrun: 0, errors: 0 } },
      { tool },
    );
    expectGitHubRequiredProperties(clean);
    expect(run(clean).tool.driver.rules).toEqual([]);
    expect(run(clean).results).toEqual([]);
  });

  it("never emits an empty or inverted region", () => {
    const odd: EvaluationResult = { ...sampleResult(), findings: [{ ...hostPidFinding, column: 5, endColumn: 5 }], errors: [] };
    const region = run(toSarif(odd, { tool })).results[0]!.locations[0]!.physicalLocation.region;
    expect(region.endColumn).toBeGreaterThan(region.startColumn);
  });
});

describe("artifact URIs", () => {
  it("are relative with forward slashes", () => {
    expect(artifactUri("examples/apps/web/deployment.yaml")).toBe("examples/apps/web/deployment.yaml");
    expect(artifactUri("./examples//a.yaml")).toBe("examples/a.yaml");
    expect(artifactUri("k8s\\prod\\app.yaml")).toBe("k8s/prod/app.yaml");
  });

  it("make absolute paths under the base directory relative, and others file: URIs", () => {
    expect(artifactUri("/repo/k8s/app.yaml", "/repo")).toBe("k8s/app.yaml");
    expect(artifactUri("/elsewhere/app.yaml", "/repo")).toBe("file:///elsewhere/app.yaml");
  });

  it("percent-encode characters that are not allowed in a URI", () => {
    expect(artifactUri("my apps/web#1.yaml")).toBe("my%20apps/web%231.yaml");
  });
});
