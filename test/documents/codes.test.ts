/** The README's "Errors: stable codes" table is the code list of the document reader, in its order. */
import { describe, expect, test } from "@jest/globals";
import { readFile } from "node:fs/promises";
import { PROBLEM_CODES } from "../../src/documents/codes.js";

describe("the README's error codes", () => {
  test("list every code of src/documents/codes.ts with its meaning, and no other", async () => {
    const readme = await readFile(new URL("../../README.md", import.meta.url), "utf8");
    const table = /<!-- codes:start[^>]*-->\n([^]*?)<!-- codes:end -->/.exec(readme)?.[1];
    expect(table).toBeDefined();
    const rows = (table ?? "")
      .split("\n")
      .filter((line) => line.startsWith("| `"))
      .map((line) => /^\| `([^`]+)` \| (.*) \|$/.exec(line)?.slice(1, 3));
    expect(rows).toEqual(Object.entries(PROBLEM_CODES));
  });
});
