/**
 * `preconditions` / `deny.conditions` operators and Kyverno's JMESPath, as upstream evaluates them.
 */
import { describe, expect, it } from "@jest/globals";
import type { JsonObject, JsonValue } from "../../../src/manifests/types.js";
import { applyOperator, evaluateConditions } from "../../../src/policy/kyverno/conditions.js";
import { NotEvaluableError, query, QueryError } from "../../../src/policy/kyverno/jmespath.js";
import { substituteString } from "../../../src/policy/kyverno/variables.js";

const context: JsonObject = {
  request: {
    operation: "CREATE",
    object: {
      kind: "Pod",
      metadata: { name: "web", labels: { app: "web", "app.kubernetes.io/name": "shop" } },
      spec: {
        containers: [
          { name: "a", image: "nginx:1.25" },
          { name: "b", image: "ghcr.io/x/y@sha256:" + "a".repeat(64) },
        ],
      },
    },
  },
};

describe("condition operators", () => {
  it.each<[string, JsonValue, JsonValue, boolean]>([
    ["Equals", "web", "w*", true],
    ["Equals", 3, "3", true],
    ["Equals", "1Gi", "1024Mi", true],
    ["NotEquals", "web", "api", true],
    ["AnyIn", ["a", "b"], ["b", "c"], true],
    ["AnyIn", ["a"], ["b", "c"], false],
    ["AllIn", ["a", "b"], ["a", "b", "c"], true],
    ["AllIn", ["a", "d"], ["a", "b", "c"], false],
    ["AnyNotIn", ["a", "d"], ["a", "b"], true],
    ["AllNotIn", ["x", "y"], ["a", "b"], true],
    ["AllNotIn", ["x", "a"], ["a", "b"], false],
    ["AnyIn", "NET_RAW", ["NET_*"], true],
    ["AnyIn", 5, "1-10", true],
    ["In", "CREATE", ["CREATE", "UPDATE"], true],
    ["NotIn", "DELETE", ["CREATE", "UPDATE"], true],
    ["GreaterThan", "2Gi", "1Gi", true],
    ["GreaterThanOrEquals", 3, 3, true],
    ["LessThan", "1.2.3", "1.10.0", true],
    ["LessThan", "500m", "1", true],
    ["DurationGreaterThan", "2h", "90m", true],
    ["DurationLessThanOrEquals", 60, "1m", true],
  ])("%s %j %j is %s", (operator, key, value, expected) => {
    expect(applyOperator(operator, key, value)).toBe(expected);
  });

  it("any holds when one condition holds, all when every one does; messages explain the result", () => {
    const conditions = {
      any: [{ key: "{{ request.object.metadata.name }}", operator: "Equals", value: "api", message: "not api" }],
      all: [{ key: "{{ request.operation }}", operator: "Equals", value: "CREATE" }],
    };
    expect(evaluateConditions(conditions, context)).toEqual({ holds: false, message: "not api" });
    expect(evaluateConditions([{ key: "{{ request.operation }}", operator: "AnyIn", value: ["CREATE"] }], context).holds).toBe(true);
  });
});

describe("JMESPath and variables", () => {
  it("a path through an absent key is an error unless a default absorbs it", () => {
    expect(() => query("request.object.spec.hostNetwork", context)).toThrow(QueryError);
    expect(query("request.object.spec.hostNetwork || `false`", context)).toBe(false);
    expect(query("length(request.object.spec.containers[?starts_with(image, 'nginx')])", context)).toBe(1);
  });

  it("Kyverno's functions are available", () => {
    expect(query("to_upper('abc')", context)).toBe("ABC");
    expect(query("regex_match('^nginx:', request.object.spec.containers[0].image)", context)).toBe(true);
    expect(query("split('a,b', ',')", context)).toEqual(["a", "b"]);
    expect(query("label_match({app: 'web'}, request.object.metadata.labels)", context)).toBe(true);
    expect(query("image_normalize('nginx')", context)).toBe("docker.io/nginx:latest");
    expect(query("semver_compare('1.2.3', '>=1.0.0 <2.0.0')", context)).toBe(true);
    expect(query("divide(`10`, `4`)", context)).toBe(2.5);
    expect(query("items({b: `1`, a: `2`}, 'k', 'v')", context)).toEqual([
      { k: "a", v: 2 },
      { k: "b", v: 1 },
    ]);
  });

  it("what depends on the moment of admission is not evaluable", () => {
    expect(() => query("time_now_utc()", context)).toThrow(NotEvaluableError);
  });

  it("a whole-string variable keeps its type; inside text it is spliced in", () => {
    expect(substituteString("{{ request.object.spec.containers[].name }}", context)).toEqual(["a", "b"]);
    expect(substituteString('Pod {{request.object.metadata.labels."app.kubernetes.io/name"}} is bad', context)).toBe("Pod shop is bad");
    expect(substituteString("literal \\{{ x }}", context)).toBe("literal {{ x }}");
  });
});
