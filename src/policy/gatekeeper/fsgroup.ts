/**
 * K8sPSPFSGroup — upstream template `library/pod-security-policy/fsgroup` (v1.1.0).
 * The Pod's `securityContext.fsGroup` must follow `rule`: `RunAsAny` allows anything; `MustRunAs`
 * requires an fsGroup inside one of `ranges`; `MayRunAs` allows leaving it out, but a given one must
 * be inside `ranges`. Without `rule` nothing is checked, as upstream. (Upstream skips UPDATE requests
 * because the field is immutable, so an AdmissionReview of an UPDATE is
 * not judged (`exemptsUpdates`); a manifest is judged as a CREATE.)
 */
import type { JsonObject, JsonValue } from "../../manifests/types.js";
import { defineKind } from "./lib/define.js";
import { get, hasField, isSet } from "./lib/json.js";
import { compareRego, msg } from "./lib/rego-format.js";
import { arrayOf, int, obj, str } from "./lib/schema.js";

interface Range {
  min?: number;
  max?: number;
}

interface Parameters {
  rule?: "MayRunAs" | "MustRunAs" | "RunAsAny";
  ranges?: Range[];
}

export const fsGroup = defineKind<Parameters>({
  kind: "K8sPSPFSGroup",
  template: "library/pod-security-policy/fsgroup",
  description: "Controls allocating an FSGroup that owns the Pod's volumes.",
  fix: "Set `securityContext.fsGroup` to a group ID inside the ranges the constraint allows.",
  target: "pod",
  exemptsUpdates: true,
  parameters: obj({ rule: str(["MayRunAs", "MustRunAs", "RunAsAny"]), ranges: arrayOf(obj({ min: int, max: int })) }),
  build: (parameters) => (pod) => {
    const { rule, ranges } = parameters;
    if (rule === undefined || rule === "RunAsAny") return [];
    const fsGroupValue = get(pod, "spec", "securityContext", "fsGroup");
    const unset = !hasField(get(pod, "spec"), "securityContext") || !isSet(fsGroupValue);
    if (rule === "MayRunAs" && unset) return [];
    if (fsGroupValue !== undefined && inRanges(fsGroupValue, ranges)) return [];
    return [
      {
        message: msg`The provided pod spec fsGroup is not allowed, pod: ${get(pod, "metadata", "name")}. Allowed fsGroup: ${parameters as unknown as JsonObject}`,
        path: ["spec", "securityContext", "fsGroup"],
      },
    ];
  },
});

export function inRanges(value: JsonValue, ranges: readonly Range[] | undefined): boolean {
  return (ranges ?? []).some(
    (range) =>
      range.min !== undefined && range.max !== undefined && compareRego(range.min, value) <= 0 && compareRego(range.max, value) >= 0,
  );
}
