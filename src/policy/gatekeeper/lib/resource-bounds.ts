/**
 * The shared logic of the library's container resource templates (containerlimits,
 * containerrequests, ephemeralstoragelimit): each container must state its `resources.limits` (or
 * `requests`) for some resources, and a stated amount must parse and not exceed the maximum.
 * Amounts are compared as Kubernetes quantities (see quantity.ts) where the upstream Rego only knows
 * a subset of the notation (it reports `1e3` or `0.5k` as unparseable although the API server accepts them).
 */
import type { JsonObject, JsonValue } from "../../../manifests/types.js";
import type { ParameterError, Violation } from "../../types.js";
import { REGULAR_AND_INIT, containerViolation, podContainers } from "./containers.js";
import { isExemptImage } from "./exempt-images.js";
import { get, isSet } from "./json.js";
import { compareQuantities, parseQuantity, type Quantity } from "./quantity.js";
import { msg } from "./rego-format.js";

export interface BoundedResource {
  /** `cpu`, `memory`, `ephemeral-storage`. */
  name: string;
  /** The maximum and its text as the constraint wrote it; no maximum when absent. */
  max?: { quantity: Quantity; text: string };
}

export interface ResourceBoundsRules {
  section: "limits" | "requests";
  /** `limit` or `request`, as the messages say it. */
  noun: string;
  resources: readonly BoundedResource[];
  exemptImages: readonly string[] | undefined;
}

/** Rego's `missing(obj, field)`: absent, `false`, or the empty string. */
export function isMissing(section: JsonValue, field: string): boolean {
  const value = get(section, field);
  return !isSet(value) || value === "";
}

/**
 * A maximum given as a parameter must be a valid, non-negative quantity: upstream silently skips the
 * comparison when it cannot parse it, which would pass every container unnoticed.
 */
export function checkMaximum(value: string | undefined, parameter: string): ParameterError[] {
  if (value === undefined) return [];
  const quantity = parseQuantity(value);
  if (!quantity)
    return [
      {
        path: [parameter],
        message: `parameters.${parameter} must be a Kubernetes quantity such as "500m", "2", "512Mi" or "1Gi", got ${JSON.stringify(value)}`,
      },
    ];
  if (quantity.num < 0n)
    return [{ path: [parameter], message: `parameters.${parameter} must not be negative, got ${JSON.stringify(value)}` }];
  return [];
}

export function maximum(value: string | undefined): BoundedResource["max"] {
  const quantity = value === undefined ? undefined : parseQuantity(value);
  return quantity && value !== undefined ? { quantity, text: value } : undefined;
}

export function resourceBounds(rules: ResourceBoundsRules): (pod: JsonObject) => Violation[] {
  const { section, noun } = rules;
  const plural = `${noun}s`;
  return (pod) =>
    podContainers(pod, REGULAR_AND_INIT).flatMap((c) => {
      if (isExemptImage(c.image, rules.exemptImages)) return [];
      const found: Violation[] = [];
      const resources = get(c.spec, "resources");
      const stated = get(resources, section);
      if (!isSet(resources)) {
        found.push(containerViolation(c, msg`container <${c.name}> has no resource ${plural}`, "resources"));
      } else if (!isSet(stated)) {
        found.push(containerViolation(c, msg`container <${c.name}> has no resource ${plural}`, "resources", section));
      }
      for (const resource of rules.resources) {
        const amount = get(stated, resource.name);
        const path = ["resources", section, resource.name];
        if (stated !== undefined && isMissing(stated, resource.name)) {
          found.push(containerViolation(c, msg`container <${c.name}> has no ${resource.name} ${noun}`, ...path));
        }
        if (amount === undefined) continue;
        const quantity = parseQuantity(amount);
        if (!quantity) {
          found.push(containerViolation(c, msg`container <${c.name}> ${resource.name} ${noun} <${amount}> could not be parsed`, ...path));
        } else if (resource.max && compareQuantities(quantity, resource.max.quantity) > 0) {
          found.push(
            containerViolation(
              c,
              msg`container <${c.name}> ${resource.name} ${noun} <${amount}> is higher than the maximum allowed of <${resource.max.text}>`,
              ...path,
            ),
          );
        }
      }
      return found;
    });
}
