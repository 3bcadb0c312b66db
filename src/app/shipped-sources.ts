/**
 * The shipped default policies as the app shows them: named `kube-policy-bot:policies/<file>` rather
 * than by their absolute path on the server, which means nothing to a reader of the check.
 */
import { basename } from "node:path";
import type { PolicySource } from "../policy/load.js";
import { defaultPolicySources } from "../policy/shipped.js";

export async function shippedPolicySources(): Promise<PolicySource[]> {
  const sources = await defaultPolicySources();
  return sources.map((source) => ({ file: `kube-policy-bot:policies/${basename(source.file)}`, content: source.content }));
}
