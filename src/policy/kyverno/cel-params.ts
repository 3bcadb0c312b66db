/**
 * The params of Kyverno `validate.cel` rules: which kinds a policy's rules name in `paramKind`, and
 * the objects of those kinds among the policy files (ConfigMaps, custom resources), as a
 * ValidatingAdmissionPolicy's params are found. Such objects are policy input, not policies.
 */
import type { JsonObject, JsonValue } from "../../manifests/types.js";
import { isObject } from "../../manifests/json.js";
import type { ParamKind } from "../vap/read.js";

/** The `paramKind`s written in the policy's `validate.cel` rules. */
export function celParamKinds(root: JsonValue): ParamKind[] {
  if (!isObject(root) || !isObject(root["spec"]) || !Array.isArray(root["spec"]["rules"])) return [];
  const kinds: ParamKind[] = [];
  for (const rule of root["spec"]["rules"]) {
    const validate = isObject(rule) ? rule["validate"] : undefined;
    const cel = isObject(validate) ? validate["cel"] : undefined;
    const kind = isObject(cel) ? cel["paramKind"] : undefined;
    if (isObject(kind) && typeof kind["apiVersion"] === "string" && typeof kind["kind"] === "string")
      kinds.push({ apiVersion: kind["apiVersion"], kind: kind["kind"] });
  }
  return kinds;
}

export function isParamObject(root: JsonObject, kinds: readonly ParamKind[]): boolean {
  return kinds.some((kind) => root["apiVersion"] === kind.apiVersion && root["kind"] === kind.kind);
}
