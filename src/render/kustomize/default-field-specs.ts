/**
 * The field specs kustomize v5.5 uses when a kustomization does not add its own (`configurations:`):
 * where labels, annotations, namespaces, names, images and replicas live in built-in kinds, and which
 * fields refer to other objects by name. Ported from kustomize's builtin plugin constants; the pod
 * template paths are generated per workload kind rather than spelled out 8 times.
 */
import type { FieldSpec } from "./field-spec.js";

export interface NameReference {
  group?: string;
  version?: string;
  kind: string;
  fieldSpecs: FieldSpec[];
}

export interface TransformerConfig {
  namePrefix: FieldSpec[];
  nameSuffix: FieldSpec[];
  namespace: FieldSpec[];
  commonLabels: FieldSpec[];
  templateLabels: FieldSpec[];
  commonAnnotations: FieldSpec[];
  varReference: FieldSpec[];
  nameReference: NameReference[];
  images: FieldSpec[];
  replicas: FieldSpec[];
}

type Selector = Omit<FieldSpec, "path" | "create">;

/** Where the pod spec sits, per workload kind. */
const POD_SPEC: readonly [Selector, string][] = [
  [{ version: "v1", kind: "Pod" }, "spec"],
  [{ kind: "PodTemplate" }, "template/spec"],
  [{ kind: "Deployment" }, "spec/template/spec"],
  [{ kind: "ReplicaSet" }, "spec/template/spec"],
  [{ kind: "DaemonSet" }, "spec/template/spec"],
  [{ kind: "StatefulSet" }, "spec/template/spec"],
  [{ kind: "Job" }, "spec/template/spec"],
  [{ kind: "CronJob" }, "spec/jobTemplate/spec/template/spec"],
];

/** The workload kinds whose pod spec carries service accounts, claims and priority classes. */
const POD_SPEC_OWNERS: readonly [Selector, string][] = [
  [{ kind: "Pod" }, "spec"],
  [{ kind: "StatefulSet" }, "spec/template/spec"],
  [{ kind: "Deployment" }, "spec/template/spec"],
  [{ kind: "ReplicationController" }, "spec/template/spec"],
  [{ kind: "CronJob" }, "spec/jobTemplate/spec/template/spec"],
  [{ kind: "Job" }, "spec/template/spec"],
  [{ kind: "DaemonSet" }, "spec/template/spec"],
];

function inPodSpecs(owners: readonly [Selector, string][], ...fields: string[]): FieldSpec[] {
  return owners.flatMap(([selector, prefix]) => fields.map((field) => ({ ...selector, path: `${prefix}/${field}` })));
}

function onKinds(path: string, create: boolean, ...selectors: Selector[]): FieldSpec[] {
  return selectors.map((selector) => ({ ...selector, path, create }));
}

const CONTAINER_KINDS = ["containers", "initContainers"];

const METADATA_LABELS: FieldSpec[] = [
  { path: "metadata/labels", create: true },
  ...onKinds(
    "spec/template/metadata/labels",
    true,
    { version: "v1", kind: "ReplicationController" },
    { kind: "Deployment" },
    { kind: "ReplicaSet" },
    { kind: "DaemonSet" },
    { group: "apps", kind: "StatefulSet" },
    { group: "batch", kind: "Job" },
  ),
  { group: "batch", kind: "CronJob", path: "spec/jobTemplate/metadata/labels", create: true },
  { group: "batch", kind: "CronJob", path: "spec/jobTemplate/spec/template/metadata/labels", create: true },
  // In kustomize v5.5 a StatefulSet's claim templates are template labels too (`labels` with
  // includeTemplates labels them); later versions moved them behind their own option.
  { group: "apps", kind: "StatefulSet", path: "spec/volumeClaimTemplates[]/metadata/labels", create: true },
];

const AFFINITY_SELECTORS = [
  "spec/template/spec/affinity/podAffinity/preferredDuringSchedulingIgnoredDuringExecution/podAffinityTerm/labelSelector/matchLabels",
  "spec/template/spec/affinity/podAffinity/requiredDuringSchedulingIgnoredDuringExecution/labelSelector/matchLabels",
  "spec/template/spec/affinity/podAntiAffinity/preferredDuringSchedulingIgnoredDuringExecution/podAffinityTerm/labelSelector/matchLabels",
  "spec/template/spec/affinity/podAntiAffinity/requiredDuringSchedulingIgnoredDuringExecution/labelSelector/matchLabels",
  "spec/template/spec/topologySpreadConstraints/labelSelector/matchLabels",
];

const COMMON_LABELS: FieldSpec[] = [
  ...onKinds("spec/selector", true, { version: "v1", kind: "Service" }, { version: "v1", kind: "ReplicationController" }),
  { kind: "Deployment", path: "spec/selector/matchLabels", create: true },
  ...AFFINITY_SELECTORS.map((path) => ({ group: "apps", kind: "Deployment", path, create: false })),
  { kind: "ReplicaSet", path: "spec/selector/matchLabels", create: true },
  { kind: "DaemonSet", path: "spec/selector/matchLabels", create: true },
  { group: "apps", kind: "StatefulSet", path: "spec/selector/matchLabels", create: true },
  ...AFFINITY_SELECTORS.map((path) => ({ group: "apps", kind: "StatefulSet", path, create: false })),
  { group: "batch", kind: "Job", path: "spec/selector/matchLabels", create: false },
  { group: "batch", kind: "CronJob", path: "spec/jobTemplate/spec/selector/matchLabels", create: false },
  { group: "policy", kind: "PodDisruptionBudget", path: "spec/selector/matchLabels", create: false },
  ...["spec/podSelector/matchLabels", "spec/ingress/from/podSelector/matchLabels", "spec/egress/to/podSelector/matchLabels"].map(
    (path) => ({
      group: "networking.k8s.io",
      kind: "NetworkPolicy",
      path,
      create: false,
    }),
  ),
  ...METADATA_LABELS,
];

const COMMON_ANNOTATIONS: FieldSpec[] = [
  { path: "metadata/annotations", create: true },
  { version: "v1", kind: "ReplicationController", path: "spec/template/metadata/annotations", create: true },
  ...onKinds(
    "spec/template/metadata/annotations",
    true,
    { kind: "Deployment" },
    { kind: "ReplicaSet" },
    { kind: "DaemonSet" },
    { kind: "StatefulSet" },
    { group: "batch", kind: "Job" },
  ),
  { group: "batch", kind: "CronJob", path: "spec/jobTemplate/metadata/annotations", create: true },
  { group: "batch", kind: "CronJob", path: "spec/jobTemplate/spec/template/metadata/annotations", create: true },
];

const NAMESPACE: FieldSpec[] = [
  { kind: "Namespace", path: "metadata/name", create: true },
  { group: "apiregistration.k8s.io", kind: "APIService", path: "spec/service/namespace", create: true },
  { group: "apiextensions.k8s.io", kind: "CustomResourceDefinition", path: "spec/conversion/webhook/clientConfig/service/namespace" },
];

const VAR_REFERENCE: FieldSpec[] = [
  ...[
    [{ kind: "CronJob" }, "spec/jobTemplate/spec/template/spec", "spec/jobTemplate/spec/template/volumes/nfs/server"] as const,
    [{ kind: "DaemonSet" }, "spec/template/spec", "spec/template/spec/volumes/nfs/server"] as const,
    [{ kind: "Deployment" }, "spec/template/spec", "spec/template/spec/volumes/nfs/server"] as const,
    [{ kind: "Job" }, "spec/template/spec", "spec/template/spec/volumes/nfs/server"] as const,
    [{ kind: "Pod" }, "spec", "spec/volumes/nfs/server"] as const,
    [{ kind: "ReplicaSet" }, "spec/template/spec", "spec/template/spec/volumes/nfs/server"] as const,
    [{ kind: "StatefulSet" }, "spec/template/spec", "spec/volumeClaimTemplates/spec/nfs/server"] as const,
  ].flatMap(([selector, podSpec, nfs]) => [
    ...CONTAINER_KINDS.flatMap((containers) =>
      ["args", "command", "env/value", "volumeMounts/mountPath"].map((field) => ({
        ...selector,
        path: `${podSpec}/${containers}/${field}`,
      })),
    ),
    { ...selector, path: nfs },
  ]),
  { kind: "Deployment", path: "spec/template/metadata/annotations" },
  { kind: "Ingress", path: "spec/rules/host" },
  { kind: "Ingress", path: "spec/tls/hosts" },
  { kind: "Ingress", path: "spec/tls/secretName" },
  { kind: "Service", path: "spec/ports/port" },
  { kind: "Service", path: "spec/ports/targetPort" },
  { kind: "PersistentVolume", path: "spec/nfs/server" },
  { path: "metadata/labels" },
  { path: "metadata/annotations" },
];

function configMapOrSecretReferences(
  refField: "configMapKeyRef" | "secretKeyRef",
  fromField: "configMapRef" | "secretRef",
  volume: string,
  projected: string,
): FieldSpec[] {
  return inPodSpecs(
    POD_SPEC,
    volume,
    ...CONTAINER_KINDS.flatMap((containers) => [`${containers}/env/valueFrom/${refField}/name`, `${containers}/envFrom/${fromField}/name`]),
    projected,
  );
}

const NAME_REFERENCE: NameReference[] = [
  ...["Deployment", "ReplicationController", "ReplicaSet", "StatefulSet"].map((kind) => ({
    kind,
    fieldSpecs: [{ kind: "HorizontalPodAutoscaler", path: "spec/scaleTargetRef/name" }],
  })),
  {
    kind: "ConfigMap",
    version: "v1",
    fieldSpecs: [
      ...configMapOrSecretReferences(
        "configMapKeyRef",
        "configMapRef",
        "volumes/configMap/name",
        "volumes/projected/sources/configMap/name",
      ),
      { kind: "Node", path: "spec/configSource/configMap" },
      { kind: "Role", path: "rules/resourceNames" },
      { kind: "ClusterRole", path: "rules/resourceNames" },
      { kind: "Ingress", path: "metadata/annotations/nginx.ingress.kubernetes.io\\/fastcgi-params-configmap" },
    ],
  },
  {
    kind: "Secret",
    version: "v1",
    fieldSpecs: [
      ...configMapOrSecretReferences("secretKeyRef", "secretRef", "volumes/secret/secretName", "volumes/projected/sources/secret/name"),
      ...inPodSpecs(POD_SPEC, "imagePullSecrets/name"),
      { kind: "Ingress", path: "spec/tls/secretName" },
      { kind: "Ingress", path: "metadata/annotations/ingress.kubernetes.io\\/auth-secret" },
      { kind: "Ingress", path: "metadata/annotations/nginx.ingress.kubernetes.io\\/auth-secret" },
      { kind: "Ingress", path: "metadata/annotations/nginx.ingress.kubernetes.io\\/auth-tls-secret" },
      { kind: "ServiceAccount", path: "imagePullSecrets/name" },
      ...["secretName", "adminSecretName", "userSecretName", "secretRef"].map((field) => ({
        kind: "StorageClass",
        path: `parameters/${field}`,
      })),
      { kind: "Role", path: "rules/resourceNames" },
      { kind: "ClusterRole", path: "rules/resourceNames" },
      {
        kind: "Service",
        group: "serving.knative.dev",
        version: "v1",
        path: "spec/template/spec/containers/env/valueFrom/secretKeyRef/name",
      },
      { kind: "PersistentVolume", path: "spec/azureFile/secretName" },
    ],
  },
  {
    kind: "Service",
    version: "v1",
    fieldSpecs: [
      { kind: "StatefulSet", group: "apps", path: "spec/serviceName" },
      { kind: "Ingress", path: "spec/rules/http/paths/backend/serviceName" },
      { kind: "Ingress", path: "spec/backend/serviceName" },
      { kind: "Ingress", path: "spec/rules/http/paths/backend/service/name" },
      { kind: "Ingress", path: "spec/defaultBackend/service/name" },
      { kind: "APIService", group: "apiregistration.k8s.io", path: "spec/service/name" },
      { kind: "ValidatingWebhookConfiguration", group: "admissionregistration.k8s.io", path: "webhooks/clientConfig/service" },
      { kind: "MutatingWebhookConfiguration", group: "admissionregistration.k8s.io", path: "webhooks/clientConfig/service" },
    ],
  },
  {
    kind: "Role",
    group: "rbac.authorization.k8s.io",
    fieldSpecs: [{ kind: "RoleBinding", group: "rbac.authorization.k8s.io", path: "roleRef/name" }],
  },
  {
    kind: "ClusterRole",
    group: "rbac.authorization.k8s.io",
    fieldSpecs: [
      { kind: "RoleBinding", group: "rbac.authorization.k8s.io", path: "roleRef/name" },
      { kind: "ClusterRoleBinding", group: "rbac.authorization.k8s.io", path: "roleRef/name" },
    ],
  },
  {
    kind: "ServiceAccount",
    version: "v1",
    fieldSpecs: [
      { kind: "RoleBinding", group: "rbac.authorization.k8s.io", path: "subjects" },
      { kind: "ClusterRoleBinding", group: "rbac.authorization.k8s.io", path: "subjects" },
      ...inPodSpecs(POD_SPEC_OWNERS, "serviceAccountName"),
    ],
  },
  { kind: "PersistentVolumeClaim", version: "v1", fieldSpecs: inPodSpecs(POD_SPEC_OWNERS, "volumes/persistentVolumeClaim/claimName") },
  {
    kind: "PersistentVolume",
    version: "v1",
    fieldSpecs: [
      { kind: "PersistentVolumeClaim", path: "spec/volumeName" },
      { kind: "ClusterRole", path: "rules/resourceNames" },
    ],
  },
  {
    kind: "StorageClass",
    version: "v1",
    group: "storage.k8s.io",
    fieldSpecs: [
      { kind: "PersistentVolume", path: "spec/storageClassName" },
      { kind: "PersistentVolumeClaim", path: "spec/storageClassName" },
      { kind: "StatefulSet", path: "spec/volumeClaimTemplates/spec/storageClassName" },
    ],
  },
  { kind: "PriorityClass", version: "v1", group: "scheduling.k8s.io", fieldSpecs: inPodSpecs(POD_SPEC_OWNERS, "priorityClassName") },
  { kind: "IngressClass", version: "v1", group: "networking.k8s.io/v1", fieldSpecs: [{ kind: "Ingress", path: "spec/ingressClassName" }] },
  {
    kind: "ValidatingAdmissionPolicy",
    group: "admissionregistration.k8s.io",
    fieldSpecs: [{ kind: "ValidatingAdmissionPolicyBinding", group: "admissionregistration.k8s.io", path: "spec/policyName" }],
  },
];

const IMAGES: FieldSpec[] = ["spec", "spec/template/spec"].flatMap((podSpec) => [
  { path: `${podSpec}/containers[]/image`, create: true },
  { path: `${podSpec}/initContainers[]/image`, create: true },
  { path: `${podSpec}/volumes[]/image/reference`, create: true },
]);

const REPLICAS: FieldSpec[] = ["Deployment", "ReplicationController", "ReplicaSet", "StatefulSet"].map((kind) => ({
  kind,
  path: "spec/replicas",
  create: true,
}));

export function defaultTransformerConfig(): TransformerConfig {
  return {
    namePrefix: [{ path: "metadata/name" }],
    nameSuffix: [{ path: "metadata/name" }],
    namespace: [...NAMESPACE],
    commonLabels: [...COMMON_LABELS],
    templateLabels: [...METADATA_LABELS],
    commonAnnotations: [...COMMON_ANNOTATIONS],
    varReference: [...VAR_REFERENCE],
    nameReference: NAME_REFERENCE.map((reference) => ({ ...reference, fieldSpecs: [...reference.fieldSpecs] })),
    images: [...IMAGES],
    replicas: [...REPLICAS],
  };
}
