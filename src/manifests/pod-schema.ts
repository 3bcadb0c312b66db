/**
 * The types the API server demands of the pod fields our policies read. A value of the wrong type
 * (`privileged: "true"`, `runAsUser: "0"`, `image: 1.0`) makes the API server reject the whole object,
 * so the policies would judge something the cluster will never see: report it as a blocking input
 * error instead of letting it pass silently. Only fields listed here are checked; `null` means unset.
 */
import { describeValue } from "./describe-value.js";
import type { FieldPath, JsonObject, JsonValue, PathSegment } from "./types.js";

type FieldType = "boolean" | "integer" | "string" | "stringMap" | "quantityMap" | { list: FieldType } | { fields: Fields };
interface Fields {
  readonly [field: string]: FieldType;
}

const strings: FieldType = { list: "string" };
const seLinuxOptions: FieldType = { fields: { user: "string", role: "string", type: "string", level: "string" } };
const seccompProfile: FieldType = { fields: { type: "string", localhostProfile: "string" } };
const appArmorProfile: FieldType = { fields: { type: "string", localhostProfile: "string" } };
const windowsOptions: FieldType = {
  fields: { hostProcess: "boolean", gmsaCredentialSpecName: "string", gmsaCredentialSpec: "string", runAsUserName: "string" },
};
const handler: FieldType = {
  fields: {
    httpGet: { fields: { host: "string", path: "string", scheme: "string" } },
    tcpSocket: { fields: { host: "string" } },
  },
};
const probe = handler;
const securityContext: FieldType = {
  fields: {
    privileged: "boolean",
    allowPrivilegeEscalation: "boolean",
    readOnlyRootFilesystem: "boolean",
    runAsNonRoot: "boolean",
    runAsUser: "integer",
    runAsGroup: "integer",
    procMount: "string",
    capabilities: { fields: { add: strings, drop: strings } },
    seLinuxOptions,
    seccompProfile,
    appArmorProfile,
    windowsOptions,
  },
};
const container: FieldType = {
  fields: {
    name: "string",
    image: "string",
    imagePullPolicy: "string",
    securityContext,
    ports: { list: { fields: { containerPort: "integer", hostPort: "integer", hostIP: "string", protocol: "string", name: "string" } } },
    resources: { fields: { limits: "quantityMap", requests: "quantityMap" } },
    livenessProbe: probe,
    readinessProbe: probe,
    startupProbe: probe,
    lifecycle: { fields: { postStart: handler, preStop: handler } },
    stdin: "boolean",
    tty: "boolean",
  },
};
const podSpec: FieldType = {
  fields: {
    hostNetwork: "boolean",
    hostPID: "boolean",
    hostIPC: "boolean",
    hostUsers: "boolean",
    automountServiceAccountToken: "boolean",
    os: { fields: { name: "string" } },
    securityContext: {
      fields: {
        runAsUser: "integer",
        runAsGroup: "integer",
        runAsNonRoot: "boolean",
        fsGroup: "integer",
        supplementalGroups: { list: "integer" },
        sysctls: { list: { fields: { name: "string", value: "string" } } },
        seLinuxOptions,
        seccompProfile,
        appArmorProfile,
        windowsOptions,
      },
    },
    containers: { list: container },
    initContainers: { list: container },
    ephemeralContainers: { list: container },
    volumes: { list: { fields: { name: "string", hostPath: { fields: { path: "string", type: "string" } } } } },
  },
};
const pod: FieldType = { fields: { metadata: { fields: { annotations: "stringMap", labels: "stringMap" } }, spec: podSpec } };

export interface FieldTypeError {
  /** Path inside the Pod. */
  path: FieldPath;
  /** e.g. `must be true or false, not the string "true"`. */
  problem: string;
}

/** Type errors in a Pod (or a pod synthesized from a workload's template), in document order. */
export function podTypeErrors(object: JsonObject): FieldTypeError[] {
  const errors: FieldTypeError[] = [];
  check(object, pod, [], errors);
  return errors;
}

/** `path` is where `value` sits, extended in place as the walk goes down (it runs on every pod of every check). */
function check(value: JsonValue | undefined, type: FieldType, path: PathSegment[], errors: FieldTypeError[]): void {
  if (value === undefined || value === null) return;
  if (typeof type === "string") {
    const problem = scalarProblem(value, type);
    if (problem) errors.push({ path: [...path], problem });
    return;
  }
  if ("list" in type) {
    if (!Array.isArray(value)) {
      errors.push({ path: [...path], problem: `must be a sequence, not ${describeValue(value)}` });
      return;
    }
    for (let index = 0; index < value.length; index++) {
      path.push(index);
      check(value[index], type.list, path, errors);
      path.pop();
    }
    return;
  }
  if (typeof value !== "object" || Array.isArray(value)) {
    errors.push({ path: [...path], problem: `must be a mapping, not ${describeValue(value)}` });
    return;
  }
  for (const field in type.fields) {
    if (!Object.hasOwn(value, field)) continue;
    path.push(field);
    check(value[field], type.fields[field] as FieldType, path, errors);
    path.pop();
  }
}

function scalarProblem(value: JsonValue, type: "boolean" | "integer" | "string" | "stringMap" | "quantityMap"): string | undefined {
  switch (type) {
    case "boolean":
      return typeof value === "boolean" ? undefined : `must be true or false, not ${describeValue(value)}`;
    case "integer":
      return typeof value === "number" && Number.isInteger(value) ? undefined : `must be an integer, not ${describeValue(value)}`;
    case "string":
      return typeof value === "string" ? undefined : `must be a string, not ${describeValue(value)} (quote it)`;
    case "stringMap":
    case "quantityMap": {
      if (typeof value !== "object" || value === null || Array.isArray(value)) return `must be a mapping, not ${describeValue(value)}`;
      // Quantities may be written as numbers (`cpu: 1`); label and annotation values must be strings.
      const allowed = type === "quantityMap" ? ["string", "number"] : ["string"];
      const bad = Object.entries(value).find(([, item]) => item !== null && !allowed.includes(typeof item));
      return bad
        ? `must map to ${type === "quantityMap" ? "quantities" : "strings"}, but "${bad[0]}" is ${describeValue(bad[1] as JsonValue)} (quote it)`
        : undefined;
    }
  }
}
