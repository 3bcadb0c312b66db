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
import {
  isAdmissionConfigurationDocument,
  readAdmissionConfiguration,
  type PodSecurityAdmission,
} from "../policy/podsecurity/admission-configuration.js";
import type { CompileEnvironment, Policy, PolicyKind } from "../policy/types.js";

export type { PolicySource } from "../policy/load.js";

export interface LoadedPolicies {
  policies: Policy[];
  /** `PolicyException` documents found among the policies: permanent exceptions, reviewed like code. */
  exceptions: PolicyException[];
  errors: InputError[];
  /**
   * The cluster's Pod Security admission configuration found among these sources (an
   * AdmissionConfiguration or PodSecurityConfiguration document), else the inherited one.
   */
  podSecurityAdmission?: PodSecurityAdmission;
  /**
   * Documents that are valid but do nothing here, at their line: a ValidatingAdmissionPolicy without a
   * binding, AdmissionConfiguration usernames (no user is known at pull-request time).
   */
  notices: InputError[];
}

/**
 * `inherited`: the Pod Security admission configuration of an enclosing layer (the organisation's, for
 * the shipped policies and a repository's), used unless these sources hold their own.
 */
export function loadPolicies(
  sources: readonly PolicySource[],
  kinds: ReadonlyMap<string, PolicyKind> = policyKinds,
  inherited?: PodSecurityAdmission,
): LoadedPolicies {
  const policies: Policy[] = [];
  const exceptions: PolicyException[] = [];
  const errors: InputError[] = [];
  const notices: InputError[] = [];
  const seenNames = new Map<string, string>();
  const seenExceptions = new Map<string, string>();

  const documents = sources.flatMap((source) => {
    const parsed = parseDocuments(source.file, source.content);
    errors.push(...parsed.errors.map((error) => ({ ...error, code: "yaml-syntax" })));
    return parsed.documents.map((document) => ({ file: source.file, document }));
  });

  // The cluster's configuration first: every namespace-driven policy of these sources is compiled with it.
  let own: PodSecurityAdmission | undefined;
  for (const { file, document } of documents) {
    if (!isAdmissionConfigurationDocument(document.value)) continue;
    const read = readAdmissionConfiguration(file, document);
    errors.push(...read.errors);
    notices.push(...read.notices);
    if (!read.admission) continue;
    if (own) {
      const line = document.locate([]).line;
      errors.push({
        file,
        line,
        column: 1,
        message: `a second Pod Security admission configuration; the first is at ${own.source}. A cluster has one: keep one document.`,
        code: "duplicate",
      });
      continue;
    }
    own = read.admission;
  }
  const environment: CompileEnvironment = {};
  const admission = own ?? inherited;
  if (admission) environment.podSecurityAdmission = admission;

  // Documents read as a set: CEL policies with their bindings and params, CEL templates with their constraints.
  const cel = readCelPolicies(documents, kinds);
  errors.push(...cel.errors);
  notices.push(...cel.notices);

  for (const { file, document } of documents) {
    if (cel.claimed.has(document) || isAdmissionConfigurationDocument(document.value)) continue;
    if (isExceptionDocument(document.value)) {
      const read = readExceptionDocument(file, document);
      errors.push(...read.errors);
      if (!read.exception) continue;
      const line = document.locate([]).line;
      const previous = seenExceptions.get(read.exception.id);
      if (previous) {
        errors.push({
          file,
          line,
          column: 1,
          message: `PolicyException name "${read.exception.id}" is already used at ${previous}; names must be unique (summaries refer to exceptions by name)`,
          code: "duplicate",
        });
        continue;
      }
      seenExceptions.set(read.exception.id, `${file}:${line}`);
      exceptions.push(read.exception);
      continue;
    }
    const result = readPolicyDocument(file, document, cel.kinds, [EXCEPTION_KIND], environment);
    errors.push(...result.errors);
    if (!result.policy) continue;
    const where = `${file}:${result.policy.range.line}`;
    const previous = seenNames.get(result.policy.name);
    if (previous) {
      errors.push(duplicateName(result.policy, previous));
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
      errors.push(duplicateName(policy, previous));
      continue;
    }
    seenNames.set(policy.name, where);
    policies.push(policy);
  }
  const loaded: LoadedPolicies = { policies, exceptions, errors, notices };
  if (admission) loaded.podSecurityAdmission = admission;
  return loaded;
}

function duplicateName(policy: Policy, previous: string): InputError {
  return {
    file: policy.file,
    line: policy.range.line,
    column: policy.range.column,
    message: `policy name "${policy.name}" is already used at ${previous}; names must be unique (findings and exceptions refer to policies by name)`,
    code: "duplicate",
  };
}
