/**
 * A hand-built evaluation of the OWASP K04 breakout pod plus one broken file, for formatter tests.
 * Positions as the loader gives them: 1-based, the end column is that of the last character.
 */
import type { EvaluationResult } from "../../src/policy/engine.js";
import type { Finding } from "../../src/policy/types.js";

const breakoutPod = { apiVersion: "v1", kind: "Pod", namespace: "default", name: "r00t" };

export const hostPidFinding: Finding = {
  policy: "pod-security-baseline",
  policyKind: "PodSecurity",
  rule: "hostNamespaces",
  action: "deny",
  message: "host namespaces (hostPID=true)",
  file: "examples/attacks/breakout-pod.yaml",
  line: 6,
  column: 3,
  endLine: 6,
  endColumn: 15,
  resource: breakoutPod,
  path: "spec.hostPID",
  fingerprint: "0b1c2d3e4f5a6b7c",
};

export const privilegedFinding: Finding = {
  policy: "pod-security-baseline",
  policyKind: "PodSecurity",
  rule: "privileged",
  action: "deny",
  message: 'privileged (container "1" must not set securityContext.privileged=true)',
  file: "examples/attacks/breakout-pod.yaml",
  line: 15,
  column: 7,
  endLine: 15,
  endColumn: 22,
  resource: breakoutPod,
  container: "1",
  path: "spec.containers[0].securityContext.privileged",
  fingerprint: "1c2d3e4f5a6b7c8d",
};

export const untrustedRepoFinding: Finding = {
  policy: "allowed-repos",
  policyKind: "K8sAllowedRepos",
  rule: "K8sAllowedRepos",
  action: "warn",
  message: 'container <billing> has an invalid image repo <docker.io/randomuser/miner:latest>, allowed repos are ["ghcr.io/example-org/"]',
  file: "examples/apps/billing/deployment.yaml",
  line: 29,
  column: 11,
  endLine: 29,
  endColumn: 51,
  resource: { apiVersion: "apps/v1", kind: "Deployment", namespace: "shop", name: "billing" },
  container: "billing",
  path: "spec.template.spec.containers[0].image",
  fingerprint: "2d3e4f5a6b7c8d9e",
};

export const dryrunFinding: Finding = {
  policy: "required-labels",
  policyKind: "K8sRequiredLabels",
  rule: "K8sRequiredLabels",
  action: "dryrun",
  message: 'you must provide labels: {"owner"}',
  file: "examples/cluster/namespaces.yaml",
  line: 5,
  column: 3,
  endLine: 7,
  endColumn: 44,
  resource: { apiVersion: "v1", kind: "Namespace", name: "shop" },
  path: "metadata.labels",
  fingerprint: "3e4f5a6b7c8d9e0f",
};

export function sampleResult(): EvaluationResult {
  return {
    findings: [untrustedRepoFinding, hostPidFinding, privilegedFinding, dryrunFinding],
    errors: [{ file: "examples/broken.yaml", line: 4, column: 7, message: "bad indentation of a mapping entry" }],
    summary: { files: 4, resources: 4, deny: 2, warn: 1, dryrun: 1, errors: 1 },
  };
}

export function emptyResult(): EvaluationResult {
  return { findings: [], errors: [], summary: { files: 2, resources: 3, deny: 0, warn: 0, dryrun: 0, errors: 0 } };
}
