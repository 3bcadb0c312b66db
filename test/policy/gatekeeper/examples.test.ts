/** The example constraints shipped in policies/gatekeeper/ load, and do what their comments say. */
import { describe, expect, it } from "@jest/globals";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { loadManifestFile } from "../../../src/manifests/load.js";
import { evaluate } from "../../../src/policy/engine.js";
import { loadPolicies } from "../../../src/config/policy-files.js";

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const EXAMPLES = path.join(REPO, "policies/gatekeeper");
const sources = readdirSync(EXAMPLES)
  .filter((name) => name.endsWith(".yaml"))
  .sort()
  .map((name) => ({ file: `policies/gatekeeper/${name}`, content: readFileSync(path.join(EXAMPLES, name), "utf8") }));

const deploymentIn = (namespace: string) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: ${namespace}
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: web
        image: evil.example.com/web:latest
`;

describe("example Gatekeeper constraints", () => {
  it("load without errors, each explained by a comment header", () => {
    const loaded = loadPolicies(sources);
    expect(loaded.errors).toEqual([]);
    expect(loaded.policies.map((p) => `${p.kind}/${p.name}: ${p.enforcementAction}`).sort()).toEqual([
      "K8sAllowedRepos/allowed-registries: deny",
      "K8sContainerLimits/container-limits: warn",
      "K8sDisallowedTags/disallow-latest-tag: warn",
      "K8sRequiredLabels/required-labels: warn",
    ]);
    for (const source of sources) expect(source.content.startsWith("# ")).toBe(true);
  });

  it("flag a careless Deployment, and leave kube-system alone", () => {
    const { policies } = loadPolicies(sources);
    const judge = (namespace: string) =>
      evaluate([loadManifestFile("deploy.yaml", deploymentIn(namespace))], policies)
        .findings.map((f) => `${f.policy}: ${f.message}`)
        .sort();
    expect(judge("shop")).toEqual([
      'allowed-registries: container <web> has an invalid image repo <evil.example.com/web:latest>, allowed repos are ["registry.k8s.io/", "docker.io/", "ghcr.io/", "quay.io/", "gcr.io/", "public.ecr.aws/", "mcr.microsoft.com/"]',
      "container-limits: container <web> has no resource limits",
      'disallow-latest-tag: container <web> uses a disallowed tag <evil.example.com/web:latest>; disallowed tags are ["latest"]',
      'required-labels: you must provide labels: {"app.kubernetes.io/name", "owner"}',
    ]);
    expect(judge("kube-system")).toEqual([]);
  });
});
