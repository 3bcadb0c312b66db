/**
 * What Gatekeeper's admission review says about an object (`input.review.kind`, its namespace, the
 * request's `operation`, `oldObject` and `userInfo`), and object identity for the kinds that compare
 * an object with the rest of the inventory.
 */
import type { AdmissionOperation, AdmissionUserInfo, JsonObject } from "../../../manifests/types.js";
import type { EvaluationContext } from "../../types.js";
import { getString } from "./json.js";

/** `input.review.operation`: a manifest (no AdmissionReview around it) is the object it creates. */
export function operationOf(context: EvaluationContext): AdmissionOperation {
  return context.review?.operation ?? "CREATE";
}

/** The library's `is_update(input.review)` (`data.lib.exclude_update`): `review.operation == "UPDATE"`. */
export function isUpdate(context: EvaluationContext): boolean {
  return operationOf(context) === "UPDATE";
}

/** `input.review.oldObject`: only an AdmissionReview of an UPDATE or DELETE has one. */
export function oldObjectOf(context: EvaluationContext): JsonObject | undefined {
  return context.review?.oldObject;
}

/** `input.review.userInfo`: only an AdmissionReview names who makes the request. */
export function userInfoOf(context: EvaluationContext): AdmissionUserInfo | undefined {
  return context.review?.userInfo;
}

export interface ReviewKind {
  group: string;
  version: string;
  kind: string;
}

/** `input.review.kind`: group/version/kind from the object's `apiVersion` and `kind`. */
export function reviewKind(object: JsonObject): ReviewKind {
  const apiVersion = getString(object, "apiVersion") ?? "";
  const slash = apiVersion.lastIndexOf("/");
  return {
    group: slash < 0 ? "" : apiVersion.slice(0, slash),
    version: slash < 0 ? apiVersion : apiVersion.slice(slash + 1),
    kind: getString(object, "kind") ?? "",
  };
}

/**
 * The namespace an object lives in. Manifests in a repository often leave it to `kubectl -n`;
 * like the API server's default, an object without one is taken to be in `default`.
 */
export function namespaceOf(object: JsonObject): string {
  return getString(object, "metadata", "namespace") || "default";
}

export function nameOf(object: JsonObject): string | undefined {
  return getString(object, "metadata", "name");
}

/**
 * Whether an inventory entry is the object under review itself. The inventory holds every manifest
 * being checked, the reviewed one included, while Gatekeeper's inventory is the cluster *before* the
 * request: comparing an object with itself would always find a conflict.
 */
export function isSameObject(a: JsonObject, b: JsonObject): boolean {
  if (a === b) return true;
  const ka = reviewKind(a);
  const kb = reviewKind(b);
  return ka.group === kb.group && ka.kind === kb.kind && namespaceOf(a) === namespaceOf(b) && nameOf(a) === nameOf(b);
}
