/**
 * Comparing what our reader makes of a file with what the differential oracle (tools/oracle, the
 * reading of `kubectl apply -f`) made of it. Shared by the golden test, the golden writer and the
 * fuzz script.
 *
 * Documents are compared as canonical JSON (keys sorted, numbers as JavaScript reads them), so that
 * Go's and our number formatting do not matter, and stored as short hashes so the golden file stays
 * small.
 */
import { createHash } from "node:crypto";
import { parseDocuments } from "../../src/manifests/yaml.js";

/** One file as the oracle read it: its documents up to the first error, and that error. */
export interface OracleReading {
  documents: string[];
  error?: string;
}

export interface FileComparison {
  /** Documents the oracle read. */
  oracleDocuments: number;
  /** Of those, the ones we read identically, at the same place in the file. */
  identical: number;
  /** What differs, for a person to read; empty when the file is read identically. */
  differences: string[];
}

const LOOK_AHEAD = 3;

export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`);
    return `{${entries.join(",")}}`;
  }
  return JSON.stringify(value);
}

export function documentHash(value: unknown): string {
  return createHash("sha256").update(canonicalJson(value)).digest("hex").slice(0, 20);
}

/** The oracle's JSON line for one file, as hashes. */
export function readingFromOracleLine(line: { documents: unknown[]; error?: string }): OracleReading {
  const reading: OracleReading = { documents: line.documents.map(documentHash) };
  if (line.error !== undefined) reading.error = line.error;
  return reading;
}

/**
 * Our documents against the oracle's. Where the oracle stopped at an error, only the documents
 * before it count and we must report an error too. An error of ours the oracle does not have is a
 * difference (a file kubectl applies and we refuse), even where it is deliberate; the caller may
 * tell those apart by message.
 */
export function compareWithOracle(file: string, content: string | Uint8Array, oracle: OracleReading): FileComparison {
  const parsed = parseDocuments(file, content);
  const ours = parsed.documents.map((document) => documentHash(document.value));
  const differences: string[] = [];
  let identical = 0;
  // A document we refuse (an error) is missing from ours: look a little ahead to stay in step.
  let next = 0;
  oracle.documents.forEach((hash, index) => {
    const found = ours.indexOf(hash, next);
    if (found !== -1 && found - next <= LOOK_AHEAD) {
      identical++;
      next = found + 1;
    } else differences.push(`document ${index + 1}: ${ours[next] === undefined ? "missing in ours" : "differs"}`);
  });
  if (oracle.error === undefined) {
    if (ours.length > next && identical === oracle.documents.length) differences.push(`${ours.length - next} more documents in ours`);
    for (const error of parsed.errors) differences.push(`we report ${error.line}:${error.column} ${error.message}`);
  } else if (parsed.errors.length === 0) {
    differences.push(`the oracle stops with "${oracle.error}", we report nothing`);
  } else if (identical < oracle.documents.length) {
    // A document missing before the oracle's error: our errors say why.
    for (const error of parsed.errors) differences.push(`we report ${error.line}:${error.column} ${error.message}`);
  }
  return { oracleDocuments: oracle.documents.length, identical, differences };
}
