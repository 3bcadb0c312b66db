/**
 * Fixes of rendered objects over real GitOps trees (../shared/corpora/kustomize): for every finding on
 * a Kustomize root that has a fix, the tree with that fix written (into the patch or base it names)
 * is rendered again, and
 *   - the finding is gone, and no root has a finding it did not have before,
 *   - every root renders the same objects, except the judged object in the roots the finding names,
 *   - the edited file reads as before except at the fields the fix names,
 *   - the same fix a second time changes nothing.
 * Prints how many findings got a fix per rule, and why the others are flagged only.
 */
import { describe, expect, it } from "@jest/globals";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { applyFixes } from "../../src/fix/apply.js";
import { deepEqual } from "../../src/fix/model.js";
import type { DocumentFix } from "../../src/fix/types.js";
import type { JsonObject, JsonValue, LoadedFile } from "../../src/manifests/types.js";
import { evaluate } from "../../src/policy/engine.js";
import type { Finding, Policy } from "../../src/policy/types.js";
import { directoryOf } from "../../src/render/kustomize/filesystem.js";
import { memoryFileSystem, ParseCache } from "../../src/render/kustomize/index.js";
import { isKustomizationFile, renderKustomizeRoots } from "../../src/render/kustomize-roots.js";
import { documentValues, fixablePolicies, sameExceptFixed } from "./safety.js";

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const CORPUS = path.resolve(REPO, "../shared/corpora/kustomize");
const SOURCES = existsSync(CORPUS)
  ? readdirSync(CORPUS, { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && entry.name !== "expected")
      .map((entry) => entry.name)
      .sort()
  : [];

interface Tree {
  files: Map<string, string>;
}

function readTree(source: string): Tree {
  const dir = path.join(CORPUS, source);
  const files = new Map<string, string>();
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const full = path.join(entry.parentPath, entry.name);
    files.set(path.relative(dir, full).split(path.sep).join("/"), readFileSync(full, "utf8"));
  }
  return { files };
}

/** The roots among `files` (or only the given root directories), rendered and judged. */
function judge(files: Map<string, string>, policies: readonly Policy[], only?: readonly string[]): Judged {
  const names = only
    ? [...files.keys()].filter((file) => isKustomizationFile(file) && only.includes(directoryOf(file)))
    : [...files.keys()];
  const rendered = renderKustomizeRoots(memoryFileSystem(files), names, { cache: new ParseCache(), fixes: only === undefined });
  const roots = rendered.files.filter((file) => file.errors.length === 0);
  return { findings: evaluate(roots, policies).findings, roots, closures: rendered.closures, rootDirectories: rendered.roots };
}

interface Judged {
  findings: Finding[];
  roots: LoadedFile[];
  closures: Map<string, string[]>;
  rootDirectories: string[];
}

/**
 * Which finding this is, across a fix: rule, object, container, field and (for Pod Security) the
 * message, which names the offending value; with the roots it is rendered in.
 */
function identity(finding: Finding): string {
  const { resource } = finding;
  const what = finding.policyKind === "PodSecurity" ? finding.message : finding.path;
  return [
    finding.policy,
    finding.rule,
    resource.kind,
    resource.namespace,
    resource.name,
    finding.container,
    what,
    (resource.renderedIn ?? []).join(","),
  ].join("|");
}

/**
 * What kind of finding this is, to tell a new one: rule, kind and container. Not the object's name
 * (findings of one source line rendered into several objects are one, named after one of them) nor
 * the message (a Pod Security message lists every container lacking a field, and shrinks as one is fixed).
 */
function kindOf(finding: Finding): string {
  return [finding.policy, finding.rule, finding.resource.kind, finding.resource.namespace, finding.container].join("|");
}

/** What changed between two renders of an object: each differing leaf's path and new value. */
function delta(before: JsonValue | undefined, after: JsonValue | undefined, at = ""): string {
  const isTree = (value: JsonValue | undefined): value is JsonObject | JsonValue[] => typeof value === "object" && value !== null;
  if (!isTree(before) || !isTree(after) || Array.isArray(before) !== Array.isArray(after))
    return deepEqual(before, after) ? "" : `${at}=${JSON.stringify(after)};`;
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  const child = (value: JsonValue | JsonObject, key: string): JsonValue | undefined =>
    (value as Record<string, JsonValue | undefined>)[key];
  return keys.map((key) => delta(child(before, key), child(after, key), `${at}.${key}`)).join("");
}

/** The same finding, in any of the same roots: a fix that fixes it in one root of several leaves none. */
function sameFinding(a: string, b: string): boolean {
  const [aRoots = "", ...aRest] = a.split("|").reverse();
  const [bRoots = "", ...bRest] = b.split("|").reverse();
  return aRest.join("|") === bRest.join("|") && aRoots.split(",").some((root) => bRoots.split(",").includes(root));
}

function objectsByRoot(roots: readonly LoadedFile[]): Map<string, JsonObject[]> {
  return new Map(roots.map((root) => [root.manifests[0]?.renderedIn ?? root.file, root.manifests.map((manifest) => manifest.object)]));
}

interface Tally {
  findings: number;
  fixed: number;
}

describe("fixes of Kustomize roots are safe on real trees", () => {
  if (SOURCES.length === 0) {
    console.log(`SKIPPED Kustomize fix safety: ${CORPUS} is absent (the shared corpora live beside the checkout).`);
    it.skip("needs ../shared/corpora/kustomize", () => undefined);
    return;
  }

  it("every fix removes its finding, adds none, changes no other rendered object, and is idempotent", async () => {
    const policies = await fixablePolicies();
    const problems: string[] = [];
    const tally = new Map<string, Tally>();
    const flagged = new Map<string, number>();
    for (const source of SOURCES) {
      const started = Date.now();
      const tree = readTree(source);
      const whole = judge(tree.files, policies);
      // A fix is judged on the roots that read the file it edits (no other root can change): before and after.
      const subsets = new Map<string, Judged>();
      for (const finding of whole.findings) {
        if (!finding.resource.renderedIn) continue;
        const counts = tally.get(finding.rule) ?? { findings: 0, fixed: 0 };
        tally.set(finding.rule, counts);
        counts.findings++;
        if (finding.fixUnavailable !== undefined) {
          const reason = finding.fixUnavailable
            .replace(/ at [^ ]+:\d+/, "")
            .replace(/editing \S+/, "editing FILE")
            .replace(/ in \S+, which/, " in ROOT, which");
          flagged.set(reason, (flagged.get(reason) ?? 0) + 1);
        }
        if (!finding.fix) continue;
        counts.fixed++;
        const where = `${source}: ${finding.file}:${finding.line} ${finding.policy}/${finding.rule} (${finding.path})`;
        const fix = finding.fix as DocumentFix;
        const file = fix.file ?? finding.file;
        const text = tree.files.get(file);
        if (text === undefined) {
          problems.push(`${where}: the fix names ${file}, which is not in the tree`);
          continue;
        }
        const outcome = applyFixes(file, text, [fix]);
        if (outcome.refused.length > 0 || outcome.text === text) {
          problems.push(`${where}: the fix ${outcome.refused[0]?.reason ?? "changes nothing"}`);
          continue;
        }
        if (!sameExceptFixed(documentValues(file, text), documentValues(file, outcome.text), fix))
          problems.push(`${where}: the fix changed fields it does not name`);
        if (applyFixes(file, outcome.text, [fix]).text !== outcome.text) problems.push(`${where}: the fix is not idempotent`);

        const affected = whole.rootDirectories.filter((root) => whole.closures.get(root)?.includes(file));
        const key = affected.join("\u0000");
        const before = subsets.get(key) ?? judge(tree.files, policies, affected);
        subsets.set(key, before);
        const beforeKinds = new Set(before.findings.map(kindOf));
        const beforeObjects = objectsByRoot(before.roots);
        const after = judge(new Map([...tree.files, [file, outcome.text]]), policies, affected);
        const afterIds = after.findings.map(identity);
        if (afterIds.some((id) => sameFinding(id, identity(finding)))) problems.push(`${where}: the finding is still there after its fix`);
        for (const found of after.findings)
          if (!beforeKinds.has(kindOf(found))) problems.push(`${where}: the fix introduced ${identity(found)}`);
        // Only the objects with this finding change (one source line may be rendered several times), all alike.
        const afterObjects = objectsByRoot(after.roots);
        const deltas = new Set<string>();
        for (const [root, objects] of beforeObjects) {
          const now = afterObjects.get(root) ?? [];
          const changed = objects.flatMap((object, index) => (deepEqual(object, now[index]) ? [] : [delta(object, now[index])]));
          if (now.length !== objects.length) problems.push(`${where}: the fix changed which objects ${root} renders`);
          else if (changed.length > 0 && !finding.resource.renderedIn?.includes(root))
            problems.push(`${where}: the fix changed ${changed.length} object(s) of ${root}`);
          for (const change of changed) deltas.add(change);
        }
        if (deltas.size !== 1)
          problems.push(`${where}: the fix changed ${deltas.size === 0 ? "no rendered object" : "rendered objects in different ways"}`);
      }
      console.log(`${source}: ${Date.now() - started} ms`);
    }
    const rows = [...tally.entries()].sort(([a], [b]) => (a < b ? -1 : 1));
    const total = rows.reduce((sum, [, t]) => ({ findings: sum.findings + t.findings, fixed: sum.fixed + t.fixed }), {
      findings: 0,
      fixed: 0,
    });
    console.log(
      [
        `Fixes on the Kustomize roots of ${SOURCES.length} trees:`,
        `${"rule".padEnd(44)} ${"found".padStart(6)} ${"fixed".padStart(6)}`,
        ...rows.map(([rule, t]) => `${rule.padEnd(44)} ${String(t.findings).padStart(6)} ${String(t.fixed).padStart(6)}`),
        `${"total".padEnd(44)} ${String(total.findings).padStart(6)} ${String(total.fixed).padStart(6)}`,
        "flagged only although the rule has a fix:",
        ...[...flagged.entries()].sort((a, b) => b[1] - a[1]).map(([reason, count]) => `  ${count} × ${reason}`),
      ].join("\n"),
    );
    expect(problems).toEqual([]);
    expect(total.fixed).toBeGreaterThan(0);
  }, 900_000);
});
