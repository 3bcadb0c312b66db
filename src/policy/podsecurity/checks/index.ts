/**
 * The registry: every Pod Security Standards check, as upstream registers them in
 * k8s.io/pod-security-admission `policy/check_*.go`.
 */
import type { PodSecurityCheck } from "../types.js";
import { allowPrivilegeEscalation } from "./allowPrivilegeEscalation.js";
import { appArmorProfile } from "./appArmorProfile.js";
import { capabilitiesBaseline } from "./capabilities_baseline.js";
import { capabilitiesRestricted } from "./capabilities_restricted.js";
import { hostNamespaces } from "./hostNamespaces.js";
import { hostPathVolumes } from "./hostPathVolumes.js";
import { hostPorts } from "./hostPorts.js";
import { hostProbesAndHostLifecycle } from "./hostProbesAndHostLifecycle.js";
import { privileged } from "./privileged.js";
import { procMount } from "./procMount.js";
import { procMountRestricted } from "./procMount_restricted.js";
import { restrictedVolumes } from "./restrictedVolumes.js";
import { runAsNonRoot } from "./runAsNonRoot.js";
import { runAsUser } from "./runAsUser.js";
import { seccompProfileBaseline } from "./seccompProfile_baseline.js";
import { seccompProfileRestricted } from "./seccompProfile_restricted.js";
import { seLinuxOptions } from "./seLinuxOptions.js";
import { sysctls } from "./sysctls.js";
import { windowsHostProcess } from "./windowsHostProcess.js";

export const POD_SECURITY_CHECKS: readonly PodSecurityCheck[] = [
  // baseline
  privileged,
  hostNamespaces,
  capabilitiesBaseline,
  hostPathVolumes,
  hostPorts,
  appArmorProfile,
  seLinuxOptions,
  procMount,
  seccompProfileBaseline,
  sysctls,
  windowsHostProcess,
  hostProbesAndHostLifecycle,
  // restricted
  restrictedVolumes,
  allowPrivilegeEscalation,
  runAsNonRoot,
  runAsUser,
  seccompProfileRestricted,
  capabilitiesRestricted,
  procMountRestricted,
];
