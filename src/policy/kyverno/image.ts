/**
 * Image references as Kyverno describes them (kyverno pkg/utils/image): the `images` variable
 * (`images.containers.<name>.registry` ...) and `image_normalize`. A name without a registry gets
 * Kyverno's default registry `docker.io`; a reference with neither tag nor digest gets `latest`.
 */
import type { JsonObject, JsonValue } from "../../manifests/types.js";
import { isObject } from "../../manifests/json.js";

export interface ImageInfo {
  registry: string;
  name: string;
  path: string;
  tag: string;
  digest: string;
  reference: string;
  referenceWithTag: string;
}

const DEFAULT_REGISTRY = "docker.io";
const REFERENCE =
  /^(?<name>[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?::\d+)?(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*|[^/@:]+(?::\d+)?(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)+)(?::(?<tag>[\w][\w.-]{0,127}))?(?:@(?<digest>[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}))?$/;

export function parseImage(image: string): ImageInfo | undefined {
  const full = withDefaultRegistry(image);
  const match = REFERENCE.exec(full);
  if (!match?.groups) return undefined;
  const named = match.groups["name"] as string;
  const slash = named.indexOf("/");
  const registry = named.slice(0, slash);
  const path = named.slice(slash + 1);
  const digest = match.groups["digest"] ?? "";
  let tag = match.groups["tag"] ?? "";
  if (digest === "" && tag === "") tag = "latest";
  const base = `${registry}/${path}`;
  return {
    registry,
    name: path.slice(path.lastIndexOf("/") + 1),
    path,
    tag,
    digest,
    reference: digest !== "" ? `${base}@${digest}` : `${base}:${tag}`,
    referenceWithTag: `${base}:${tag}`,
  };
}

export function normalizeImage(image: string): string {
  const info = parseImage(image);
  if (!info) throw new Error(`bad image: ${image}`);
  return info.reference;
}

function withDefaultRegistry(image: string): string {
  const slash = image.indexOf("/");
  const first = slash === -1 ? "" : image.slice(0, slash);
  const isRegistry = slash !== -1 && (/[.:]/.test(first) || first === "localhost" || first.toLowerCase() !== first);
  return isRegistry ? image : `${DEFAULT_REGISTRY}/${image}`;
}

const POD_SPEC_PATHS: Readonly<Record<string, readonly string[]>> = {
  Pod: ["spec"],
  CronJob: ["spec", "jobTemplate", "spec", "template", "spec"],
};
const TEMPLATE_KINDS = new Set(["Deployment", "DaemonSet", "StatefulSet", "ReplicaSet", "ReplicationController", "Job"]);
const CONTAINER_LISTS = ["containers", "initContainers", "ephemeralContainers"];

/** The `images` variable of a Pod or Pod controller: per container list, per container name. */
export function imagesOf(object: JsonObject): JsonObject | undefined {
  const kind = object["kind"];
  if (typeof kind !== "string") return undefined;
  const path = POD_SPEC_PATHS[kind] ?? (TEMPLATE_KINDS.has(kind) ? ["spec", "template", "spec"] : undefined);
  if (!path) return undefined;
  let spec: JsonValue | undefined = object;
  for (const key of path) spec = isObject(spec) ? spec[key] : undefined;
  if (!isObject(spec)) return undefined;
  const result: JsonObject = {};
  for (const list of CONTAINER_LISTS) {
    const containers = spec[list];
    if (!Array.isArray(containers)) continue;
    const infos: JsonObject = {};
    for (const container of containers) {
      if (!isObject(container) || typeof container["name"] !== "string" || typeof container["image"] !== "string") continue;
      const info = parseImage(container["image"]);
      if (info) infos[container["name"]] = { ...info };
    }
    if (Object.keys(infos).length > 0) result[list] = infos;
  }
  return Object.keys(result).length > 0 ? result : undefined;
}
