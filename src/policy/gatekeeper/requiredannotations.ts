/**
 * K8sRequiredAnnotations — upstream template `library/general/requiredannotations` (v1.0.1).
 * The object must carry every annotation in `annotations`, each value matching its `allowedRegex`
 * if given. `message` is accepted because the template's schema declares it, but — as upstream —
 * the messages do not use it.
 */
import { defineKind } from "./lib/define.js";
import { msg } from "./lib/rego-format.js";
import { checkRegexes, requiredMetadata, type RequiredEntry } from "./lib/required-metadata.js";
import { arrayOf, obj, str } from "./lib/schema.js";

interface Parameters {
  message?: string;
  annotations: RequiredEntry[];
}

export const requiredAnnotations = defineKind<Parameters>({
  kind: "K8sRequiredAnnotations",
  template: "library/general/requiredannotations",
  description: "Requires resources to contain specified annotations, with values matching provided regular expressions.",
  fix: "Add the annotations the constraint lists, with values matching its patterns.",
  target: "object",
  // `annotations` (and each entry's `key`) are required here: without them the constraint checks nothing.
  parameters: obj({ message: str(), annotations: arrayOf(obj({ key: str(), allowedRegex: str() }, ["key"])) }, ["annotations"]),
  check: ({ annotations }) => checkRegexes(annotations, "annotations"),
  build: ({ annotations }) =>
    requiredMetadata({
      field: "annotations",
      entries: annotations,
      missingMessage: (missing) => msg`you must provide annotation(s): ${missing}`,
      mismatchMessage: (key, value, regex) => msg`Annotation <${key}: ${value}> does not satisfy allowed regex: ${regex}`,
    }),
});
