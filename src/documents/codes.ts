/**
 * The stable codes of problems in our own documents (config, policy files, PolicyException, the Pod
 * Security admission configuration): tools and tests key on the code, people read the message. The
 * README's "Errors" table is checked against this list (test/documents/codes.test.ts).
 */
export const PROBLEM_CODES = {
  "yaml-syntax": "The file is not valid YAML (or exceeds the reader's limits).",
  "multiple-documents": "A config file holds more than one YAML document.",
  "not-a-mapping": "A document that must be a mapping (key: value) is something else.",
  "unknown-key": "A key the document does not define; usually a typo, and the suggestion names the closest key.",
  "missing-required": "A required key is missing.",
  "wrong-type": "A value of the wrong type, e.g. a string where a list is expected.",
  "not-one-of": "A value outside a fixed set of choices; the suggestion names the closest one.",
  "invalid-value": "A value of the right type that is not valid: a malformed name, date, version, glob or regular expression.",
  empty: "A list or text that must not be empty is empty or blank.",
  duplicate: "A value listed twice, or a name two documents use.",
  "too-many": "More entries than the limit allows.",
  "not-allowed-here": "A valid key in the wrong place, e.g. an organisation-only setting in a repository's config.",
  "unknown-kind": "A policy document of a kind that is not supported; the suggestion names the closest kind.",
  "wrong-api-version": "A known kind with an apiVersion it does not have.",
  unsupported: "Valid upstream, but not something a pull-request check can judge (e.g. a Rego ConstraintTemplate); fails closed.",
  "unknown-policy": "A PolicyException names a policy that is not loaded; the suggestion names the closest policy.",
} as const;

export type ProblemCode = keyof typeof PROBLEM_CODES;
