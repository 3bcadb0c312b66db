/**
 * K8sHttpsOnly — upstream template `library/general/httpsonly` (v1.0.2).
 * Ingresses must set the `kubernetes.io/ingress.allow-http: "false"` annotation and, unless
 * `tlsOptional` is true, a non-empty `spec.tls`.
 */
import type { FieldPath } from "../../manifests/types.js";
import { defineKind } from "./lib/define.js";
import { get, getArray, isSet } from "./lib/json.js";
import { msg } from "./lib/rego-format.js";
import { bool, obj } from "./lib/schema.js";

interface Parameters {
  tlsOptional?: boolean;
}

const ALLOW_HTTP = "kubernetes.io/ingress.allow-http";
const ANNOTATION_PATH: FieldPath = ["metadata", "annotations", ALLOW_HTTP];

export const httpsOnly = defineKind<Parameters>({
  kind: "K8sHttpsOnly",
  template: "library/general/httpsonly",
  description: "Requires Ingress resources to be HTTPS only.",
  fix: 'Add a `tls` section to the Ingress and the annotation `kubernetes.io/ingress.allow-http: "false"`.',
  target: "object",
  parameters: obj({ tlsOptional: bool }),
  build:
    ({ tlsOptional = false }) =>
    (ingress) => {
      const apiVersion = get(ingress, "apiVersion");
      if (get(ingress, "kind") !== "Ingress" || typeof apiVersion !== "string" || !/^(extensions|networking\.k8s\.io)\//.test(apiVersion))
        return [];
      const name = get(ingress, "metadata", "name");
      const httpDisallowed = get(ingress, "metadata", "annotations", ALLOW_HTTP) === "false";
      if (tlsOptional) {
        return httpDisallowed
          ? []
          : [{ message: msg`Ingress should be https. The allow-http=false annotation is required for ${name}`, path: ANNOTATION_PATH }];
      }
      const hasTls = isSet(get(ingress, "spec", "tls")) && getArray(ingress, "spec", "tls").length > 0;
      if (hasTls && httpDisallowed) return [];
      return [
        {
          message: msg`Ingress should be https. tls configuration and allow-http=false annotation are required for ${name}`,
          path: hasTls ? ANNOTATION_PATH : ["spec", "tls"],
        },
      ];
    },
});
