/** The notes under a check run's summary: what was not judged, or judged differently, and why. */
import { COMMAND } from "../exceptions/command.js";
import type { InputError } from "../manifests/types.js";

/** Selected files that hold no Kubernetes object at all. */
export function notManifestNote(files: readonly string[]): string {
  const listed =
    files
      .slice(0, 10)
      .map((file) => `\`${file.replace(/`/g, "")}\``)
      .join(", ") + (files.length > 10 ? ` and ${files.length - 10} more` : "");
  const one = files.length === 1;
  return `${files.length} changed ${one ? "file matches" : "files match"} the manifest globs but ${one ? "holds" : "hold"} no Kubernetes object (no document has apiVersion or kind), so ${one ? "it was" : "they were"} not checked: ${listed}.`;
}

/** Which Kustomize roots the change affected and were rendered (the others were not read). */
export function kustomizeRootsNote(roots: readonly string[]): string {
  const listed =
    roots
      .slice(0, 10)
      .map((root) => `\`${(root === "" ? "." : root).replace(/`/g, "")}\``)
      .join(", ") + (roots.length > 10 ? ` and ${roots.length - 10} more` : "");
  const one = roots.length === 1;
  return `${one ? "the Kustomize root" : `${roots.length} Kustomize roots`} this change affects ${one ? "was" : "were"} rendered and judged as ${one ? "it deploys" : "they deploy"}: ${listed}.`;
}

/** A policy document that is valid but does nothing here (e.g. a ValidatingAdmissionPolicy no binding binds). */
export function policyNoticeNote(notice: InputError): string {
  return `\`${notice.file.replace(/`/g, "")}:${notice.line}\`: ${notice.message}`;
}

/** A pull request cannot change the rules that judge it: say so when it tries. */
export function ruleChangeNote(edited: readonly string[], baseRef: string): string {
  const listed =
    edited
      .slice(0, 5)
      .map((file) => `\`${file.replace(/`/g, "")}\``)
      .join(", ") + (edited.length > 5 ? ` and ${edited.length - 5} more` : "");
  return `this pull request changes the policy configuration (${listed}). It was judged by the rules on the base branch \`${baseRef.replace(/`/g, "")}\`; the changes take effect once merged.`;
}

/** Why a finding excepted on a pull request may still block its merge group. */
export function mergeQueueNote(pullNumber: number | undefined): string {
  const source =
    pullNumber === undefined
      ? "none apply here, because this merge group's branch names no pull request (a re-run of a merge group)"
      : `only those of the pull request the group was made for (#${pullNumber}) apply here, so a finding excepted on a pull request queued ahead of it blocks`;
  return `\`${COMMAND}\` exceptions come from pull request comments: ${source}. Commit a \`PolicyException\` document for an exception that must hold in the merge queue.`;
}

/** Something read but not judged (an unknown kind that looks like it makes pods), at its line. */
export function noticeNote(notice: InputError): string {
  return `\`${notice.file.replace(/`/g, "")}\` line ${notice.line}: ${notice.message}`;
}

/** `gate: new` could not compare with the base: nothing is waved through as pre-existing. */
export function baselineUnavailableNote(reason: string): string {
  return `the files where this change starts could not be read (${reason}), so pre-existing findings could not be told apart: every finding counts as introduced by this change. Re-run the check once GitHub lists the base completely.`;
}
