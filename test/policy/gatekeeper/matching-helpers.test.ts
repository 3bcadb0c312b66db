import { describe, expect, it } from "@jest/globals";
import { isExemptImage, matchesImagePattern } from "../../../src/policy/gatekeeper/lib/exempt-images.js";
import { compileRe2 } from "../../../src/policy/gatekeeper/lib/regex.js";

describe("exemptImages", () => {
  it("matches an entry exactly unless it ends in *", () => {
    expect(matchesImagePattern("openpolicyagent/opa:latest", "openpolicyagent/opa:latest")).toBe(true);
    expect(matchesImagePattern("openpolicyagent/opa:latest2", "openpolicyagent/opa:latest")).toBe(false);
    expect(matchesImagePattern("openpolicyagent/opa", "openpolicyagent/opa:latest")).toBe(false);
  });

  it("treats a trailing * as a prefix and nothing else as a glob", () => {
    expect(matchesImagePattern("safeimages.com/nginx:1", "safeimages.com/*")).toBe(true);
    expect(matchesImagePattern("safeimages.com.evil/nginx", "safeimages.com/*")).toBe(false);
    expect(matchesImagePattern("anything", "*")).toBe(true);
    expect(matchesImagePattern("registry/a/b", "registry/*/b")).toBe(false);
    expect(matchesImagePattern("registry/*/b", "registry/*/b")).toBe(true);
  });

  it("never exempts a container without an image", () => {
    expect(isExemptImage(undefined, ["*"])).toBe(false);
    expect(isExemptImage("nginx", undefined)).toBe(false);
  });
});

describe("RE2 patterns in constraints", () => {
  const matches = (pattern: string, value: string): boolean => {
    const re = compileRe2(pattern);
    if (!(re instanceof RegExp)) throw new Error(re.error);
    return re.test(value);
  };

  it("matches anywhere unless anchored, as regex.match does", () => {
    expect(matches("agilebank", "user.agilebank.demo")).toBe(true);
    expect(matches("^[a-zA-Z]+.agilebank.demo$", "user.agilebank.demo")).toBe(true);
    expect(matches("^[a-zA-Z]+.agilebank.demo$", "user.other.demo")).toBe(false);
  });

  it("understands RE2-only spellings", () => {
    expect(matches("(?i)^team-[a-z]+$", "Team-Payments")).toBe(true);
    expect(matches("(?P<team>[a-z]+)-svc", "payments-svc")).toBe(true);
    expect(matches("\\Aowner\\z", "owner")).toBe(true);
    expect(matches("\\Aowner\\z", "owner2")).toBe(false);
    expect(matches("^[[:alpha:]]+$", "abc")).toBe(true);
    expect(matches("^[[:alpha:]]+$", "ab1")).toBe(false);
  });

  it("reports a pattern that cannot compile", () => {
    expect(compileRe2("([a-z]")).toEqual({ error: expect.any(String) });
  });
});
