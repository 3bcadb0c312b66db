/**
 * Hostile input to namespace-driven Pod Security: AdmissionConfiguration / PodSecurityConfiguration
 * documents and Namespace labels of any shape. Loading and evaluating never throws, a malformed
 * configuration is an error (never a silently weaker default), and no label value lets a workload
 * that violates baseline pass the shipped enforce policy unless the value is a valid, weaker level.
 */
import { describe, expect, it } from "@jest/globals";
import fc from "fast-check";
import { dump } from "js-yaml";
import { loadManifestFile } from "../../src/manifests/load.js";
import type { JsonValue } from "../../src/manifests/types.js";
import { evaluate } from "../../src/policy/engine.js";
import { loadPolicies } from "../../src/config/policy-files.js";
import { shippedPolicies } from "./support.js";

const anyValue = fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<JsonValue>;
const configuration = fc.record(
  {
    defaults: fc.oneof(
      anyValue,
      fc.dictionary(fc.constantFrom("enforce", "enforce-version", "warn", "warn-version", "audit", "audit-version", "enforse"), anyValue),
    ),
    exemptions: fc.oneof(anyValue, fc.dictionary(fc.constantFrom("usernames", "namespaces", "runtimeClasses", "users"), anyValue)),
  },
  { requiredKeys: [] },
);

describe("Pod Security admission configuration and labels, fuzzed", () => {
  it("any configuration document loads to a configuration or to errors with lines, never a throw", () => {
    fc.assert(
      fc.property(configuration, fc.boolean(), (body, wrapped) => {
        const inner = { apiVersion: "pod-security.admission.config.k8s.io/v1", kind: "PodSecurityConfiguration", ...body };
        const document = wrapped
          ? {
              apiVersion: "apiserver.config.k8s.io/v1",
              kind: "AdmissionConfiguration",
              plugins: [{ name: "PodSecurity", configuration: inner }],
            }
          : inner;
        const loaded = loadPolicies([{ file: "psa.yaml", content: dump(document) }]);
        for (const error of loaded.errors) expect(error.line).toBeGreaterThanOrEqual(1);
        expect(loaded.errors.length > 0 || loaded.podSecurityAdmission !== undefined).toBe(true);
      }),
      { numRuns: 400 },
    );
  });

  it("any labels on the Namespace: no throw, and a privileged pod there passes enforce only under a valid privileged enforce label", async () => {
    const policies = await shippedPolicies();
    const labelValue = fc.oneof(
      fc.constantFrom("privileged", "baseline", "restricted", "latest", "v1.0", "v1.99", "Privileged", ""),
      fc.string(),
      anyValue,
    );
    const labels = fc.dictionary(
      fc.constantFrom(
        "pod-security.kubernetes.io/enforce",
        "pod-security.kubernetes.io/enforce-version",
        "pod-security.kubernetes.io/warn",
        "pod-security.kubernetes.io/audit",
        "team",
      ),
      labelValue,
    );
    fc.assert(
      fc.property(labels, (given) => {
        const namespace = dump({ apiVersion: "v1", kind: "Namespace", metadata: { name: "fuzz", labels: given } });
        const pod =
          "apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: fuzz}\nspec:\n  containers:\n  - name: c\n    image: nginx\n    securityContext: {privileged: true}\n";
        const result = evaluate([loadManifestFile("ns.yaml", namespace), loadManifestFile("pod.yaml", pod)], policies);
        const denied = result.findings.some((finding) => finding.action === "deny" && finding.rule === "privileged");
        const enforce = given["pod-security.kubernetes.io/enforce"];
        expect(denied || enforce === "privileged" || result.errors.length > 0).toBe(true);
      }),
      { numRuns: 400 },
    );
  });
});
