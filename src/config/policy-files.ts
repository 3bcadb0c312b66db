/**
 * Policy files: the YAML files an organisation or repository lists under `policies.paths` (and the
 * shipped defaults). They hold policies and, beside them, `PolicyException` documents reviewed like
 * code. Names are unique per kind across all files of one load: findings and exceptions refer to them.
 */
import type { InputError } from "../manifests/types.js";
import { parseDocuments } from "../manifests/yaml.js";
import { EXCEPTION_KIND, isExceptionDocument, readExceptionDocument } from "../exceptions/document.js";
import type { PolicyException } from "../exceptions/model.js";
import { policyKinds } from "../policy/kinds.js";
import { readPolicyDocument, type PolicySource } from "../policy/load.js";
import type { Policy, PolicyKind } from "../policy/types.js";

export type { PolicySource } from "../policy/load.js";

export interface LoadedPolicies {
  policies: Policy[];
  /** `PolicyException` documents found among the policies: permanent exceptions, reviewed like code. */
  exceptions: PolicyException[];
  errors: InputError[];
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

  for (const source of sources) {
    const parsed = parseDocuments(source.file, source.content);
    errors.push(...parsed.errors);
    for (const document of parsed.documents) {
      if (isExceptionDocument(document.value)) {
        const read = readExceptionDocument(source.file, document);
        errors.push(...read.errors);
        if (!read.exception) continue;
        const line = document.locate([]).line;
        const previous = seenExceptions.get(read.exception.id);
        if (previous) {
          errors.push({ file: source.file, line, column: 1, message: `PolicyException name "${read.exception.id}" is already used at ${previous}; names must be unique (summaries refer to exceptions by name)` });
          continue;
        }
        seenExceptions.set(read.exception.id, `${source.file}:${line}`);
        exceptions.push(read.exception);
        continue;
      }
      const result = readPolicyDocument(source.file, document, kinds, [EXCEPTION_KIND]);
      errors.push(...result.errors);
      if (!result.policy) continue;
      const where = `${source.file}:${result.policy.range.line}`;
      const previous = seenNames.get(result.policy.name);
      if (previous) {
        errors.push({
          file: source.file,
          line: result.policy.range.line,
          column: result.policy.range.column,
          message: `policy name "${result.policy.name}" is already used at ${previous}; names must be unique (findings and exceptions refer to policies by name)`,
        });
        continue;
      }
      seenNames.set(result.policy.name, where);
      if (result.active) policies.push(result.policy);
    }
  }
  return { policies, exceptions, errors };
}
