/**
 * K8sPSPAutomountServiceAccountTokenPod — upstream template
 * `library/general/automount-serviceaccount-token` (v1.0.1).
 * A Pod must not set `automountServiceAccountToken: true`, nor — when it leaves that field out —
 * mount a volume at the service account token path itself.
 * (Upstream skips UPDATE requests because the fields are immutable, so an AdmissionReview of an UPDATE is
 * not judged (`exemptsUpdates`); a manifest is judged as a CREATE.)
 */
import type { FieldPath, JsonObject } from "../../manifests/types.js";
import { REGULAR_AND_INIT, podContainers } from "./lib/containers.js";
import { defineKind } from "./lib/define.js";
import { get, getArray, getObject } from "./lib/json.js";
import { msg } from "./lib/rego-format.js";
import { obj } from "./lib/schema.js";

const TOKEN_PATH = "/var/run/secrets/kubernetes.io/serviceaccount";

export const automountServiceAccountToken = defineKind<Record<string, never>>({
  kind: "K8sPSPAutomountServiceAccountTokenPod",
  template: "library/general/automount-serviceaccount-token",
  description: "Controls the ability of any Pod to enable automountServiceAccountToken.",
  fix: "Set `automountServiceAccountToken: false` on the pod, and mount a projected token only where the workload needs the API.",
  target: "pod",
  exemptsUpdates: true,
  parameters: obj({}),
  build: () => (pod) => {
    const spec = getObject(pod, "spec");
    if (!spec) return [];
    const message = msg`Automounting service account token is disallowed, pod: ${get(pod, "metadata", "name")}`;
    if (spec["automountServiceAccountToken"] === true) return [{ message, path: ["spec", "automountServiceAccountToken"] }];
    if (Object.hasOwn(spec, "automountServiceAccountToken")) return [];
    const mount = tokenMountPath(pod);
    return mount ? [{ message, path: mount }] : [];
  },
});

function tokenMountPath(pod: JsonObject): FieldPath | undefined {
  for (const c of podContainers(pod, REGULAR_AND_INIT)) {
    const index = getArray(c.spec, "volumeMounts").findIndex((m) => get(m, "mountPath") === TOKEN_PATH);
    if (index >= 0) return [...c.path, "volumeMounts", index, "mountPath"];
  }
  return undefined;
}
