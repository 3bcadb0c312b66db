/**
 * ValidatingAdmissionPolicies, their bindings and their params, read together from all policy files:
 * a binding may sit in another file than its policy, and params are ordinary objects (ConfigMaps,
 * custom resources) that only a policy's `paramKind` makes policy input.
 */
import type { InputError, SourceDocument } from "../../manifests/types.js";
import type { Policy } from "../types.js";
import { isParamOf, type ParamObject } from "./params.js";
import { boundPolicy } from "./policy.js";
import { isObject } from "../../manifests/json.js";
import {
  BINDING_KIND,
  readAdmissionPolicy,
  readBinding,
  VAP_API_VERSION,
  VAP_KIND,
  type AdmissionPolicyDocument,
  type BindingDocument,
} from "./read.js";
import type { SpecError } from "./validator.js";

export interface PolicyDocument {
  file: string;
  document: SourceDocument;
}

export interface CollectedPolicies {
  policies: Policy[];
  errors: InputError[];
  /** Things that are not wrong but do nothing here, said at their line. */
  notices: InputError[];
  /** Documents read here, which the loader must not read again as policies. */
  claimed: Set<SourceDocument>;
}

export function isAdmissionPolicyDocument(value: unknown): boolean {
  return (
    isObject(value as never) &&
    (value as Record<string, unknown>)["apiVersion"] === VAP_API_VERSION &&
    [VAP_KIND, BINDING_KIND].includes((value as Record<string, unknown>)["kind"] as string)
  );
}

export function collectAdmissionPolicies(documents: readonly PolicyDocument[]): CollectedPolicies {
  const result: CollectedPolicies = { policies: [], errors: [], notices: [], claimed: new Set() };
  const report = (into: InputError[], { file, document }: PolicyDocument, { path, message }: SpecError, what: string): void => {
    const at = document.locate(path);
    into.push({ file, line: at.line, column: at.column, message: `${what}: ${message}` });
  };
  const policies = new Map<string, AdmissionPolicyDocument>();
  /** Policies present but unreadable: their own errors block, their bindings need no second one. */
  const broken = new Set<string>();
  const bindings: BindingDocument[] = [];
  for (const entry of documents) {
    const root = entry.document.value;
    if (!isAdmissionPolicyDocument(root) || !isObject(root)) continue;
    result.claimed.add(entry.document);
    const name = isObject(root["metadata"]) ? String(root["metadata"]["name"] ?? "") : "";
    if (root["kind"] === VAP_KIND) {
      const read = readAdmissionPolicy(entry.file, entry.document, root);
      for (const error of read.errors) report(result.errors, entry, error, `ValidatingAdmissionPolicy "${name}"`);
      if (!read.policy) {
        broken.add(name);
        continue;
      }
      if (policies.has(read.policy.name)) {
        report(
          result.errors,
          entry,
          { path: ["metadata", "name"], message: "this name is already used by another ValidatingAdmissionPolicy" },
          `ValidatingAdmissionPolicy "${name}"`,
        );
        continue;
      }
      policies.set(read.policy.name, read.policy);
      if (read.policy.hasAuditAnnotations) {
        report(
          result.notices,
          entry,
          {
            path: ["spec", "auditAnnotations"],
            message: "auditAnnotations only write the cluster's audit log; they are not evaluated here",
          },
          `ValidatingAdmissionPolicy "${name}"`,
        );
      }
    } else {
      const read = readBinding(entry.file, entry.document, root);
      for (const error of read.errors) report(result.errors, entry, error, `ValidatingAdmissionPolicyBinding "${name}"`);
      if (read.binding) bindings.push(read.binding);
    }
  }

  const paramKinds = [...policies.values()].flatMap((policy) => (policy.paramKind ? [policy.paramKind] : []));
  const params: ParamObject[] = [];
  for (const entry of documents) {
    const root = entry.document.value;
    if (!isObject(root) || result.claimed.has(entry.document) || !paramKinds.some((kind) => isParamOf(root, kind))) continue;
    result.claimed.add(entry.document);
    params.push({ object: root, file: entry.file, line: entry.document.locate([]).line });
  }

  const bound = new Set<string>();
  for (const binding of bindings) {
    const entry = { file: binding.file, document: binding.document };
    const policy = policies.get(binding.policyName);
    const what = `ValidatingAdmissionPolicyBinding "${binding.name}"`;
    if (!policy) {
      if (broken.has(binding.policyName)) continue;
      report(
        result.errors,
        entry,
        { path: ["spec", "policyName"], message: `no ValidatingAdmissionPolicy named "${binding.policyName}" among the policy files` },
        what,
      );
      continue;
    }
    if (policy.paramKind && !binding.paramRef) {
      report(
        result.errors,
        entry,
        { path: ["spec"], message: `policy "${policy.name}" declares paramKind ${policy.paramKind.kind}, so the binding needs a paramRef` },
        what,
      );
      continue;
    }
    if (!policy.paramKind && binding.paramRef) {
      report(
        result.errors,
        entry,
        { path: ["spec", "paramRef"], message: `policy "${policy.name}" declares no paramKind, so paramRef has nothing to refer to` },
        what,
      );
      continue;
    }
    bound.add(policy.name);
    const candidates = policy.paramKind
      ? params.filter((param) => isParamOf(param.object, policy.paramKind as NonNullable<typeof policy.paramKind>))
      : [];
    result.policies.push(boundPolicy(policy, binding, candidates));
  }
  for (const policy of policies.values()) {
    if (bound.has(policy.name)) continue;
    report(
      result.notices,
      { file: policy.file, document: policy.document },
      {
        path: [],
        message:
          "no ValidatingAdmissionPolicyBinding among the policy files binds it; in a cluster it does nothing, so it is not evaluated",
      },
      `ValidatingAdmissionPolicy "${policy.name}"`,
    );
  }
  return result;
}
