/**
 * K8sRequiredLabels — upstream template `library/general/requiredlabels` (v1.1.2).
 * The object must carry every label in `labels`, each value matching its `allowedRegex` if given;
 * `message`, when set, replaces the default wording of both violations.
 */
import { defineKind } from "./lib/define.js";
import { msg } from "./lib/rego-format.js";
import { checkRegexes, requiredMetadata, type RequiredEntry } from "./lib/required-metadata.js";
import { arrayOf, obj, str } from "./lib/schema.js";

interface Parameters {
  message?: string;
  labels: RequiredEntry[];
}

export const requiredLabels = defineKind<Parameters>({
  kind: "K8sRequiredLabels",
  template: "library/general/requiredlabels",
  description: "Requires resources to contain specified labels, with values matching provided regular expressions.",
  fix: "Add the labels the constraint lists, with values matching its patterns.",
  target: "object",
  // `labels` (and each entry's `key`) are required here: without them the constraint checks nothing.
  parameters: obj({ message: str(), labels: arrayOf(obj({ key: str(), allowedRegex: str() }, ["key"])) }, ["labels"]),
  check: ({ labels }) => checkRegexes(labels, "labels"),
  build: ({ labels, message }) =>
    requiredMetadata({
      field: "labels",
      entries: labels,
      missingMessage: (missing) => message ?? msg`you must provide labels: ${missing}`,
      mismatchMessage: (key, value, regex) => message ?? msg`Label <${key}: ${value}> does not satisfy allowed regex: ${regex}`,
    }),
});
