/**
 * Everything GitHub knows that one check needs, gathered once by the read step into plain data: the
 * decide step works from this alone. A pull request and a merge group differ only in how their
 * snapshot is read (which files changed, which pull request's comments count, whether the rules
 * themselves changed); once read, they are decided alike.
 */
import type { ResolvedConfig } from "../config/types.js";
import type { LoadedFile, Manifest } from "../manifests/types.js";
import type { BaselineRead } from "./read/baseline.js";
import type { SuggestionFile } from "../suggestions/plan.js";
import type { CommentFacts } from "./read/exception-facts.js";
import type { BindingFacts } from "./read/pull-history.js";
import type { CheckTarget } from "./target.js";

export interface Snapshot {
  target: CheckTarget;
  /** Files the change touches (GitHub's count, even when the list was not read because it is too long). */
  changedFiles: number;
  /** Set when the change is too large to be read completely: nothing further was read. */
  tooLarge?: { reason: string; whatToDo: string };
  /** The rules in force (absent only when `tooLarge`); `problems` stop the check before any manifest is read. */
  config?: ResolvedConfig;
  /** Changed files that are rules rather than subjects: their edits only count after merge. */
  ruleFilesChanged: string[];
  manifests: {
    /** Changed files the manifest globs select. */
    selected: number;
    files: LoadedFile[];
    /** Selected files with no Kubernetes object at all. */
    notManifests: string[];
    /** What the summary says about special files (a symbolic link checked through its target). */
    notes: string[];
    /** Blob reads this check made (cache misses). */
    blobsFetched: number;
  };
  /**
   * Namespace manifests of the repository beyond the judged files (read/namespace-files.ts): at the
   * head, where workloads land; at the base, what a change to a Namespace is compared with.
   */
  namespaces: { current: Manifest[]; base: Manifest[]; notes: string[]; blobsFetched: number };
  /**
   * The changed manifests where the change starts (`check.gate: new`), to tell new findings from
   * pre-existing ones. Absent with `gate: all`.
   */
  baseline?: BaselineRead;
  /** The pull request whose comments may grant exceptions here, and what they say. */
  comments?: {
    pullNumber: number;
    /** True for the pull request's own check: it records new grants by replying. */
    recordsGrants: boolean;
    /** Undefined when no comment concerns exceptions. */
    facts?: CommentFacts;
    /** The pull request's history and the app's reactions, when a grant not yet recorded must be bound. */
    binding?: BindingFacts;
    /** The newest comment listed: this check answers every command up to it. */
    newestCommentId: number;
    /**
     * Pull requests: how many force pushes GitHub listed before the files were read. With the findings
     * and `newestCommentId` it goes into the check run's record (see exceptions/seen-head.ts).
     */
    forcePushesSeen?: number;
  };
  /** A merge group: comment exceptions of other queued pull requests do not apply here. */
  mergeQueue?: { pullNumber?: number };
  /**
   * A pull request's changed manifests as text, with their diffs: where suggested changes can be made.
   * Absent for a merge group, and when the organisation turned suggestions off.
   */
  suggestionFiles?: SuggestionFile[];
}
