/**
 * `validate.pattern` semantics, case by case against Kyverno's documented behaviour: anchors,
 * wildcards, operators and the path a mismatch reports.
 */
import { describe, expect, it } from "@jest/globals";
import fc from "fast-check";
import type { JsonValue } from "../../../src/manifests/types.js";
import { matchPattern } from "../../../src/policy/kyverno/pattern.js";
import { matchesValue } from "../../../src/policy/kyverno/value-pattern.js";
import { wildcardMatch } from "../../../src/policy/kyverno/wildcard.js";

const pod = (spec: JsonValue): JsonValue => ({ apiVersion: "v1", kind: "Pod", metadata: { name: "p", labels: { app: "web" } }, spec });
const status = (resource: JsonValue, pattern: JsonValue): string => matchPattern(resource, pattern).status;

describe("pattern anchors", () => {
  it("a plain key must be present and match; the failure names the field", () => {
    const result = matchPattern(pod({ containers: [{ name: "a", image: "nginx:latest" }] }), {
      spec: { containers: [{ image: "!*:latest" }] },
    });
    expect(result).toMatchObject({ status: "fail", path: ["spec", "containers", 0, "image"] });
    expect(status(pod({ containers: [{ name: "a", image: "nginx:1.25" }] }), { spec: { containers: [{ image: "!*:latest" }] } })).toBe(
      "pass",
    );
  });

  it("a condition anchor (key) skips list items (and the rule) that do not satisfy it", () => {
    const pattern = { spec: { containers: [{ "(name)": "app", securityContext: { privileged: false } }] } };
    expect(status(pod({ containers: [{ name: "sidecar", securityContext: { privileged: true } }] }), pattern)).toBe("skip");
    expect(status(pod({ containers: [{ name: "app", securityContext: { privileged: true } }] }), pattern)).toBe("fail");
    expect(status(pod({ containers: [{ name: "app", securityContext: { privileged: false } }] }), pattern)).toBe("pass");
  });

  it("an equality anchor =(key) checks the value only when the key is present", () => {
    const pattern = { spec: { "=(hostNetwork)": false } };
    expect(status(pod({}), pattern)).toBe("pass");
    expect(status(pod({ hostNetwork: false }), pattern)).toBe("pass");
    expect(matchPattern(pod({ hostNetwork: true }), pattern)).toMatchObject({ status: "fail", path: ["spec", "hostNetwork"] });
  });

  it("a negation anchor X(key) fails when the key is present at all", () => {
    const pattern = { spec: { "=(volumes)": [{ "X(hostPath)": "null" }] } };
    expect(status(pod({ volumes: [{ name: "v", emptyDir: {} }] }), pattern)).toBe("pass");
    expect(matchPattern(pod({ volumes: [{ name: "v", hostPath: { path: "/" } }] }), pattern)).toMatchObject({
      status: "fail",
      path: ["spec", "volumes", 0, "hostPath"],
    });
  });

  it("an existence anchor ^(key) needs at least one list item to match", () => {
    const pattern = { spec: { "^(containers)": [{ image: "registry.example/*" }] } };
    expect(status(pod({ containers: [{ image: "nginx" }, { image: "registry.example/app" }] }), pattern)).toBe("pass");
    expect(status(pod({ containers: [{ image: "nginx" }] }), pattern)).toBe("fail");
  });

  it("a global anchor <(key) that does not match skips the whole rule", () => {
    const pattern = { spec: { containers: [{ "<(image)": "*:latest", imagePullPolicy: "Always" }] } };
    expect(status(pod({ containers: [{ image: "nginx:1.0", imagePullPolicy: "IfNotPresent" }] }), pattern)).toBe("skip");
    expect(status(pod({ containers: [{ image: "nginx:latest", imagePullPolicy: "IfNotPresent" }] }), pattern)).toBe("fail");
  });

  it("`*` as a value requires the field; wildcard label keys stand for the resource's keys", () => {
    expect(status(pod({}), { metadata: { labels: { app: "*" } } })).toBe("pass");
    expect(status(pod({}), { metadata: { labels: { team: "*" } } })).toBe("fail");
    expect(status(pod({}), { metadata: { labels: { "ap*": "?*" } } })).toBe("pass");
  });
});

describe("pattern values", () => {
  it.each<[JsonValue, string, boolean]>([
    [3, ">=2", true],
    [1, ">=2", false],
    ["200Mi", "<1Gi", true],
    ["2Gi", "<1Gi", false],
    ["1h", ">30m", true],
    [5, "1-10", true],
    [11, "1-10", false],
    [11, "!1-10", true],
    ["nginx", "!nginx", false],
    ["IfNotPresent", "Always | IfNotPresent", true],
    ["abc", "a* & *c", true],
    ["abd", "a* & *c", false],
    [8080, "!8080", false],
  ])("%j against %j is %s", (value, pattern, expected) => {
    expect(matchesValue(value, pattern)).toBe(expected);
  });

  it("typed leaves compare by type; null matches an absent or empty value", () => {
    expect(matchesValue(true, true)).toBe(true);
    expect(matchesValue("true", true)).toBe(false);
    expect(matchesValue(2, 2)).toBe(true);
    expect(matchesValue("2", 2)).toBe(true);
    expect(matchesValue(undefined, null)).toBe(true);
    expect(matchesValue("", null)).toBe(true);
    expect(matchesValue("x", null)).toBe(false);
  });
});

describe("properties", () => {
  it("a pattern without wildcards matches only itself; `*` matches everything", () => {
    const plain = fc.string().filter((text) => !text.includes("*") && !text.includes("?"));
    fc.assert(fc.property(plain, fc.string(), (pattern, value) => wildcardMatch(pattern, value) === (pattern === value)));
    fc.assert(fc.property(fc.string(), (value) => wildcardMatch("*", value)));
  });

  it("prefix* matches exactly the strings that start with the prefix", () => {
    const plain = fc.string().filter((text) => !text.includes("*") && !text.includes("?"));
    fc.assert(fc.property(plain, fc.string(), (prefix, rest) => wildcardMatch(`${prefix}*`, `${prefix}${rest}`)));
  });

  it("a range a-b holds exactly for a <= n <= b, and !a-b is its negation", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1000 }),
        fc.integer({ min: 0, max: 1000 }),
        fc.integer({ min: 0, max: 1000 }),
        (low, high, n) => {
          const inside = matchesValue(n, `${low}-${high}`);
          expect(inside).toBe(n >= low && n <= high);
          expect(matchesValue(n, `${low}!-${high}`)).toBe(n < low || n > high);
        },
      ),
    );
  });

  it("the walk never throws, whatever the resource and pattern", () => {
    const json = fc.jsonValue() as fc.Arbitrary<JsonValue>;
    fc.assert(fc.property(json, json, (resource, pattern) => ["pass", "fail", "skip"].includes(matchPattern(resource, pattern).status)));
  });
});
