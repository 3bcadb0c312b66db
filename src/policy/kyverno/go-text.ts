/**
 * Go's string and path functions that Kyverno's behaviour rests on, where JavaScript's differ: shared by
 * the JMESPath functions and `$(...)` references.
 */
import { posix } from "node:path";

/** Go's `strings.Trim`: every leading and trailing code point that is in `cutset`. */
export function goTrim(text: string, cutset: string): string {
  const chars = new Set(cutset);
  const list = [...text];
  let start = 0;
  let end = list.length;
  while (start < end && chars.has(list[start] as string)) start++;
  while (end > start && chars.has(list[end - 1] as string)) end--;
  return list.slice(start, end).join("");
}

/** Go's `path.Clean`: `.` and `..` resolved, repeated slashes merged, no trailing slash. */
export function goCleanPath(text: string): string {
  return posix.normalize(text).replace(/(.)\/$/, "$1");
}
