/** Runs constraints against manifests through the real pipeline, for behaviour tests. */
import { expect } from "@jest/globals";
import { loadManifestFile } from "../../../src/manifests/load.js";
import { evaluate } from "../../../src/policy/engine.js";
import { loadPolicies } from "../../../src/config/policy-files.js";
import type { Finding } from "../../../src/policy/types.js";

/** A constraint of `kind` with `parameters` (YAML, indented under `parameters:`), matching `kinds`. */
export function constraint(kind: string, parameters: string, match = 'kinds: [{apiGroups: [""], kinds: ["Pod"]}]'): string {
  return `apiVersion: constraints.gatekeeper.sh/v1beta1
kind: ${kind}
metadata:
  name: under-test
spec:
  match:
    ${match}
${parameters ? `  parameters:\n${parameters.replace(/^/gm, "    ")}` : ""}
`;
}

/** Findings of one constraint over manifest files (`{file: content}`), all files forming the inventory. */
export function check(constraintYaml: string, files: Record<string, string>): Finding[] {
  const loaded = loadPolicies([{ file: "policy.yaml", content: constraintYaml }]);
  expect(loaded.errors).toEqual([]);
  const manifests = Object.entries(files).map(([file, content]) => loadManifestFile(file, content));
  for (const m of manifests) expect(m.errors).toEqual([]);
  return evaluate(manifests, loaded.policies).findings;
}

export const messages = (findings: readonly Finding[]): string[] => findings.map((f) => f.message);

export function pod(spec: string, metadata = "name: app"): string {
  return `apiVersion: v1
kind: Pod
metadata:
${metadata.replace(/^/gm, "  ")}
spec:
${spec.replace(/^/gm, "  ")}
`;
}

export function deployment(podSpec: string, name = "web", extraSpec = ""): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
spec:
${extraSpec.replace(/^/gm, "  ")}
  selector:
    matchLabels: {app: ${name}}
  template:
    metadata:
      labels: {app: ${name}}
    spec:
${podSpec.replace(/^/gm, "      ")}
`;
}
