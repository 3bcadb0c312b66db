/**
 * NoUpdateServiceAccount — upstream template `library/general/noupdateserviceaccount` (v1.0.1).
 *
 * Upstream only judges UPDATE requests: it compares the service account of the old and new object
 * and lets `allowedUsers` / `allowedGroups` (the requesting user) through. A manifest in a pull
 * request is judged as the object it creates (a CREATE review), which this policy always admits —
 * there is no old object and no requesting user. The kind is accepted, with its parameters
 * validated, so a repository that keeps this constraint next to others still loads; it reports nothing.
 */
import { defineKind } from "./lib/define.js";
import { arrayOf, obj, str } from "./lib/schema.js";

interface Parameters {
  allowedGroups?: string[];
  allowedUsers?: string[];
}

export const noUpdateServiceAccount = defineKind<Parameters>({
  kind: "NoUpdateServiceAccount",
  template: "library/general/noupdateserviceaccount",
  description: "Blocks updating the service account on resources that abstract over Pods (judges UPDATE requests only, so never fires on manifests).",
  target: "object",
  parameters: obj({ allowedGroups: arrayOf(str()), allowedUsers: arrayOf(str()) }),
  build: () => () => [],
});
