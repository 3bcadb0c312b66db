/**
 * Exceptions applied to findings: an excused finding stays in the result, marked with the exception
 * that excuses it (shown as a notice naming exception, approver, reason and expiry), and no longer
 * blocks. Input errors are never excused: an unreadable file is not a policy question.
 */
import type { Finding } from "../policy/types.js";
import { noteOf, type PolicyException } from "./model.js";
import { bindingOf, inScope } from "./scope.js";

/**
 * Whether one exception excuses one finding now: not expired, the finding's policy, rule, resource
 * and container within what it names, and, for a comment exception, the finding's content the one
 * it was granted for.
 */
export function covers(exception: PolicyException, finding: Finding, now: Date): boolean {
  if (exception.expires.getTime() <= now.getTime()) return false;
  if (!inScope(exception, finding)) return false;
  return exception.bindings === undefined || exception.bindings.includes(bindingOf(finding));
}

/**
 * The findings, in the same order, with `exception` set on those an exception excuses (the one
 * lasting longest, when several do). Findings that no exception covers are returned unchanged.
 */
export function applyExceptions(findings: readonly Finding[], exceptions: readonly PolicyException[], now: Date): Finding[] {
  const live = exceptions.filter((exception) => exception.expires.getTime() > now.getTime());
  return findings.map((finding) => {
    const { exception: _previous, ...plain } = finding;
    let chosen: PolicyException | undefined;
    for (const exception of live) {
      if (!covers(exception, plain, now)) continue;
      if (
        !chosen ||
        exception.expires.getTime() > chosen.expires.getTime() ||
        (exception.expires.getTime() === chosen.expires.getTime() && exception.id < chosen.id)
      ) {
        chosen = exception;
      }
    }
    return chosen ? { ...plain, exception: noteOf(chosen) } : plain;
  });
}

/** Whether a finding still blocks the merge: a `deny` that no exception excuses. */
export function isBlocking(finding: Finding): boolean {
  return finding.action === "deny" && finding.exception === undefined;
}
