import { describe, expect, it } from "@jest/globals";
import { RegoSet, formatArg, msg } from "../../../src/policy/gatekeeper/lib/rego-format.js";

describe("messages printed as Rego's sprintf %v prints them", () => {
  it("prints a string bare and anything else as a Rego term", () => {
    expect(formatArg("nginx")).toBe("nginx");
    expect(formatArg(3)).toBe("3");
    expect(formatArg(1.16)).toBe("1.16");
    expect(formatArg(true)).toBe("true");
    expect(formatArg(null)).toBe("null");
    expect(formatArg(["a", "b"])).toBe('["a", "b"]');
    expect(formatArg([])).toBe("[]");
  });

  it("prints objects with sorted keys and quoted strings inside", () => {
    expect(formatArg({ min_replicas: 3, max_replicas: 50 })).toBe('{"max_replicas": 50, "min_replicas": 3}');
    expect(formatArg({ ranges: [{ min: 1, max: 2 }], rule: "MustRunAs" })).toBe('{"ranges": [{"max": 2, "min": 1}], "rule": "MustRunAs"}');
  });

  it("prints sets sorted, without duplicates, and the empty set as set()", () => {
    expect(formatArg(new RegoSet(["memory", "cpu", "cpu"]))).toBe('{"cpu", "memory"}');
    expect(formatArg(new RegoSet([]))).toBe("set()");
    expect(formatArg(new RegoSet([{ type: "RuntimeDefault" }, { type: "Localhost", localHostProfile: "a.json" }]))).toBe(
      '{{"localHostProfile": "a.json", "type": "Localhost"}, {"type": "RuntimeDefault"}}',
    );
  });

  it("orders values of different types as OPA does", () => {
    expect(formatArg(new RegoSet(["b", 2, null, true, ["x"], "a"]))).toBe('{null, true, 2, "a", "b", ["x"]}');
  });

  it("builds messages from a template", () => {
    const repos = ["openpolicyagent/"];
    expect(msg`container <${"nginx"}> has an invalid image repo <${"nginx:1"}>, allowed repos are ${repos}`).toBe(
      'container <nginx> has an invalid image repo <nginx:1>, allowed repos are ["openpolicyagent/"]',
    );
  });

  it("supports set algebra as the templates use it", () => {
    const required = new RegoSet(["a", "b", "c"]);
    expect(required.minus(new RegoSet(["b"])).values).toEqual(["a", "c"]);
  });
});
