/**
 * What each rule is and how to fix a violation, for reports that carry rule documentation (SARIF
 * rules show it beside every alert). Texts follow the upstream standards so a reader can check
 * them there: the Pod Security Standards page and the Gatekeeper policy library.
 */
import { policyKinds } from "../policy/kinds.js";
import type { PolicyDocs } from "../policy/types.js";
import { howToFix } from "./remediation.js";

export const PSS_URL = "https://kubernetes.io/docs/concepts/security/pod-security-standards/";
export const KYVERNO_POLICIES_URL = "https://kyverno.io/policies/";
export const GATEKEEPER_LIBRARY_URL = "https://open-policy-agent.github.io/gatekeeper-library/website/";

/** The rule id under which unreadable or unparsable input is reported. */
export const PARSE_ERROR_RULE = "input/parse-error";

export interface RuleDoc {
  /** One line, shown next to the results. */
  short: string;
  /** A paragraph (SARIF caps it at 1000 characters). */
  full: string;
  /** How to fix a violation, plain text. */
  fix: string;
  /** Upstream documentation of the rule. */
  helpUri: string;
  tags: string[];
}

interface PssCheck {
  level: "baseline" | "restricted";
  title: string;
  /** The upstream "why", close to the Pod Security Standards wording. */
  why: string;
}

/** Keyed by upstream check id (k8s.io/pod-security-admission `policy/check_*.go`). */
const PSS_CHECKS: Record<string, PssCheck> = {
  hostNamespaces: {
    level: "baseline",
    title: "Host namespaces",
    why: "Sharing the host's network, PID or IPC namespace lets a pod see and signal host processes, sniff host traffic or reach host-local services; the Pod Security Standards forbid it at the baseline level.",
  },
  privileged: {
    level: "baseline",
    title: "Privileged containers",
    why: "Privileged containers disable most security mechanisms: they can access all host devices and, for example, enter the host's namespaces with nsenter (OWASP Kubernetes Top 10 K04). Forbidden at the baseline level.",
  },
  capabilities_baseline: {
    level: "baseline",
    title: "Capabilities",
    why: "Adding Linux capabilities beyond the container runtime's default set (AUDIT_WRITE, CHOWN, DAC_OVERRIDE, FOWNER, FSETID, KILL, MKNOD, NET_BIND_SERVICE, SETFCAP, SETGID, SETPCAP, SETUID, SYS_CHROOT) is forbidden at the baseline level.",
  },
  hostPathVolumes: {
    level: "baseline",
    title: "HostPath volumes",
    why: "A hostPath volume mounts a directory of the node into the pod, which can expose credentials, the container runtime socket or the whole host file system. Forbidden at the baseline level.",
  },
  hostPorts: {
    level: "baseline",
    title: "Host ports",
    why: "A hostPort binds a port on the node itself, bypassing network policies and exposing the pod on the node's address. Forbidden at the baseline level.",
  },
  hostProbesAndHostLifecycle: {
    level: "baseline",
    title: "Host probes and lifecycle hooks",
    why: "The `host` field of probes and lifecycle hooks makes the kubelet send requests to an arbitrary address, which can be abused to reach services on the node network. Forbidden at the baseline level.",
  },
  appArmorProfile: {
    level: "baseline",
    title: "AppArmor",
    why: "Overriding or disabling the default AppArmor profile removes a mandatory access control layer. Only `RuntimeDefault` and `Localhost` profiles are allowed at the baseline level.",
  },
  seLinuxOptions: {
    level: "baseline",
    title: "SELinux",
    why: "Setting a custom SELinux user or role, or an SELinux type other than the container types, can escape SELinux confinement. Forbidden at the baseline level.",
  },
  procMount: {
    level: "baseline",
    title: "/proc mount type",
    why: "The default /proc masks reduce the kernel attack surface; `procMount: Unmasked` removes them. Forbidden at the baseline level unless the pod runs in a user namespace (`hostUsers: false`).",
  },
  procMount_restricted: {
    level: "restricted",
    title: "/proc mount type",
    why: "The default /proc masks reduce the kernel attack surface; at the restricted level they are required even for pods in a user namespace.",
  },
  seccompProfile_baseline: {
    level: "baseline",
    title: "Seccomp",
    why: "A seccomp profile explicitly set to `Unconfined` lets the container make any system call. Forbidden at the baseline level.",
  },
  seccompProfile_restricted: {
    level: "restricted",
    title: "Seccomp",
    why: "The restricted level requires a seccomp profile on every container, so that system calls are filtered; both `Unconfined` and no profile at all are forbidden.",
  },
  sysctls: {
    level: "baseline",
    title: "Sysctls",
    why: "Sysctls can disable security mechanisms or affect every container on the node; only a namespaced, safe subset is allowed at the baseline level.",
  },
  windowsHostProcess: {
    level: "baseline",
    title: "Windows HostProcess",
    why: "Windows HostProcess containers run directly on the host with privileged access to it. Forbidden at the baseline level.",
  },
  restrictedVolumes: {
    level: "restricted",
    title: "Volume types",
    why: "The restricted level allows only volume types that cannot expose the node: configMap, csi, downwardAPI, emptyDir, ephemeral, image, persistentVolumeClaim, projected and secret.",
  },
  runAsNonRoot: {
    level: "restricted",
    title: "Running as non-root",
    why: "Containers must be required to run as non-root users, so that a process escaping the container is not root on the node.",
  },
  runAsUser: {
    level: "restricted",
    title: "Running as non-root user",
    why: "Containers must not run with user ID 0 (root).",
  },
  allowPrivilegeEscalation: {
    level: "restricted",
    title: "Privilege escalation",
    why: "Privilege escalation, for example through set-user-ID or set-group-ID binaries, must not be allowed at the restricted level.",
  },
  capabilities_restricted: {
    level: "restricted",
    title: "Capabilities",
    why: "At the restricted level containers must drop ALL Linux capabilities and may add back only NET_BIND_SERVICE.",
  },
};

/** Gatekeeper library kinds and the folder (= website page) they come from in the upstream library. */
const GATEKEEPER_PAGES: Record<string, string> = {
  K8sAllowedRepos: "allowedrepos",
  K8sAllowedReposv2: "allowedreposv2",
  K8sBlockEndpointEditDefaultRole: "block-endpoint-edit-default-role",
  K8sBlockLoadBalancer: "block-loadbalancer-services",
  K8sBlockNodePort: "block-nodeport-services",
  K8sBlockWildcardIngress: "block-wildcard-ingress",
  K8sContainerEphemeralStorageLimit: "ephemeralstoragelimit",
  K8sContainerLimits: "containerlimits",
  K8sContainerRatios: "containerresourceratios",
  K8sContainerRequests: "containerrequests",
  K8sDisallowAnonymous: "disallowanonymous",
  K8sDisallowInteractiveTTY: "disallowinteractive",
  K8sDisallowedRepos: "disallowedrepos",
  K8sDisallowedTags: "disallowedtags",
  K8sExternalIPs: "externalip",
  K8sHorizontalPodAutoscaler: "horizontalpodautoscaler",
  K8sHttpsOnly: "httpsonly",
  K8sImageDigests: "imagedigests",
  K8sPSPAllowPrivilegeEscalationContainer: "allow-privilege-escalation",
  K8sPSPAllowedUsers: "users",
  K8sPSPAppArmor: "apparmor",
  K8sPSPAutomountServiceAccountTokenPod: "automount-serviceaccount-token",
  K8sPSPCapabilities: "capabilities",
  K8sPSPFSGroup: "fsgroup",
  K8sPSPFlexVolumes: "flexvolume-drivers",
  K8sPSPForbiddenSysctls: "forbidden-sysctls",
  K8sPSPHostFilesystem: "host-filesystem",
  K8sPSPHostNamespace: "host-namespaces",
  K8sPSPHostNetworkingPorts: "host-network-ports",
  K8sPSPHostProbesLifecycle: "host-probes-lifecycle",
  K8sPSPHostProcess: "host-process",
  K8sPSPPrivilegedContainer: "privileged-containers",
  K8sPSPProcMount: "proc-mount",
  K8sPSPReadOnlyRootFilesystem: "read-only-root-filesystem",
  K8sPSPSELinuxV2: "selinux",
  K8sPSPSeccomp: "seccomp",
  K8sPSPSeccompV2: "seccompv2",
  K8sPSPVolumeTypes: "volumes",
  K8sPodDisruptionBudget: "poddisruptionbudget",
  K8sReplicaLimits: "replicalimits",
  K8sRequiredAnnotations: "requiredannotations",
  K8sRequiredLabels: "requiredlabels",
  K8sRequiredProbes: "requiredprobes",
  K8sRequiredResources: "containerresources",
  K8sStorageClass: "storageclass",
  K8sUniqueIngressHost: "uniqueingresshost",
  K8sUniqueServiceSelector: "uniqueserviceselector",
  NoUpdateServiceAccount: "noupdateserviceaccount",
  VerifyDeprecatedAPI: "verifydeprecatedapi",
};

/**
 * The one-sentence fix shared with the check-run report (remediation.ts), or `fallback` where it only
 * has its per-field generic advice: a rule description has no single field to point at.
 */
function fixFor(rule: string, policyKind: string, fallback: string): string {
  const noField = "\u0000";
  const fix = howToFix(rule, policyKind, noField);
  if (fix.includes(noField)) return fallback;
  return fix.charAt(0).toUpperCase() + fix.slice(1);
}

function podSecurityDoc(rule: string): RuleDoc | undefined {
  const check = Object.hasOwn(PSS_CHECKS, rule) ? PSS_CHECKS[rule] : undefined;
  if (check === undefined) return undefined;
  return {
    short: `Pod Security Standards (${check.level}): ${check.title}`,
    full: check.why,
    fix: fixFor(rule, "PodSecurity", "Change the pod spec as the message says."),
    helpUri: `${PSS_URL}#${check.level}`,
    tags: ["security", "kubernetes", "pod-security-standards", check.level],
  };
}

/** A Kyverno rule is documented by its policy's own annotations (`policies.kyverno.io/title`, ...). */
function kyvernoDoc(rule: string, docs: PolicyDocs): RuleDoc {
  const title = docs.title ?? rule;
  const description = docs.description ?? `Kyverno rule ${rule}.`;
  return {
    short: `${title} (${rule})`,
    full: description,
    fix: "Change the resource as the rule's message says, or ask the policy owners for an approved exception.",
    helpUri: KYVERNO_POLICIES_URL,
    tags: ["kubernetes", "kyverno", ...[docs.category, docs.severity].filter((tag): tag is string => tag !== undefined && tag !== "")],
  };
}

function gatekeeperDoc(kind: string): RuleDoc {
  const page = Object.hasOwn(GATEKEEPER_PAGES, kind) ? GATEKEEPER_PAGES[kind] : undefined;
  const description = policyKinds.get(kind)?.description ?? `Gatekeeper constraint ${kind}.`;
  return {
    short: `${kind}: ${description}`,
    full: policyKinds.has(kind)
      ? `${description} Implements the Gatekeeper policy library constraint template ${kind}; the constraint's parameters decide what is allowed.`
      : `${description} Defined by the organisation's own ConstraintTemplate (CEL code, run generically); the constraint's parameters decide what is allowed.`,
    fix: fixFor(
      kind,
      kind,
      "Change the resource so that it satisfies the constraint's parameters (the message names the offending value), or, if the resource is a justified exception, ask the policy owners to exclude it through the constraint's match or an approved exception.",
    ),
    helpUri: page === undefined ? GATEKEEPER_LIBRARY_URL : `${GATEKEEPER_LIBRARY_URL}validation/${page}`,
    tags: ["security", "kubernetes", "gatekeeper"],
  };
}

const PARSE_ERROR_DOC: RuleDoc = {
  short: "Manifest cannot be read or parsed",
  full: "The file is not valid YAML or JSON, or a document in it is not a Kubernetes object. kube-policy-bot does not guess what a broken file meant, so it blocks the change until the file parses: a file the tool cannot read would otherwise pass unchecked.",
  fix: "Fix the syntax error at the reported line (run the file through a YAML linter or `kubectl apply --dry-run=client -f FILE`), or move files that are not Kubernetes manifests out of the checked paths.",
  helpUri: "https://kubernetes.io/docs/concepts/overview/working-with-objects/#describing-a-kubernetes-object",
  tags: ["kubernetes", "correctness"],
};

/** Documentation of a rule as findings name it (`policyKind` + `rule`); `input/parse-error` for input errors. */
export function ruleDoc(policyKind: string, rule: string, docs?: PolicyDocs): RuleDoc {
  if (policyKind === PARSE_ERROR_RULE) return PARSE_ERROR_DOC;
  if (docs !== undefined || policyKind === "ClusterPolicy" || policyKind === "Policy") return kyvernoDoc(rule, docs ?? {});
  if (policyKind === "PodSecurity") {
    return (
      podSecurityDoc(rule) ?? {
        short: `Pod Security Standards: ${rule}`,
        full: `Pod Security Standards check ${rule}.`,
        fix: "Change the pod spec as the message says.",
        helpUri: PSS_URL,
        tags: ["security", "kubernetes", "pod-security-standards"],
      }
    );
  }
  if (policyKind === "ValidatingAdmissionPolicy" || policyKind === "ValidatingPolicy") return celPolicyDoc(policyKind);
  return gatekeeperDoc(policyKind);
}

/** A CEL policy's rule is a binding (VAP) or the policy itself (Kyverno): the message carries the specifics. */
function celPolicyDoc(policyKind: string): RuleDoc {
  const kyverno = policyKind === "ValidatingPolicy";
  return {
    short: kyverno ? "Kyverno ValidatingPolicy (CEL)" : "Kubernetes ValidatingAdmissionPolicy (CEL)",
    full: kyverno
      ? "An organisation's Kyverno ValidatingPolicy: CEL validations evaluated as Kyverno evaluates them, including the rules Kyverno generates for Pod controllers."
      : "An organisation's ValidatingAdmissionPolicy, applied through its ValidatingAdmissionPolicyBinding: CEL validations evaluated as the Kubernetes API server evaluates them at admission.",
    fix: "Change the resource so that the validation named in the message holds, or, if the resource is a justified exception, ask the policy owners to narrow the policy's match or grant an approved exception.",
    helpUri: kyverno ? "https://kyverno.io/docs/policy-types/validating-policy/" : "https://kubernetes.io/docs/reference/access-authn-authz/validating-admission-policy/",
    tags: ["kubernetes", "cel", kyverno ? "kyverno" : "validating-admission-policy"],
  };
}
