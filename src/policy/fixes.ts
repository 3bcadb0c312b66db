/**
 * Fixes shared by rules of different families: the Pod Security check and the Gatekeeper kind that
 * judge the same field make the same change. Each is a `RuleFix`: a summary for the rule reference,
 * and a pure function from the judged Pod and the finding's path to field edits, or undefined where
 * no change is safe to make mechanically.
 */
import { valueAt } from "../fix/model.js";
import type { FieldEdit, Fix, RuleFix } from "../fix/types.js";
import type { FieldPath, JsonObject } from "../manifests/types.js";

/** The finding's field set to a value: `privileged: false`, `hostPID: false`, `procMount: Default`. */
export function setTo(value: boolean | string, summary: string): RuleFix {
  return {
    summary,
    fixFor(_pod, path) {
      const field = path[path.length - 1];
      if (typeof field !== "string") return undefined;
      return { description: `Set ${field} to ${String(value)}.`, edits: [{ op: "set", path, value }] };
    },
  };
}

/**
 * Every host namespace the pod shares (`hostPID`, `hostIPC`, and `hostNetwork` when asked) set to
 * false: a rule that reports "the pod shares host namespaces" once is fixed only when none is shared.
 */
export function unshareHostNamespaces(fields: readonly string[]): RuleFix {
  return {
    summary: `Set ${fields.join(" and ")} to false.`,
    fixFor(pod) {
      const shared = fields.filter((field) => {
        const value = valueAt(pod, ["spec", field]);
        return value !== undefined && value !== false;
      });
      if (shared.length === 0) return undefined;
      return {
        description: `Set ${shared.join(" and ")} to false.`,
        edits: shared.map((field) => ({ op: "set", path: ["spec", field], value: false })),
      };
    },
  };
}

/** The finding's field removed: a `hostPort`. */
export function removeField(summary: string): RuleFix {
  return {
    summary,
    fixFor(_pod, path) {
      const field = path[path.length - 1];
      if (typeof field !== "string") return undefined;
      return { description: `Remove ${field}.`, edits: [{ op: "remove", path }] };
    },
  };
}

const CAP_SYS_ADMIN = "CAP_SYS_ADMIN";

/**
 * `allowPrivilegeEscalation: false` on the container of the finding (path ends in
 * `securityContext.allowPrivilegeEscalation`). The API server rejects that setting next to
 * `privileged: true` or an added `CAP_SYS_ADMIN` (ValidateSecurityContext), so those go too: a fix
 * must leave an object the cluster accepts.
 */
export const disallowPrivilegeEscalation: RuleFix = {
  summary:
    "Set allowPrivilegeEscalation to false (and privileged to false, CAP_SYS_ADMIN out of capabilities.add, which the API server rejects beside it).",
  fixFor(pod, path) {
    if (path[path.length - 1] !== "allowPrivilegeEscalation" || path[path.length - 2] !== "securityContext") return undefined;
    const context = path.slice(0, -1);
    const edits: FieldEdit[] = [];
    if (valueAt(pod, [...context, "privileged"]) === true) edits.push({ op: "set", path: [...context, "privileged"], value: false });
    const added = valueAt(pod, [...context, "capabilities", "add"]);
    if (Array.isArray(added) && added.includes(CAP_SYS_ADMIN))
      edits.push({ op: "pull", path: [...context, "capabilities", "add"], value: CAP_SYS_ADMIN });
    edits.push({ op: "set", path, value: false });
    return { description: "Set allowPrivilegeEscalation to false.", edits };
  },
};

/** The capability of the finding (path ends in `capabilities.add[i]`) removed from `add`, by name. */
function removeAddedCapability(pod: JsonObject, path: FieldPath): Fix | undefined {
  const addPath = path.slice(0, -1);
  if (addPath[addPath.length - 1] !== "add" || typeof path[path.length - 1] !== "number") return undefined;
  const capability = valueAt(pod, path);
  if (typeof capability !== "string") return undefined;
  return { description: `Remove ${capability} from capabilities.add.`, edits: [{ op: "pull", path: addPath, value: capability }] };
}

/** The disallowed capabilities removed from `capabilities.add`, by name. */
export const removeAddedCapabilities: RuleFix = {
  summary: "Remove the disallowed capability from capabilities.add.",
  fixFor: removeAddedCapability,
};

/**
 * The restricted capabilities rule: `"ALL"` added to `capabilities.drop` of the finding's container
 * (path ends in `capabilities.drop`), a disallowed capability removed from `add` (path in `add`).
 */
export const dropAllAndRemoveAdded: RuleFix = {
  summary: 'Add "ALL" to capabilities.drop; remove capabilities other than NET_BIND_SERVICE from capabilities.add.',
  fixFor(pod, path) {
    if (path[path.length - 1] === "drop")
      return { description: 'Add "ALL" to capabilities.drop.', edits: [{ op: "append", path, value: "ALL" }] };
    return removeAddedCapability(pod, path);
  },
};

const RUNTIME_DEFAULT = { type: "RuntimeDefault" };

/**
 * A seccomp profile of type RuntimeDefault: in place of a forbidden type (path ends in
 * `seccompProfile.type`), or, for containers that set none, once at pod level (path ends in
 * `seccompProfile`), which covers every container that does not set its own. Not where the profile
 * carries more than its type (a `localhostProfile` is only valid with type Localhost).
 */
export const runtimeDefaultSeccomp: RuleFix = {
  summary: "Set seccompProfile.type to RuntimeDefault (at pod level where containers set none).",
  fixFor(pod, path) {
    const last = path[path.length - 1];
    if (last === "type" && path[path.length - 2] === "seccompProfile") {
      return onlyType(pod, path.slice(0, -1))
        ? { description: "Set seccompProfile.type to RuntimeDefault.", edits: [{ op: "set", path, value: "RuntimeDefault" }] }
        : undefined;
    }
    if (last !== "seccompProfile" || path[0] !== "spec") return undefined;
    const podProfile: FieldPath = ["spec", "securityContext", "seccompProfile"];
    if (!onlyType(pod, podProfile)) return undefined;
    return {
      description: "Set the pod's securityContext.seccompProfile.type to RuntimeDefault.",
      edits: [{ op: "set", path: podProfile, value: RUNTIME_DEFAULT }],
    };
  },
};

function onlyType(pod: JsonObject, profilePath: FieldPath): boolean {
  const profile = valueAt(pod, profilePath);
  if (profile === undefined) return true;
  return typeof profile === "object" && profile !== null && !Array.isArray(profile) && Object.keys(profile).every((key) => key === "type");
}
