/**
 * What one validator level sees and what it concludes: shared by the validator (validate.ts) and
 * the wording of its findings (messages.ts).
 */
import type { JsonObject, PathSegment } from "../../manifests/types.js";

export type RuleStatus = "pass" | "fail" | "skip" | "error";

export interface RuleOutcome {
  status: RuleStatus;
  message: string;
  /** The offending field relative to the judged object; empty for the object as a whole. */
  path: PathSegment[];
}

/** What one validator level sees. */
export interface Scope {
  ruleName: string;
  /** The rule's `validate.message` as written. */
  message: string | undefined;
  context: JsonObject;
  /** The object under review (`request.object`). */
  object: JsonObject;
  /** The element a `foreach` scopes patterns to, with its path in the object (found when a finding needs it). */
  element?: { value: JsonObject; path: () => PathSegment[] | undefined };
  nesting: number;
}
