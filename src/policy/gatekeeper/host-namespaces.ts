/**
 * K8sPSPHostNamespace — upstream template `library/pod-security-policy/host-namespaces` (v1.1.1).
 * Pods may not share the host's PID or IPC namespace (`hostPID`, `hostIPC`). (Upstream skips UPDATE
 * requests because the fields are immutable, so an AdmissionReview of an UPDATE is
 * not judged (`exemptsUpdates`); a manifest is judged as a CREATE.)
 */
import { defineKind } from "./lib/define.js";
import { get, isSet } from "./lib/json.js";
import { msg } from "./lib/rego-format.js";
import { obj } from "./lib/schema.js";
import { unshareHostNamespaces } from "../fixes.js";

export const hostNamespaces = defineKind<Record<string, never>>({
  kind: "K8sPSPHostNamespace",
  template: "library/pod-security-policy/host-namespaces",
  description: "Disallows sharing of host PID and IPC namespaces by pod containers.",
  fix: "Remove `hostPID` and `hostIPC` from the pod spec, or set them to `false`.",
  target: "pod",
  exemptsUpdates: true,
  mechanicalFix: unshareHostNamespaces(["hostPID", "hostIPC"]),
  parameters: obj({}),
  build: () => (pod) => {
    const field = ["hostPID", "hostIPC"].find((name) => isSet(get(pod, "spec", name)));
    return field
      ? [{ message: msg`Sharing the host namespace is not allowed: ${get(pod, "metadata", "name")}`, path: ["spec", field] }]
      : [];
  },
});
