/**
 * Every constraint kind of the Gatekeeper policy library (`library/general/*` and
 * `library/pod-security-policy/*`), implemented natively. Each file names the upstream template it
 * follows; lib/ holds what they share.
 */
import type { PolicyKind } from "../types.js";
import { allowPrivilegeEscalation } from "./allow-privilege-escalation.js";
import { allowedRepos } from "./allowedrepos.js";
import { allowedReposV2 } from "./allowedreposv2.js";
import { appArmor } from "./apparmor.js";
import { automountServiceAccountToken } from "./automount-serviceaccount-token.js";
import { blockEndpointEditDefaultRole } from "./block-endpoint-edit-default-role.js";
import { blockLoadBalancerServices } from "./block-loadbalancer-services.js";
import { blockNodePortServices } from "./block-nodeport-services.js";
import { blockWildcardIngress } from "./block-wildcard-ingress.js";
import { capabilities } from "./capabilities.js";
import { containerLimits } from "./containerlimits.js";
import { containerRequests } from "./containerrequests.js";
import { containerResourceRatios } from "./containerresourceratios.js";
import { containerResources } from "./containerresources.js";
import { disallowAnonymous } from "./disallowanonymous.js";
import { disallowedRepos } from "./disallowedrepos.js";
import { disallowedTags } from "./disallowedtags.js";
import { disallowInteractive } from "./disallowinteractive.js";
import { ephemeralStorageLimit } from "./ephemeralstoragelimit.js";
import { externalIPs } from "./externalip.js";
import { flexVolumeDrivers } from "./flexvolume-drivers.js";
import { forbiddenSysctls } from "./forbidden-sysctls.js";
import { fsGroup } from "./fsgroup.js";
import { hostFilesystem } from "./host-filesystem.js";
import { hostNamespaces } from "./host-namespaces.js";
import { hostNetworkPorts } from "./host-network-ports.js";
import { hostProbesLifecycle } from "./host-probes-lifecycle.js";
import { hostProcess } from "./host-process.js";
import { horizontalPodAutoscaler } from "./horizontalpodautoscaler.js";
import { httpsOnly } from "./httpsonly.js";
import { imageDigests } from "./imagedigests.js";
import type { GatekeeperKind } from "./lib/define.js";
import { noUpdateServiceAccount } from "./noupdateserviceaccount.js";
import { podDisruptionBudget } from "./poddisruptionbudget.js";
import { privilegedContainers } from "./privileged-containers.js";
import { procMount } from "./proc-mount.js";
import { readOnlyRootFilesystem } from "./read-only-root-filesystem.js";
import { replicaLimits } from "./replicalimits.js";
import { requiredAnnotations } from "./requiredannotations.js";
import { requiredLabels } from "./requiredlabels.js";
import { requiredProbes } from "./requiredprobes.js";
import { seccomp } from "./seccomp.js";
import { seccompV2 } from "./seccompv2.js";
import { seLinux } from "./selinux.js";
import { storageClass } from "./storageclass.js";
import { uniqueIngressHost } from "./uniqueingresshost.js";
import { uniqueServiceSelector } from "./uniqueserviceselector.js";
import { allowedUsers } from "./users.js";
import { verifyDeprecatedApi } from "./verifydeprecatedapi.js";
import { volumeTypes } from "./volumes.js";

/** library/general */
const general: readonly GatekeeperKind[] = [
  allowedRepos,
  allowedReposV2,
  automountServiceAccountToken,
  blockEndpointEditDefaultRole,
  blockLoadBalancerServices,
  blockNodePortServices,
  blockWildcardIngress,
  containerLimits,
  containerRequests,
  containerResourceRatios,
  containerResources,
  disallowAnonymous,
  disallowedRepos,
  disallowedTags,
  disallowInteractive,
  ephemeralStorageLimit,
  externalIPs,
  horizontalPodAutoscaler,
  httpsOnly,
  imageDigests,
  noUpdateServiceAccount,
  podDisruptionBudget,
  replicaLimits,
  requiredAnnotations,
  requiredLabels,
  requiredProbes,
  storageClass,
  uniqueIngressHost,
  uniqueServiceSelector,
  verifyDeprecatedApi,
];

/** library/pod-security-policy */
const podSecurityPolicy: readonly GatekeeperKind[] = [
  allowPrivilegeEscalation,
  appArmor,
  capabilities,
  flexVolumeDrivers,
  forbiddenSysctls,
  fsGroup,
  hostFilesystem,
  hostNamespaces,
  hostNetworkPorts,
  hostProbesLifecycle,
  hostProcess,
  privilegedContainers,
  procMount,
  readOnlyRootFilesystem,
  seccomp,
  seccompV2,
  seLinux,
  allowedUsers,
  volumeTypes,
];

/** The kinds with their upstream template and parameter schema. */
export const gatekeeperLibrary: readonly GatekeeperKind[] = [...general, ...podSecurityPolicy];

export const gatekeeperKinds: readonly PolicyKind[] = gatekeeperLibrary;
