/**
 * The property a gate lives by: no spelling of a violating workload gets through. A Pod (or
 * Deployment, DaemonSet, CronJob) with baseline violations is written in many semantically equal
 * ways (see support.ts: quoting, flow/block, anchors and aliases, merge keys, comments, CRLF, BOM,
 * key order, YAML 1.1 booleans and integers, JSON, empty documents around it). Each spelling must
 * load to the very same object and produce the very same findings, or be refused with a blocking
 * error. It must never load cleanly with fewer findings, and never with zero findings and zero errors.
 */
import { beforeAll, describe, expect, test } from "@jest/globals";
import fc from "fast-check";
import type { Policy } from "../../src/policy/types.js";
import { findingsOf, load, shippedPolicies, spell, spelling, violatingWorkload } from "./support.js";

let policies: Policy[];
beforeAll(async () => {
  policies = await shippedPolicies();
});

describe("semantics-preserving rewrites of a violating workload", () => {
  test("load to the same object with the same findings, or are refused; never a clean pass", () => {
    const outcomes = { same: 0, refused: 0 };
    fc.assert(
      fc.property(violatingWorkload, spelling, (workload, style) => {
        const canonical = load(JSON.stringify(workload), "canonical.json");
        const expected = findingsOf(canonical, policies);
        // The generator's promise: a baseline violation, denied.
        expect(expected.some((finding) => / deny /.test(finding))).toBe(true);

        const text = spell(workload, style);
        const loaded = load(text);
        if (loaded.errors.length > 0) {
          // Refused: that blocks the merge too (a manifest error fails the check). Must say where.
          expect(loaded.errors.every((error) => error.line >= 1)).toBe(true);
          outcomes.refused++;
          return;
        }
        expect(loaded.manifests.map((manifest) => manifest.object)).toEqual([workload]);
        expect(findingsOf(loaded, policies)).toEqual(expected);
        outcomes.same++;
      }),
      { numRuns: 1000 },
    );
    console.log(
      `violating workloads, rewritten: ${outcomes.same} loaded identically with identical findings, ${outcomes.refused} refused with an error`,
    );
    // The writer only produces valid YAML: a refusal would mean the loader reads valid YAML wrongly.
    expect(outcomes.refused).toBe(0);
  });

  test("the writer really varies the spelling (a sample shows the tricks in use)", () => {
    const samples = fc
      .sample(fc.tuple(violatingWorkload, spelling), { numRuns: 200, seed: 42 })
      .map(([workload, style]) => spell(workload, style));
    const used = (pattern: RegExp): number => samples.filter((sample) => pattern.test(sample)).length;
    expect(used(/<<: /)).toBeGreaterThan(5);
    expect(used(/&a\d/)).toBeGreaterThan(5);
    expect(used(/\*a\d/)).toBeGreaterThan(5);
    expect(used(/\r\n/)).toBeGreaterThan(20);
    expect(used(/^\uFEFF/)).toBeGreaterThan(20);
    expect(used(/: (yes|Yes|YES|on|On|ON|y|Y|True|TRUE)\b/)).toBeGreaterThan(5);
    expect(used(/: 0x[0-9a-f]+\b/)).toBeGreaterThan(5);
    expect(used(/\|-/)).toBeGreaterThan(5);
    expect(used(/\{.*: .*\}/)).toBeGreaterThan(20);
    expect(used(/^\s*#/m)).toBeGreaterThan(20);
    expect(used(/^\{/)).toBeGreaterThan(5);
  });
});

describe("rewrites that change the meaning are not mistaken for the same workload", () => {
  test("quoting a boolean makes it a string: the check does not see `privileged: true` (and Kubernetes would reject the type)", () => {
    const loaded = load(
      'apiVersion: v1\nkind: Pod\nmetadata:\n  name: q\nspec:\n  containers:\n    - name: a\n      image: alpine\n      securityContext:\n        privileged: "true"\n',
    );
    expect(loaded.errors).toEqual([]);
    expect(
      (loaded.manifests[0]?.object["spec"] as { containers: Array<{ securityContext: { privileged: unknown } }> }).containers[0]
        ?.securityContext.privileged,
    ).toBe("true");
  });
});
