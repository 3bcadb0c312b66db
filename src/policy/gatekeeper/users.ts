/**
 * K8sPSPAllowedUsers — upstream template `library/pod-security-policy/users` (v1.0.3).
 * Controls the user and group IDs containers run with: `runAsUser` (MustRunAs a range,
 * MustRunAsNonRoot, RunAsAny), `runAsGroup`, `supplementalGroups` and `fsGroup` (MustRunAs / MayRunAs
 * a range, RunAsAny). A container's own `securityContext` value wins over the Pod's. Containers
 * matching `exemptImages` are skipped. (Upstream skips UPDATE requests, so an AdmissionReview of an UPDATE is
 * not judged (`exemptsUpdates`); a manifest is judged as a CREATE.)
 */
import type { FieldPath, JsonObject, JsonValue } from "../../manifests/types.js";
import type { Violation } from "../types.js";
import { inRanges } from "./fsgroup.js";
import { containerViolation, podContainers, type PodContainer } from "./lib/containers.js";
import { defineKind } from "./lib/define.js";
import { isExemptImage } from "./lib/exempt-images.js";
import { get, isSet } from "./lib/json.js";
import { msg } from "./lib/rego-format.js";
import { arrayOf, exemptImages, int, obj, str, type ObjectSchema } from "./lib/schema.js";

interface Range {
  min?: number;
  max?: number;
}

interface IdRule {
  rule?: string;
  ranges?: Range[];
}

interface Parameters {
  exemptImages?: string[];
  runAsUser?: IdRule;
  runAsGroup?: IdRule;
  supplementalGroups?: IdRule;
  fsGroup?: IdRule;
}

type GroupField = "runAsGroup" | "supplementalGroups" | "fsGroup";
const GROUP_FIELDS: readonly GroupField[] = ["runAsGroup", "supplementalGroups", "fsGroup"];

const idRule = (rules: readonly string[]): ObjectSchema => obj({ rule: str(rules), ranges: arrayOf(obj({ min: int, max: int })) });

export const allowedUsers = defineKind<Parameters>({
  kind: "K8sPSPAllowedUsers",
  template: "library/pod-security-policy/users",
  description: "Controls the user and group IDs of the container and some volumes.",
  fix: "Set `runAsUser`, `runAsGroup`, `supplementalGroups` and `fsGroup` to IDs inside the constraint's rules (e.g. `MustRunAsNonRoot`).",
  target: "pod",
  exemptsUpdates: true,
  parameters: obj({
    exemptImages,
    runAsUser: idRule(["MustRunAs", "MustRunAsNonRoot", "RunAsAny"]),
    runAsGroup: idRule(["MustRunAs", "MayRunAs", "RunAsAny"]),
    supplementalGroups: idRule(["MustRunAs", "MayRunAs", "RunAsAny"]),
    fsGroup: idRule(["MustRunAs", "MayRunAs", "RunAsAny"]),
  }),
  build: (parameters) => (pod) =>
    podContainers(pod).flatMap((c) => {
      if (isExemptImage(c.image, parameters.exemptImages)) return [];
      const found: Violation[] = [];
      if (parameters.runAsUser) found.push(...userViolations(parameters.runAsUser, pod, c));
      for (const field of GROUP_FIELDS) {
        const rule = parameters[field];
        if (rule) found.push(...groupViolations(field, rule, pod, c));
      }
      return found;
    }),
});

/** Upstream's `get_field_value`: the container's `securityContext` field, else the Pod's. */
function fieldValue(field: string, pod: JsonObject, c: PodContainer): { value: JsonValue | undefined; path: FieldPath } {
  const own = get(c.spec, "securityContext", field);
  if (own !== undefined) return { value: own, path: [...c.path, "securityContext", field] };
  // Upstream reads the Pod's value only when the review is of a Pod; workloads reach us as their Pod.
  return { value: get(pod, "spec", "securityContext", field), path: ["spec", "securityContext", field] };
}

function userViolations(params: IdRule, pod: JsonObject, c: PodContainer): Violation[] {
  const { value: user, path } = fieldValue("runAsUser", pod, c);
  const paramsText = params as unknown as JsonObject;
  if (params.rule !== undefined && user !== undefined && !acceptsUser(params, user)) {
    return [
      {
        ...containerViolation(
          c,
          msg`Container ${c.name} is attempting to run as disallowed user ${user}. Allowed runAsUser: ${paramsText}`,
        ),
        path,
      },
    ];
  }
  if (!isSet(user) && params.rule === "MustRunAs") {
    return [{ ...containerViolation(c, msg`Container ${c.name} is attempting to run without a required securityContext/runAsUser`), path }];
  }
  if (params.rule === "MustRunAsNonRoot" && !isSet(user) && !isSet(fieldValue("runAsNonRoot", pod, c).value)) {
    return [
      {
        ...containerViolation(
          c,
          msg`Container ${c.name} is attempting to run without a required securityContext/runAsNonRoot or securityContext/runAsUser != 0`,
        ),
        path: fieldValue("runAsNonRoot", pod, c).path,
      },
    ];
  }
  return [];
}

function acceptsUser(params: IdRule, user: JsonValue): boolean {
  switch (params.rule) {
    case "RunAsAny":
      return true;
    case "MustRunAsNonRoot":
      return user !== 0;
    case "MustRunAs":
      return inRanges(user, params.ranges);
    default:
      return false;
  }
}

function groupViolations(field: GroupField, params: IdRule, pod: JsonObject, c: PodContainer): Violation[] {
  const { value, path } = fieldValue(field, pod, c);
  const paramsText = params as unknown as JsonObject;
  const found: Violation[] = [];
  // Upstream passes `params.ranges` to the acceptance check; without ranges that call is undefined
  // and the value checks never fire (even under MustRunAs) — only the "required" check below does.
  if (params.rule !== undefined && params.ranges !== undefined && value !== undefined) {
    const accepted = (v: JsonValue): boolean => params.rule === "RunAsAny" || inRanges(v, params.ranges);
    if (!Array.isArray(value) && !accepted(value)) {
      found.push({
        ...containerViolation(
          c,
          msg`Container ${c.name} is attempting to run as disallowed group ${value}. Allowed ${field}: ${paramsText}`,
        ),
        path,
      });
    }
    if (Array.isArray(value) && value.some((v) => !accepted(v))) {
      found.push({
        ...containerViolation(
          c,
          msg`Container ${c.name} is attempting to run with disallowed supplementalGroups ${value}. Allowed ${field}: ${paramsText}`,
        ),
        path,
      });
    }
  }
  if (!isSet(value) && params.rule === "MustRunAs") {
    found.push({
      ...containerViolation(
        c,
        msg`Container ${c.name} is attempting to run without a required securityContext/${field}. Allowed ${field}: ${paramsText}`,
      ),
      path,
    });
  }
  return found;
}
