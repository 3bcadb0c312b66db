/**
 * The safety properties of fixes, checked file by file: for every finding that has a fix, the file
 * fixed with it
 *   - no longer has that finding,
 *   - has no finding it did not have before,
 *   - reads as the same documents except at the fields the fix names,
 *   - is left unchanged by the same fix a second time;
 * and fixing every finding of the file twice changes nothing the second time.
 */
import { loadPolicies } from "../../src/config/policy-files.js";
import { applyFixes } from "../../src/fix/apply.js";
import { fixFiles } from "../../src/fix/files.js";
import { deepEqual, isObject, valueAt } from "../../src/fix/model.js";
import type { DocumentFix } from "../../src/fix/types.js";
import { loadManifestFile } from "../../src/manifests/load.js";
import type { FieldPath, JsonValue } from "../../src/manifests/types.js";
import { parseDocuments } from "../../src/manifests/yaml.js";
import { evaluate } from "../../src/policy/engine.js";
import { defaultPolicySources } from "../../src/policy/shipped.js";
import type { Finding, Policy } from "../../src/policy/types.js";

const PSP_CONSTRAINTS = ["K8sPSPPrivilegedContainer", "K8sPSPHostNamespace", "K8sPSPAllowPrivilegeEscalationContainer"]
  .map(
    (kind) =>
      `apiVersion: constraints.gatekeeper.sh/v1beta1\nkind: ${kind}\nmetadata:\n  name: psp-${kind.toLowerCase()}\nspec:\n  enforcementAction: warn\n`,
  )
  .join("---\n");

/** The shipped policies plus the Gatekeeper PSP kinds that have fixes: every rule with a fix runs. */
export async function fixablePolicies(): Promise<Policy[]> {
  const loaded = loadPolicies([...(await defaultPolicySources()), { file: "psp.yaml", content: PSP_CONSTRAINTS }]);
  if (loaded.errors.length > 0) throw new Error(`policies do not load: ${loaded.errors[0]?.message}`);
  return loaded.policies;
}

export interface RuleTally {
  findings: number;
  /** Findings whose rule offers a fix. */
  withFix: number;
  /** Fixes the engine applied (the rest were refused as unsafe to write). */
  applied: number;
}

export interface SafetyReport {
  tally: Map<string, RuleTally>;
  /** Property violations, each naming file, finding and what went wrong: must be empty. */
  problems: string[];
  /** Why fixes were refused: how often, and the first place it happened (to find the cause). */
  refusals: Map<string, { count: number; example: string }>;
}

export function newReport(): SafetyReport {
  return { tally: new Map(), problems: [], refusals: new Map() };
}

/**
 * A finding's identity across a fix. Pod Security messages name the offending value and not its index
 * (which shifts when a capability before it is removed); Gatekeeper messages may quote the whole
 * securityContext (which the fix changes), and the PSP kinds report one violation per container (or
 * per pod), on the first offending field, so those are known by rule and container.
 */
function identity(finding: Finding): string {
  const { resource } = finding;
  const what = finding.policyKind === "PodSecurity" ? finding.message : "";
  return [finding.policy, finding.rule, resource.kind, resource.namespace, resource.name, finding.container, what].join("|");
}

export function checkFile(file: string, text: string, policies: readonly Policy[], report: SafetyReport): void {
  const before = evaluate([loadManifestFile(file, text)], policies);
  if (before.errors.length > 0) return;
  const beforeIds = new Set(before.findings.map(identity));
  const documents = documentValues(file, text);

  for (const finding of before.findings) {
    const ruleKey = finding.rule;
    const tally = report.tally.get(ruleKey) ?? { findings: 0, withFix: 0, applied: 0 };
    report.tally.set(ruleKey, tally);
    tally.findings++;
    if (!finding.fix) continue;
    tally.withFix++;
    const where = `${file}:${finding.line} ${finding.policy}/${finding.rule} (${finding.path})`;

    const outcome = applyFixes(file, text, [finding.fix]);
    const refusal = outcome.refused[0];
    if (refusal) {
      const reason = refusal.reason.replace(/^[^:]*: /, "").replace(/\(line \d+: .*\)/, "");
      const seen = report.refusals.get(reason);
      if (seen) seen.count++;
      else report.refusals.set(reason, { count: 1, example: where });
      continue;
    }
    tally.applied++;
    if (outcome.text === text) {
      report.problems.push(`${where}: the fix changed nothing, yet the finding was reported`);
      continue;
    }

    const after = evaluate([loadManifestFile(file, outcome.text)], policies);
    const afterIds = after.findings.map(identity);
    if (after.errors.length > 0) report.problems.push(`${where}: the fixed file has errors: ${after.errors[0]?.message}`);
    if (afterIds.includes(identity(finding))) report.problems.push(`${where}: the finding is still there after its fix`);
    for (const id of afterIds) if (!beforeIds.has(id)) report.problems.push(`${where}: the fix introduced ${id}`);

    const fixedDocuments = documentValues(file, outcome.text);
    if (!sameExceptFixed(documents, fixedDocuments, finding.fix)) report.problems.push(`${where}: the fix changed fields it does not name`);

    const again = applyFixes(file, outcome.text, [finding.fix]);
    if (again.text !== outcome.text) report.problems.push(`${where}: the fix is not idempotent`);
  }

  // `--fix` run twice: the second run has nothing left that it can fix.
  const once = fixFiles(new Map([[file, text]]), before.findings);
  const onceText = once.texts.get(file) ?? text;
  const second = evaluate([loadManifestFile(file, onceText)], policies);
  const twice = fixFiles(new Map([[file, onceText]]), second.findings);
  if (twice.applied.length > 0)
    report.problems.push(`${file}: a second --fix still changed ${twice.applied.map((f) => f.rule).join(", ")}`);
}

export function documentValues(file: string, text: string): Map<number, JsonValue> {
  return new Map(parseDocuments(file, text).documents.map((document) => [document.index, document.value]));
}

/**
 * Equal once the fields the fix names are taken out of both sides; a field the fix created is taken
 * out from its first new ancestor, so a new `securityContext:` holding it does not count as a change.
 */
export function sameExceptFixed(before: Map<number, JsonValue>, after: Map<number, JsonValue>, fix: DocumentFix): boolean {
  if (before.size !== after.size) return false;
  for (const [index, value] of before) {
    if (!after.has(index)) return false;
    if (index !== fix.document) {
      if (!deepEqual(value, after.get(index))) return false;
      continue;
    }
    const original = value;
    const prune = (root: JsonValue): JsonValue => {
      const copy = structuredClone(root);
      for (const edit of fix.fix.edits) removeField(copy, firstNew(original, edit.path));
      return copy;
    };
    if (!deepEqual(prune(value), prune(after.get(index) as JsonValue))) return false;
  }
  return true;
}

function firstNew(original: JsonValue, path: FieldPath): FieldPath {
  for (let length = 1; length <= path.length; length++) {
    if (valueAt(original, path.slice(0, length)) === undefined) return path.slice(0, length);
  }
  return path;
}

function removeField(root: JsonValue, field: FieldPath): void {
  // An item named by index is compared as its whole list: removing it moves the items after it.
  const path = typeof field[field.length - 1] === "number" ? field.slice(0, -1) : field;
  const parent = valueAt(root, path.slice(0, -1));
  const last = path[path.length - 1];
  if (isObject(parent) && typeof last === "string") delete parent[last];
  else if (Array.isArray(parent) && typeof last === "number") parent.splice(last, 1);
}
