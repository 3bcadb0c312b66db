/**
 * VerifyDeprecatedAPI — upstream template `library/general/verifydeprecatedapi` (v1.0.0).
 * Objects must not use an `apiVersion` listed as deprecated for their kind in `kvs`; the message
 * names `targetAPI` as the replacement (or points to the deprecation guide when it is "None").
 */
import { defineKind } from "./lib/define.js";
import { get } from "./lib/json.js";
import { msg } from "./lib/rego-format.js";
import { arrayOf, num, obj, str } from "./lib/schema.js";

interface DeprecatedApi {
  deprecatedAPI: string;
  kinds: string[];
  targetAPI: string;
}

interface Parameters {
  kvs: DeprecatedApi[];
  k8sVersion: number;
}

export const verifyDeprecatedApi = defineKind<Parameters>({
  kind: "VerifyDeprecatedAPI",
  template: "library/general/verifydeprecatedapi",
  description: "Verifies deprecated Kubernetes APIs to ensure all the API versions are up to date.",
  fix: "Move the object to the API version that replaces the deprecated one (see the message), e.g. `apps/v1` for Deployments.",
  target: "object",
  // All required here: each is part of the message, and upstream reports nothing without it.
  parameters: obj(
    {
      kvs: arrayOf(obj({ deprecatedAPI: str(), kinds: arrayOf(str()), targetAPI: str() }, ["deprecatedAPI", "kinds", "targetAPI"])),
      k8sVersion: num,
    },
    ["kvs", "k8sVersion"],
  ),
  build:
    ({ kvs, k8sVersion }) =>
    (object) => {
      const apiVersion = get(object, "apiVersion");
      const kind = get(object, "kind");
      return kvs
        .filter((entry) => entry.deprecatedAPI === apiVersion && entry.kinds.some((k) => k === kind))
        .map((entry) => ({
          message:
            entry.targetAPI === "None"
              ? msg`API ${kind} for ${apiVersion} is deprecated in Kubernetes version ${k8sVersion}, please see Kubernetes API deprecation guide`
              : msg`API ${kind} for ${apiVersion} is deprecated in Kubernetes version ${k8sVersion}, please use ${entry.targetAPI} instead`,
          path: ["apiVersion"],
        }));
    },
});
