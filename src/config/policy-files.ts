/**
 * Policy files: the YAML files an organisation or repository lists under `policies.paths` (and the
 * shipped defaults). They hold policies and, beside them, `PolicyException` documents reviewed like
 * code. Names are unique per kind across all files of one load: findings and exceptions refer to them.
 */
import type { InputError } from "../manifests/types.js";
import { parseDocuments } from "../manifests/yaml.js";
import { EXCEPTION_KIND, isExceptionDocument, readExceptionDocument } from "../exceptions/document.js";
import type { PolicyException } from "../exceptions/model.js";
import { readCelPolicies } from "../policy/cel-policies.js";
import { policyKinds } from "../policy/kinds.js";
import { readPolicyDocument, type PolicySource } from "../policy/load.js";
import type { Policy, PolicyKind } from "../policy/types.js";

export type { PolicySource } from "../policy/load.js";

export interface LoadedPolicies {
  policies: Policy[];
  /** `PolicyException` documents found among the policies: permanent exceptions, reviewed like code. */
  exceptions: PolicyException[];
  errors: InputError[];
  /** Documents that are valid but do nothing here (e.g. a ValidatingAdmissionPolicy without a binding), at their line. */
  notices: InputError[];
}

export function loadPolicies(
  sources: readonly PolicySource[],
  kinds: ReadonlyMap<string, PolicyKind> = policyKinds,
): LoadedPolicies {
  const policies: Policy[] = [];
  const exceptions: PolicyException[] = [];
  const errors: InputError[] = [];
  const seenNames = new Map<string, string>();
  const seenExceptions = new Map<string, string>();

  const documents = sources.flatMap((source) => {
    const parsed = parseDocuments(source.file, source.content);
    errors.push(...parsed.errors);
    return parsed.documents.map((document) => ({ file: source.file, document }));
  });
  // Documents read as a set: CEL policies with their bindings and params, CEL templates with their constraints.
  const cel = readCelPolicies(documents, kinds);
  errors.push(...cel.errors);

  for (const { file, document } of documents) {
    if (cel.claimed.has(document)) continue;
    if (isExceptionDocument(document.value)) {
      const read = readExceptionDocument(file, document);
      errors.push(...read.errors);
      if (!read.exception) continue;
      const line = document.locate([]).line;
      const previous = seenExceptions.get(read.exception.id);
      if (previous) {
        errors.push({ file, line, column: 1, message: `PolicyException name "${read.exception.id}" is already used at ${previous}; names must be unique (summaries refer to exceptions by name)` });
        continue;
      }
      seenExceptions.set(read.exception.id, `${file}:${line}`);
      exceptions.push(read.exception);
      continue;
    }
    const result = readPolicyDocument(file, document, cel.kinds, [EXCEPTION_KIND]);
    errors.push(...result.errors);
    if (!result.policy) continue;
    const where = `${file}:${result.policy.range.line}`;
    const previous = seenNames.get(result.policy.name);
    if (previous) {
      errors.push({
        file,
        line: result.policy.range.line,
        column: result.policy.range.column,
        message: `policy name "${result.policy.name}" is already used at ${previous}; names must be unique (findings and exceptions refer to policies by name)`,
      });
      continue;
    }
    seenNames.set(result.policy.name, where);
    if (result.active) policies.push(result.policy);
  }
  // A ValidatingAdmissionPolicy with several bindings is several policies of one name: one per action.
  for (const policy of cel.policies) {
    const where = `${policy.file}:${policy.range.line}`;
    const previous = seenNames.get(policy.name);
    if (previous && previous !== where) {
      errors.push({ file: policy.file, line: policy.range.line, column: policy.range.column, message: `policy name "${policy.name}" is already used at ${previous}; names must be unique (findings and exceptions refer to policies by name)` });
      continue;
    }
    seenNames.set(policy.name, where);
    policies.push(policy);
  }
  return { policies, exceptions, errors, notices: cel.notices };
}
