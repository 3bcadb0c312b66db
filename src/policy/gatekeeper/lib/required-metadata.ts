/**
 * The shared shape of K8sRequiredLabels and K8sRequiredAnnotations: every listed key must be present
 * in `metadata.<field>`, and a present value must match the entry's `allowedRegex` (RE2, unanchored;
 * an empty `allowedRegex` means any value).
 */
import type { JsonObject } from "../../../manifests/types.js";
import type { ParameterError, Violation } from "../../types.js";
import { getObject } from "./json.js";
import { RegoSet, formatArg } from "./rego-format.js";
import { compileRe2 } from "./regex.js";

export interface RequiredEntry {
  key: string;
  allowedRegex?: string;
}

/** Every non-empty `allowedRegex` must compile: a broken one would otherwise match nothing silently. */
export function checkRegexes(entries: readonly RequiredEntry[], parameter: string): ParameterError[] {
  return entries.flatMap((entry, index) => {
    if (!entry.allowedRegex) return [];
    const compiled = compileRe2(entry.allowedRegex);
    return compiled instanceof RegExp
      ? []
      : [
          {
            path: [parameter, index, "allowedRegex"],
            message: `parameters.${parameter}[${index}].allowedRegex is not a valid regular expression: ${compiled.error}`,
          },
        ];
  });
}

export interface RequiredMetadataRules {
  field: "labels" | "annotations";
  entries: readonly RequiredEntry[];
  missingMessage(missing: RegoSet): string;
  mismatchMessage(key: string, value: string, regex: string): string;
}

export function requiredMetadata(rules: RequiredMetadataRules): (object: JsonObject) => Violation[] {
  const patterns = rules.entries.map((entry) => ({
    key: entry.key,
    source: entry.allowedRegex,
    regex: entry.allowedRegex ? (compileRe2(entry.allowedRegex) as RegExp) : undefined,
  }));
  const required = new RegoSet(rules.entries.map((e) => e.key));
  return (object) => {
    const present = getObject(object, "metadata", rules.field) ?? {};
    const found: Violation[] = [];
    // A key counts as provided when its value is set in Rego's sense (a YAML `false` is not).
    const missing = required.minus(new RegoSet(Object.keys(present).filter((key) => present[key] !== false)));
    if (missing.size > 0) found.push({ message: rules.missingMessage(missing), path: ["metadata", rules.field] });
    for (const [key, raw] of Object.entries(present)) {
      const value = formatArg(raw);
      for (const pattern of patterns) {
        if (pattern.key !== key || !pattern.regex || pattern.regex.test(value)) continue;
        found.push({ message: rules.mismatchMessage(key, value, pattern.source as string), path: ["metadata", rules.field, key] });
      }
    }
    return found;
  };
}
