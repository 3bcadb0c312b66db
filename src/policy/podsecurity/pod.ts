/**
 * The Pod as upstream's checks see it: the typed Go structs (`corev1.Pod`) the API server decodes a
 * manifest into, reduced to the fields Pod Security reads.
 *
 * Decoding here follows Go's rules so that a check can be a line-by-line port of its `check_*.go`:
 * a missing or `null` field is nil (`undefined`) for pointers and the zero value (`false`, `""`, `0`)
 * otherwise; a value of the wrong type (a string where a bool belongs, a mapping that is a list) is
 * treated as absent, because the API server would refuse the object outright and no check can say
 * anything truer about it. Decoding never throws.
 */
import type { FieldPath, JsonObject, JsonValue } from "../../manifests/types.js";

/** An element of a list, with its index in the source list (malformed elements are skipped). */
export interface Indexed<T> {
  index: number;
  value: T;
}

export interface SELinuxOptions {
  user: string;
  role: string;
  type: string;
}

/** `seccompProfile` and `appArmorProfile`: only the type matters to the checks. */
export interface TypedProfile {
  type: string;
}

export interface WindowsOptions {
  hostProcess?: boolean;
}

export interface PodSecurityContext {
  runAsNonRoot?: boolean;
  runAsUser?: number;
  seLinuxOptions?: SELinuxOptions;
  seccompProfile?: TypedProfile;
  appArmorProfile?: TypedProfile;
  windowsOptions?: WindowsOptions;
  /** `sysctls[*].name`. */
  sysctls: Indexed<string>[];
}

export interface Capabilities {
  add: Indexed<string>[];
  drop: Indexed<string>[];
}

export interface SecurityContext {
  privileged?: boolean;
  allowPrivilegeEscalation?: boolean;
  runAsNonRoot?: boolean;
  runAsUser?: number;
  procMount?: string;
  capabilities?: Capabilities;
  seLinuxOptions?: SELinuxOptions;
  seccompProfile?: TypedProfile;
  appArmorProfile?: TypedProfile;
  windowsOptions?: WindowsOptions;
}

/** A probe or lifecycle handler: only the `host` of its network actions matters. */
export interface Handler {
  httpGet?: { host: string };
  tcpSocket?: { host: string };
}

export const PROBE_FIELDS = ["livenessProbe", "readinessProbe", "startupProbe"] as const;
export const LIFECYCLE_FIELDS = ["postStart", "preStop"] as const;

export interface Container {
  /** Which list it is in, e.g. `initContainers`. */
  list: ContainerList;
  name: string;
  /** Path of the container, e.g. `["spec", "initContainers", 0]`. */
  path: FieldPath;
  /** `ports[*].hostPort`. */
  hostPorts: Indexed<number>[];
  securityContext?: SecurityContext;
  probes: Partial<Record<(typeof PROBE_FIELDS)[number], Handler>>;
  lifecycle?: Partial<Record<(typeof LIFECYCLE_FIELDS)[number], Handler>>;
}

export interface Volume {
  index: number;
  name: string;
  /** The volume source fields that are set, e.g. `{"hostPath"}`. */
  sources: ReadonlySet<string>;
}

export interface DecodedPodSpec {
  hostNetwork: boolean;
  hostPID: boolean;
  hostIPC: boolean;
  hostUsers?: boolean;
  os?: { name: string };
  securityContext?: PodSecurityContext;
  volumes: Volume[];
  /** Every container, in upstream's visiting order: init, regular, then ephemeral containers. */
  containers: Container[];
}

export interface DecodedPod {
  annotations: ReadonlyMap<string, string>;
  spec: DecodedPodSpec;
}

/** Upstream `visitContainers` order. */
export const CONTAINER_LISTS = ["initContainers", "containers", "ephemeralContainers"] as const;
export type ContainerList = (typeof CONTAINER_LISTS)[number];

/** Every field of `corev1.VolumeSource`, by JSON name. */
export const VOLUME_SOURCES: readonly string[] = [
  "hostPath",
  "emptyDir",
  "gcePersistentDisk",
  "awsElasticBlockStore",
  "gitRepo",
  "secret",
  "nfs",
  "iscsi",
  "glusterfs",
  "persistentVolumeClaim",
  "rbd",
  "flexVolume",
  "cinder",
  "cephfs",
  "flocker",
  "downwardAPI",
  "fc",
  "azureFile",
  "configMap",
  "vsphereVolume",
  "quobyte",
  "azureDisk",
  "photonPersistentDisk",
  "projected",
  "portworxVolume",
  "scaleIO",
  "storageos",
  "csi",
  "ephemeral",
  "image",
];

/** Pods are never changed once read, and several policies (baseline, restricted, Kyverno's podSecurity) judge each one. */
const decodedPods = new WeakMap<JsonObject, DecodedPod>();

export function decodePod(pod: JsonObject): DecodedPod {
  let decoded = decodedPods.get(pod);
  if (!decoded) {
    decoded = decodeFreshPod(pod);
    decodedPods.set(pod, decoded);
  }
  return decoded;
}

function decodeFreshPod(pod: JsonObject): DecodedPod {
  const metadata = asObject(pod["metadata"]);
  const spec = asObject(pod["spec"]) ?? {};
  const os = asObject(spec["os"]);
  const securityContext = asObject(spec["securityContext"]);
  return {
    annotations: decodeAnnotations(metadata?.["annotations"]),
    spec: {
      hostNetwork: plainBool(spec, "hostNetwork"),
      hostPID: plainBool(spec, "hostPID"),
      hostIPC: plainBool(spec, "hostIPC"),
      hostUsers: optionalBool(spec, "hostUsers"),
      os: os && { name: plainString(os, "name") },
      securityContext: securityContext && decodePodSecurityContext(securityContext),
      volumes: indexedObjects(spec["volumes"]).map(({ index, value }) => decodeVolume(index, value)),
      containers: CONTAINER_LISTS.flatMap((list) =>
        indexedObjects(spec[list]).map(({ index, value }) => decodeContainer(list, index, value)),
      ),
    },
  };
}

/** `map[string]string`: a `null` value decodes to `""`; any other non-string is refused, so skipped. */
function decodeAnnotations(value: JsonValue | undefined): ReadonlyMap<string, string> {
  const annotations = new Map<string, string>();
  for (const [key, entry] of Object.entries(asObject(value) ?? {})) {
    if (typeof entry === "string") annotations.set(key, entry);
    else if (entry === null) annotations.set(key, "");
  }
  return annotations;
}

function decodePodSecurityContext(context: JsonObject): PodSecurityContext {
  return {
    ...decodeCommonSecurityContext(context),
    sysctls: indexedObjects(context["sysctls"]).map(({ index, value }) => ({ index, value: plainString(value, "name") })),
  };
}

function decodeSecurityContext(context: JsonObject): SecurityContext {
  const capabilities = asObject(context["capabilities"]);
  return {
    ...decodeCommonSecurityContext(context),
    privileged: optionalBool(context, "privileged"),
    allowPrivilegeEscalation: optionalBool(context, "allowPrivilegeEscalation"),
    procMount: optionalString(context, "procMount"),
    capabilities: capabilities && {
      add: indexedStrings(capabilities["add"]),
      drop: indexedStrings(capabilities["drop"]),
    },
  };
}

/** The fields the pod-level and container-level security contexts share. */
function decodeCommonSecurityContext(context: JsonObject) {
  const seLinuxOptions = asObject(context["seLinuxOptions"]);
  const windowsOptions = asObject(context["windowsOptions"]);
  return {
    runAsNonRoot: optionalBool(context, "runAsNonRoot"),
    runAsUser: optionalInt(context, "runAsUser"),
    seLinuxOptions: seLinuxOptions && {
      user: plainString(seLinuxOptions, "user"),
      role: plainString(seLinuxOptions, "role"),
      type: plainString(seLinuxOptions, "type"),
    },
    seccompProfile: decodeTypedProfile(context["seccompProfile"]),
    appArmorProfile: decodeTypedProfile(context["appArmorProfile"]),
    windowsOptions: windowsOptions && { hostProcess: optionalBool(windowsOptions, "hostProcess") },
  };
}

function decodeTypedProfile(value: JsonValue | undefined): TypedProfile | undefined {
  const profile = asObject(value);
  return profile && { type: plainString(profile, "type") };
}

function decodeContainer(list: ContainerList, index: number, container: JsonObject): Container {
  const securityContext = asObject(container["securityContext"]);
  const lifecycle = asObject(container["lifecycle"]);
  const probes: Container["probes"] = {};
  for (const field of PROBE_FIELDS) {
    const probe = asObject(container[field]);
    if (probe) probes[field] = decodeHandler(probe);
  }
  let handlers: Container["lifecycle"];
  if (lifecycle) {
    handlers = {};
    for (const field of LIFECYCLE_FIELDS) {
      const handler = asObject(lifecycle[field]);
      if (handler) handlers[field] = decodeHandler(handler);
    }
  }
  return {
    list,
    name: plainString(container, "name"),
    path: ["spec", list, index],
    hostPorts: indexedObjects(container["ports"]).map(({ index: portIndex, value }) => ({
      index: portIndex,
      value: plainInt(value, "hostPort"),
    })),
    securityContext: securityContext && decodeSecurityContext(securityContext),
    probes,
    lifecycle: handlers,
  };
}

function decodeHandler(handler: JsonObject): Handler {
  const httpGet = asObject(handler["httpGet"]);
  const tcpSocket = asObject(handler["tcpSocket"]);
  return {
    httpGet: httpGet && { host: plainString(httpGet, "host") },
    tcpSocket: tcpSocket && { host: plainString(tcpSocket, "host") },
  };
}

function decodeVolume(index: number, volume: JsonObject): Volume {
  const sources = new Set(VOLUME_SOURCES.filter((source) => asObject(volume[source]) !== undefined));
  // The API server defaults a volume with no source to an emptyDir (SetDefaults_Volume) before
  // admission runs, so upstream's checks never see a source-less volume; neither do ours.
  if (sources.size === 0) sources.add("emptyDir");
  return { index, name: plainString(volume, "name"), sources };
}

function asObject(value: JsonValue | undefined): JsonObject | undefined {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? value : undefined;
}

function indexedObjects(value: JsonValue | undefined): Indexed<JsonObject>[] {
  if (!Array.isArray(value)) return [];
  const items: Indexed<JsonObject>[] = [];
  value.forEach((item, index) => {
    const object = asObject(item);
    if (object) items.push({ index, value: object });
  });
  return items;
}

function indexedStrings(value: JsonValue | undefined): Indexed<string>[] {
  if (!Array.isArray(value)) return [];
  const items: Indexed<string>[] = [];
  value.forEach((item, index) => {
    if (typeof item === "string") items.push({ index, value: item });
  });
  return items;
}

function optionalBool(object: JsonObject, key: string): boolean | undefined {
  const value = object[key];
  return typeof value === "boolean" ? value : undefined;
}

function plainBool(object: JsonObject, key: string): boolean {
  return optionalBool(object, key) ?? false;
}

function optionalString(object: JsonObject, key: string): string | undefined {
  const value = object[key];
  return typeof value === "string" ? value : undefined;
}

function plainString(object: JsonObject, key: string): string {
  return optionalString(object, key) ?? "";
}

function optionalInt(object: JsonObject, key: string): number | undefined {
  const value = object[key];
  return typeof value === "number" && Number.isInteger(value) ? value : undefined;
}

function plainInt(object: JsonObject, key: string): number {
  return optionalInt(object, key) ?? 0;
}

/**
 * Upstream `relaxPolicyForUserNamespacePod`: a pod in its own user namespace (`hostUsers: false`),
 * where root in the container is not root on the node (KEP-127).
 */
export function inUserNamespace(spec: DecodedPodSpec): boolean {
  return spec.hostUsers === false;
}

/** `spec.os.name: windows`; the API server rejects the Linux-only fields on such pods. */
export function isWindowsPod(spec: DecodedPodSpec): boolean {
  return spec.os?.name === "windows";
}
