/**
 * Policy documents written in CEL that are read as a set rather than one by one: ValidatingAdmission
 * Policies with their bindings and params, Kyverno ValidatingPolicies, and Gatekeeper ConstraintTemplates
 * with CEL code, which define constraint kinds the rest of the policy files then use.
 */
import type { InputError, SourceDocument } from "../manifests/types.js";
import { celSourcePath, celTemplateKind, templateKindName } from "./gatekeeper/cel-template.js";
import type { PolicyKind } from "./types.js";
import { collectAdmissionPolicies, type CollectedPolicies, type PolicyDocument } from "./vap/collect.js";
import { readValidatingPolicy, VPOL_API_VERSIONS, VPOL_KIND } from "./vpol/policy.js";

export interface CelPolicies extends CollectedPolicies {
  /** The policy kinds, with the constraint kinds of CEL templates added. */
  kinds: ReadonlyMap<string, PolicyKind>;
}

const TEMPLATE_API = "templates.gatekeeper.sh/";

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
    if (root["kind"] !== "ConstraintTemplate" || typeof root["apiVersion"] !== "string" || !root["apiVersion"].startsWith(TEMPLATE_API)) continue;
    const kind = templateKindName(root);
    const sourcePath = celSourcePath(root);
    // A kind implemented natively keeps its native code; a template without CEL is the loader's to refuse.
    if (!kind || !sourcePath || kinds.has(kind)) continue;
    collected.claimed.add(document);
    if (extended.has(kind)) {
      collected.errors.push(at(file, document, ["spec", "crd", "spec", "names", "kind"], `ConstraintTemplate for "${kind}": another template already defines this kind`));
      continue;
    }
    const read = celTemplateKind(root, kind, sourcePath);
    if ("errors" in read) {
      for (const error of read.errors) collected.errors.push(at(file, document, error.path, `ConstraintTemplate for "${kind}": ${error.message}`));
      continue;
    }
    extended.set(kind, read.kind);
  }
  return { ...collected, kinds: extended };
}

function at(file: string, document: SourceDocument, path: readonly (string | number)[], message: string): InputError {
  const where = document.locate(path);
  return { file, line: where.line, column: where.column, message };
}
