/** Policy files and manifests in, findings and load problems out, through the real loader and engine. */
import { loadManifestFile } from "../../../src/manifests/load.js";
import { evaluate } from "../../../src/policy/engine.js";
import { loadPolicies } from "../../../src/config/policy-files.js";
import type { InputError } from "../../../src/manifests/types.js";
import type { Finding } from "../../../src/policy/types.js";

export interface Judgement {
  findings: Finding[];
  errors: InputError[];
  notices: InputError[];
  inputErrors: string[];
}

export function judge(policies: Record<string, string>, manifests: Record<string, string>): Judgement {
  const loaded = loadPolicies(Object.entries(policies).map(([file, content]) => ({ file, content })));
  const files = Object.entries(manifests).map(([file, content]) => loadManifestFile(file, content));
  const result = evaluate(files, loaded.policies);
  return { findings: result.findings, errors: loaded.errors, notices: loaded.notices, inputErrors: result.errors.map((e) => e.message) };
}

/** The parts of a finding a reader checks: where, what, how strongly. */
export const brief = (f: Finding): string => `${f.file}:${f.line} ${f.action} ${f.policy} [${f.rule}] ${f.path || "-"}: ${f.message}`;
