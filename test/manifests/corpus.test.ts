/**
 * Every real-world manifest of ../shared/corpora/manifests goes through the loader: none may throw,
 * files that parse must give the objects a reference parser gives, files that do not must say where.
 *
 * The reference is js-yaml's loadAll with the YAML 1.1 schema and merge keys. It is not what
 * Kubernetes runs (go-yaml v2 under sigs.k8s.io/yaml), so a difference is allowed only where the
 * two are known to disagree, each named below and counted in the output:
 *  - timestamps: js-yaml makes a Date, go-yaml keeps the text when decoding into interface{};
 *  - go-yaml numbers YAML 1.1 does not have: `2e-5` (no dot), `0o17`, `08` (ParseInt refuses,
 *    ParseFloat accepts); js-yaml keeps those as strings;
 *  - base-60 numbers (`1:30`): js-yaml computes them, go-yaml keeps the text on purpose;
 *  - a `|`/`>` block scalar that runs to the end of a file without a final newline: go-yaml (and
 *    the YAML 1.2 spec) give it no final line break, js-yaml adds one.
 * Any other difference fails the test.
 */
import { describe, expect, it } from "@jest/globals";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { YAML11_SCHEMA, loadAll, mergeTag, timestampTag } from "js-yaml";
import { loadManifestFile } from "../../src/manifests/load.js";
import { parseDocuments } from "../../src/manifests/yaml.js";

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const CORPUS = path.join(path.resolve(REPO, "../shared"), "corpora/manifests");
const present = existsSync(CORPUS);
if (!present) console.log(`SKIPPED manifest corpus: ${CORPUS} is absent (the shared corpora live beside the checkout).`);

function manifestFiles(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(directory, entry.name);
    if (entry.isDirectory()) return manifestFiles(full);
    return /\.(ya?ml|json)$/i.test(entry.name) ? [full] : [];
  });
}

const REFERENCE_SCHEMA = YAML11_SCHEMA.withTags(mergeTag);
const GO_ONLY_NUMBER = [
  /^[-+]?([0-9]+(\.[0-9]*)?|\.[0-9]+)[eE][-+]?[0-9]+$/,
  /^[-+]?0[oO][0-7_]+$/,
  /^[-+]?0[0-9_]*[89][0-9_]*(\.[0-9_]*)?$/,
];
const BASE_60 = /^[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+(\.[0-9_]*)?$/;

type Allowance = "timestamp kept as text" | "go-yaml number" | "base-60 kept as text" | "block scalar at end of file";

/** The first difference between our value and the reference, or null; allowed ones are counted. */
function difference(ours: unknown, reference: unknown, at: string, allowed: Map<Allowance, number>): string | null {
  const allow = (kind: Allowance): null => {
    allowed.set(kind, (allowed.get(kind) ?? 0) + 1);
    return null;
  };
  if (reference instanceof Date) {
    const read = typeof ours === "string" ? timestampTag.resolve(ours, false, timestampTag.tagName) : undefined;
    return read instanceof Date && read.getTime() === reference.getTime()
      ? allow("timestamp kept as text")
      : `${at}: ${String(ours)} vs date ${reference.toISOString()}`;
  }
  if (typeof reference === "string" && typeof ours === "number") {
    return GO_ONLY_NUMBER.some((pattern) => pattern.test(reference)) ? allow("go-yaml number") : `${at}: ${ours} vs "${reference}"`;
  }
  if (typeof reference === "number" && typeof ours === "string") {
    return BASE_60.test(ours) ? allow("base-60 kept as text") : `${at}: "${ours}" vs ${reference}`;
  }
  if (typeof reference === "string" && typeof ours === "string" && ours + "\n" === reference) return allow("block scalar at end of file");
  if (typeof reference !== "object" || reference === null || typeof ours !== "object" || ours === null) {
    return Object.is(ours, reference) ? null : `${at}: ${JSON.stringify(ours)} vs ${JSON.stringify(reference)}`;
  }
  if (Array.isArray(reference) !== Array.isArray(ours)) return `${at}: sequence vs mapping`;
  const ourKeys = Object.keys(ours);
  const referenceKeys = Object.keys(reference);
  if (ourKeys.length !== referenceKeys.length) return `${at}: keys [${ourKeys.join(", ")}] vs [${referenceKeys.join(", ")}]`;
  for (const key of referenceKeys) {
    if (!Object.prototype.hasOwnProperty.call(ours, key)) return `${at}.${key}: missing`;
    const found = difference((ours as Record<string, unknown>)[key], (reference as Record<string, unknown>)[key], `${at}.${key}`, allowed);
    if (found) return found;
  }
  return null;
}

(present ? describe : describe.skip)("the real-world manifest corpus", () => {
  const files = present ? manifestFiles(CORPUS) : [];

  it("has files to read", () => {
    expect(files.length).toBeGreaterThan(1000);
  });

  it("loads every file without throwing; files that parse match the reference, the others say where", () => {
    const allowed = new Map<Allowance, number>();
    const differences: string[] = [];
    let filesOk = 0;
    let filesWithErrors = 0;
    let manifests = 0;
    for (const file of files) {
      const relative = path.relative(CORPUS, file);
      const bytes = readFileSync(file);
      const loaded = loadManifestFile(relative, bytes);
      manifests += loaded.manifests.length;
      if (loaded.errors.length === 0) filesOk++;
      else filesWithErrors++;
      for (const error of loaded.errors) {
        if (!(error.line > 0 && error.column > 0)) differences.push(`${relative}: an error without a position: ${JSON.stringify(error)}`);
      }
      for (const manifest of loaded.manifests) {
        if (!(manifest.locate(["spec", "template", "spec"]).line > 0)) differences.push(`${relative}: a manifest without a position`);
      }

      const parsed = parseDocuments(relative, bytes);
      let reference: unknown[] | undefined;
      try {
        reference = loadAll(bytes.toString("utf8"), { schema: REFERENCE_SCHEMA }).filter(
          (document) => document !== null && document !== undefined,
        );
      } catch {
        reference = undefined;
      }
      if (reference === undefined) {
        // the reference refuses the file: so must we, with a line
        if (parsed.errors.length === 0) differences.push(`${relative}: the reference fails to parse it, we do not`);
        continue;
      }
      if (parsed.errors.length > 0) {
        differences.push(`${relative}: the reference parses it, we report ${JSON.stringify(parsed.errors[0])}`);
        continue;
      }
      const found = difference(
        parsed.documents.map((document) => document.value),
        reference,
        relative,
        allowed,
      );
      if (found) differences.push(found);
    }
    console.log(
      `manifest corpus: ${files.length} files, ${filesOk} ok, ${filesWithErrors} with errors, ${manifests} objects; ` +
        `allowed differences from the js-yaml reference: ${JSON.stringify(Object.fromEntries(allowed))}`,
    );
    expect(differences).toEqual([]);
    // Most files are manifests; the others are YAML of other tools (Helm values, configs) without
    // apiVersion/kind, or deliberately broken ones.
    expect(filesOk).toBeGreaterThan(900);
  });

  it("agrees with the corpus's own FILES.tsv: documents and objects per file, and which files do not parse", () => {
    // FILES.tsv (per project): path, bytes, yaml_docs, k8s_objects, workloads; -1 where the file does not parse.
    const rows = readdirSync(CORPUS, { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && existsSync(path.join(CORPUS, entry.name, "FILES.tsv")))
      .flatMap((project) =>
        readFileSync(path.join(CORPUS, project.name, "FILES.tsv"), "utf8")
          .trim()
          .split("\n")
          .slice(1)
          .map((line) => {
            const [file, , documents, objects] = line.split("\t");
            return { file: path.join(project.name, file as string), documents: Number(documents), objects: Number(objects) };
          }),
      );
    expect(rows.length).toBe(files.length);
    const problems: string[] = [];
    const counts = { agree: 0, refusedByBoth: 0, listsFlattened: 0, duplicateKeysRefused: 0 };
    for (const row of rows) {
      const bytes = readFileSync(path.join(CORPUS, row.file));
      const parsed = parseDocuments(row.file, bytes);
      const loaded = loadManifestFile(row.file, bytes);
      if (row.documents === -1) {
        // Broken upstream: refused here too, with a line.
        if (parsed.errors.length > 0 && parsed.errors.every((error) => error.line > 0)) counts.refusedByBoth++;
        else problems.push(`${row.file}: does not parse upstream, but loads here`);
        continue;
      }
      if (parsed.errors.length > 0) {
        // The one known disagreement: a duplicate key, which the corpus's parser lets the last value win
        // and the loader refuses (it would hide one of the two values).
        if (parsed.errors.every((error) => /^duplicate key/.test(error.message))) counts.duplicateKeysRefused++;
        else problems.push(`${row.file}: parses upstream, refused here: ${parsed.errors[0]?.message}`);
        continue;
      }
      const documents = parsed.documents.filter((document) => document.value !== null).length;
      if (documents !== row.documents) problems.push(`${row.file}: ${documents} documents, FILES.tsv says ${row.documents}`);
      else if (loaded.manifests.length === row.objects) counts.agree++;
      // A `List` counts as one object there; kubectl (and the loader) take its items one by one.
      else if (parsed.documents.some((document) => /List$/.test(String((document.value as Record<string, unknown> | null)?.["kind"]))))
        counts.listsFlattened++;
      else problems.push(`${row.file}: ${loaded.manifests.length} objects, FILES.tsv says ${row.objects}`);
    }
    console.log(`manifest corpus vs FILES.tsv: ${JSON.stringify(counts)}`);
    expect(problems).toEqual([]);
    expect(counts.refusedByBoth).toBeGreaterThan(0);
  });
});
