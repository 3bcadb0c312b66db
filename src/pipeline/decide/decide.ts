/**
 * The decide step: pure. From a snapshot to the plan of what to write: the verdict, the check run's
 * content, and the replies (with reactions) that answer `/policy-exception` commands. No GitHub, no
 * clock (`now` comes in), so the same snapshot always gives the same plan.
 */
import { needsAnything } from "../../exceptions/derive.js";
import { findingsMarker } from "../../exceptions/markers.js";
import { planReplies, type PlannedReply } from "../../exceptions/reply.js";
import { bindingOf } from "../../exceptions/scope.js";
import type { Finding } from "../../policy/types.js";
import { exceptionsMarkdown, summarizeExceptions } from "../../exceptions/summary.js";
import { buildCheckRun, type CheckOutcome, type CheckRunResult } from "../../report/checkrun.js";
import { withConfiguredKinds } from "../../manifests/pod-templates.js";
import type { LoadedFile } from "../../manifests/types.js";
import { namespaceMarkdown } from "../../report/namespaces.js";
import {
  baselineUnavailableNote,
  mergeQueueNote,
  noticeNote,
  notManifestNote,
  policyNoticeNote,
  ruleChangeNote,
} from "../../report/notes.js";
import { planSuggestions, type SuggestionPlan } from "../../suggestions/plan.js";
import { decideVerdict, type Verdict } from "../../verdict/verdict.js";
import type { Snapshot } from "../snapshot.js";

export interface Plan {
  /** Absent when nothing was judged (too large, configuration error). */
  verdict?: Verdict;
  outcome: CheckOutcome;
  checkRun: CheckRunResult;
  /** Answers to commands not yet answered, in order; posting one records its grant. */
  replies: PlannedReply[];
  /** Suggested changes for fixable findings on lines the pull request changed, posted as one review. */
  suggestions?: SuggestionPlan;
}

export interface DecideOptions {
  now: Date;
  maxAnnotations?: number;
}

export function decide(snapshot: Snapshot, options: DecideOptions): Plan {
  const outcome = decideOutcome(snapshot, options.now);
  const checkRun = buildCheckRun(outcome.outcome, options.maxAnnotations !== undefined ? { maxAnnotations: options.maxAnnotations } : {});
  const suggestions =
    outcome.verdict && snapshot.suggestionFiles && snapshot.config ? decideSuggestions(snapshot, outcome.verdict) : undefined;
  return { ...outcome, checkRun, ...(suggestions ? { suggestions } : {}) };
}

/** The review of suggested changes: only for fixable findings on lines this pull request changed. */
function decideSuggestions(snapshot: Snapshot, verdict: Verdict): SuggestionPlan | undefined {
  const files = snapshot.suggestionFiles ?? [];
  const settings = snapshot.config?.org.suggestions;
  if (files.length === 0 || !settings?.enabled) return undefined;
  return planSuggestions(files, verdict.findings, { headSha: snapshot.target.headSha, maxComments: settings.maxComments });
}

/** What the head is compared with: nothing with `gate: all`, or when the base could not be read (every finding then counts as new). */
function baselineFiles(snapshot: Snapshot): readonly LoadedFile[] | undefined {
  switch (snapshot.baseline?.kind) {
    case "read":
      return snapshot.baseline.files;
    case "none":
      return [];
    default:
      return undefined;
  }
}

function decideOutcome(snapshot: Snapshot, now: Date): Omit<Plan, "checkRun"> {
  const { config, manifests } = snapshot;
  if (snapshot.tooLarge || !config) {
    const { reason, whatToDo } = snapshot.tooLarge ?? { reason: "the configuration was not read", whatToDo: "Re-run the check." };
    // A limit is not an outage: fail-open must not let a huge change through unchecked.
    return { outcome: { kind: "not-evaluated", reason, whatToDo, conclusion: "failure", retryable: false, notes: [] }, replies: [] };
  }
  const notes = snapshot.ruleFilesChanged.length > 0 ? [ruleChangeNote(snapshot.ruleFilesChanged, snapshot.target.baseRef)] : [];
  if (config.problems.length > 0) return { outcome: { kind: "config-error", problems: config.problems, notes }, replies: [] };

  notes.push(...config.notices.map(policyNoticeNote));
  notes.push(...manifests.notes, ...snapshot.namespaces.notes);
  if (manifests.notManifests.length > 0) notes.push(notManifestNote(manifests.notManifests));
  const facts = snapshot.comments?.facts;
  const binding = snapshot.comments?.binding;
  const baseline = baselineFiles(snapshot);
  if (snapshot.baseline?.kind === "unavailable") notes.push(baselineUnavailableNote(snapshot.baseline.reason));
  const verdict = decideVerdict({
    files: manifests.files,
    ...(baseline ? { baseline } : {}),
    policies: config.policies,
    exceptionDocuments: config.exceptions,
    namespaces: { current: snapshot.namespaces.current, base: snapshot.namespaces.base },
    ...(facts
      ? {
          comments: {
            comments: facts.comments,
            facts: facts.facts,
            settings: config.org.exceptions,
            botLogin: facts.botLogin,
            recordsGrants: snapshot.comments?.recordsGrants ?? false,
            ...(binding?.history ? { history: binding.history } : {}),
            ...(binding ? { botReactions: binding.botReactions } : {}),
          },
        }
      : {}),
    podTemplateKinds: withConfiguredKinds(config.org.podTemplates),
    ...(config.notEvaluated ? { notEvaluated: config.notEvaluated } : {}),
    now,
  });
  notes.push(...verdict.notices.map(noticeNote));
  const derived = verdict.exceptions.fromComments;
  // The read step reads until nothing is lacking; answering with facts missing could void or refuse wrongly.
  if (derived && snapshot.comments?.recordsGrants && needsAnything(derived.needs))
    throw new Error("exception grants could not be bound: the pull request's history was not read");
  const replies = derived && snapshot.comments?.recordsGrants ? planReplies(derived, config.org.exceptions) : [];
  const record = findingsRecord(snapshot, verdict.findings);
  if (snapshot.mergeQueue && verdict.counts.blocking > 0) notes.push(mergeQueueNote(snapshot.mergeQueue.pullNumber));

  // Documents hold for the whole org: list those that concern this change, not every one ever committed.
  const section = exceptionsMarkdown(
    summarizeExceptions({
      ...(derived ? { derived } : {}),
      permanent: verdict.exceptions.relevantDocuments,
      findings: verdict.findings,
      now,
    }),
  );
  const sections = [namespaceMarkdown(verdict.namespaces), section].filter((part) => part !== "");
  if (manifests.files.length === 0) {
    return {
      verdict,
      outcome: { kind: "no-manifests", changedFiles: snapshot.changedFiles, policies: config.applied, notes, sections, ...record },
      replies,
    };
  }
  return { verdict, outcome: { kind: "evaluated", verdict, policies: config.applied, notes, sections, ...record }, replies };
}

/**
 * What a pull request's check run shows, recorded in its summary: an approver who comments after it
 * completed is bound to these findings (exceptions/seen-head.ts), and every command up to the
 * newest comment read is answered by this check (exceptions/processed.ts).
 */
function findingsRecord(snapshot: Snapshot, findings: readonly Finding[]): { record?: string } {
  const comments = snapshot.comments;
  if (snapshot.target.kind !== "pull_request" || !comments || comments.forcePushesSeen === undefined) return {};
  return {
    record: findingsMarker({
      pullNumber: snapshot.target.number,
      headSha: snapshot.target.headSha,
      commentsRead: comments.newestCommentId,
      forcePushesSeen: comments.forcePushesSeen,
      bindings: [...new Set(findings.map(bindingOf))],
    }),
  };
}
