/** PodSecurity `spec.parameters`: what compiles, and the errors (with paths) for what does not. */
import { describe, expect, test } from "@jest/globals";
import type { JsonValue } from "../../../src/manifests/types.js";
import { podSecurity } from "../../../src/policy/podsecurity/index.js";
import type { ParameterError } from "../../../src/policy/types.js";
import { judge } from "./judge.js";

function errorsOf(parameters: JsonValue | undefined): ParameterError[] {
  const compiled = podSecurity.compile(parameters);
  return "errors" in compiled ? compiled.errors : [];
}

describe("PodSecurity parameters", () => {
  test("declares the kind, its apiVersion and that it judges pods", () => {
    expect(podSecurity.kind).toBe("PodSecurity");
    expect(podSecurity.apiVersions).toEqual(["kube-policy-bot.dev/v1"]);
    expect(podSecurity.target).toBe("pod");
  });

  test.each([
    [{ level: "privileged" }],
    [{ level: "baseline" }],
    [{ level: "restricted", version: "latest" }],
    [{ level: "restricted", version: "v1.0" }],
    [{ level: "baseline", version: "v1.37" }],
  ])("accepts %j", (parameters) => {
    expect(errorsOf(parameters)).toEqual([]);
  });

  test("level is required", () => {
    expect(errorsOf(undefined)).toEqual([
      { path: ["level"], code: "missing-required", message: expect.stringContaining("level is required") },
    ]);
    expect(errorsOf({ version: "v1.30" })).toEqual([
      { path: ["level"], code: "missing-required", message: expect.stringContaining("level is required") },
    ]);
  });

  test("parameters must be a mapping", () => {
    expect(errorsOf("restricted")).toEqual([{ path: [], code: "wrong-type", message: expect.stringContaining("must be a mapping") }]);
    expect(errorsOf(["restricted"])).toEqual([{ path: [], code: "wrong-type", message: expect.stringContaining("must be a mapping") }]);
  });

  test("an unknown level is an error, with a suggestion for a near miss", () => {
    expect(errorsOf({ level: "Restricted" })).toEqual([
      { path: ["level"], code: "not-one-of", suggestion: "restricted", message: expect.stringContaining('(did you mean "restricted"?)') },
    ]);
    expect(errorsOf({ level: 3 })).toEqual([{ path: ["level"], code: "wrong-type", message: expect.stringContaining("got number 3") }]);
  });

  test("unknown keys are errors at their own path", () => {
    expect(errorsOf({ level: "baseline", verison: "v1.30", exemptions: {} })).toEqual([
      {
        path: ["verison"],
        code: "unknown-key",
        suggestion: "version",
        message: expect.stringContaining('unknown parameter "verison" in parameters (did you mean "version"?)'),
      },
      { path: ["exemptions"], code: "unknown-key", message: expect.stringContaining('unknown parameter "exemptions"') },
    ]);
  });

  test.each([
    ["1.25", 'did you mean "v1.25"', "v1.25"],
    ["v1.25.3", 'did you mean "v1.25"', "v1.25"],
    ["v1.025", 'got "v1.025" (did you mean "v1.25"?)', "v1.25"],
    ["v2.0", 'got "v2.0"', undefined],
    ["Latest", 'got "Latest" (did you mean "latest"?)', "latest"],
    ["", 'got ""', undefined],
    ["v1.38", "newer than the newest Pod Security Standards version known here (v1.37)", undefined],
  ])("version %j is refused (%s)", (version, message, suggestion) => {
    expect(errorsOf({ level: "baseline", version })).toEqual([
      { path: ["version"], code: "invalid-value", message: expect.stringContaining(message), ...(suggestion ? { suggestion } : {}) },
    ]);
  });

  test("a version that YAML read as a number is refused", () => {
    expect(errorsOf({ level: "baseline", version: 1.25 })).toEqual([
      { path: ["version"], code: "wrong-type", message: expect.stringContaining("must be a string") },
    ]);
  });

  test("latest is the newest version any check defines (v1.37)", () => {
    const pod = `
      spec:
        securityContext: {sysctls: [{name: net.ipv4.tcp_notsent_lowat, value: "1"}]}
        containers: [{name: app, image: nginx}]`;
    expect(judge("baseline", "latest", pod)).toEqual([]);
    expect(judge("baseline", "v1.37", pod)).toEqual([]);
    expect(judge("baseline", "v1.36", pod)).toHaveLength(1);
  });

  test("privileged runs no checks at all", () => {
    const pod = `
      spec:
        hostPID: true
        containers: [{name: app, image: nginx, securityContext: {privileged: true}}]`;
    expect(judge("privileged", "latest", pod)).toEqual([]);
  });
});
