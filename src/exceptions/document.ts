/**
 * `PolicyException` documents: permanent exceptions, committed beside the policies and reviewed like
 * code. Read with the same file/line errors as policies; written out for the reply that grants a
 * comment exception, so it can be committed if it should outlive the pull request.
 *
 *   apiVersion: kube-policy-bot.dev/v1
 *   kind: PolicyException
 *   metadata:
 *     name: fluent-bit-host-logs
 *   spec:
 *     policies:                      # required, non-empty
 *       - name: pod-security-baseline
 *         rules: [hostPathVolumes]   # optional: absent = every rule of the policy
 *     resources:                     # required, non-empty; a resource is covered when any entry matches
 *       - kinds: [DaemonSet]         # each entry: at least one of kinds, namespaces, names;
 *         namespaces: [logging]      #   every list given must contain the resource's value
 *         names: [fluent-bit]
 *     containers: [fluent-bit]       # optional: only findings on these containers
 *     reason: node log shipping needs hostPath /var/log (SEC-123)   # required
 *     approver: alice                # required: who approved it
 *     expires: 2026-12-31            # required: a date (00:00 UTC that day) or an RFC 3339 timestamp
 *
 * Values are exact: no wildcards, so an exception never covers more than it names.
 */
import { DocumentReader } from "../documents/reader.js";
import { any, list, mapping, string, type Issue, type Schema } from "../documents/schema.js";
import type { JsonObject, JsonValue, SourceDocument, InputError } from "../manifests/types.js";
import { closest, didYouMean } from "../text/suggest.js";

import { parseInstant } from "./expiry.js";
import type { PolicyException, PolicyScope, ResourceSelector } from "./model.js";
import { isObject } from "../manifests/json.js";

export const EXCEPTION_API_VERSION = "kube-policy-bot.dev/v1";
export const EXCEPTION_KIND = "PolicyException";

const WILDCARD = /[*?]/;

/** A value of an exact list: no wildcards, so an exception never covers more than it names. */
const exact: Schema = {
  type: "string",
  describe: "a non-empty string",
  pattern: /^[^]+$/,
  check: (value: string, name) =>
    WILDCARD.test(value) ? [{ message: `${name}: "${value}" looks like a wildcard; values are exact, so list each one` }] : [],
};
const exactList = (item: Schema = exact): Schema =>
  list(item, { minItems: 1, describe: "a non-empty list of strings (omit it to mean any)" });

const RESOURCE_KEYS = ["kinds", "namespaces", "names"];

const SCHEMA = mapping(
  {
    apiVersion: any, // checked first, with its own message
    kind: string(),
    metadata: mapping(
      {
        // Kubernetes object names (DNS-1123 subdomain); also keeps them apart from comment ids like `E123`.
        name: string({
          pattern: /^[a-z0-9](?:[-a-z0-9.]*[a-z0-9])?$/,
          maxLength: 253,
          describe: 'a valid name: lower-case letters, digits, "-" and ".", starting and ending with a letter or digit',
          hint: "every PolicyException needs a name (summaries and annotations show it)",
        }),
      },
      { required: ["name"], additional: { type: "any" } },
    ),
    spec: mapping(
      {
        policies: list(
          mapping(
            {
              name: { ...exact, hint: "the policy's name (its metadata.name)" },
              rules: exactList(),
            },
            { required: ["name"] },
          ),
          { minItems: 1, describe: "a non-empty list of {name: <policy>, rules: [...]} (rules optional)" },
        ),
        resources: list(
          mapping(
            {
              kinds: exactList({
                ...exact,
                pattern: /^[A-Z][A-Za-z0-9]*$/,
                describe: "a kind: write it as in the manifest's kind: field, e.g. Deployment",
              }),
              namespaces: exactList({
                ...exact,
                pattern: /^[a-z0-9](?:[-a-z0-9]*[a-z0-9])?$/,
                describe: 'a namespace name (lower-case letters, digits and "-")',
              }),
              names: exactList(),
            },
            {
              check: (entry: JsonObject): Issue[] =>
                RESOURCE_KEYS.some((key) => entry[key] !== undefined && entry[key] !== null)
                  ? []
                  : [
                      {
                        code: "empty",
                        message:
                          "a spec.resources entry needs at least one of kinds, namespaces or names: an empty entry would cover every resource",
                      },
                    ],
            },
          ),
          {
            minItems: 1,
            describe:
              "a non-empty list of {kinds, namespaces, names} (at least one of them in each entry): an exception covers only the resources it names",
          },
        ),
        containers: exactList(),
        reason: string({ nonBlank: true, hint: "why the exception is needed (a ticket reference helps reviewers later)" }),
        approver: string({ nonBlank: true, hint: "who approved it" }),
        expires: string({
          describe: "a date (2026-12-31) or a timestamp with a zone (2026-12-31T18:00:00Z)",
          hint: "every exception ends, e.g. expires: 2026-12-31 (a date means 00:00 UTC that day)",
          check: (value: string, name) =>
            parseInstant(value.trim())
              ? []
              : [
                  {
                    message: `${name} must be a date (2026-12-31) or a timestamp with a zone (2026-12-31T18:00:00Z), not ${JSON.stringify(value)}`,
                  },
                ],
        }),
      },
      { required: ["policies", "resources", "reason", "approver", "expires"], hint: "policies, resources, reason, approver and expires" },
    ),
  },
  { required: ["metadata", "spec"] },
);

/** Decided on `kind` alone, so a wrong `apiVersion` is reported as such, not as an unknown policy kind. */
export function isExceptionDocument(value: JsonValue): boolean {
  return isObject(value) && value["kind"] === EXCEPTION_KIND;
}

export interface ExceptionDocumentResult {
  exception?: PolicyException;
  errors: InputError[];
}

export function readExceptionDocument(file: string, document: SourceDocument): ExceptionDocumentResult {
  const reader = DocumentReader.of(file, document, "the PolicyException");
  const root = reader.root;
  if (!root) return { errors: reader.problems };
  if (root["apiVersion"] !== EXCEPTION_API_VERSION) {
    const message = `kind PolicyException needs apiVersion ${EXCEPTION_API_VERSION}, not ${JSON.stringify(root["apiVersion"] ?? null)}`;
    reader.fail(root["apiVersion"] === undefined ? [] : ["apiVersion"], message, "wrong-api-version");
  }
  if (!reader.check(SCHEMA, root) || reader.problems.length > 0) return { errors: reader.problems };

  // The schema held: the shapes below are what it declares.
  const metadata = root["metadata"] as JsonObject;
  const spec = root["spec"] as JsonObject;
  const policies = (spec["policies"] as JsonObject[]).map((entry) => {
    const scope: PolicyScope = { name: entry["name"] as string };
    if (isList(entry["rules"])) scope.rules = entry["rules"];
    return scope;
  });
  const resources = (spec["resources"] as JsonObject[]).map((entry) => {
    const selector: ResourceSelector = {};
    if (isList(entry["kinds"])) selector.kinds = entry["kinds"];
    if (isList(entry["namespaces"])) selector.namespaces = entry["namespaces"];
    if (isList(entry["names"])) selector.names = entry["names"];
    return selector;
  });
  const exception: PolicyException = {
    id: metadata["name"] as string,
    policies,
    resources,
    reason: (spec["reason"] as string).trim(),
    approver: (spec["approver"] as string).trim(),
    expires: parseInstant((spec["expires"] as string).trim()) as Date,
    source: { kind: "document", file, line: document.locate([]).line },
  };
  if (isList(spec["containers"])) exception.containers = spec["containers"];
  return { exception, errors: [] };
}

function isList(value: JsonValue | undefined): value is string[] {
  return Array.isArray(value);
}

/**
 * Exceptions naming a policy that is not loaded: an error, because such an exception silently does
 * nothing and whoever wrote it believes otherwise. Called once all policy layers are known.
 */
export function unknownPolicyErrors(exceptions: readonly PolicyException[], policyNames: readonly string[]): InputError[] {
  const errors: InputError[] = [];
  for (const exception of exceptions) {
    if (exception.source.kind !== "document") continue;
    for (const scope of exception.policies) {
      if (policyNames.includes(scope.name)) continue;
      const suggestion = closest(scope.name, policyNames);
      errors.push({
        file: exception.source.file,
        line: exception.source.line,
        column: 1,
        message: `PolicyException "${exception.id}" names policy "${scope.name}", which is not loaded${didYouMean(scope.name, policyNames)}; loaded policies: ${[...policyNames].sort().join(", ") || "none"}`,
        code: "unknown-policy",
        ...(suggestion !== undefined ? { suggestion } : {}),
      });
    }
  }
  return errors;
}

export interface ExceptionDocumentInput {
  name: string;
  policies: readonly PolicyScope[];
  resources: readonly ResourceSelector[];
  containers?: readonly string[];
  reason: string;
  approver: string;
  expires: Date;
}

/**
 * The YAML of a `PolicyException` document. Strings are written as JSON strings, which YAML reads
 * back verbatim whatever they contain (colons, quotes, `#`).
 */
export function exceptionDocumentYaml(input: ExceptionDocumentInput): string {
  const lines = [
    `apiVersion: ${EXCEPTION_API_VERSION}`,
    `kind: ${EXCEPTION_KIND}`,
    "metadata:",
    `  name: ${scalar(input.name)}`,
    "spec:",
    "  policies:",
  ];
  for (const policy of input.policies) {
    lines.push(`    - name: ${scalar(policy.name)}`);
    if (policy.rules) lines.push(`      rules: ${flowList(policy.rules)}`);
  }
  lines.push("  resources:");
  for (const selector of input.resources) {
    const fields: string[] = [];
    if (selector.kinds) fields.push(`kinds: ${flowList(selector.kinds)}`);
    if (selector.namespaces) fields.push(`namespaces: ${flowList(selector.namespaces)}`);
    if (selector.names) fields.push(`names: ${flowList(selector.names)}`);
    fields.forEach((field, index) => lines.push(`${index === 0 ? "    - " : "      "}${field}`));
  }
  if (input.containers) lines.push(`  containers: ${flowList(input.containers)}`);
  lines.push(
    `  reason: ${scalar(input.reason)}`,
    `  approver: ${scalar(input.approver)}`,
    `  expires: ${scalar(input.expires.toISOString())}`,
  );
  return `${lines.join("\n")}\n`;
}

/** A DNS-1123 name for a generated document: lower case, `-` separated, at most 63 characters. */
export function documentName(...parts: string[]): string {
  const name = parts
    .join("-")
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, "-")
    .replace(/-+/g, "-")
    .replace(/^-|-$/g, "")
    .slice(0, 63)
    .replace(/-$/, "");
  return name === "" ? "policy-exception" : name;
}

function scalar(text: string): string {
  // JSON leaves U+2028/U+2029 raw; YAML 1.1 readers take them as line breaks.
  return JSON.stringify(text)
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}

function flowList(items: readonly string[]): string {
  return `[${items.map(scalar).join(", ")}]`;
}
