/**
 * The upstream Pod Security Admission fixtures (../shared/corpora/psa) and how to tell whether a
 * result matches upstream's verdict for one: shared by the direct conformance test and the one that
 * goes through a labelled namespace.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { POD_SECURITY_CHECKS } from "../../../src/policy/podsecurity/checks/index.js";
import { minorOf } from "../../../src/policy/podsecurity/version.js";

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
export const CORPUS = path.join(path.resolve(REPO, "../shared"), "corpora/psa");
const INDEX = path.join(CORPUS, "index.json");

export interface FixtureEntry {
  path: string;
  level: "baseline" | "restricted";
  version: string;
  expect: "allow" | "deny";
  check: string | null;
  expectErrorSubstring?: string;
}

/** What a policy reported for a fixture: its rule and message. */
export interface Reported {
  rule?: string | undefined;
  message: string;
}

export const corpusPresent = existsSync(INDEX);

export function fixtureEntries(): FixtureEntry[] {
  return corpusPresent ? (JSON.parse(readFileSync(INDEX, "utf8")) as { entries: FixtureEntry[] }).entries : [];
}

export function fixtureText(entry: FixtureEntry): string {
  return readFileSync(path.join(CORPUS, entry.path), "utf8");
}

/** Restricted checks that replace `checkId` at `version` (upstream OverrideCheckIDs), from the registry. */
export function overridersOf(checkId: string, version: string): string[] {
  const minor = minorOf(version as `v1.${number}`);
  return POD_SECURITY_CHECKS.filter((check) => {
    const applicable = check.versions.filter((v) => minorOf(v.minimumVersion) <= minor);
    return applicable.at(-1)?.overrides?.includes(checkId) ?? false;
  }).map((check) => check.id);
}

/** Why a fixture's outcome differs from upstream's, or undefined when it matches. */
export function mismatch(entry: FixtureEntry, reported: readonly Reported[]): string | undefined {
  const summary = reported.map((violation) => `${violation.rule}: ${violation.message}`).join(" | ");
  if (entry.expect === "allow") {
    return reported.length === 0 ? undefined : `expected allow, got ${summary}`;
  }
  if (reported.length === 0) return "expected deny, got no violations";
  if (entry.check === null) return undefined;
  const accepted = new Set([entry.check, ...(entry.level === "restricted" ? overridersOf(entry.check, entry.version) : [])]);
  const relevant = reported.filter((violation) => accepted.has(violation.rule ?? ""));
  if (relevant.length === 0) return `expected a ${[...accepted].join(" or ")} violation, got ${summary}`;
  const substring = entry.expectErrorSubstring;
  if (substring && !relevant.some((violation) => violation.message.includes(substring))) {
    return `expected a message containing "${substring}", got ${summary}`;
  }
  return undefined;
}
