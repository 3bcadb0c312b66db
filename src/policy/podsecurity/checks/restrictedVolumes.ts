/**
 * At `restricted`, volumes are limited to the core non-host types and those defined through
 * PersistentVolumes. Upstream `check_restrictedVolumes.go` (one implementation from v1.0; `image`
 * joined the allowed list in place, so it is allowed at every version). Replaces `hostPathVolumes`.
 */
import { podFinding } from "../finding.js";
import { quote } from "../format.js";
import type { DecodedPod } from "../pod.js";
import type { CheckFinding, PodSecurityCheck } from "../types.js";

const ALLOWED_VOLUME_SOURCES: ReadonlySet<string> = new Set([
  "configMap",
  "csi",
  "downwardAPI",
  "emptyDir",
  "ephemeral",
  "image",
  "persistentVolumeClaim",
  "projected",
  "secret",
]);

/** Upstream names each restricted type in this order when a volume (invalidly) sets several. */
const RESTRICTED_VOLUME_SOURCES = [
  "hostPath",
  "gcePersistentDisk",
  "awsElasticBlockStore",
  "gitRepo",
  "nfs",
  "iscsi",
  "glusterfs",
  "rbd",
  "flexVolume",
  "cinder",
  "cephfs",
  "flocker",
  "fc",
  "azureFile",
  "vsphereVolume",
  "quobyte",
  "azureDisk",
  "photonPersistentDisk",
  "portworxVolume",
  "scaleIO",
  "storageos",
];

export const restrictedVolumes: PodSecurityCheck = {
  id: "restrictedVolumes",
  level: "restricted",
  reason: "restricted volume types",
  doc: {
    title: "Volume types",
    checks:
      "The restricted level allows only volume types that cannot expose the node: configMap, csi, downwardAPI, emptyDir, ephemeral, image, persistentVolumeClaim, projected and secret.",
    fix: "Use only configMap, csi, downwardAPI, emptyDir, ephemeral, image, persistentVolumeClaim, projected or secret volumes.",
  },
  versions: [{ minimumVersion: "v1.0", checkPod: restrictedVolumesV1Dot0, overrides: ["hostPathVolumes"] }],
};

function restrictedVolumesV1Dot0(pod: DecodedPod): CheckFinding[] {
  const findings: CheckFinding[] = [];
  for (const volume of pod.spec.volumes) {
    if ([...volume.sources].some((source) => ALLOWED_VOLUME_SOURCES.has(source))) continue;
    const type = RESTRICTED_VOLUME_SOURCES.find((source) => volume.sources.has(source));
    findings.push(
      podFinding(
        type ? ["volumes", volume.index, type] : ["volumes", volume.index],
        `volume ${quote(volume.name)} uses restricted volume type ${quote(type ?? "unknown")}`,
        `Use only ${[...ALLOWED_VOLUME_SOURCES].join(", ")} volumes (a persistentVolumeClaim can front any other storage).`,
      ),
    );
  }
  return findings;
}
