/**
 * K8sExternalIPs — upstream template `library/general/externalip` (v1.0.0).
 * A Service's `spec.externalIPs` may only contain addresses from `allowedIPs` (none when absent).
 */
import { defineKind } from "./lib/define.js";
import { getArray } from "./lib/json.js";
import { RegoSet, msg } from "./lib/rego-format.js";
import { reviewKind } from "./lib/review.js";
import { arrayOf, obj, str } from "./lib/schema.js";

interface Parameters {
  allowedIPs?: string[];
}

export const externalIPs = defineKind<Parameters>({
  kind: "K8sExternalIPs",
  template: "library/general/externalip",
  description: "Restricts Service externalIPs to an allowed list of IP addresses.",
  fix: "Remove the Service's `externalIPs`, or use only addresses from the constraint's `allowedIPs`.",
  target: "object",
  parameters: obj({ allowedIPs: arrayOf(str()) }),
  build: ({ allowedIPs = [] }) => {
    const allowed = new RegoSet(allowedIPs);
    return (service) => {
      const kind = reviewKind(service);
      if (kind.kind !== "Service" || kind.group !== "") return [];
      const ips = getArray(service, "spec", "externalIPs");
      const forbidden = new RegoSet(ips).minus(allowed);
      if (forbidden.size === 0) return [];
      const first = ips.findIndex((ip) => !allowed.has(ip));
      return [{ message: msg`service has forbidden external IPs: ${forbidden}`, path: ["spec", "externalIPs", first] }];
    };
  },
});
