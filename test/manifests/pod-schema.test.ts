import { describe, expect, it } from "@jest/globals";
import { podTypeErrors } from "../../src/manifests/pod-schema.js";
import type { JsonObject } from "../../src/manifests/types.js";

const pod = (spec: JsonObject, metadata: JsonObject = { name: "p" }): JsonObject => ({ apiVersion: "v1", kind: "Pod", metadata, spec });

describe("pod field types the API server enforces", () => {
  it("a well-typed pod has no errors, and null means unset", () => {
    expect(
      podTypeErrors(
        pod({
          hostPID: false,
          hostNetwork: null,
          securityContext: { runAsUser: 1000, runAsNonRoot: true, sysctls: [{ name: "net.ipv4.tcp_syncookies", value: "1" }] },
          containers: [
            {
              name: "app",
              image: "registry.example/app:1.0",
              securityContext: { privileged: false, capabilities: { drop: ["ALL"] } },
              ports: [{ containerPort: 8080 }],
              resources: { limits: { cpu: 1, memory: "1Gi" } },
            },
          ],
        }),
      ),
    ).toEqual([]);
  });

  it("strings where booleans or integers belong are errors, with the field's path", () => {
    const errors = podTypeErrors(
      pod({
        hostPID: "true",
        containers: [{ name: "app", image: "x", securityContext: { privileged: "yes", runAsUser: "0" }, ports: [{ hostPort: 80.5 }] }],
      }),
    );
    expect(errors.map((e) => [e.path.join("."), e.problem])).toEqual([
      ["spec.hostPID", 'must be true or false, not the string "true"'],
      ["spec.containers.0.securityContext.privileged", 'must be true or false, not the string "yes"'],
      ["spec.containers.0.securityContext.runAsUser", 'must be an integer, not the string "0"'],
      ["spec.containers.0.ports.0.hostPort", "must be an integer, not the number 80.5"],
    ]);
  });

  it("YAML 1.1 booleans and numbers where strings belong are errors (quote them)", () => {
    const errors = podTypeErrors(pod({ containers: [{ name: true, image: 1.5 }] }, { name: "p", labels: { enabled: true } }));
    expect(errors.map((e) => e.problem)).toEqual([
      'must map to strings, but "enabled" is the boolean true (quote it)',
      "must be a string, not the boolean true (quote it)",
      "must be a string, not the number 1.5 (quote it)",
    ]);
  });

  it("lists and mappings of the wrong shape are errors", () => {
    const errors = podTypeErrors(pod({ containers: { name: "app" }, volumes: ["a"] }));
    expect(errors.map((e) => e.problem)).toEqual(["must be a sequence, not a mapping", 'must be a mapping, not the string "a"']);
  });
});
