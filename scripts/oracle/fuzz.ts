/**
 * Differential fuzz: generated manifests read by the oracle (tools/oracle, what `kubectl apply -f`
 * decodes) and by our reader, document by document. The generator mixes what the two parsers have
 * disagreed on: document separators in every form, tagged merge keys, Unicode line breaks, flow
 * collections with little indentation and tabs, block scalars at the end of the file, CRLF, JSON
 * streams. Needs Go (see tools/oracle/README.md); not part of `npm test`.
 *
 *   npm run oracle:fuzz [-- --runs N --seed S]
 *
 * Prints the number of cases and documents, how many were read identically, and each case that
 * was not (as JSON, to paste into a test).
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import fc from "fast-check";
import { compareWithOracle, readingFromOracleLine } from "./compare.js";
import { ORACLE_BINARY } from "./paths.js";

const argument = (name: string, fallback: number): number => {
  const at = process.argv.indexOf(name);
  return at === -1 ? fallback : Number(process.argv[at + 1]);
};
const RUNS = argument("--runs", 3000);
const SEED = argument("--seed", 17);

/**
 * We refuse some things go-yaml accepts, on purpose: duplicate keys, a merge that overrides a key
 * written before it, a second document in one chunk or text after the end of the first one (both
 * silently ignored by kubectl). A case where we
 * report one of these is explained, whatever else then differs.
 */
const DELIBERATE = [
  /duplicate key/,
  /duplicate merge key/,
  /is also brought in by the merge/,
  /a second YAML document without/,
  /does not continue the document above/,
];

/** The remaining known differences, listed in the README; each recognised from the case's text. */
const KNOWN: { name: string; applies: (text: string, differences: string[]) => boolean }[] = [
  {
    // js-yaml refuses a plain `-` inside a flow collection; go-yaml reads the string "-".
    name: "plain - in a flow collection",
    applies: (text, differences) => /[[{,:]\s*-\s*[,\]}]/.test(text) && differences.some((d) => /missed comma|flow collection/.test(d)),
  },
  {
    // go-yaml keeps U+2028/U+2029 (and folds NEL) inside a scalar where we read "\n".
    name: "Unicode line break inside a scalar",
    applies: (text, differences) => /[\u0085\u2028\u2029]/.test(text) && differences.every((d) => /differs/.test(d)),
  },
  {
    // js-yaml takes an indented `---` for a document marker; go-yaml reads a scalar (kubectl then refuses).
    name: "indented ---",
    applies: (text) => /(^|\n)[ \t]+---/.test(text),
  },
  {
    // go-yaml stops at a tab or a lone `...` after the document, where there is nothing to read.
    name: "nothing after the document",
    applies: (_text, differences) => differences.every((d) => /we report nothing/.test(d)),
  },
];

const key = fc.constantFrom("apiVersion", "kind", "name", "privileged", "hostPID", "namespace", "image", "a", "b");
const word = fc.constantFrom("v1", "Pod", "true", "nginx:latest", "x", "1", "on", "0755", "-", "[", "{", "#", "'q'", '"d"', "");
const lineBreak = fc.constantFrom("\n", "\n", "\n", "\r\n", "\u0085", "\u2028", "\u2029", "\r");
const separator = fc.constantFrom("---", "---#c", "--- # c", "---\t", "--- |", "----", "...", "--- a: 1", " ---");
const mergeKey = fc.constantFrom("<<", "! <<", '! "<<"', "!<!> <<", '"<<"', "!!merge <<", "!!str <<", "'<<'");
const indent = fc.constantFrom("", " ", "  ", "    ", "\t");

/** One line of a document, built from pieces that stress the parsers' disagreements. */
const lineOf = fc.oneof(
  fc.tuple(indent, key, word).map(([i, k, v]) => `${i}${k}: ${v}`),
  fc.tuple(indent, key).map(([i, k]) => `${i}${k}:`),
  fc.tuple(indent, key, word, lineBreak, indent, key, word).map(([i, k, v, br, i2, k2, v2]) => `${i}${k}: ${v} # c${br}${i2}${k2}: ${v2}`),
  fc.tuple(indent, mergeKey).map(([i, m]) => `${i}${m}: {privileged: true, hostPID: true}`),
  fc.tuple(indent, mergeKey).map(([i, m]) => `${i}${m}: *base`),
  fc.tuple(indent, key).map(([i, k]) => `${i}${k}: &base {namespace: x}`),
  fc.tuple(indent, key, indent, word, indent).map(([i, k, i2, v, i3]) => `${i}${k}: [\n${i2}${v || "x"},\n${i3}]`),
  fc.tuple(indent, key, indent, word, indent).map(([i, k, i2, v, i3]) => `${i}${k}: {\n${i2}a: ${v},\n${i3}}`),
  fc.tuple(indent, key, word).map(([i, k, v]) => `${i}${k}: {a: 1,\t${k}: ${v}}`),
  fc
    .tuple(indent, key, fc.constantFrom("|", ">", "|+", "|-", ">-"), word)
    .map(([i, k, style, v]) => `${i}${k}: ${style}\n${i}  ${v || "x"}`),
  fc.tuple(indent, key, word).map(([i, k, v]) => `${i}- ${k}: ${v}`),
  separator,
  fc.constant("# comment"),
  fc.constant(""),
);

const yamlCase = fc
  .tuple(fc.array(fc.tuple(lineOf, lineBreak), { minLength: 1, maxLength: 12 }), fc.boolean())
  .map(([lines, finalBreak]) => {
    const text = lines.map(([line, br]) => line + br).join("");
    return finalBreak ? text : text.replace(/(\r\n|[\n\r\u0085\u2028\u2029])$/, "");
  });

const jsonValue = fc.oneof(
  fc.constant('{"apiVersion": "v1", "kind": "Pod"}'),
  fc.constant('{"a": [1,\n2], "b": {"c": "d"}}'),
  fc.constant("null"),
  fc.constant('{"a": "x\\ny"}'),
  fc.constant("[1]"),
  fc.constant('{"a": 1e3, "b": -0.5}'),
);
const jsonCase = fc
  .tuple(
    fc.array(fc.tuple(jsonValue, fc.constantFrom("", "\n", " ", "\r\n\t")), { minLength: 1, maxLength: 4 }),
    fc.constantFrom("", "\n", "x", "---\n"),
  )
  .map(([values, tail]) => values.map(([value, gap]) => value + gap).join("") + tail);

const cases = fc.sample(fc.oneof({ arbitrary: yamlCase, weight: 4 }, { arbitrary: jsonCase, weight: 1 }), { numRuns: RUNS, seed: SEED });

const directory = mkdtempSync(path.join(tmpdir(), "oracle-fuzz-"));
const keep = process.argv.includes("--keep");
try {
  const files = cases.map((text, index) => {
    const file = path.join(directory, `case-${index}.${text.trimStart().startsWith("{") ? "json" : "yaml"}`);
    writeFileSync(file, text);
    return file;
  });
  const output = execFileSync(ORACLE_BINARY, files, { maxBuffer: 1 << 28, encoding: "utf8" })
    .trim()
    .split("\n");
  let documents = 0;
  let identical = 0;
  let differing = 0;
  const knownCounts = new Map<string, number>();
  output.forEach((line, index) => {
    const oracle = readingFromOracleLine(JSON.parse(line) as { documents: unknown[]; error?: string });
    const comparison = compareWithOracle(files[index] as string, cases[index] as string, oracle);
    documents += comparison.oracleDocuments;
    identical += comparison.identical;
    // We may refuse what go-yaml accepts only where the refusal is deliberate (duplicate keys, a
    // merge that overrides an earlier key, a second document kubectl silently ignores).
    const explained = comparison.differences.some((difference) => DELIBERATE.some((pattern) => pattern.test(difference)));
    const known =
      explained || comparison.differences.length === 0
        ? undefined
        : KNOWN.find((difference) => difference.applies(cases[index] as string, comparison.differences));
    if (known) knownCounts.set(known.name, (knownCounts.get(known.name) ?? 0) + 1);
    const unexplained = explained || known ? [] : comparison.differences;
    if (unexplained.length > 0) {
      differing++;
      if (differing <= 20)
        console.log(JSON.stringify({ text: cases[index], oracle: JSON.parse(line) as unknown, differences: unexplained }));
    }
  });
  console.log(`known differences (README "Reading manifests"): ${JSON.stringify(Object.fromEntries(knownCounts))}`);
  console.log(
    `cases: ${cases.length} (seed ${SEED}); oracle documents: ${documents}; read identically: ${identical}; cases with unexplained differences: ${differing}`,
  );
  process.exitCode = differing > 0 ? 1 : 0;
} finally {
  if (keep) console.log(`cases kept in ${directory}`);
  else rmSync(directory, { recursive: true, force: true });
}
