/**
 * K8sContainerRatios — upstream template `library/general/containerresourceratios` (v1.0.1).
 * Containers and init containers must state CPU and memory limits and requests, and a limit may be
 * at most `ratio` times its request (`cpuRatio` for CPU, defaulting to `ratio`).
 * Ephemeral containers cannot set resources and are not checked.
 */
import type { ParameterError, Violation } from "../types.js";
import { REGULAR_AND_INIT, containerViolation, podContainers } from "./lib/containers.js";
import { defineKind } from "./lib/define.js";
import { isExemptImage } from "./lib/exempt-images.js";
import { get, isSet } from "./lib/json.js";
import { compareQuantities, multiplyQuantities, parseDecimal, parseQuantity, type Quantity } from "./lib/quantity.js";
import { msg } from "./lib/rego-format.js";
import { isMissing } from "./lib/resource-bounds.js";
import { exemptImages, obj, str } from "./lib/schema.js";

interface Parameters {
  exemptImages?: string[];
  ratio?: string;
  cpuRatio?: string;
}

const SECTIONS = [
  { section: "limits", noun: "limit" },
  { section: "requests", noun: "request" },
] as const;

export const containerResourceRatios = defineKind<Parameters>({
  kind: "K8sContainerRatios",
  template: "library/general/containerresourceratios",
  description: "Sets a maximum ratio for container resource limits to requests.",
  fix: "Lower the container's limits or raise its requests so that limit / request stays within the constraint's ratio.",
  target: "pod",
  parameters: obj({ exemptImages, ratio: str(), cpuRatio: str() }),
  check: ({ ratio, cpuRatio }) => {
    // With neither ratio the upstream comparisons are undefined and never fire.
    if (ratio === undefined && cpuRatio === undefined) {
      return [
        {
          path: ["ratio"],
          code: "missing-required",
          message: 'parameters.ratio is required: a string holding a number such as "2" (or at least cpuRatio)',
        },
      ];
    }
    return [...checkRatio(ratio, "ratio"), ...checkRatio(cpuRatio, "cpuRatio")];
  },
  build: ({ ratio, cpuRatio, exemptImages }) => {
    const cpu = cpuRatio ?? ratio;
    const ratios = [
      { resource: "cpu", text: cpu, value: parseDecimal(cpu) },
      { resource: "memory", text: ratio, value: parseDecimal(ratio) },
    ];
    return (pod) =>
      podContainers(pod, REGULAR_AND_INIT).flatMap((c) => {
        if (isExemptImage(c.image, exemptImages)) return [];
        const found: Violation[] = [];
        const resources = get(c.spec, "resources");
        if (!isSet(resources) || !isSet(get(resources, "limits"))) {
          found.push(containerViolation(c, msg`container <${c.name}> has no resource limits`, "resources", "limits"));
        }
        if (!isSet(get(resources, "requests"))) {
          found.push(containerViolation(c, msg`container <${c.name}> has no resource requests`, "resources", "requests"));
        }
        const parsed: Record<string, Quantity | undefined> = {};
        for (const { section, noun } of SECTIONS) {
          const stated = get(resources, section);
          for (const resource of ["cpu", "memory"]) {
            if (stated !== undefined && isMissing(stated, resource)) {
              found.push(containerViolation(c, msg`container <${c.name}> has no ${resource} ${noun}`, "resources", section, resource));
            }
            const amount = get(stated, resource);
            if (amount === undefined) continue;
            const quantity = parseQuantity(amount);
            parsed[`${section}.${resource}`] = quantity;
            if (!quantity)
              found.push(
                containerViolation(
                  c,
                  msg`container <${c.name}> ${resource} ${noun} <${amount}> could not be parsed`,
                  "resources",
                  section,
                  resource,
                ),
              );
          }
        }
        for (const { resource, text, value } of ratios) {
          const limit = parsed[`limits.${resource}`];
          const request = parsed[`requests.${resource}`];
          if (!limit || !request || !value || compareQuantities(limit, multiplyQuantities(value, request)) <= 0) continue;
          const stated = get(resources, "limits", resource);
          found.push(
            containerViolation(
              c,
              msg`container <${c.name}> ${resource} limit <${stated}> is higher than the maximum allowed ratio of <${text}>`,
              "resources",
              "limits",
              resource,
            ),
          );
        }
        return found;
      });
  },
});

function checkRatio(value: string | undefined, parameter: string): ParameterError[] {
  if (value === undefined) return [];
  const parsed = parseDecimal(value);
  if (!parsed)
    return [
      {
        path: [parameter],
        message: `parameters.${parameter} must be a string holding a number such as "2" or "1.5", got ${JSON.stringify(value)}`,
      },
    ];
  if (parsed.num < 0n)
    return [{ path: [parameter], message: `parameters.${parameter} must not be negative, got ${JSON.stringify(value)}` }];
  return [];
}
