/**
 * The corpus of nasty YAML (test/fixtures/nasty, see its README): each file gives exactly what
 * Kubernetes would make of it, as EXPECTED.json says: a blocking error at a line, or objects whose
 * violations are found, or (for the empty ones) nothing at all. A file without an expectation fails.
 */
import { beforeAll, describe, expect, test } from "@jest/globals";
import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { JsonValue } from "../../src/manifests/types.js";
import type { Policy } from "../../src/policy/types.js";
import { findingsOf, load, shippedPolicies } from "./support.js";

const DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../fixtures/nasty");

type Expectation =
  /** Refused at `line`; `objects` from other documents of the file still load (default none). */
  | { outcome: "error"; line: number; message: string; objects?: number }
  | { outcome: "violates"; rules: string[]; line?: number; objects?: number; values?: Record<string, JsonValue> }
  | { outcome: "loads"; objects: number; values?: Record<string, JsonValue> };

const expectations = (JSON.parse(readFileSync(path.join(DIR, "EXPECTED.json"), "utf8")) as { files: Record<string, Expectation> }).files;
const files = readdirSync(DIR)
  .filter((file) => /\.(ya?ml|json)$/.test(file) && file !== "EXPECTED.json")
  .sort();

function valueAt(value: JsonValue | undefined, dotted: string): JsonValue | undefined {
  return dotted.split(".").reduce<JsonValue | undefined>((current, part) => {
    if (current === null || typeof current !== "object") return undefined;
    return Array.isArray(current) ? current[Number(part)] : current[part];
  }, value);
}

let policies: Policy[];
beforeAll(async () => {
  policies = await shippedPolicies();
});

describe("the nasty YAML corpus", () => {
  test("every file has an expectation, and every expectation a file", () => {
    expect(files).toEqual(Object.keys(expectations).sort());
    console.log(
      `nasty corpus: ${files.length} files (${Object.values(expectations).filter((e) => e.outcome === "error").length} refused, ${Object.values(expectations).filter((e) => e.outcome === "violates").length} violations found, ${Object.values(expectations).filter((e) => e.outcome === "loads").length} clean)`,
    );
  });

  test.each(files)("%s", (file) => {
    const expectation = expectations[file] as Expectation;
    const loaded = load(readFileSync(path.join(DIR, file)), file);
    if (expectation.outcome === "error") {
      expect(loaded.manifests).toHaveLength(expectation.objects ?? 0);
      expect(loaded.errors.map((error) => [error.line, error.message])).toEqual([
        [expectation.line, expect.stringContaining(expectation.message)],
      ]);
      return;
    }
    expect(loaded.errors).toEqual([]);
    if (expectation.objects !== undefined) expect(loaded.manifests).toHaveLength(expectation.objects);
    for (const [dotted, value] of Object.entries(expectation.values ?? {}))
      expect([dotted, valueAt(loaded.manifests[0]?.object, dotted)]).toEqual([dotted, value]);
    if (expectation.outcome === "violates") {
      const denied = findingsOf(loaded, policies)
        .filter((finding) => / deny /.test(finding))
        .map((finding) => finding.split(" ")[0]);
      for (const rule of expectation.rules) expect(denied).toContain(rule);
      if (expectation.line !== undefined) {
        const lines = loaded.manifests.flatMap((manifest) => [
          manifest.locate(["spec", "containers", 0, "securityContext", "privileged"]).line,
        ]);
        expect(lines).toContain(expectation.line);
      }
    }
  });
});
