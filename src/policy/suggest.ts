/** Kept for the policy and exception readers' imports: the one implementation is `src/text/suggest.ts`. */
export { closest, didYouMean } from "../text/suggest.js";
