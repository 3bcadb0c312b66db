/**
 * K8sDisallowAnonymous — upstream template `library/general/disallowanonymous` (v1.1.0).
 * (Cluster)RoleBindings may not bind `system:unauthenticated` or `system:anonymous` (and, with
 * `disallowAuthenticated`, `system:authenticated`), unless the bound role is in `allowedRoles`.
 */
import type { Violation } from "../types.js";
import { defineKind } from "./lib/define.js";
import { get, getArray } from "./lib/json.js";
import { msg } from "./lib/rego-format.js";
import { arrayOf, bool, obj, str } from "./lib/schema.js";

interface Parameters {
  allowedRoles?: string[];
  disallowAuthenticated?: boolean;
}

const ALWAYS_DISALLOWED = ["system:unauthenticated", "system:anonymous"];

export const disallowAnonymous = defineKind<Parameters>({
  kind: "K8sDisallowAnonymous",
  template: "library/general/disallowanonymous",
  description: "Disallows associating ClusterRole and Role resources to the system:anonymous user and system:unauthenticated group.",
  fix: "Bind the role to named users, groups or service accounts instead of `system:anonymous` or `system:unauthenticated`.",
  target: "object",
  parameters: obj({ allowedRoles: arrayOf(str()), disallowAuthenticated: bool }),
  build: ({ allowedRoles = [], disallowAuthenticated = false }) => {
    const disallowed = disallowAuthenticated ? [...ALWAYS_DISALLOWED, "system:authenticated"] : ALWAYS_DISALLOWED;
    return (binding) => {
      const roleName = get(binding, "roleRef", "name");
      if (typeof roleName === "string" && allowedRoles.includes(roleName)) return [];
      const found: Violation[] = [];
      getArray(binding, "subjects").forEach((subject, index) => {
        const name = get(subject, "name");
        if (typeof name !== "string" || !disallowed.includes(name)) return;
        found.push({
          message: msg`${name} is not allowed as a subject name in ${get(binding, "kind")} ${get(binding, "metadata", "name")}`,
          path: ["subjects", index, "name"],
        });
      });
      return found;
    };
  },
});
