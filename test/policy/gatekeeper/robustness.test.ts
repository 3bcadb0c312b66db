/**
 * Bad input never crashes an evaluator: whatever a manifest holds where a kind looks (wrong types,
 * nulls, nested junk), every kind returns violations — it does not throw.
 */
import { describe, expect, it } from "@jest/globals";
import fc from "fast-check";
import type { JsonObject, JsonValue, Manifest } from "../../../src/manifests/types.js";
import { gatekeeperLibrary } from "../../../src/policy/gatekeeper/index.js";
import type { EvaluationContext, Evaluator } from "../../../src/policy/types.js";

/** Parameters that exercise each kind's checks as much as possible. */
const PARAMETERS: Record<string, JsonValue> = {
  K8sAllowedRepos: { repos: ["registry.example.com/"] },
  K8sAllowedReposv2: { allowedImages: ["registry.example.com/*", "nginx:1"] },
  K8sDisallowedRepos: { repos: ["docker.io/"] },
  K8sDisallowedTags: { tags: ["latest"], exemptImages: ["safe/*"] },
  K8sRequiredLabels: { labels: [{ key: "owner", allowedRegex: "^[a-z]+$" }, { key: "app" }] },
  K8sRequiredAnnotations: { annotations: [{ key: "owner", allowedRegex: "^[a-z]+$" }] },
  K8sContainerLimits: { cpu: "1", memory: "1Gi" },
  K8sContainerRequests: { cpu: "1", memory: "1Gi" },
  K8sContainerRatios: { ratio: "2", cpuRatio: "4" },
  K8sRequiredResources: { limits: ["cpu", "memory"], requests: ["cpu"] },
  K8sContainerEphemeralStorageLimit: { "ephemeral-storage": "1Gi" },
  K8sRequiredProbes: { probes: ["readinessProbe", "livenessProbe"], probeTypes: ["httpGet", "exec"] },
  K8sReplicaLimits: { ranges: [{ min_replicas: 1, max_replicas: 3 }] },
  K8sHorizontalPodAutoscaler: { enforceScaleTargetRef: true, minimumReplicaSpread: 1, ranges: [{ min_replicas: 1, max_replicas: 3 }] },
  K8sExternalIPs: { allowedIPs: ["1.2.3.4"] },
  K8sDisallowAnonymous: { allowedRoles: ["view"], disallowAuthenticated: true },
  K8sStorageClass: { allowedStorageClasses: ["fast"] },
  VerifyDeprecatedAPI: { kvs: [{ deprecatedAPI: "apps/v1beta1", kinds: ["Deployment"], targetAPI: "apps/v1" }], k8sVersion: 1.16 },
  K8sPSPAppArmor: { allowedProfiles: ["runtime/default"] },
  K8sPSPCapabilities: { allowedCapabilities: ["NET_BIND_SERVICE"], requiredDropCapabilities: ["ALL"] },
  K8sPSPFlexVolumes: { allowedFlexVolumes: [{ driver: "example/lvm" }] },
  K8sPSPForbiddenSysctls: { forbiddenSysctls: ["kernel.*"], allowedSysctls: ["net.*"] },
  K8sPSPFSGroup: { rule: "MustRunAs", ranges: [{ min: 1, max: 100 }] },
  K8sPSPHostFilesystem: { allowedHostPaths: [{ pathPrefix: "/foo", readOnly: true }] },
  K8sPSPHostNetworkingPorts: { hostNetwork: false, min: 80, max: 9000 },
  K8sPSPProcMount: { procMount: "Default" },
  K8sPSPSeccomp: { allowedProfiles: ["runtime/default", "Localhost"], allowedLocalhostFiles: ["a.json"] },
  K8sPSPSeccompV2: { allowedProfiles: ["RuntimeDefault", "Localhost"], allowedLocalhostFiles: ["a.json"] },
  K8sPSPSELinuxV2: { allowedSELinuxOptions: [{ type: "container_t" }] },
  K8sPSPAllowedUsers: {
    runAsUser: { rule: "MustRunAs", ranges: [{ min: 1, max: 100 }] },
    runAsGroup: { rule: "MayRunAs", ranges: [{ min: 1, max: 100 }] },
    supplementalGroups: { rule: "MustRunAs", ranges: [{ min: 1, max: 100 }] },
    fsGroup: { rule: "MustRunAs", ranges: [{ min: 1, max: 100 }] },
  },
  K8sPSPVolumeTypes: { volumes: ["configMap"] },
};

const evaluators: [string, Evaluator][] = gatekeeperLibrary.map((kind) => {
  const compiled = kind.compile(PARAMETERS[kind.kind]);
  if ("errors" in compiled) throw new Error(`${kind.kind}: ${JSON.stringify(compiled.errors)}`);
  return [kind.kind, compiled.evaluator];
});

const junk = fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<JsonValue>;
/** Objects shaped like the ones the kinds read, with junk in every field. */
const container = fc.record(
  {
    name: fc.oneof(fc.string(), junk),
    image: fc.oneof(fc.constantFrom("nginx", "nginx:latest", "registry.example.com/a@sha256:ab", "safe/x"), junk),
    resources: fc.oneof(
      fc.record(
        { limits: fc.dictionary(fc.constantFrom("cpu", "memory", "ephemeral-storage"), junk), requests: junk },
        { requiredKeys: [] },
      ),
      junk,
    ),
    securityContext: fc.oneof(
      fc.dictionary(
        fc.constantFrom(
          "privileged",
          "capabilities",
          "runAsUser",
          "seccompProfile",
          "procMount",
          "seLinuxOptions",
          "windowsOptions",
          "appArmorProfile",
        ),
        junk,
      ),
      junk,
    ),
    ports: junk,
    volumeMounts: junk,
    livenessProbe: junk,
    lifecycle: junk,
    stdin: junk,
  },
  { requiredKeys: [] },
);
const object = fc.record(
  {
    apiVersion: fc.constantFrom("v1", "apps/v1", "networking.k8s.io/v1", "policy/v1", "autoscaling/v2"),
    kind: fc.constantFrom(
      "Pod",
      "Deployment",
      "Service",
      "Ingress",
      "PodDisruptionBudget",
      "HorizontalPodAutoscaler",
      "PersistentVolumeClaim",
      "StatefulSet",
      "ClusterRoleBinding",
    ),
    metadata: fc.oneof(fc.record({ name: junk, namespace: junk, labels: junk, annotations: junk }, { requiredKeys: [] }), junk),
    spec: fc.oneof(
      fc.record(
        {
          containers: fc.oneof(fc.array(fc.oneof(container, junk), { maxLength: 3 }), junk),
          initContainers: fc.oneof(fc.array(container, { maxLength: 2 }), junk),
          volumes: junk,
          securityContext: junk,
          rules: junk,
          selector: junk,
          replicas: junk,
          type: junk,
          externalIPs: junk,
          tls: junk,
          minReplicas: junk,
          maxReplicas: junk,
          scaleTargetRef: junk,
          maxUnavailable: junk,
          minAvailable: junk,
          storageClassName: junk,
          volumeClaimTemplates: junk,
          hostNetwork: junk,
        },
        { requiredKeys: [] },
      ),
      junk,
    ),
    subjects: junk,
    roleRef: junk,
  },
  { requiredKeys: ["apiVersion", "kind"] },
) as fc.Arbitrary<JsonObject>;

describe("every Gatekeeper kind on malformed objects", () => {
  it("returns violations instead of throwing", () => {
    fc.assert(
      fc.property(object, fc.array(object, { maxLength: 3 }), (reviewed, others) => {
        const inventory: Manifest[] = [reviewed, ...others].map((o) => ({
          file: "x.yaml",
          object: o,
          locate: () => ({ line: 1, column: 1, endLine: 1, endColumn: 1 }),
        }));
        const context: EvaluationContext = { inventory, namespaces: new Map() };
        for (const [kind, evaluate] of evaluators) {
          let violations;
          try {
            violations = evaluate(reviewed, context);
          } catch (error) {
            throw new Error(`${kind} threw on ${JSON.stringify(reviewed)}: ${String(error)}`);
          }
          for (const v of violations) expect(typeof v.message).toBe("string");
        }
      }),
      { numRuns: 300 },
    );
  });
});
