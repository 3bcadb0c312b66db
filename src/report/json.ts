/**
 * Machine-readable report. The shape is a public interface (scripts and dashboards parse it), so it is
 * built key by key here rather than dumping internal objects: an internal field added later must not
 * leak into it, and absent optional values are `null` so every finding has the same keys.
 */
import type { EvaluationResult } from "../policy/engine.js";
import type { Finding } from "../policy/types.js";
import type { InputError } from "../manifests/types.js";

export interface JsonFinding {
  policy: string;
  policyKind: string;
  rule: string;
  action: Finding["action"];
  message: string;
  file: string;
  line: number;
  endLine: number;
  column: number;
  endColumn: number;
  /** `renderedIn`: the Kustomize overlays that render the object (empty for a plain manifest). */
  resource: { apiVersion: string; kind: string; namespace: string | null; name: string; renderedIn: string[] };
  container: string | null;
  /** What decided the rule applies here (namespace-driven Pod Security: the label or default), or null. */
  basis: string | null;
  path: string;
  /** What an exception is bound to: changes when the offending content changes, not when lines move. */
  fingerprint: string;
  /** What `check --fix` would change for this finding (the rule's safe fix), or null: flagged only. */
  fix: string | null;
  /** The file the fix edits when it is not `file` (a Kustomize patch or base the value comes from), or null. */
  fixFile: string | null;
  /** Why a rule that has a fix offers none here (a Kustomize value set where no fix may edit), or null. */
  fixUnavailable: string | null;
  /** The exception that excuses the finding (it then does not block), or null. */
  exception: { id: string; approver: string; reason: string; expires: string; source: string } | null;
  /** `pre-existing`: already at the base the change was compared with (`--base`), so it does not block. */
  state: "new" | "pre-existing";
}

export interface JsonError {
  file: string;
  line: number;
  column: number;
  message: string;
  /** The stable problem code (README "Errors"), for errors in our own documents. */
  code?: string;
  /** The closest valid key or value, when the problem looks like a typo. */
  suggestion?: string;
}

/** How a namespace-driven policy judges one namespace the check touched. */
export interface JsonNamespace {
  /** null: workloads that declare no namespace. */
  namespace: string | null;
  policy: string;
  mode: string;
  level: string;
  source: string;
}

export interface JsonReport {
  findings: JsonFinding[];
  errors: JsonError[];
  /** What was read but not judged (not blocking), same shape as an error. */
  notices: JsonError[];
  /** Findings of the base that the change removes (empty without `--base`). */
  fixed: JsonFinding[];
  summary: EvaluationResult["summary"] & { preExisting: number; fixed: number };
  namespaces: JsonNamespace[];
}

/** What a report is made of: the verdict, or a bare evaluation (no baseline, nothing fixed). */
export type ReportInput = EvaluationResult & { fixed?: readonly Finding[] };

function toJsonFinding(finding: Finding): JsonFinding {
  return {
    policy: finding.policy,
    policyKind: finding.policyKind,
    rule: finding.rule,
    action: finding.action,
    message: finding.message,
    file: finding.file,
    line: finding.line,
    endLine: finding.endLine,
    column: finding.column,
    endColumn: finding.endColumn,
    resource: {
      apiVersion: finding.resource.apiVersion,
      kind: finding.resource.kind,
      namespace: finding.resource.namespace ?? null,
      name: finding.resource.name,
      renderedIn: finding.resource.renderedIn ?? [],
    },
    container: finding.container ?? null,
    basis: finding.basis ?? null,
    path: finding.path,
    fingerprint: finding.fingerprint,
    fix: finding.fix ? finding.fix.fix.description : null,
    fixFile: finding.fix?.file ?? null,
    fixUnavailable: finding.fixUnavailable ?? null,
    exception: finding.exception
      ? {
          id: finding.exception.id,
          approver: finding.exception.approver,
          reason: finding.exception.reason,
          expires: finding.exception.expires,
          source: finding.exception.source,
        }
      : null,
    state: finding.state ?? "new",
  };
}

function toJsonError(error: InputError): JsonError {
  const json: JsonError = { file: error.file, line: error.line, column: error.column, message: error.message };
  if (error.code !== undefined) json.code = error.code;
  if (error.suggestion !== undefined) json.suggestion = error.suggestion;
  return json;
}

export function toJsonReport(result: ReportInput): JsonReport {
  const { files, resources, deny, warn, dryrun, errors } = result.summary;
  const fixed = result.fixed ?? [];
  const preExisting = result.findings.filter((finding) => finding.state === "pre-existing" && !finding.exception).length;
  return {
    findings: result.findings.map(toJsonFinding),
    errors: result.errors.map(toJsonError),
    notices: (result.notices ?? []).map(toJsonError),
    fixed: fixed.map(toJsonFinding),
    summary: { files, resources, deny, warn, dryrun, errors, preExisting, fixed: fixed.length },
    namespaces: (result.namespaces ?? []).flatMap((entry) =>
      entry.judgements.map((judgement) => ({
        namespace: entry.namespace ?? null,
        policy: entry.policy,
        mode: judgement.mode,
        level: judgement.level,
        source: judgement.source,
      })),
    ),
  };
}

export function formatJson(result: ReportInput): string {
  return JSON.stringify(toJsonReport(result), null, 2) + "\n";
}
