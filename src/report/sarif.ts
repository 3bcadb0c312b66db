/**
 * SARIF 2.1.0 report for GitHub code scanning (`github/codeql-action/upload-sarif`), following the
 * properties GitHub documents as required: rules with short/full descriptions and help, results with
 * a message, one physical location with a full region, and `partialFingerprints`.
 */
import { createHash } from "node:crypto";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { apiGroupOf } from "../manifests/resource.js";
import type { InputError, ResourceRef } from "../manifests/types.js";
import type { EvaluationResult } from "../policy/engine.js";
import type { EnforcementAction, Finding, PolicyDocs } from "../policy/types.js";
import { describeSubject, ruleId } from "./describe.js";
import { code } from "../text/markdown.js";
import { PARSE_ERROR_RULE, ruleDoc } from "./rule-docs.js";

export const SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json";

export interface SarifOptions {
  tool: { name: string; version: string; informationUri: string };
  /**
   * Directory the report is relative to (the repository root, usually the working directory):
   * GitHub resolves `artifactLocation.uri` against the repository root, so absolute paths under it
   * are made relative; paths outside it become `file:` URIs.
   */
  baseDir?: string;
}

type SarifLevel = "error" | "warning" | "note";

/** deny blocks the merge, warn is reported but passes, dryrun is recorded only: SARIF's three levels. */
const LEVEL: Record<EnforcementAction, SarifLevel> = { deny: "error", warn: "warning", dryrun: "note" };

/** GitHub shows the full description capped at this length. */
const FULL_DESCRIPTION_LIMIT = 1000;
/** GitHub keeps at most 10 tags per rule (and rejects more than 20). */
const TAG_LIMIT = 10;

interface SarifRegion {
  startLine: number;
  startColumn: number;
  endLine: number;
  endColumn: number;
}

interface SarifRule {
  id: string;
  shortDescription: { text: string };
  fullDescription: { text: string };
  defaultConfiguration: { level: SarifLevel };
  helpUri: string;
  help: { text: string; markdown: string };
  properties: { tags: string[]; precision: "very-high" };
}

interface SarifResult {
  ruleId: string;
  ruleIndex: number;
  level: SarifLevel;
  message: { text: string };
  locations: { physicalLocation: { artifactLocation: { uri: string }; region: SarifRegion } }[];
  partialFingerprints: { primaryLocationLineHash: string };
  /** An excepted finding: SARIF's way to say "reviewed and accepted", with the exception's reason. */
  suppressions?: { kind: "external"; status: "accepted"; justification: string }[];
  /** Compared with a baseline (`check --base`): `unchanged` for a pre-existing finding, `new` otherwise. */
  baselineState?: "new" | "unchanged";
  properties?: Record<string, unknown>;
}

export interface SarifLog {
  $schema: string;
  version: "2.1.0";
  runs: {
    tool: { driver: { name: string; version: string; semanticVersion: string; informationUri: string; rules: SarifRule[] } };
    columnKind: "utf16CodeUnits";
    results: SarifResult[];
  }[];
}

/** A repository-relative URI with forward slashes, as GitHub matches it to files. */
export function artifactUri(file: string, baseDir?: string): string {
  let relative = file;
  if (path.isAbsolute(file)) {
    const fromBase = baseDir === undefined ? undefined : path.relative(baseDir, file);
    if (fromBase === undefined || fromBase.startsWith("..") || path.isAbsolute(fromBase)) return pathToFileURL(file).href;
    relative = fromBase;
  }
  const segments = relative.split(/[\\/]+/).filter((segment) => segment !== "" && segment !== ".");
  return segments.map((segment) => encodeURIComponent(segment)).join("/");
}

/**
 * A region GitHub accepts. Our ranges end at the column of their last character; SARIF's `endColumn`
 * is the column after it. 1-based, never empty or inverted.
 */
function regionOf(range: { line: number; column: number; endLine: number; endColumn: number }): SarifRegion {
  const startLine = Math.max(1, range.line);
  const startColumn = Math.max(1, range.column);
  const endLine = Math.max(startLine, range.endLine);
  const pastEnd = range.endColumn + 1;
  const endColumn = endLine === startLine ? Math.max(startColumn + 1, pastEnd) : Math.max(1, pastEnd);
  return { startLine, startColumn, endLine, endColumn };
}

function truncate(text: string, limit: number): string {
  return text.length <= limit ? text : `${text.slice(0, limit - 1)}…`;
}

function hash(parts: readonly string[]): string {
  return createHash("sha256").update(parts.join("\u0000")).digest("hex").slice(0, 32);
}

/** Kubernetes identity of an object: API group (not version, which an upgrade changes), kind, namespace, name. */
function resourceIdentity(resource: ResourceRef): string[] {
  return [apiGroupOf(resource.apiVersion), resource.kind, resource.namespace ?? "", resource.name];
}

/** What a rule descriptor is built from: the first result that names the rule. */
interface RuleSource {
  policyKind: string;
  rule: string;
  policy?: string;
  level: SarifLevel;
  docs?: PolicyDocs;
}

export function toSarif(result: EvaluationResult, options: SarifOptions): SarifLog {
  // Only rules with results are described: a policy's rule set is open-ended (a constraint kind has
  // one rule, PodSecurity one per check), and results are all GitHub needs descriptors for.
  const sources = new Map<string, RuleSource>();
  for (const finding of result.findings) {
    const id = ruleId(finding);
    // A policy has one enforcement action, so every result of a rule has the same level.
    if (!sources.has(id)) {
      const source: RuleSource = {
        policyKind: finding.policyKind,
        rule: finding.rule,
        policy: finding.policy,
        level: LEVEL[finding.action],
      };
      if (finding.docs !== undefined) source.docs = finding.docs;
      sources.set(id, source);
    }
  }
  if (result.errors.length > 0) sources.set(PARSE_ERROR_RULE, { policyKind: PARSE_ERROR_RULE, rule: PARSE_ERROR_RULE, level: "error" });

  const ids = [...sources.keys()].sort();
  const ruleIndex = new Map(ids.map((id, index) => [id, index]));
  const rules = ids.map((id) => sarifRule(id, sources.get(id)!));

  // Fingerprints say which results are "the same problem" across commits, so they hash what the
  // problem is about (rule, file, object, field), never its line: editing lines above it must not
  // reopen the alert. The occurrence suffix keeps two identical problems distinct, as CodeQL does.
  const occurrences = new Map<string, number>();
  const fingerprint = (parts: string[]): string => {
    const digest = hash(parts);
    const occurrence = (occurrences.get(digest) ?? 0) + 1;
    occurrences.set(digest, occurrence);
    return `${digest}:${occurrence}`;
  };

  const results: SarifResult[] = [];
  for (const finding of result.findings) {
    const id = ruleId(finding);
    const uri = artifactUri(finding.file, options.baseDir);
    results.push({
      ruleId: id,
      ruleIndex: ruleIndex.get(id)!,
      level: LEVEL[finding.action],
      message: { text: `${finding.message} (${describeSubject(finding)})` },
      locations: [{ physicalLocation: { artifactLocation: { uri }, region: regionOf(finding) } }],
      partialFingerprints: { primaryLocationLineHash: fingerprint([id, uri, ...resourceIdentity(finding.resource), finding.path]) },
      ...(finding.exception
        ? {
            suppressions: [
              {
                kind: "external" as const,
                status: "accepted" as const,
                justification: `${finding.exception.id}, approved by ${finding.exception.approver} until ${finding.exception.expires}: ${finding.exception.reason}`,
              },
            ],
          }
        : {}),
      ...(finding.state ? { baselineState: finding.state === "pre-existing" ? ("unchanged" as const) : ("new" as const) } : {}),
      properties: findingProperties(finding),
    });
  }
  for (const error of result.errors) {
    const uri = artifactUri(error.file, options.baseDir);
    results.push({
      ruleId: PARSE_ERROR_RULE,
      ruleIndex: ruleIndex.get(PARSE_ERROR_RULE)!,
      level: "error",
      message: { text: error.message },
      locations: [{ physicalLocation: { artifactLocation: { uri }, region: errorRegion(error) } }],
      partialFingerprints: { primaryLocationLineHash: fingerprint([PARSE_ERROR_RULE, uri, error.message]) },
      ...(error.code !== undefined
        ? { properties: { code: error.code, ...(error.suggestion !== undefined ? { suggestion: error.suggestion } : {}) } }
        : {}),
    });
  }

  const { name, version, informationUri } = options.tool;
  return {
    $schema: SARIF_SCHEMA,
    version: "2.1.0",
    runs: [
      {
        tool: { driver: { name, version, semanticVersion: version, informationUri, rules } },
        // JavaScript strings, and so our columns, count UTF-16 code units.
        columnKind: "utf16CodeUnits",
        results,
      },
    ],
  };
}

/** An input error has a point, not a range: mark the one character there. */
function errorRegion(error: InputError): SarifRegion {
  return regionOf({ line: error.line, column: error.column, endLine: error.line, endColumn: error.column });
}

function findingProperties(finding: Finding): Record<string, unknown> {
  const properties: Record<string, unknown> = {
    policy: finding.policy,
    policyKind: finding.policyKind,
    action: finding.action,
    resource: { ...finding.resource },
    path: finding.path,
  };
  if (finding.container !== undefined) properties["container"] = finding.container;
  return properties;
}

function sarifRule(id: string, entry: RuleSource): SarifRule {
  const doc = ruleDoc(entry.policyKind, entry.rule, entry.docs);
  const plain = (markdown: string): string => markdown.replace(/`/g, "");
  const origin = (policy: string): string => `Policy ${policy} (kind ${entry.policyKind}).`;
  const text = [
    plain(doc.checks),
    `How to fix: ${plain(doc.fix)}`,
    entry.policy === undefined ? "" : origin(entry.policy),
    `Reference: ${doc.helpUri}`,
  ];
  const markdown = [
    doc.checks,
    `**How to fix:** ${doc.fix}`,
    // Policy names come from the user's policy files: fenced so they cannot inject Markdown.
    entry.policy === undefined ? "" : origin(code(entry.policy)),
    `Reference: <${doc.helpUri}>`,
  ];
  return {
    id,
    shortDescription: { text: doc.title },
    fullDescription: { text: truncate(plain(doc.checks), FULL_DESCRIPTION_LIMIT) },
    defaultConfiguration: { level: entry.level },
    helpUri: doc.helpUri,
    help: { text: text.filter(Boolean).join("\n\n"), markdown: markdown.filter(Boolean).join("\n\n") },
    properties: { tags: doc.tags.slice(0, TAG_LIMIT), precision: "very-high" },
  };
}

export function formatSarif(result: EvaluationResult, options: SarifOptions): string {
  return JSON.stringify(toSarif(result, options), null, 2) + "\n";
}
