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
const objectLocations = new WeakMap<JsonObject, Map<object, PathSegment[]>>();

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

/** Where every map and list of the object sits, so a `foreach` element can be placed on its line. */
export function locationsOf(object: JsonObject): Map<object, PathSegment[]> {
  const cached = objectLocations.get(object);
  if (cached) return cached;
  const locations = new Map<object, PathSegment[]>();
  objectLocations.set(object, locations);
  const visit = (value: JsonValue, path: PathSegment[]): void => {
    if (value === null || typeof value !== "object") return;
    if (!locations.has(value)) locations.set(value, path);
    if (Array.isArray(value)) value.forEach((item, index) => visit(item, [...path, index]));
    else for (const [key, item] of Object.entries(value)) visit(item, [...path, key]);
  };
  visit(object, []);
  return locations;
}
