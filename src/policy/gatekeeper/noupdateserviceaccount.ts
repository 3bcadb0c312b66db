/**
 * NoUpdateServiceAccount — upstream template `library/general/noupdateserviceaccount` (v1.0.1).
 *
 * Judges UPDATE requests only: changing the service account of a Pod or of a workload's pod template
 * is denied unless the requesting user is in `allowedUsers` or one of their groups in
 * `allowedGroups`; and, whoever asks, an UPDATE whose object or oldObject has no service account
 * is a violation (the template requires both defensively). A manifest is judged as the object it
 * creates, which this policy always admits; an AdmissionReview of an UPDATE (with `oldObject` and
 * `userInfo`) is judged as at admission.
 */
import type { AdmissionUserInfo, JsonObject, JsonValue } from "../../manifests/types.js";
import type { Violation } from "../types.js";
import { defineKind } from "./lib/define.js";
import { get, isObject, isSet } from "./lib/json.js";
import { oldObjectOf, operationOf, userInfoOf } from "./lib/review.js";
import { arrayOf, obj, str } from "./lib/schema.js";

interface Parameters {
  allowedGroups?: string[];
  allowedUsers?: string[];
}

/** `get_service_account(obj)`: where each kind keeps its pods' service account (by `kind` alone, as upstream). */
const SERVICE_ACCOUNT_PATHS: Readonly<Record<string, readonly string[]>> = {
  Pod: ["spec", "serviceAccountName"],
  ReplicationController: ["spec", "template", "spec", "serviceAccountName"],
  ReplicaSet: ["spec", "template", "spec", "serviceAccountName"],
  Deployment: ["spec", "template", "spec", "serviceAccountName"],
  StatefulSet: ["spec", "template", "spec", "serviceAccountName"],
  DaemonSet: ["spec", "template", "spec", "serviceAccountName"],
  Job: ["spec", "template", "spec", "serviceAccountName"],
  CronJob: ["spec", "jobTemplate", "spec", "template", "spec", "serviceAccountName"],
};

export const noUpdateServiceAccount = defineKind<Parameters>({
  kind: "NoUpdateServiceAccount",
  template: "library/general/noupdateserviceaccount",
  description:
    "Blocks updating the service account on resources that abstract over Pods (judges UPDATE requests only: an AdmissionReview of one, never a manifest).",
  fix: "Leave the pod template's `serviceAccountName` unchanged, or make the change as one of the users or groups the constraint allows.",
  target: "object",
  parameters: obj({ allowedGroups: arrayOf(str()), allowedUsers: arrayOf(str()) }),
  build: (parameters) => (object, context) => {
    if (operationOf(context) !== "UPDATE") return [];
    const oldObject = oldObjectOf(context);
    const path = SERVICE_ACCOUNT_PATHS[typeof object["kind"] === "string" ? object["kind"] : ""] ?? [];
    const newAccount = serviceAccountOf(object);
    const oldAccount = oldObject === undefined ? undefined : serviceAccountOf(oldObject);
    const violations: Violation[] = [];
    if (
      newAccount !== undefined &&
      oldAccount !== undefined &&
      !privileged(userInfoOf(context), parameters) &&
      JSON.stringify(canonical(oldAccount)) !== JSON.stringify(canonical(newAccount))
    ) {
      violations.push({ message: "user does not have permission to modify serviceAccountName", path });
    }
    // `not get_service_account(...)`: Rego's `not` also holds when the value is `false`.
    if (!isSet(newAccount)) violations.push({ message: "missing serviceAccountName field in object under review", path });
    if (!isSet(oldAccount)) violations.push({ message: "missing serviceAccountName field in oldObject under review", path });
    return violations;
  },
});

/** `get_service_account(obj)`: undefined for another kind, or when the field is absent. */
function serviceAccountOf(object: JsonObject): JsonValue | undefined {
  const kind = object["kind"];
  const path = typeof kind === "string" && Object.hasOwn(SERVICE_ACCOUNT_PATHS, kind) ? SERVICE_ACCOUNT_PATHS[kind] : undefined;
  return path ? get(object, ...path) : undefined;
}

/**
 * `privileged(userInfo, allowedUsers, allowedGroups)`: the username (`""` when absent) is allowed, or
 * a group is. Without `userInfo` nobody is privileged.
 */
function privileged(userInfo: AdmissionUserInfo | undefined, parameters: Parameters): boolean {
  if (!userInfo) return false;
  const username = userInfo.username ?? "";
  if ((parameters.allowedUsers ?? []).includes(username)) return true;
  const groups = userInfo.groups ?? [];
  return (parameters.allowedGroups ?? []).some((group) => groups.includes(group));
}

/** Rego compares values structurally: key order in a mapping does not matter. */
function canonical(value: JsonValue): JsonValue {
  if (Array.isArray(value)) return value.map(canonical);
  if (!isObject(value)) return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((key) => [key, canonical(value[key] as JsonValue)]),
  );
}
