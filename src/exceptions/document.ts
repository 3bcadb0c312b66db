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
import type { FieldPath, JsonObject, JsonValue, SourceDocument, InputError } from "../manifests/types.js";
import { didYouMean } from "../policy/suggest.js";

import { parseInstant } from "./expiry.js";
import type { PolicyException, PolicyScope, ResourceSelector } from "./model.js";
import { isObject } from "../manifests/json.js";

export const EXCEPTION_API_VERSION = "kube-policy-bot.dev/v1";
export const EXCEPTION_KIND = "PolicyException";

const TOP_LEVEL_KEYS = ["apiVersion", "kind", "metadata", "spec"];
const SPEC_KEYS = ["policies", "resources", "containers", "reason", "approver", "expires"];
const POLICY_KEYS = ["name", "rules"];
const RESOURCE_KEYS = ["kinds", "namespaces", "names"];
const KIND = /^[A-Z][A-Za-z0-9]*$/;
const NAMESPACE = /^[a-z0-9](?:[-a-z0-9]*[a-z0-9])?$/;
const WILDCARD = /[*?]/;
/** Kubernetes object names (DNS-1123 subdomain); also keeps them apart from comment ids like `E123`. */
const DNS_NAME = /^[a-z0-9](?:[-a-z0-9.]*[a-z0-9])?$/;

/** Decided on `kind` alone, so a wrong `apiVersion` is reported as such, not as an unknown policy kind. */
export function isExceptionDocument(value: JsonValue): boolean {
  return isObject(value) && value["kind"] === EXCEPTION_KIND;
}

export interface ExceptionDocumentResult {
  exception?: PolicyException;
  errors: InputError[];
}

export function readExceptionDocument(file: string, document: SourceDocument): ExceptionDocumentResult {
  const errors: InputError[] = [];
  const fail = (path: FieldPath, message: string): void => {
    const at = document.locate(path);
    errors.push({ file, line: at.line, column: at.column, message });
  };
  const root = document.value;
  if (!isObject(root)) return { errors };

  if (root["apiVersion"] !== EXCEPTION_API_VERSION) {
    fail(root["apiVersion"] === undefined ? [] : ["apiVersion"], `kind PolicyException needs apiVersion ${EXCEPTION_API_VERSION}, not ${JSON.stringify(root["apiVersion"] ?? null)}`);
  }
  checkKeys(root, TOP_LEVEL_KEYS, [], fail);

  const metadata = root["metadata"];
  const name = isObject(metadata) ? metadata["name"] : undefined;
  if (typeof name !== "string" || name === "") {
    fail(isObject(metadata) ? ["metadata"] : [], "missing metadata.name: every PolicyException needs a name (summaries and annotations show it)");
  } else if (name.length > 253 || !DNS_NAME.test(name)) {
    fail(["metadata", "name"], `metadata.name "${name}" is not a valid name: lower-case letters, digits, "-" and ".", starting and ending with a letter or digit`);
  }
  const spec = root["spec"];
  if (!isObject(spec)) {
    fail(spec === undefined ? [] : ["spec"], "a PolicyException needs a spec with policies, resources, reason, approver and expires");
    return { errors };
  }
  checkKeys(spec, SPEC_KEYS, ["spec"], fail);

  const policies = readPolicies(spec, fail);
  const resources = readResources(spec, fail);
  const containers = spec["containers"] === undefined ? undefined : exactList(spec["containers"], ["spec", "containers"], "containers", fail);
  const reason = requiredText(spec, "reason", "why the exception is needed (a ticket reference helps reviewers later)", fail);
  const approver = requiredText(spec, "approver", "who approved it", fail);
  const expires = readExpires(spec, fail);

  if (errors.length > 0 || typeof name !== "string" || !policies || !resources || !reason || !approver || !expires) return { errors };
  const exception: PolicyException = {
    id: name,
    policies,
    resources,
    reason,
    approver,
    expires,
    source: { kind: "document", file, line: document.locate([]).line },
  };
  if (containers) exception.containers = containers;
  return { exception, errors };
}

type Fail = (path: FieldPath, message: string) => void;

function readPolicies(spec: JsonObject, fail: Fail): PolicyScope[] | undefined {
  const value = spec["policies"];
  const at = ["spec", "policies"];
  if (!Array.isArray(value) || value.length === 0) {
    fail(value === undefined ? ["spec"] : at, "spec.policies must be a non-empty list of {name: <policy>, rules: [...]} (rules optional)");
    return undefined;
  }
  const scopes: PolicyScope[] = [];
  value.forEach((entry, index) => {
    const entryAt = [...at, index];
    if (!isObject(entry)) return fail(entryAt, "each spec.policies entry must be a mapping: {name: <policy>, rules: [<rule>, ...]}");
    checkKeys(entry, POLICY_KEYS, entryAt, fail);
    const name = entry["name"];
    if (typeof name !== "string" || name === "") return fail(entryAt, "each spec.policies entry needs the policy's name (its metadata.name)");
    if (WILDCARD.test(name)) return fail([...entryAt, "name"], `policy name "${name}": wildcards are not supported, an exception names policies exactly`);
    const scope: PolicyScope = { name };
    if (entry["rules"] !== undefined) {
      const rules = exactList(entry["rules"], [...entryAt, "rules"], "rules", fail);
      if (rules) scope.rules = rules;
    }
    scopes.push(scope);
  });
  return scopes;
}

function readResources(spec: JsonObject, fail: Fail): ResourceSelector[] | undefined {
  const value = spec["resources"];
  const at = ["spec", "resources"];
  if (!Array.isArray(value) || value.length === 0) {
    fail(value === undefined ? ["spec"] : at, "spec.resources must be a non-empty list of {kinds, namespaces, names} (at least one of them in each entry): an exception covers only the resources it names");
    return undefined;
  }
  const selectors: ResourceSelector[] = [];
  value.forEach((entry, index) => {
    const entryAt = [...at, index];
    if (!isObject(entry)) return fail(entryAt, "each spec.resources entry must be a mapping with kinds, namespaces and/or names");
    checkKeys(entry, RESOURCE_KEYS, entryAt, fail);
    if (!RESOURCE_KEYS.some((key) => entry[key] !== undefined)) {
      return fail(entryAt, "a spec.resources entry needs at least one of kinds, namespaces or names: an empty entry would cover every resource");
    }
    const selector: ResourceSelector = {};
    const kinds = entry["kinds"] === undefined ? undefined : exactList(entry["kinds"], [...entryAt, "kinds"], "kinds", fail);
    if (kinds) {
      const bad = kinds.find((kind) => !KIND.test(kind));
      if (bad !== undefined) fail([...entryAt, "kinds"], `"${bad}" is not a kind: write it as in the manifest's kind: field, e.g. Deployment`);
      else selector.kinds = kinds;
    }
    const namespaces = entry["namespaces"] === undefined ? undefined : exactList(entry["namespaces"], [...entryAt, "namespaces"], "namespaces", fail);
    if (namespaces) {
      const bad = namespaces.find((namespace) => !NAMESPACE.test(namespace));
      if (bad !== undefined) fail([...entryAt, "namespaces"], `"${bad}" is not a namespace name (lower-case letters, digits and "-")`);
      else selector.namespaces = namespaces;
    }
    const names = entry["names"] === undefined ? undefined : exactList(entry["names"], [...entryAt, "names"], "names", fail);
    if (names) selector.names = names;
    selectors.push(selector);
  });
  return selectors;
}

/** A non-empty list of non-empty strings without wildcards. */
function exactList(value: JsonValue, at: FieldPath, label: string, fail: Fail): string[] | undefined {
  if (!Array.isArray(value) || value.length === 0 || value.some((item) => typeof item !== "string" || item === "")) {
    fail(at, `${label} must be a non-empty list of strings (omit it to mean any)`);
    return undefined;
  }
  const wildcard = (value as string[]).find((item) => WILDCARD.test(item));
  if (wildcard !== undefined) {
    fail(at, `${label}: "${wildcard}" looks like a wildcard; values are exact, so list each one`);
    return undefined;
  }
  return value as string[];
}

function requiredText(spec: JsonObject, key: "reason" | "approver", what: string, fail: Fail): string | undefined {
  const value = spec[key];
  if (typeof value !== "string" || value.trim() === "") {
    fail(value === undefined ? ["spec"] : ["spec", key], `spec.${key} is required: ${what}`);
    return undefined;
  }
  return value.trim();
}

function readExpires(spec: JsonObject, fail: Fail): Date | undefined {
  const value = spec["expires"];
  if (value === undefined || value === null) {
    fail(["spec"], "spec.expires is required: every exception ends, e.g. expires: 2026-12-31 (a date means 00:00 UTC that day)");
    return undefined;
  }
  const instant = typeof value === "string" ? parseInstant(value.trim()) : undefined;
  if (!instant) {
    fail(["spec", "expires"], `spec.expires must be a date (2026-12-31) or a timestamp with a zone (2026-12-31T18:00:00Z), not ${JSON.stringify(value)}`);
    return undefined;
  }
  return instant;
}

function checkKeys(object: JsonObject, allowed: readonly string[], at: FieldPath, fail: Fail): void {
  for (const key of Object.keys(object)) {
    if (!allowed.includes(key)) {
      const where = at.length === 0 ? "the PolicyException" : at.join(".");
      fail([...at, key], `unknown field "${key}" in ${where}${didYouMean(key, allowed)}; allowed: ${allowed.join(", ")}`);
    }
  }
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
      errors.push({
        file: exception.source.file,
        line: exception.source.line,
        column: 1,
        message: `PolicyException "${exception.id}" names policy "${scope.name}", which is not loaded${didYouMean(scope.name, policyNames)}; loaded policies: ${[...policyNames].sort().join(", ") || "none"}`,
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
  lines.push(`  reason: ${scalar(input.reason)}`, `  approver: ${scalar(input.approver)}`, `  expires: ${scalar(input.expires.toISOString())}`);
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
  return JSON.stringify(text).replace(/\u2028/g, "\\u2028").replace(/\u2029/g, "\\u2029");
}

function flowList(items: readonly string[]): string {
  return `[${items.map(scalar).join(", ")}]`;
}
