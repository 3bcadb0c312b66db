/**
 * The variables a Kyverno rule sees for one object, as the Kyverno CLI sets them up for a manifest:
 * `request.object`, `request.operation` (CREATE unless an AdmissionReview says otherwise),
 * `request.namespace`, `request.oldObject`, `images`, and the user fields when a review carries them.
 */
import type { AdmissionRequest, JsonObject, JsonValue, PathSegment } from "../../manifests/types.js";
import { imagesOf } from "./image.js";
import { isObject } from "../../manifests/json.js";

/** Every Kyverno policy judges the same object: its plain-manifest context is built once (objects are never mutated). */
const manifestContexts = new WeakMap<JsonObject, JsonObject>();

export function requestContext(object: JsonObject, review: AdmissionRequest | undefined): JsonObject {
  if (review !== undefined) return buildContext(object, review);
  let context = manifestContexts.get(object);
  if (!context) {
    context = buildContext(object, undefined);
    manifestContexts.set(object, context);
  }
  return context;
}

function buildContext(object: JsonObject, review: AdmissionRequest | undefined): JsonObject {
  const metadata = isObject(object["metadata"]) ? object["metadata"] : {};
  const namespace = typeof metadata["namespace"] === "string" ? metadata["namespace"] : "";
  const request: JsonObject = {
    operation: review?.operation ?? "CREATE",
    object,
    oldObject: review?.oldObject ?? null,
    namespace: review?.namespace ?? namespace,
  };
  const context: JsonObject = { request };
  if (review?.name !== undefined) request["name"] = review.name;
  const user = review?.userInfo;
  if (user) {
    request["userInfo"] = JSON.parse(JSON.stringify(user)) as JsonValue;
    request["roles"] = [];
    request["clusterRoles"] = [];
    const serviceAccount = /^system:serviceaccount:([^:]+):(.+)$/.exec(user.username ?? "");
    context["serviceAccountName"] = serviceAccount?.[2] ?? "";
    context["serviceAccountNamespace"] = serviceAccount?.[1] ?? "";
  }
  const images = imagesOf(object);
  if (images) context["images"] = images;
  return context;
}

/**
 * Where a map or list of the object sits (the first place a depth-first walk meets it, as the same
 * node may be shared through a YAML alias), so a `foreach` element can be placed on its line.
 * Only failing elements are placed, so a walk per question allocates nothing but the answer.
 */
export function pathOf(object: JsonObject, target: object): PathSegment[] | undefined {
  const path: PathSegment[] = [];
  const visit = (value: JsonValue): boolean => {
    if (value === target) return true;
    if (value === null || typeof value !== "object") return false;
    if (Array.isArray(value)) {
      for (let index = 0; index < value.length; index++) {
        path.push(index);
        if (visit(value[index] as JsonValue)) return true;
        path.pop();
      }
      return false;
    }
    for (const key in value) {
      if (!Object.hasOwn(value, key)) continue;
      path.push(key);
      if (visit(value[key] as JsonValue)) return true;
      path.pop();
    }
    return false;
  };
  return visit(object) ? path : undefined;
}
