/** Builders for check findings, so each check states only the field, the detail and the fix. */
import type { FieldPath } from "../../manifests/types.js";
import type { Container } from "./pod.js";
import type { CheckFinding } from "./types.js";

/** A finding on a field below a container, e.g. `["securityContext", "privileged"]`. */
export function containerFinding(container: Container, field: FieldPath, detail: string, fix: string): CheckFinding {
  const finding: CheckFinding = { path: [...container.path, ...field], detail, fix };
  if (container.name !== "") finding.container = container.name;
  return finding;
}

/** A finding on a field of the pod spec, e.g. `["securityContext", "runAsUser"]` below `spec`. */
export function podFinding(field: FieldPath, detail: string, fix: string): CheckFinding {
  return { path: ["spec", ...field], detail, fix };
}

/** A finding on a pod annotation. */
export function annotationFinding(key: string, detail: string, fix: string, container?: Container): CheckFinding {
  const finding: CheckFinding = { path: ["metadata", "annotations", key], detail, fix };
  if (container && container.name !== "") finding.container = container.name;
  return finding;
}
