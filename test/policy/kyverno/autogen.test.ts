/**
 * Auto-generated rules for Pod controllers, compared with what Kyverno writes into a policy's status
 * (`kubectl get clusterpolicy -o yaml` shows the same autogen-* rules).
 */
import { describe, expect, it } from "@jest/globals";
import type { JsonObject } from "../../../src/manifests/types.js";
import { computeRules } from "../../../src/policy/kyverno/autogen.js";

const podRule: JsonObject = {
  name: "require-team",
  match: { any: [{ resources: { kinds: ["Pod"] } }] },
  preconditions: { all: [{ key: "{{ request.object.metadata.labels.tier || '' }}", operator: "Equals", value: "web" }] },
  validate: {
    message: "{{ request.object.metadata.name }} needs a team",
    failureAction: "Enforce",
    pattern: { metadata: { labels: { team: "?*" } } },
  },
};

describe("autogen", () => {
  it("adds a rule for the template controllers and one for CronJob, with patterns and references moved", () => {
    const rules = computeRules([podRule], {}).map(({ rule }) => rule);
    expect(rules.map((rule) => rule["name"])).toEqual(["require-team", "autogen-require-team", "autogen-cronjob-require-team"]);
    const [, controllers, cronjob] = rules as [JsonObject, JsonObject, JsonObject];
    expect(controllers["match"]).toEqual({
      any: [
        {
          resources: {
            kinds: [
              "apps/v1/DaemonSet",
              "apps/v1/Deployment",
              "batch/v1/Job",
              "apps/v1/ReplicaSet",
              "v1/ReplicationController",
              "apps/v1/StatefulSet",
            ],
          },
        },
      ],
    });
    expect(controllers["validate"]).toEqual({
      message: "{{ request.object.spec.template.metadata.name }} needs a team",
      failureAction: "Enforce",
      pattern: { spec: { template: { metadata: { labels: { team: "?*" } } } } },
    });
    expect(JSON.stringify(controllers["preconditions"])).toContain("request.object.spec.template.metadata.labels.tier");
    expect(cronjob["match"]).toEqual({ any: [{ resources: { kinds: ["batch/v1/CronJob"] } }] });
    expect((cronjob["validate"] as JsonObject)["pattern"]).toEqual({
      spec: { jobTemplate: { spec: { template: { metadata: { labels: { team: "?*" } } } } } },
    });
    expect((cronjob["validate"] as JsonObject)["message"]).toBe(
      "{{ request.object.spec.jobTemplate.spec.template.metadata.name }} needs a team",
    );
  });

  it("moves validate.cel expressions, variables and celPreconditions to the template by text, as Kyverno does", () => {
    const celRule: JsonObject = {
      name: "no-host-network",
      match: { any: [{ resources: { kinds: ["Pod"], operations: ["CREATE"] } }] },
      celPreconditions: [{ name: "labelled", expression: "has(object.metadata.labels)" }],
      validate: {
        message: "no host network",
        cel: {
          variables: [{ name: "spec", expression: "object.spec" }],
          expressions: [
            {
              expression: "!has(variables.spec.hostNetwork) || oldObject.spec.hostNetwork == false",
              messageExpression: "object.metadata.name",
            },
          ],
        },
      },
    };
    const [, controllers, cronjob] = computeRules([celRule], {}).map(({ rule }) => rule) as [JsonObject, JsonObject, JsonObject];
    expect(controllers).toEqual({
      name: "autogen-no-host-network",
      match: {
        any: [
          {
            resources: {
              kinds: [
                "apps/v1/DaemonSet",
                "apps/v1/Deployment",
                "batch/v1/Job",
                "apps/v1/ReplicaSet",
                "v1/ReplicationController",
                "apps/v1/StatefulSet",
              ],
              operations: ["CREATE"],
            },
          },
        ],
      },
      celPreconditions: [{ name: "labelled", expression: "has(object.spec.template.metadata.labels)" }],
      validate: {
        message: "no host network",
        cel: {
          variables: [{ name: "spec", expression: "object.spec.template.spec" }],
          expressions: [
            {
              expression: "!has(variables.spec.hostNetwork) || oldObject.spec.template.spec.hostNetwork == false",
              messageExpression: "object.spec.template.metadata.name",
            },
          ],
        },
      },
    });
    expect(cronjob["match"]).toEqual({ any: [{ resources: { kinds: ["batch/v1/CronJob"], operations: ["CREATE"] } }] });
    expect((cronjob["validate"] as JsonObject)["cel"]).toEqual({
      variables: [{ name: "spec", expression: "object.spec.jobTemplate.spec.template.spec" }],
      expressions: [
        {
          expression: "!has(variables.spec.hostNetwork) || oldObject.spec.jobTemplate.spec.template.spec.hostNetwork == false",
          messageExpression: "object.spec.jobTemplate.spec.template.metadata.name",
        },
      ],
    });
  });

  it("follows the autogen-controllers annotation", () => {
    const names = (annotation: string): unknown[] =>
      computeRules([podRule], { "pod-policies.kyverno.io/autogen-controllers": annotation }).map(({ rule }) => rule["name"]);
    expect(names("none")).toEqual(["require-team"]);
    expect(names("Deployment")).toEqual(["require-team", "autogen-require-team"]);
    expect(names("CronJob")).toEqual(["require-team", "autogen-cronjob-require-team"]);
    const deploymentOnly = computeRules([podRule], { "pod-policies.kyverno.io/autogen-controllers": "Deployment" })[1]?.rule;
    expect(deploymentOnly?.["match"]).toEqual({ any: [{ resources: { kinds: ["apps/v1/Deployment"] } }] });
  });

  it("is off for the whole policy when a rule selects Pods by name or selector, or mixes kinds", () => {
    const byName: JsonObject = { ...podRule, name: "named", match: { any: [{ resources: { kinds: ["Pod"], names: ["web-*"] } }] } };
    expect(computeRules([podRule, byName], {})).toHaveLength(2);
    const mixed: JsonObject = { ...podRule, match: { any: [{ resources: { kinds: ["Pod", "Service"] } }] } };
    expect(computeRules([mixed], {})).toHaveLength(1);
  });

  it("generates nothing for a rule that does not match Pods", () => {
    const serviceRule: JsonObject = { ...podRule, match: { any: [{ resources: { kinds: ["Service"] } }] } };
    expect(computeRules([serviceRule], {}).map(({ rule }) => rule["name"])).toEqual(["require-team"]);
  });
});
