/** Test helpers: judge a Pod written as YAML at a level and version, the way a policy would. */
import { load, YAML11_SCHEMA } from "js-yaml";
import type { JsonObject } from "../../../src/manifests/types.js";
import { podSecurity } from "../../../src/policy/podsecurity/index.js";
import type { Violation } from "../../../src/policy/types.js";

export function pod(yaml: string): JsonObject {
  return load(yaml, { schema: YAML11_SCHEMA }) as JsonObject;
}

export function judge(level: string, version: string, object: JsonObject | string): Violation[] {
  const compiled = podSecurity.compile({ level, version });
  if ("errors" in compiled) throw new Error(JSON.stringify(compiled.errors));
  return compiled.evaluator(typeof object === "string" ? pod(object) : object, { inventory: [], namespaces: new Map() });
}

/** The rules reported, in order. */
export function rules(violations: readonly Violation[]): (string | undefined)[] {
  return violations.map((violation) => violation.rule);
}

/** rule + dotted path of each violation: compact expectations that still say which field. */
export function where(violations: readonly Violation[]): string[] {
  return violations.map((violation) => `${violation.rule} ${violation.path.join(".")}`);
}

/** A pod that passes `restricted` at every version: the base other tests vary one field of. */
export const RESTRICTED_POD = `
apiVersion: v1
kind: Pod
metadata: {name: ok}
spec:
  securityContext:
    runAsNonRoot: true
    seccompProfile: {type: RuntimeDefault}
  initContainers:
  - name: init
    image: busybox
    securityContext:
      allowPrivilegeEscalation: false
      capabilities: {drop: [ALL]}
  containers:
  - name: app
    image: nginx
    securityContext:
      allowPrivilegeEscalation: false
      capabilities: {drop: [ALL]}
`;

/** RESTRICTED_POD with `spec` fields merged in (shallow, at spec level). */
export function restrictedPodWith(specFields: JsonObject): JsonObject {
  const base = pod(RESTRICTED_POD);
  return { ...base, spec: { ...(base["spec"] as JsonObject), ...specFields } };
}
