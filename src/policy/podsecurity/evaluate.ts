/**
 * Runs the selected checks on one Pod and turns their findings into violations: one per offending
 * field, so each gets its own annotation line, worded with upstream's reason and detail (what users
 * will search for) followed by how to fix it.
 */
import type { JsonObject } from "../../manifests/types.js";
import type { Violation } from "../types.js";
import { decodePod } from "./pod.js";
import type { SelectedCheck } from "./select.js";

export function evaluatePod(pod: JsonObject, checks: readonly SelectedCheck[]): Violation[] {
  if (checks.length === 0) return [];
  const decoded = decodePod(pod);
  const violations: Violation[] = [];
  for (const check of checks) {
    for (const finding of check.checkPod(decoded)) {
      const violation: Violation = {
        message: `${check.reason} (${finding.detail}). ${finding.fix}`,
        path: finding.path,
        rule: check.id,
      };
      if (finding.container !== undefined) violation.container = finding.container;
      const fix = check.fix?.(pod, finding.path);
      if (fix) violation.fix = fix;
      violations.push(violation);
    }
  }
  return violations;
}
