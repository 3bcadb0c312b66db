/**
 * K8sBlockEndpointEditDefaultRole — upstream template `library/general/block-endpoint-edit-default-role` (v1.0.0).
 * The default ClusterRole `system:aggregate-to-edit` must not grant create/patch/update on
 * `endpoints` (CVE-2021-25740: endpoint edits can route traffic to arbitrary addresses).
 */
import { defineKind } from "./lib/define.js";
import { get, getArray } from "./lib/json.js";
import { obj } from "./lib/schema.js";

const EDIT_VERBS = ["create", "patch", "update"];

export const blockEndpointEditDefaultRole = defineKind<Record<string, never>>({
  kind: "K8sBlockEndpointEditDefaultRole",
  template: "library/general/block-endpoint-edit-default-role",
  description:
    "Many Kubernetes installations by default have a system:aggregate-to-edit ClusterRole which does not properly restrict access to editing Endpoints.",
  fix: "Remove the `create`, `patch` and `update` verbs on `endpoints` from the `system:aggregate-to-edit` ClusterRole.",
  target: "object",
  parameters: obj({}),
  build: () => (role) => {
    if (get(role, "metadata", "name") !== "system:aggregate-to-edit") return [];
    const index = getArray(role, "rules").findIndex(
      (rule) =>
        getArray(rule, "resources").includes("endpoints") &&
        getArray(rule, "verbs").some((verb) => typeof verb === "string" && EDIT_VERBS.includes(verb)),
    );
    if (index < 0) return [];
    return [
      {
        message:
          "ClusterRole system:aggregate-to-edit should not allow endpoint edit permissions. For k8s version < 1.22, the Cluster Role should be annotated with rbac.authorization.kubernetes.io/autoupdate=false to prevent autoreconciliation back to default permissions for this role.",
        path: ["rules", index],
      },
    ];
  },
});
