/**
 * K8sStorageClass — upstream template `library/general/storageclass` (v1.1.2).
 * PersistentVolumeClaims and StatefulSet volumeClaimTemplates must name a StorageClass that exists
 * (and, with `allowedStorageClasses`, one of those). Existing StorageClasses are the
 * `storage.k8s.io/v1` StorageClass objects of the inventory — every manifest under review — where
 * Gatekeeper reads its synced cluster state. With none there, nothing can be verified and, as
 * upstream ("not synced"), every matched object is reported: keep the cluster's StorageClass
 * manifests in the checked set, or do not use this kind.
 */
import type { JsonValue } from "../../manifests/types.js";
import type { Violation } from "../types.js";
import { defineKind } from "./lib/define.js";
import { perInventory } from "./lib/inventory.js";
import { get, getArray, isSet } from "./lib/json.js";
import { msg } from "./lib/rego-format.js";
import { nameOf } from "./lib/review.js";
import { arrayOf, bool, obj, str } from "./lib/schema.js";

interface Parameters {
  includeStorageClassesInMessage?: boolean;
  allowedStorageClasses?: string[];
}

export const storageClass = defineKind<Parameters>({
  kind: "K8sStorageClass",
  template: "library/general/storageclass",
  description: "Requires storage classes to be specified when used.",
  fix: "Set `storageClassName` on the claim (and on every volume claim template) to a storage class that exists and the constraint allows.",
  target: "object",
  parameters: obj({ includeStorageClassesInMessage: bool, allowedStorageClasses: arrayOf(str()) }),
  // `includeStorageClassesInMessage` defaults to true in the template's schema.
  build: ({ includeStorageClassesInMessage = true, allowedStorageClasses }) => {
    const storageClassNames = perInventory((objects) =>
      [
        ...new Set(
          objects
            .filter((o) => get(o, "apiVersion") === "storage.k8s.io/v1" && get(o, "kind") === "StorageClass")
            .map(nameOf)
            .filter((n): n is string => n !== undefined),
        ),
      ].sort(),
    );
    return (object, context) => {
      const existing = storageClassNames(context.inventory);
      const found: Violation[] = [];
      if (existing.length === 0) {
        found.push({
          message:
            "StorageClasses not synced: no StorageClass (storage.k8s.io/v1) is among the checked manifests, so storage class names cannot be verified.",
          path: [],
        });
      }
      const allowed = (name: JsonValue): boolean =>
        typeof name === "string" && existing.includes(name) && (allowedStorageClasses ?? ["*"]).some((a) => a === "*" || a === name);
      const choices = allowedStorageClasses === undefined ? existing : existing.filter((n) => allowedStorageClasses.includes(n));
      const choiceList = choices.join(", ");
      const validWord = allowedStorageClasses === undefined ? "a valid" : "an allowed and valid";

      const judge = (what: "pvc" | "statefulset", name: JsonValue | undefined, path: (string | number)[]): void => {
        if (name === undefined || !isSet(name)) {
          found.push({
            message: includeStorageClassesInMessage
              ? `${what} did not specify a storage class name. Must be one of [${existing.join(", ")}]`
              : `${what} did not specify a storage class name.`,
            path,
          });
        } else if (!allowed(name)) {
          found.push({
            message: includeStorageClassesInMessage
              ? msg`${what} did not specify ${validWord} storage class name <${name}>. Must be one of [${choiceList}]`
              : msg`${what} did not specify a valid storage class name <${name}>.`,
            path,
          });
        }
      };

      if (get(object, "apiVersion") === "v1" && get(object, "kind") === "PersistentVolumeClaim") {
        judge("pvc", get(object, "spec", "storageClassName"), ["spec", "storageClassName"]);
      }
      if (get(object, "apiVersion") === "apps/v1" && get(object, "kind") === "StatefulSet") {
        getArray(object, "spec", "volumeClaimTemplates").forEach((template, index) => {
          judge("statefulset", get(template, "spec", "storageClassName"), [
            "spec",
            "volumeClaimTemplates",
            index,
            "spec",
            "storageClassName",
          ]);
        });
      }
      return found;
    };
  },
});
