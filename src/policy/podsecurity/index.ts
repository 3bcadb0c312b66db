/**
 * The `PodSecurity` policy kind: the Kubernetes Pod Security Standards, an exact port of upstream
 * k8s.io/pod-security-admission (`policy/check_*.go`), at a level and a pinned or latest version.
 *
 *   apiVersion: kube-policy-bot.dev/v1
 *   kind: PodSecurity
 *   spec:
 *     parameters: { level: restricted, version: v1.30 }
 *
 * With `namespaceLabels`, the level and version come from the target namespace's Pod Security labels,
 * as Pod Security admission takes them (namespace-mode.ts).
 */
import type { JsonValue } from "../../manifests/types.js";
import type { CompileEnvironment, Evaluator, NamespaceDescriber, ParameterError, PolicyKind } from "../types.js";
import { POD_SECURITY_CHECKS } from "./checks/index.js";
import { evaluatePod } from "./evaluate.js";
import { compileNamespaceMode } from "./namespace-mode.js";
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
    ...(check.mechanicalFix ? { mechanicalFix: check.mechanicalFix } : {}),
    helpUri: `${PSS_URL}#${check.level}`,
    tags: ["security", "kubernetes", "pod-security-standards", check.level],
  })),
  compile(
    parameters: JsonValue | undefined,
    environment: CompileEnvironment = {},
  ): { evaluator: Evaluator; describeNamespace?: NamespaceDescriber } | { errors: ParameterError[] } {
    const parsed = parseParameters(parameters, NEWEST_MINOR);
    if ("errors" in parsed) return parsed;
    const { namespaceLabels } = parsed.parameters;
    if (namespaceLabels) {
      return compileNamespaceMode({
        modes: namespaceLabels,
        level: parsed.parameters.level,
        version: parsed.parameters.version,
        newestMinor: NEWEST_MINOR,
        admission: environment.podSecurityAdmission,
      });
    }
    const checks = selectChecks(parsed.parameters.level, parsed.parameters.minor);
    return { evaluator: (object, context) => (evaluatesRequest(object, context.review) ? evaluatePod(object, checks) : []) };
  },
};
