/**
 * Reading a namespace's Pod Security labels (upstream `api.PolicyToEvaluate`): properties over random
 * label sets, valid and invalid, that must hold for every namespace — in particular that no label
 * value, however odd, makes enforce weaker than upstream's fail-closed reading.
 */
import { describe, expect, it } from "@jest/globals";
import fc from "fast-check";
import {
  LEVELS,
  PRIVILEGED_DEFAULTS,
  compareLevels,
  namespacePolicy,
  parseLabelVersion,
  parseLevel,
  type PolicyDefaults,
} from "../../../src/policy/podsecurity/labels.js";
import type { Level } from "../../../src/policy/podsecurity/types.js";

const PREFIX = "pod-security.kubernetes.io/";
const levelValue = fc.oneof(
  fc.constantFrom("privileged", "baseline", "restricted"),
  fc.constantFrom("Restricted", "", " baseline", "strict"),
  fc.string(),
);
const versionValue = fc.oneof(
  fc.constantFrom("latest", "v1.0", "v1.24", "v1.37", "v1.99"),
  fc.constantFrom("1.24", "v1.024", "v2.0", "Latest", ""),
  fc.string(),
);
const labelSets = fc
  .record(
    {
      enforce: levelValue,
      "enforce-version": versionValue,
      warn: levelValue,
      "warn-version": versionValue,
      audit: levelValue,
      "audit-version": versionValue,
      unrelated: fc.string(),
    },
    { requiredKeys: [] },
  )
  .map((picked) =>
    Object.fromEntries(
      Object.entries(picked).map(([key, value]) => [key === "unrelated" ? "app.kubernetes.io/name" : `${PREFIX}${key}`, value]),
    ),
  );
const level = fc.constantFrom<Level>(...LEVELS);
const defaults = fc.record({ enforce: level, warn: level, audit: level }).map((levels): PolicyDefaults => ({
  enforce: { level: levels.enforce, version: { latest: true } },
  warn: { level: levels.warn, version: { latest: false, minor: 30 } },
  audit: { level: levels.audit, version: { latest: true } },
}));

describe("namespacePolicy", () => {
  it("enforce is the label's level when valid, restricted when invalid, the default when absent", () => {
    fc.assert(
      fc.property(labelSets, defaults, (labels, given) => {
        const value = labels[`${PREFIX}enforce`];
        const expected = value === undefined ? given.enforce.level : (parseLevel(value) ?? "restricted");
        expect(namespacePolicy(labels, given).enforce.level).toBe(expected);
      }),
    );
  });

  it("an invalid warn or audit level is privileged (fail open, as upstream), an invalid version is latest", () => {
    fc.assert(
      fc.property(labelSets, defaults, (labels, given) => {
        const policy = namespacePolicy(labels, given);
        for (const mode of ["warn", "audit"] as const) {
          const value = labels[`${PREFIX}${mode}`];
          if (value !== undefined && !parseLevel(value)) expect(policy[mode].level).toBe("privileged");
        }
        for (const mode of ["enforce", "warn", "audit"] as const) {
          const value = labels[`${PREFIX}${mode}-version`];
          if (value !== undefined && !parseLabelVersion(value)) expect(policy[mode].version).toEqual({ latest: true });
        }
      }),
    );
  });

  it("without a warn label, warn is never weaker than a valid enforce label", () => {
    fc.assert(
      fc.property(labelSets, defaults, (labels, given) => {
        const enforce = labels[`${PREFIX}enforce`];
        if (labels[`${PREFIX}warn`] !== undefined || enforce === undefined || !parseLevel(enforce)) return;
        const policy = namespacePolicy(labels, given);
        expect(compareLevels(policy.warn.level, policy.enforce.level)).toBeGreaterThanOrEqual(0);
      }),
    );
  });

  it("audit never depends on the enforce or warn labels", () => {
    fc.assert(
      fc.property(labelSets, defaults, (labels, given) => {
        const onlyAudit = Object.fromEntries(Object.entries(labels).filter(([key]) => key.startsWith(`${PREFIX}audit`)));
        const [a, b] = [namespacePolicy(labels, given).audit, namespacePolicy({ ...onlyAudit, other: "x" }, given).audit];
        expect([a.level, a.version]).toEqual([b.level, b.version]);
      }),
    );
  });

  it("no labels at all: the defaults, untouched", () => {
    const policy = namespacePolicy({}, PRIVILEGED_DEFAULTS);
    expect([policy.enforce.level, policy.warn.level, policy.audit.level]).toEqual(["privileged", "privileged", "privileged"]);
  });

  it("warn follows a stricter enforce label with its version, unless warn-version is set", () => {
    const given: PolicyDefaults = { ...PRIVILEGED_DEFAULTS };
    const follows = namespacePolicy({ [`${PREFIX}enforce`]: "restricted", [`${PREFIX}enforce-version`]: "v1.24" }, given);
    expect(follows.warn).toMatchObject({ level: "restricted", version: { latest: false, minor: 24 }, levelFrom: "enforce-label" });
    const pinned = namespacePolicy({ [`${PREFIX}enforce`]: "restricted", [`${PREFIX}warn-version`]: "v1.30" }, given);
    expect(pinned.warn).toMatchObject({ level: "restricted", version: { latest: false, minor: 30 } });
  });
});

describe("parseLabelVersion", () => {
  it("accepts exactly latest and v1.<minor without leading zeros>", () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        expect(parseLabelVersion(text) !== undefined).toBe(text === "latest" || /^v1\.(0|[1-9][0-9]*)$/.test(text));
      }),
    );
    expect(parseLabelVersion("v1.99")).toEqual({ latest: false, minor: 99 });
    for (const bad of ["v1.024", "1.24", "v2.0", "v1.", "Latest", " latest"]) expect(parseLabelVersion(bad)).toBeUndefined();
  });
});
