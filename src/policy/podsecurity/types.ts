/**
 * The shape of a Pod Security Standards check, mirroring upstream k8s.io/pod-security-admission
 * (`policy/checks.go`): an id, a level, and one implementation per policy version at which the rule
 * changed. Keeping upstream's structure makes each check file comparable line by line with its
 * `check_*.go` original.
 */
import type { RuleFix } from "../../fix/types.js";
import type { FieldPath } from "../../manifests/types.js";
import type { DecodedPod } from "./pod.js";

/** The levels of the standard. `privileged` has no checks at all. */
export type Level = "privileged" | "baseline" | "restricted";

/** A policy version as written in a policy: `v1.<minor>`. Upstream only ever has major 1. */
export type PolicyVersion = `v1.${number}`;

/** One offending field found by a check. The message is assembled from it by the evaluator. */
export interface CheckFinding {
  /** The offending field, or (for a required field that is missing) where it should be. */
  path: FieldPath;
  /** Upstream's ForbiddenDetail, narrowed to this one field. */
  detail: string;
  /** A short sentence telling the author how to fix it. */
  fix: string;
  /** Container name when the field belongs to a container. */
  container?: string;
}

export type CheckPodFn = (pod: DecodedPod) => CheckFinding[];

export interface VersionedCheck {
  /** First policy version this implementation applies to (upstream `MinimumVersion`). */
  minimumVersion: PolicyVersion;
  checkPod: CheckPodFn;
  /**
   * Baseline check ids this restricted implementation replaces at `restricted` (upstream
   * `OverrideCheckIDs`): the stricter rule subsumes the baseline one, so running both would only
   * report the same field twice.
   */
  overrides?: readonly string[];
}

export interface PodSecurityCheck {
  /** Upstream check id, e.g. `allowPrivilegeEscalation`; reported as the violation's rule. */
  id: string;
  level: "baseline" | "restricted";
  /** Upstream's ForbiddenReason, e.g. `host namespaces`: the words users search for. */
  reason: string;
  /** The check's documentation (listed by `kube-policy-bot rules`), close to the standard's wording. */
  doc: { title: string; checks: string; fix: string };
  /** Strictly increasing minimum versions. */
  versions: readonly VersionedCheck[];
  /** The mechanical fix of a finding of this check, for the pod the check judged; absent: flagged only. */
  fix?: RuleFix;
}
