/**
 * K8sRequiredProbes — upstream template `library/general/requiredprobes` (v1.0.1).
 * Every (regular) container must define each probe in `probes`, and a probe counts only if it sets
 * one of the handler fields in `probeTypes` (`tcpSocket`, `httpGet`, `exec`, `grpc`).
 * (Upstream skips UPDATE requests because probes are immutable, so an AdmissionReview of an UPDATE is
 * not judged (`exemptsUpdates`); a manifest is judged as a CREATE.)
 */
import type { JsonValue } from "../../manifests/types.js";
import { containerViolation, podContainers } from "./lib/containers.js";
import { defineKind } from "./lib/define.js";
import { get, isObject, isSet } from "./lib/json.js";
import { msg } from "./lib/rego-format.js";
import { reviewKind } from "./lib/review.js";
import { arrayOf, obj, str } from "./lib/schema.js";

interface Parameters {
  probes: string[];
  probeTypes: string[];
}

export const requiredProbes = defineKind<Parameters>({
  kind: "K8sRequiredProbes",
  template: "library/general/requiredprobes",
  description: "Requires Pods to have readiness and/or liveness probes.",
  fix: "Add the probes the constraint requires (readiness and/or liveness) to every container, of an allowed probe type.",
  target: "pod",
  exemptsUpdates: true,
  // Both required here: without `probes` nothing is checked, and without `probeTypes` upstream
  // reports every probe as missing even when it is there.
  parameters: obj({ probes: arrayOf(str()), probeTypes: arrayOf(str()) }, ["probes", "probeTypes"]),
  build: ({ probes, probeTypes }) => {
    const hasHandler = (probe: JsonValue | undefined): boolean => isObject(probe) && probeTypes.some((type) => isSet(probe[type]));
    return (pod) => {
      const kind = reviewKind(pod).kind;
      const name = get(pod, "metadata", "name");
      return podContainers(pod, ["containers"]).flatMap((c) =>
        probes
          .filter((probe) => !isSet(c.spec[probe]) || !hasHandler(c.spec[probe]))
          .map((probe) => containerViolation(c, msg`Container <${c.name}> in your <${kind}> <${name}> has no <${probe}>`, probe)),
      );
    };
  },
});
