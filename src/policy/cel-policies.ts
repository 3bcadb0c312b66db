/**
 * Policy documents written in CEL that are read as a set rather than one by one: ValidatingAdmission
 * Policies with their bindings and params, Kyverno ValidatingPolicies, Kyverno ClusterPolicies/Policies
 * whose `validate.cel` rules take params, and Gatekeeper ConstraintTemplates with CEL code, which define
 * constraint kinds the rest of the policy files then use.
 */
import type { InputError, SourceDocument } from "../manifests/types.js";
import { isObject } from "../manifests/json.js";
import { celSourcePath, celTemplateKind, templateKindName } from "./gatekeeper/cel-template.js";
import type { RuleDoc } from "./rules.js";
import type { PolicyKind } from "./types.js";
import { collectAdmissionPolicies, type CollectedPolicies, type PolicyDocument } from "./vap/collect.js";
import { readValidatingPolicy, VPOL_API_VERSIONS, VPOL_KIND } from "./vpol/policy.js";
import { celParamKinds, isParamObject } from "./kyverno/cel-params.js";
import { isKyvernoPolicyDocument, readKyvernoPolicy } from "./kyverno/index.js";
import type { ParamObject } from "./vap/params.js";

export interface CelPolicies extends CollectedPolicies {
  /** The policy kinds, with the constraint kinds of CEL templates added. */
  kinds: ReadonlyMap<string, PolicyKind>;
}

const TEMPLATE_API = "templates.gatekeeper.sh/";

/** The message names the failing validation; the fix is to satisfy it, or to have its owners narrow it. */
const celFix = (owner: string): string =>
  `Change the resource so that the validation named in the message holds, or, if the resource is a justified exception, ask the owners of the ${owner} to narrow its match or grant an approved exception.`;

/**
 * The rules of the CEL policy documents. Their findings name the binding (a ValidatingAdmissionPolicy)
 * or the policy (a Kyverno ValidatingPolicy) as the rule, so each kind has one documented rule, named
 * after the kind, and the message carries the specifics.
 */
export const CEL_POLICY_RULES: readonly RuleDoc[] = [
  {
    id: "ValidatingAdmissionPolicy",
    kind: "ValidatingAdmissionPolicy",
    title: "Kubernetes ValidatingAdmissionPolicy (CEL)",
    checks:
      "An organisation's ValidatingAdmissionPolicy, applied through its ValidatingAdmissionPolicyBinding: CEL validations evaluated as the Kubernetes API server evaluates them at admission.",
    fix: celFix("ValidatingAdmissionPolicy (or its binding)"),
    helpUri: "https://kubernetes.io/docs/reference/access-authn-authz/validating-admission-policy/",
    tags: ["kubernetes", "cel", "validating-admission-policy"],
  },
  {
    id: "ValidatingPolicy",
    kind: "ValidatingPolicy",
    title: "Kyverno ValidatingPolicy (CEL)",
    checks:
      "An organisation's Kyverno ValidatingPolicy: CEL validations evaluated as Kyverno evaluates them, including the rules Kyverno generates for Pod controllers.",
    fix: celFix("Kyverno ValidatingPolicy"),
    helpUri: "https://kyverno.io/docs/policy-types/validating-policy/",
    tags: ["kubernetes", "cel", "kyverno"],
  },
];

export function readCelPolicies(documents: readonly PolicyDocument[], kinds: ReadonlyMap<string, PolicyKind>): CelPolicies {
  const collected = collectAdmissionPolicies(documents);
  const extended = new Map(kinds);
  for (const { file, document } of documents) {
    const root = document.value;
    if (!root || typeof root !== "object" || Array.isArray(root)) continue;
    if (root["kind"] === VPOL_KIND && VPOL_API_VERSIONS.includes(root["apiVersion"] as string)) {
      collected.claimed.add(document);
      const read = readValidatingPolicy(file, document, root);
      const what = `ValidatingPolicy "${String((root["metadata"] as Record<string, unknown> | undefined)?.["name"] ?? "")}"`;
      for (const error of read.errors) collected.errors.push(at(file, document, error.path, `${what}: ${error.message}`));
      for (const notice of read.notices) collected.notices.push(at(file, document, notice.path, `${what}: ${notice.message}`));
      if (read.policy) collected.policies.push(read.policy);
      continue;
    }
    if (root["kind"] !== "ConstraintTemplate" || typeof root["apiVersion"] !== "string" || !root["apiVersion"].startsWith(TEMPLATE_API))
      continue;
    const kind = templateKindName(root);
    const sourcePath = celSourcePath(root);
    // A kind implemented natively keeps its native code; a template without CEL is the loader's to refuse.
    if (!kind || !sourcePath || kinds.has(kind)) continue;
    collected.claimed.add(document);
    if (extended.has(kind)) {
      collected.errors.push(
        at(
          file,
          document,
          ["spec", "crd", "spec", "names", "kind"],
          `ConstraintTemplate for "${kind}": another template already defines this kind`,
        ),
      );
      continue;
    }
    const read = celTemplateKind(root, kind, sourcePath);
    if ("errors" in read) {
      for (const error of read.errors)
        collected.errors.push(at(file, document, error.path, `ConstraintTemplate for "${kind}": ${error.message}`));
      continue;
    }
    extended.set(kind, read.kind);
  }
  readKyvernoWithParams(documents, collected);
  return { ...collected, kinds: extended };
}

/** Kyverno policies whose `validate.cel` rules name params, read with the param objects among the documents. */
function readKyvernoWithParams(documents: readonly PolicyDocument[], collected: CollectedPolicies): void {
  const withParams = documents.filter(({ document }) => {
    const root = document.value;
    // Only strings name a kind: String() of any other value may throw (an object without toString).
    if (!isObject(root) || typeof root["apiVersion"] !== "string" || typeof root["kind"] !== "string") return false;
    return isKyvernoPolicyDocument(root["apiVersion"], root["kind"]) && celParamKinds(root).length > 0;
  });
  if (withParams.length === 0) return;
  const kinds = withParams.flatMap(({ document }) => celParamKinds(document.value));
  const params: ParamObject[] = [];
  for (const { file, document } of documents) {
    const root = document.value;
    if (!isObject(root) || !isParamObject(root, kinds)) continue;
    // A VAP's params may serve a Kyverno rule too; they are claimed once.
    collected.claimed.add(document);
    params.push({ object: root, file, line: document.locate([]).line });
  }
  for (const { file, document } of withParams) {
    collected.claimed.add(document);
    const read = readKyvernoPolicy(file, document, params);
    collected.errors.push(...read.errors);
    if (read.policy) collected.policies.push(read.policy);
  }
}

/** Problems of CEL policy documents carry the generic code (README "Errors: stable codes"). */
function at(file: string, document: SourceDocument, path: readonly (string | number)[], message: string): InputError {
  const where = document.locate(path);
  return { file, line: where.line, column: where.column, message, code: "invalid-value" };
}
