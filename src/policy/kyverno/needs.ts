/**
 * What a rule needs beyond the object and the policy, decided before it runs. A pull request has no
 * cluster to query, no registry to contact and no admission webhook to mutate through; such a rule is
 * reported as "not evaluated: needs <what>", never passed silently.
 */
import type { JsonObject, JsonValue } from "../../manifests/types.js";
import { isObject } from "../../manifests/json.js";

/** What the request can tell; without an AdmissionReview, nothing about the user or a previous version. */
export interface RequestKnowledge {
  userInfo: boolean;
  oldObject: boolean;
}

const CLUSTER_CONTEXT: Readonly<Record<string, string>> = {
  apiCall: "a cluster or service lookup (context apiCall)",
  configMap: "a cluster lookup (context configMap)",
  globalReference: "a cluster lookup (context globalReference)",
  imageRegistry: "an image registry lookup (context imageRegistry)",
};
const USER_VARIABLES = /\b(request\.(userInfo|roles|clusterRoles)|serviceAccountName|serviceAccountNamespace)\b/;
const OLD_OBJECT = /\brequest\.oldObject\b/;
const CEL_USER = /\brequest\.userInfo\b/;

/** The static reason a rule cannot be judged here, or undefined when it can. */
export function staticNeeds(rule: JsonObject): string | undefined {
  if (rule["mutate"] !== undefined && rule["mutate"] !== null)
    return "a mutating webhook (mutate rules change objects; kube-policy-bot only validates)";
  if (rule["generate"] !== undefined && rule["generate"] !== null) return "a cluster to generate objects in (generate rules)";
  if (rule["verifyImages"] !== undefined && rule["verifyImages"] !== null) return "image registry access (verifyImages)";
  const contextNeeds = contextNeedsOf(rule["context"]);
  if (contextNeeds) return contextNeeds;
  const validate = rule["validate"];
  if (!isObject(validate)) return undefined;
  if (validate["manifests"] !== undefined) return "signature verification of manifests (validate.manifests)";
  if (validate["assert"] !== undefined) return "assertion trees (validate.assert), which kube-policy-bot does not implement";
  return foreachContextNeeds(validate["foreach"]);
}

/** What a rule reads of the request besides the object, from its text (match/exclude aside for the operation). */
export interface RequestReads {
  userInfo: boolean;
  oldObject: boolean;
  operation: boolean;
}

export function requestReads(rule: JsonObject): RequestReads {
  const text = JSON.stringify(rule);
  const validate = rule["validate"];
  // A CEL rule sees the request as the API server gives it: a plain manifest is a CREATE with no
  // oldObject (null, which CEL rules test for); only who applies it is unknown.
  if (isObject(validate) && validate["cel"] !== undefined && validate["cel"] !== null) {
    return { userInfo: CEL_USER.test(text), oldObject: false, operation: false };
  }
  const { match: _match, exclude: _exclude, ...body } = rule;
  return {
    userInfo: USER_VARIABLES.test(text),
    oldObject: OLD_OBJECT.test(text),
    operation: JSON.stringify(body).includes("request.operation"),
  };
}

/** Needs that depend on what the request carries (an AdmissionReview tells the user and the old object). */
export function requestNeeds(reads: RequestReads, knowledge: RequestKnowledge): string | undefined {
  if (!knowledge.userInfo && reads.userInfo) return "who applies the change (request.userInfo), which a pull request does not tell";
  if (!knowledge.oldObject && reads.oldObject)
    return "the object's previous version (request.oldObject), which a plain manifest does not carry";
  return undefined;
}

function contextNeedsOf(entries: JsonValue | undefined): string | undefined {
  if (!Array.isArray(entries)) return undefined;
  for (const entry of entries) {
    if (!isObject(entry)) continue;
    for (const [key, needs] of Object.entries(CLUSTER_CONTEXT)) if (entry[key] !== undefined && entry[key] !== null) return needs;
  }
  return undefined;
}

function foreachContextNeeds(foreach: JsonValue | undefined): string | undefined {
  if (!Array.isArray(foreach)) return undefined;
  for (const entry of foreach) {
    if (!isObject(entry)) continue;
    const needs = contextNeedsOf(entry["context"]) ?? foreachContextNeeds(entry["foreach"]);
    if (needs) return needs;
  }
  return undefined;
}
