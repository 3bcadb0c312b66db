/**
 * The records the emulator keeps for pull request reviews and their comments: plain data, in a file
 * of their own so the state (which stores them) and reviews.ts (which makes them) need not import
 * each other.
 */

export type ReviewState = "PENDING" | "COMMENTED" | "APPROVED" | "CHANGES_REQUESTED";
export type Side = "LEFT" | "RIGHT";

export interface ReviewRecord {
  id: number;
  repo: string;
  number: number;
  user: string;
  body: string;
  state: ReviewState;
  commitId: string;
  submittedAt: string | null;
  viaApp: boolean;
}

export interface ReviewCommentRecord {
  id: number;
  reviewId: number;
  repo: string;
  number: number;
  path: string;
  /** The commit the comment was made on (`original_commit_id`). */
  commitId: string;
  body: string;
  user: string;
  viaApp: boolean;
  side: Side;
  startSide: Side | null;
  /** Lines at `commitId` (`original_line`, `original_start_line`). */
  line: number;
  startLine: number | null;
  /** The diff hunk up to the commented line, as GitHub quotes it (`diff_hunk`). */
  diffHunk: string;
  /** Lines below the file's first `@@` header down to the commented line (`original_position`). */
  position: number;
  createdAt: string;
  updatedAt: string;
}
