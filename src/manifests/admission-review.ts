/**
 * An `AdmissionReview` document read the way gator (`gator verify`, Gatekeeper's offline tool)
 * reads one: the object under review is `request.object` — for a DELETE, `request.oldObject`, as
 * Gatekeeper's `SetObjectOnDelete` does — and the rest of the request (operation, oldObject,
 * userInfo, namespace, name) travels with it, so policies see the `input.review` they see at
 * admission. gator converts the document strictly (unknown fields are errors); so do we, because a
 * mistyped `request.objcet` that silently reviewed nothing would be a silent pass.
 */
import { describeValue } from "./describe-value.js";
import { apiGroupOf } from "./resource.js";
import type { AdmissionOperation, AdmissionRequest, AdmissionUserInfo, FieldPath, JsonObject, JsonValue } from "./types.js";
import { isObject } from "./json.js";

const ADMISSION_GROUP = "admission.k8s.io";
/** The versions of `admission.k8s.io` that define AdmissionReview (gator converts both to v1). */
const ADMISSION_VERSIONS: readonly string[] = ["v1", "v1beta1"];
const OPERATIONS: readonly AdmissionOperation[] = ["CREATE", "UPDATE", "DELETE", "CONNECT"];

/** The fields of `admission.k8s.io/v1` AdmissionReview and AdmissionRequest, as gator accepts them. */
const REVIEW_FIELDS: ReadonlySet<string> = new Set(["apiVersion", "kind", "request", "response"]);
const REQUEST_FIELDS: ReadonlyMap<string, "string" | "mapping" | "boolean" | "other"> = new Map([
  ["uid", "string"],
  ["kind", "mapping"],
  ["resource", "mapping"],
  ["subResource", "string"],
  ["requestKind", "mapping"],
  ["requestResource", "mapping"],
  ["requestSubResource", "string"],
  ["name", "string"],
  ["namespace", "string"],
  ["dryRun", "boolean"],
  ["options", "mapping"],
  // Checked on their own below.
  ["operation", "other"],
  ["userInfo", "other"],
  ["object", "other"],
  ["oldObject", "other"],
]);
const USER_INFO_FIELDS: ReadonlySet<string> = new Set(["username", "uid", "groups", "extra"]);

export type Fail = (path: FieldPath, message: string) => void;

/** What the loader keeps of a valid review: the judged object, where it sits, and the request. */
export interface UnwrappedReview {
  object: JsonObject;
  /** Where `object` sits in the document: `["request", "object"]` or, for a DELETE, `["request", "oldObject"]`. */
  objectPath: FieldPath;
  request: AdmissionRequest;
}

/** gator recognises an AdmissionReview by its API group and kind, whatever the version. */
export function isAdmissionReview(apiVersion: string, kind: string): boolean {
  return kind === "AdmissionReview" && apiGroupOf(apiVersion) === ADMISSION_GROUP;
}

/**
 * The object a review judges and its request, or `undefined` after reporting every problem with
 * the review through `fail` (paths relative to the document).
 */
export function unwrapAdmissionReview(review: JsonObject, what: string, fail: Fail): UnwrappedReview | undefined {
  let valid = true;
  const problem = (path: FieldPath, message: string): void => {
    valid = false;
    fail(path, `${what}: ${message}`);
  };

  const apiVersion = review["apiVersion"] as string;
  const version = apiVersion.slice(ADMISSION_GROUP.length + 1);
  if (!ADMISSION_VERSIONS.includes(version)) {
    problem(
      ["apiVersion"],
      `AdmissionReview version ${JSON.stringify(apiVersion)} is not supported: use ${ADMISSION_VERSIONS.map((v) => `${ADMISSION_GROUP}/${v}`).join(" or ")}`,
    );
  }
  for (const key of Object.keys(review)) {
    if (!REVIEW_FIELDS.has(key))
      problem([key], `unknown field ${JSON.stringify(key)} in an AdmissionReview (expected ${[...REVIEW_FIELDS].join(", ")})`);
  }

  const request = review["request"];
  if (!isObject(request)) {
    problem(
      request === undefined || request === null ? [] : ["request"],
      "an AdmissionReview needs a request (a mapping) holding the object to review",
    );
    return undefined;
  }
  const at = (...path: FieldPath): FieldPath => ["request", ...path];

  for (const [key, value] of Object.entries(request)) {
    const type = REQUEST_FIELDS.get(key);
    if (type === undefined) {
      problem(at(key), `unknown field ${JSON.stringify(key)} in request (expected ${[...REQUEST_FIELDS.keys()].join(", ")})`);
    } else if (type !== "other" && value !== null && !hasType(value, type)) {
      problem(at(key), `request.${key} must be a ${type}, not ${describeValue(value)}`);
    }
  }

  const operation = request["operation"];
  if (typeof operation !== "string" || !OPERATIONS.includes(operation as AdmissionOperation)) {
    problem(
      operation === undefined ? ["request"] : at("operation"),
      `request.operation must be one of ${OPERATIONS.join(", ")}${operation === undefined ? "" : `, not ${describeValue(operation)}`}`,
    );
  }

  const object = reviewedObject(request, "object", problem);
  const oldObject = reviewedObject(request, "oldObject", problem);
  const userInfo = userInfoOf(request["userInfo"], problem);
  if (!valid) return undefined;

  const op = operation as AdmissionOperation;
  // DELETE has no new object: like the API server's object: null, Gatekeeper reviews the object being deleted.
  const judged = op === "DELETE" ? oldObject : object;
  if (!judged) {
    const field = op === "DELETE" ? "oldObject" : "object";
    const why = op === "DELETE" ? "a DELETE request is reviewed on the object being deleted" : `a ${op} request is reviewed on its object`;
    problem(["request"], `request.${field} is missing: ${why}`);
    return undefined;
  }

  const result: AdmissionRequest = { operation: op };
  if (oldObject) result.oldObject = oldObject;
  if (userInfo) result.userInfo = userInfo;
  const namespace = request["namespace"];
  if (typeof namespace === "string" && namespace !== "") result.namespace = namespace;
  const name = request["name"];
  if (typeof name === "string" && name !== "") result.name = name;
  return { object: judged, objectPath: at(op === "DELETE" ? "oldObject" : "object"), request: result };
}

/** `request.object` / `request.oldObject`: absent or null means none; otherwise a Kubernetes object. */
function reviewedObject(request: JsonObject, field: "object" | "oldObject", problem: Fail): JsonObject | undefined {
  const value = request[field];
  if (value === undefined || value === null) return undefined;
  const path: FieldPath = ["request", field];
  if (!isObject(value)) {
    problem(path, `request.${field} is ${describeValue(value)}, not a Kubernetes object (a mapping with apiVersion and kind)`);
    return undefined;
  }
  let valid = true;
  for (const key of ["apiVersion", "kind"] as const) {
    const given = value[key];
    if (typeof given !== "string" || given === "") {
      problem(
        [...path, key],
        given === undefined
          ? `request.${field} has no ${key}`
          : `request.${field}.${key} must be a non-empty string, not ${describeValue(given)}`,
      );
      valid = false;
    }
  }
  return valid ? value : undefined;
}

function userInfoOf(value: JsonValue | undefined, problem: Fail): AdmissionUserInfo | undefined {
  if (value === undefined || value === null) return undefined;
  const path: FieldPath = ["request", "userInfo"];
  if (!isObject(value)) {
    problem(path, `request.userInfo must be a mapping, not ${describeValue(value)}`);
    return undefined;
  }
  const info: AdmissionUserInfo = {};
  for (const [key, field] of Object.entries(value)) {
    const at: FieldPath = [...path, key];
    if (!USER_INFO_FIELDS.has(key)) {
      problem(at, `unknown field ${JSON.stringify(key)} in request.userInfo (expected ${[...USER_INFO_FIELDS].join(", ")})`);
    } else if (field === null) {
      continue;
    } else if (key === "username" || key === "uid") {
      if (typeof field === "string") info[key] = field;
      else problem(at, `request.userInfo.${key} must be a string, not ${describeValue(field)}`);
    } else if (key === "groups") {
      if (isStringList(field)) info.groups = field;
      else problem(at, `request.userInfo.groups must be a list of strings, not ${describeValue(field)}`);
    } else {
      const extra = isObject(field) ? Object.entries(field) : undefined;
      if (extra && extra.every(([, values]) => isStringList(values))) info.extra = Object.fromEntries(extra) as Record<string, string[]>;
      else problem(at, "request.userInfo.extra must map keys to lists of strings");
    }
  }
  return info;
}

function hasType(value: JsonValue, type: "string" | "mapping" | "boolean"): boolean {
  if (type === "mapping") return isObject(value);
  return typeof value === type;
}

function isStringList(value: JsonValue | undefined): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === "string");
}
