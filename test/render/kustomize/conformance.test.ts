/**
 * Conformance with kustomize v5.5.0 on real GitOps trees (../shared/corpora/kustomize): every root
 * kustomize rendered must render to the same objects, in kustomize's order; every root kustomize
 * rejected must be a KustomizeError for us too (never a crash, never a render). The roots we knowingly
 * render differently are pinned below with the reason, so a regression, or a fix, changes the result.
 */
import { describe, expect, test } from "@jest/globals";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { isDeepStrictEqual } from "node:util";
import { diskFileSystem, KustomizeError, ParseCache, renderKustomization } from "../../../src/render/kustomize/index.js";
import { parseDocuments } from "../../../src/manifests/yaml.js";

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const CORPUS = path.join(path.resolve(REPO, "../shared"), "corpora/kustomize");
const INDEX = path.join(CORPUS, "index.json");
const present = existsSync(INDEX);
if (!present) console.log(`SKIPPED Kustomize conformance: ${CORPUS} is absent (the shared corpora live beside the checkout).`);

interface Root {
  source: string;
  root: string;
  ok: boolean;
  expected: string;
  error?: string;
  features: string[];
  load_restrictor_none?: { ok: boolean; expected: string };
}

/** Roots kustomize renders and we do not render identically, each with why. */
const KNOWN_MISMATCHES: Record<string, string> = {};

/**
 * Roots also rendered with `--load-restrictor LoadRestrictionsNone` that we do not compare, with why.
 * (The corpus copy keeps this symlink as a plain file holding its target path, the way Git stores one.)
 */
const RELAXED_NOT_COMPARED: Record<string, string> = {
  "argo-cd/test/e2e/testdata2/guestbook-partial-symlink-files": "the symlinked resource is stored as a plain file naming its target",
};

type Outcome = "matched" | "mismatched" | "rejected" | "wrongly rendered";

function expectedObjects(file: string): unknown[] {
  const parsed = parseDocuments(file, readFileSync(path.join(CORPUS, file)), { maxBytes: 64 * 1024 * 1024, maxNodes: 10_000_000 });
  expect(parsed.errors).toEqual([]);
  return parsed.documents.map((document) => document.value).filter((value) => value !== null);
}

(present ? describe : describe.skip)("kustomize v5.5.0 conformance", () => {
  const index = present ? (JSON.parse(readFileSync(INDEX, "utf8")) as { roots: Root[] }) : { roots: [] };
  const caches = new Map<string, ParseCache>();
  const outcomes = new Map<string, Outcome>();
  const problems: string[] = [];

  for (const root of index.roots) {
    const id = `${root.source}/${root.root}`;
    const fs = diskFileSystem(path.join(CORPUS, root.source));
    let cache = caches.get(root.source);
    if (!cache) caches.set(root.source, (cache = new ParseCache()));
    const directory = root.root === "_root" ? "" : root.root;
    let objects: unknown[] | undefined;
    let error: unknown;
    try {
      objects = renderKustomization(fs, directory, { cache }).objects;
    } catch (caught) {
      error = caught;
    }
    if (error !== undefined && !(error instanceof KustomizeError)) problems.push(`${id}: crashed: ${String(error)}`);
    if (root.ok) {
      const same = objects !== undefined && isDeepStrictEqual(JSON.parse(JSON.stringify(objects)), expectedObjects(root.expected));
      outcomes.set(id, same ? "matched" : "mismatched");
    } else outcomes.set(id, error instanceof KustomizeError ? "rejected" : "wrongly rendered");
    if (root.load_restrictor_none?.ok && !(id in RELAXED_NOT_COMPARED)) {
      const relaxed = renderKustomization(fs, directory, { cache, loadRestrictor: "none" }).objects;
      if (!isDeepStrictEqual(JSON.parse(JSON.stringify(relaxed)), expectedObjects(root.load_restrictor_none.expected))) {
        problems.push(`${id}: differs from kustomize with --load-restrictor LoadRestrictionsNone`);
      }
    }
  }

  test("renders every root kustomize renders to the same objects, except the pinned ones", () => {
    const mismatched = [...outcomes].filter(([, outcome]) => outcome === "mismatched").map(([id]) => id);
    expect(mismatched.sort()).toEqual(Object.keys(KNOWN_MISMATCHES).sort());
    const rendered = index.roots.filter((root) => root.ok).length;
    expect((rendered - mismatched.length) / rendered).toBeGreaterThanOrEqual(0.98);
  });

  test("rejects every root kustomize rejects, with a KustomizeError", () => {
    expect([...outcomes].filter(([, outcome]) => outcome === "wrongly rendered").map(([id]) => id)).toEqual([]);
    expect(problems).toEqual([]);
  });

  test("prints the counts by feature", () => {
    const byFeature = new Map<string, Record<Outcome, number>>();
    for (const root of index.roots) {
      const outcome = outcomes.get(`${root.source}/${root.root}`) as Outcome;
      for (const feature of root.features) {
        const counts = byFeature.get(feature) ?? { matched: 0, mismatched: 0, rejected: 0, "wrongly rendered": 0 };
        counts[outcome]++;
        byFeature.set(feature, counts);
      }
    }
    const total = { matched: 0, mismatched: 0, rejected: 0 };
    for (const outcome of outcomes.values()) if (outcome !== "wrongly rendered") total[outcome]++;
    const lines = [...byFeature]
      .sort((a, b) => a[0].localeCompare(b[0]))
      .map(
        ([feature, counts]) =>
          `  ${feature}: matched ${counts.matched}/${counts.matched + counts.mismatched} rendered, rejected ${counts.rejected}`,
      );
    console.log(
      `kustomize conformance: ${index.roots.length} roots; matched ${total.matched} of ${total.matched + total.mismatched} kustomize renders, ` +
        `rejected ${total.rejected} of ${total.rejected} kustomize rejects\n${lines.join("\n")}`,
    );
    expect(outcomes.size).toBe(index.roots.length);
  });
});
