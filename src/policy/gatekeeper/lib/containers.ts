/**
 * The containers of a Pod spec, in the three lists the library's templates read
 * (`input.review.object.spec.containers[_]`, `initContainers`, `ephemeralContainers`), with the
 * path of each so a violation can point at it.
 */
import type { FieldPath, JsonObject, JsonValue } from "../../../manifests/types.js";
import type { Violation } from "../../types.js";
import { getArray, isObject } from "./json.js";

export type ContainerList = "containers" | "initContainers" | "ephemeralContainers";

export const ALL_CONTAINER_LISTS: readonly ContainerList[] = ["containers", "initContainers", "ephemeralContainers"];
/** How the image templates name each list in their messages (`initContainer <x> has ...`). */
export const CONTAINER_LABEL: Readonly<Record<ContainerList, string>> = {
  containers: "container",
  initContainers: "initContainer",
  ephemeralContainers: "ephemeralContainer",
};

/** Templates that skip ephemeral containers do so because their resources/probes cannot be set. */
export const REGULAR_AND_INIT: readonly ContainerList[] = ["containers", "initContainers"];

export interface PodContainer {
  list: ContainerList;
  /** The container object as written. */
  spec: JsonObject;
  /** `["spec", list, index]`, relative to the Pod. */
  path: FieldPath;
  /** `name` as written; may be missing in a broken manifest. */
  name: JsonValue | undefined;
  image: JsonValue | undefined;
}

export function podContainers(pod: JsonObject, lists: readonly ContainerList[] = ALL_CONTAINER_LISTS): PodContainer[] {
  const found: PodContainer[] = [];
  for (const list of lists) {
    getArray(pod, "spec", list).forEach((spec, index) => {
      if (!isObject(spec)) return;
      found.push({ list, spec, path: ["spec", list, index], name: spec["name"], image: spec["image"] });
    });
  }
  return found;
}

/** The path of a field inside a container. */
export function at(container: PodContainer, ...rest: (string | number)[]): FieldPath {
  return [...container.path, ...rest];
}

/** A violation about one container, pointing at `field` inside it (or at the container itself). */
export function containerViolation(container: PodContainer, message: string, ...field: (string | number)[]): Violation {
  const violation: Violation = { message, path: at(container, ...field) };
  if (typeof container.name === "string") violation.container = container.name;
  return violation;
}
