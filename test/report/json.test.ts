import { describe, expect, it } from "@jest/globals";
import { formatJson } from "../../src/report/json.js";
import { privilegedFinding, sampleResult } from "./sample-result.js";

describe("json report", () => {
  const report = JSON.parse(formatJson(sampleResult()));

  it("has findings, errors, notices, summary and namespaces at the top level", () => {
    expect(Object.keys(report)).toEqual(["findings", "errors", "notices", "fixed", "summary", "namespaces"]);
    expect(report.summary).toEqual({ files: 4, resources: 4, deny: 2, warn: 1, dryrun: 1, errors: 1, preExisting: 0, fixed: 0 });
    expect(report.errors).toEqual([{ file: "examples/broken.yaml", line: 4, column: 7, message: "bad indentation of a mapping entry" }]);
  });

  it("gives every finding the documented keys, with null for absent namespace and container", () => {
    for (const finding of report.findings) {
      expect(Object.keys(finding).sort()).toEqual(
        [
          "action",
          "basis",
          "column",
          "container",
          "endColumn",
          "endLine",
          "exception",
          "file",
          "fingerprint",
          "fix",
          "fixFile",
          "fixUnavailable",
          "line",
          "message",
          "path",
          "policy",
          "policyKind",
          "resource",
          "rule",
          "state",
        ].sort(),
      );
      expect(Object.keys(finding.resource).sort()).toEqual(["apiVersion", "kind", "name", "namespace", "renderedIn"]);
    }
    const namespace = report.findings.find((f: { resource: { kind: string } }) => f.resource.kind === "Namespace");
    expect(namespace.resource.namespace).toBeNull();
    expect(namespace.container).toBeNull();
  });

  it("reports the privileged container of the breakout pod with its position and field path", () => {
    expect(report.findings).toContainEqual({
      state: "new",
      policy: "pod-security-baseline",
      policyKind: "PodSecurity",
      rule: "privileged",
      action: "deny",
      message: privilegedFinding.message,
      file: "examples/attacks/breakout-pod.yaml",
      line: 15,
      endLine: 15,
      column: 7,
      endColumn: 22,
      resource: { apiVersion: "v1", kind: "Pod", namespace: "default", name: "r00t", renderedIn: [] },
      container: "1",
      basis: null,
      path: "spec.containers[0].securityContext.privileged",
      fingerprint: privilegedFinding.fingerprint,
      fix: null,
      fixFile: null,
      fixUnavailable: null,
      exception: null,
    });
  });

  it("does not leak fields that are not part of the documented shape", () => {
    const result = sampleResult();
    (result.findings[0] as unknown as Record<string, unknown>)["internal"] = "secret";
    expect(formatJson(result)).not.toContain("internal");
  });
});
