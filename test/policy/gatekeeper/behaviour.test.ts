/**
 * Behaviour of the library kinds beyond the upstream suites: workloads judged through their Pod,
 * Kubernetes quantity semantics, exemptImages prefixes, and the inventory-based kinds in a static
 * setting (the object under review is part of the inventory and must not conflict with itself).
 */
import { describe, expect, it } from "@jest/globals";
import { check, constraint, deployment, messages, pod } from "./pipeline.js";

const limits = (resources: string): string =>
  `containers:\n- name: app\n  image: registry.example.com/app:1.0\n  resources:\n${resources.replace(/^/gm, "    ")}`;

describe("pod-level kinds on workloads", () => {
  it("judge a Deployment's pod template and point at the template's field", () => {
    const findings = check(constraint("K8sDisallowedTags", "tags: [latest]"), {
      "deploy.yaml": deployment("containers:\n- name: app\n  image: registry.example.com/app:latest"),
    });
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      message: 'container <app> uses a disallowed tag <registry.example.com/app:latest>; disallowed tags are ["latest"]',
      path: "spec.template.spec.containers[0].image",
      container: "app",
      line: 15,
      resource: { kind: "Deployment", name: "web" },
    });
  });

  it("exempt images by exact name or by a prefix ending in *", () => {
    const policy = constraint("K8sPSPPrivilegedContainer", "exemptImages: [registry.example.com/debug/*, busybox:1.36]");
    const spec = (image: string) => pod(`containers:\n- name: c\n  image: ${image}\n  securityContext: {privileged: true}`);
    expect(check(policy, { "a.yaml": spec("registry.example.com/debug/shell:1") })).toEqual([]);
    expect(check(policy, { "a.yaml": spec("busybox:1.36") })).toEqual([]);
    expect(messages(check(policy, { "a.yaml": spec("busybox:1.37") }))).toEqual([
      'Privileged container is not allowed: c, securityContext: {"privileged": true}',
    ]);
    expect(check(policy, { "a.yaml": spec("registry.example.com/debugger:1") })).toHaveLength(1);
  });
});

describe("container limits use Kubernetes quantities", () => {
  const policy = constraint("K8sContainerLimits", 'cpu: "1"\nmemory: 1Gi');

  it("compares amounts written in any notation the API server accepts", () => {
    expect(check(policy, { "p.yaml": pod(limits("limits: {cpu: 500m, memory: 1e9}")) })).toEqual([]);
    expect(check(policy, { "p.yaml": pod(limits("limits: {cpu: 1, memory: 1073741824}")) })).toEqual([]);
    expect(check(policy, { "p.yaml": pod(limits('limits: {cpu: "0.5", memory: 0.5Gi}')) })).toEqual([]);
    expect(messages(check(policy, { "p.yaml": pod(limits("limits: {cpu: 1001m, memory: 1025Mi}")) }))).toEqual([
      "container <app> cpu limit <1001m> is higher than the maximum allowed of <1>",
      "container <app> memory limit <1025Mi> is higher than the maximum allowed of <1Gi>",
    ]);
  });

  it("reports an amount that is not a quantity", () => {
    expect(messages(check(policy, { "p.yaml": pod(limits("limits: {cpu: lots, memory: 1Gi}")) }))).toEqual([
      "container <app> cpu limit <lots> could not be parsed",
    ]);
  });

  it("reports missing limits once per container, and each missing resource", () => {
    const none = pod("containers:\n- name: app\n  image: registry.example.com/app:1.0");
    expect(messages(check(policy, { "p.yaml": none }))).toEqual(["container <app> has no resource limits"]);
    expect(messages(check(policy, { "p.yaml": pod(limits("limits: {}")) })).sort()).toEqual([
      "container <app> has no cpu limit",
      "container <app> has no memory limit",
    ]);
  });

  it('drops every CPU check with cpu: "-1"', () => {
    const noCpu = constraint("K8sContainerLimits", 'cpu: "-1"\nmemory: 1Gi');
    expect(check(noCpu, { "p.yaml": pod(limits("limits: {memory: 512Mi}")) })).toEqual([]);
  });

  it("judges ratios exactly", () => {
    const ratio = constraint("K8sContainerRatios", 'ratio: "1.5"');
    expect(check(ratio, { "p.yaml": pod(limits("limits: {cpu: 300m, memory: 1.5Gi}\nrequests: {cpu: 200m, memory: 1Gi}")) })).toEqual([]);
    expect(
      messages(check(ratio, { "p.yaml": pod(limits("limits: {cpu: 301m, memory: 1.5Gi}\nrequests: {cpu: 200m, memory: 1Gi}")) })),
    ).toEqual(["container <app> cpu limit <301m> is higher than the maximum allowed ratio of <1.5>"]);
  });
});

describe("kinds that compare an object with the inventory", () => {
  const ingress = (name: string, host: string, apiVersion = "networking.k8s.io/v1") => `apiVersion: ${apiVersion}
kind: Ingress
metadata: {name: ${name}, namespace: web}
spec:
  rules:
  - host: ${host}
`;

  it("do not find an object in conflict with itself", () => {
    expect(
      check(constraint("K8sUniqueIngressHost", "", 'kinds: [{apiGroups: ["networking.k8s.io"], kinds: ["Ingress"]}]'), {
        "a.yaml": ingress("a", "shop.example.com"),
      }),
    ).toEqual([]);
  });

  it("find two objects of the change in conflict with each other", () => {
    const findings = check(constraint("K8sUniqueIngressHost", "", 'kinds: [{apiGroups: ["networking.k8s.io"], kinds: ["Ingress"]}]'), {
      "a.yaml": ingress("a", "shop.example.com"),
      "b.yaml": ingress("b", "shop.example.com"),
    });
    expect(findings.map((f) => `${f.file}: ${f.message}`)).toEqual([
      "a.yaml: ingress host conflicts with an existing ingress <shop.example.com>",
      "b.yaml: ingress host conflicts with an existing ingress <shop.example.com>",
    ]);
  });

  it("compare Service selectors within a namespace only", () => {
    const service = (name: string, namespace: string) => `apiVersion: v1
kind: Service
metadata: {name: ${name}, namespace: ${namespace}}
spec:
  selector: {app: web}
  ports: [{port: 80}]
`;
    const policy = constraint("K8sUniqueServiceSelector", "", 'kinds: [{apiGroups: [""], kinds: ["Service"]}]');
    expect(check(policy, { "a.yaml": service("a", "team-a"), "b.yaml": service("b", "team-b") })).toEqual([]);
    expect(messages(check(policy, { "a.yaml": service("a", "team-a"), "b.yaml": service("b", "team-a") }))).toEqual([
      "same selector as service <b> in namespace <team-a>",
      "same selector as service <a> in namespace <team-a>",
    ]);
  });

  it("find a scale target among the other manifests", () => {
    const hpa = `apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: web}
spec:
  minReplicas: 2
  maxReplicas: 5
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
`;
    const policy = constraint(
      "K8sHorizontalPodAutoscaler",
      "enforceScaleTargetRef: true",
      'kinds: [{apiGroups: ["autoscaling"], kinds: ["HorizontalPodAutoscaler"]}]',
    );
    expect(check(policy, { "hpa.yaml": hpa, "deploy.yaml": deployment("containers: [{name: app, image: app:1}]") })).toEqual([]);
    expect(messages(check(policy, { "hpa.yaml": hpa }))).toEqual([
      "The HorizontalPodAutoscaler <web> has a scaleTargetRef of <Deployment/web> but it does not exist. The scaleTargetRef for the HorizontalPodAutoscaler must exist",
    ]);
  });

  it("accept a storage class that the change defines", () => {
    const policy = constraint("K8sStorageClass", "", 'kinds: [{apiGroups: [""], kinds: ["PersistentVolumeClaim"]}]');
    const pvc = `apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: data}
spec:
  storageClassName: fast
  accessModes: [ReadWriteOnce]
  resources: {requests: {storage: 1Gi}}
`;
    const storageClass = "apiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata: {name: fast}\nprovisioner: example.com/disk\n";
    expect(check(policy, { "pvc.yaml": pvc, "sc.yaml": storageClass })).toEqual([]);
    expect(messages(check(policy, { "pvc.yaml": pvc.replace("fast", "slow"), "sc.yaml": storageClass }))).toEqual([
      "pvc did not specify a valid storage class name <slow>. Must be one of [fast]",
    ]);
  });
});

describe("PodDisruptionBudgets", () => {
  const policy = constraint(
    "K8sPodDisruptionBudget",
    "",
    'kinds: [{apiGroups: ["apps"], kinds: ["Deployment"]}, {apiGroups: ["policy"], kinds: ["PodDisruptionBudget"]}]',
  );
  const pdb = (budget: string) => `apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: web}
spec:
  ${budget}
  selector: {matchLabels: {app: web}}
`;
  const web = deployment("containers: [{name: app, image: app:1}]", "web", "replicas: 3");

  it("read percentages as shares of the replicas, rounded up", () => {
    expect(check(policy, { "d.yaml": web, "pdb.yaml": pdb('minAvailable: "50%"') })).toEqual([]);
    expect(messages(check(policy, { "d.yaml": web, "pdb.yaml": pdb('minAvailable: "100%"') }))).toEqual([
      "Deployment <web> has 3 replica(s) but PodDisruptionBudget <web> has minAvailable of 100%, PodDisruptionBudget count should always be lower than replica(s), and not used when replica(s) is set to 1",
    ]);
    expect(messages(check(policy, { "pdb.yaml": pdb('maxUnavailable: "0%"') }))).toEqual([
      "PodDisruptionBudget <web> has maxUnavailable of 0, only positive integers are allowed for maxUnavailable",
    ]);
  });

  it("judge a Deployment without replicas as the API server's default of 1", () => {
    const single = deployment("containers: [{name: app, image: app:1}]", "web");
    expect(check(policy, { "d.yaml": single, "pdb.yaml": pdb("minAvailable: 1") })).toHaveLength(1);
  });
});

describe("judging manifests as CREATE requests", () => {
  it("never reports NoUpdateServiceAccount, which only judges updates", () => {
    const policy = constraint("NoUpdateServiceAccount", "allowedUsers: []", 'kinds: [{apiGroups: ["apps"], kinds: ["Deployment"]}]');
    expect(check(policy, { "d.yaml": deployment("serviceAccountName: changed\ncontainers: [{name: app, image: app:1}]") })).toEqual([]);
  });

  it("judges a workload without replicas against replica limits as 1 replica", () => {
    const policy = constraint(
      "K8sReplicaLimits",
      "ranges: [{min_replicas: 2, max_replicas: 10}]",
      'kinds: [{apiGroups: ["apps"], kinds: ["Deployment"]}]',
    );
    expect(messages(check(policy, { "d.yaml": deployment("containers: [{name: app, image: app:1}]") }))).toEqual([
      'The provided number of replicas is not allowed for Deployment: web. Allowed ranges: {"ranges": [{"max_replicas": 10, "min_replicas": 2}]}',
    ]);
  });
});

describe("Services without a selector", () => {
  it("are not compared: they select no Pods", () => {
    const external = (name: string) =>
      `apiVersion: v1\nkind: Service\nmetadata: {name: ${name}}\nspec:\n  type: ExternalName\n  externalName: ${name}.example.com\n`;
    const policy = constraint("K8sUniqueServiceSelector", "", 'kinds: [{apiGroups: [""], kinds: ["Service"]}]');
    expect(check(policy, { "a.yaml": external("a"), "b.yaml": external("b") })).toEqual([]);
  });
});
