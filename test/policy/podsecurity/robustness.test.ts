/**
 * Malformed pods never crash the evaluator: shapes the API server would refuse (containers that are
 * not a list, a securityContext that is a string, ...) are read as absent, never thrown on.
 */
import { describe, expect, test } from "@jest/globals";
import fc from "fast-check";
import type { JsonObject, JsonValue } from "../../../src/manifests/types.js";
import { judge } from "./judge.js";

const LEVELS = ["baseline", "restricted"];
const VERSIONS = ["v1.0", "v1.18", "v1.24", "v1.34", "latest"];

/** Field names the checks read, so random objects reach deep into the pod. */
const VOCABULARY = [
  "metadata",
  "annotations",
  "spec",
  "containers",
  "initContainers",
  "ephemeralContainers",
  "name",
  "securityContext",
  "privileged",
  "allowPrivilegeEscalation",
  "runAsNonRoot",
  "runAsUser",
  "procMount",
  "capabilities",
  "add",
  "drop",
  "seLinuxOptions",
  "type",
  "user",
  "role",
  "seccompProfile",
  "appArmorProfile",
  "windowsOptions",
  "hostProcess",
  "sysctls",
  "ports",
  "hostPort",
  "volumes",
  "hostPath",
  "emptyDir",
  "nfs",
  "hostNetwork",
  "hostPID",
  "hostIPC",
  "hostUsers",
  "os",
  "livenessProbe",
  "httpGet",
  "tcpSocket",
  "host",
  "lifecycle",
  "preStop",
  "container.apparmor.security.beta.kubernetes.io/app",
  "seccomp.security.alpha.kubernetes.io/pod",
];

const { value: podLike } = fc.letrec<{ value: JsonValue }>((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.constantFrom<JsonValue>(null, true, false, 0, 1, -1, 8080, 1.5, "", "ALL", "Unmasked", "Unconfined", "windows", "app"),
    fc.array(tie("value"), { maxLength: 3 }),
    fc.dictionary(fc.constantFrom(...VOCABULARY), tie("value"), { maxKeys: 5 }),
  ),
}));

describe("malformed pods", () => {
  test.each<[string, JsonObject]>([
    ["spec is a list", { spec: [] }],
    ["spec is a string", { spec: "x" }],
    ["no spec at all", { metadata: { name: "x" } }],
    ["containers is a mapping", { spec: { containers: { name: "app" } } }],
    ["a container is a string", { spec: { containers: ["nginx"] } }],
    ["securityContext is a string", { spec: { containers: [{ name: "app", securityContext: "privileged" }] } }],
    ["capabilities.add is a string", { spec: { containers: [{ name: "a", securityContext: { capabilities: { add: "ALL" } } }] } }],
    ["annotations is a list", { metadata: { annotations: ["a"] }, spec: { containers: [{ name: "a" }] } }],
    ["volumes hold numbers", { spec: { volumes: [1, { name: "v", hostPath: "/" }], containers: [] } }],
    ["sysctls is a mapping", { spec: { securityContext: { sysctls: { name: "kernel.msgmax" } }, containers: [] } }],
  ])("%s: evaluated without throwing", (_, object) => {
    for (const level of LEVELS) for (const version of VERSIONS) expect(() => judge(level, version, object)).not.toThrow();
  });

  test("a container whose securityContext is not a mapping has no securityContext", () => {
    const violations = judge("restricted", "latest", {
      spec: {
        securityContext: { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } },
        containers: [{ name: "app", securityContext: "x" }],
      },
    });
    expect(violations.map((violation) => violation.rule)).toEqual(["allowPrivilegeEscalation", "capabilities_restricted"]);
  });

  test("a list element that is not an object keeps the indexes of the others", () => {
    const violations = judge("baseline", "latest", {
      spec: { containers: ["junk", { name: "app", securityContext: { privileged: true } }] },
    });
    expect(violations.map((violation) => violation.path)).toEqual([["spec", "containers", 1, "securityContext", "privileged"]]);
  });

  test("random shapes never throw and always yield well-formed violations", () => {
    fc.assert(
      fc.property(podLike, fc.constantFrom(...LEVELS), fc.constantFrom(...VERSIONS), (value, level, version) => {
        const object: JsonObject = typeof value === "object" && value !== null && !Array.isArray(value) ? value : { spec: value };
        for (const violation of judge(level, version, object)) {
          expect(typeof violation.message).toBe("string");
          expect(typeof violation.rule).toBe("string");
          expect(Array.isArray(violation.path)).toBe(true);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
