/**
 * The `PodSecurity` policy kind: the Kubernetes Pod Security Standards, an exact port of upstream
 * k8s.io/pod-security-admission (`policy/check_*.go`), at a level and a pinned or latest version.
 *
 *   apiVersion: kube-policy-bot.dev/v1
 *   kind: PodSecurity
 *   spec:
 *     parameters: { level: restricted, version: v1.30 }
 */
import type { JsonValue } from "../../manifests/types.js";
import type { Evaluator, ParameterError, PolicyKind } from "../types.js";
import { POD_SECURITY_CHECKS } from "./checks/index.js";
import { evaluatePod } from "./evaluate.js";
import { parseParameters } from "./parameters.js";
import { evaluatesRequest } from "./request.js";
import { newestPolicyMinor, selectChecks } from "./select.js";

const NEWEST_MINOR = newestPolicyMinor();

export const PSS_URL = "https://kubernetes.io/docs/concepts/security/pod-security-standards/";

export const podSecurity: PolicyKind = {
  kind: "PodSecurity",
  apiVersions: ["kube-policy-bot.dev/v1"],
  target: "pod",
  description: "Kubernetes Pod Security Standards (privileged, baseline, restricted), per policy version",
  // Each check's messages end with the precise fix for the field at hand ("Remove spec.hostPID or set it to false.").
  rules: POD_SECURITY_CHECKS.map((check) => ({
    id: check.id,
    kind: "PodSecurity",
    title: `Pod Security Standards (${check.level}): ${check.doc.title}`,
    checks: check.doc.checks,
    fix: check.doc.fix,
    messageSaysFix: true,
    helpUri: `${PSS_URL}#${check.level}`,
    tags: ["security", "kubernetes", "pod-security-standards", check.level],
  })),
  compile(parameters: JsonValue | undefined): { evaluator: Evaluator } | { errors: ParameterError[] } {
    const parsed = parseParameters(parameters, NEWEST_MINOR);
    if ("errors" in parsed) return parsed;
    const checks = selectChecks(parsed.parameters.level, parsed.parameters.minor);
    return { evaluator: (object, context) => (evaluatesRequest(object, context.review) ? evaluatePod(object, checks) : []) };
  },
};
