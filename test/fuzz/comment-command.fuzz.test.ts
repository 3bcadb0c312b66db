/**
 * Hostile comment bodies for the `/policy-exception` parser (its grammar is covered by
 * test/exceptions/command*.test.ts): GitHub's largest comments, pathological Markdown, broken Unicode,
 * look-alike commands. Never a throw; a command only where a line really says `/policy-exception`,
 * outside quotes, code and HTML comments; and nothing that a look-alike character could smuggle in.
 */
import { describe, expect, test } from "@jest/globals";
import fc from "fast-check";
import { parseComment } from "../../src/exceptions/command.js";

/** GitHub refuses comment bodies over 65,536 characters. */
const GITHUB_MAX_BODY = 65_536;
const REQUEST = "/policy-exception pod-security-baseline Pod/default/x\nReason: INC-1";

function linesOf(body: string): string[] {
  return body.split(/\r\n|\r|\n/);
}

function checkCommands(body: string): void {
  const lines = linesOf(body);
  const commands = parseComment(body, 12345);
  for (const command of commands) {
    expect(command.line).toBeGreaterThanOrEqual(1);
    expect(command.line).toBeLessThanOrEqual(lines.length);
    // Only a line that really carries the command word can yield a command.
    expect((lines[command.line - 1] as string).toLowerCase()).toContain("/policy-exception");
  }
}

const hostilePiece = fc.oneof(
  fc.constantFrom(
    REQUEST,
    "/policy-exception approve E1",
    "/policy-exception revoke E1-2",
    "/policy-exception help",
    "```",
    "~~~",
    "````\n",
    "<!--",
    "-->",
    "> ",
    ">>>>>>>> ",
    "    ",
    "\t",
    "\n",
    "\r\n",
    "\r",
    "\u2028",
    "\u0085",
    "\u0000",
    "\uD800",
    "\uDFFF",
    "\u202E",
    "\u200B",
    "\uFEFF",
    "🙂",
    "Ａ",
    "／policy-exception",
    "/policy\u200B-exception",
    "/pol\u0456cy-exception",
    "Reason:",
    "reason :",
    "--expires",
    " 14d",
    "--container",
    "*",
    "[x](http://e)",
    "<details>",
    "</details>",
    "`",
  ),
  fc.string({ maxLength: 20 }),
  fc.string({ unit: "binary", maxLength: 10 }),
);

describe("parseComment on hostile bodies", () => {
  test("never throws; commands come only from lines that say /policy-exception", () => {
    fc.assert(
      fc.property(
        fc.array(hostilePiece, { maxLength: 200 }).map((parts) => parts.join("")),
        (body) => checkCommands(body),
      ),
      { numRuns: 3000 },
    );
  });

  test("look-alike characters never make a command", () => {
    for (const fake of [
      "／policy-exception pod-security-baseline Pod/default/x",
      "/policy\u200B-exception pod-security-baseline Pod/default/x",
      "/pol\u0456cy-exception pod-security-baseline Pod/default/x",
      "\u202E/policy-exception",
    ]) {
      expect(parseComment(`${fake}\nReason: INC-1`, 1).filter((command) => command.kind !== "error")).toEqual([]);
    }
  });

  test("the largest bodies GitHub allows, built to be slow, are parsed whole", () => {
    const fences = "```\n".repeat(GITHUB_MAX_BODY / 4);
    const quotes = `${">".repeat(GITHUB_MAX_BODY - REQUEST.length - 1)}\n${REQUEST}`;
    const openComment = `<!--${"-".repeat(GITHUB_MAX_BODY - 10)}`;
    const commands = `${REQUEST}\n`.repeat(Math.floor(GITHUB_MAX_BODY / (REQUEST.length + 1)));
    const oneLine = `/policy-exception ${"a".repeat(GITHUB_MAX_BODY - 20)}`;
    const tokens = `/policy-exception pod-security-baseline ${"Pod/default/x ".repeat(4000)}`.slice(0, GITHUB_MAX_BODY);
    for (const body of [fences, quotes, openComment, commands, oneLine, tokens]) {
      expect(body.length).toBeLessThanOrEqual(GITHUB_MAX_BODY);
      checkCommands(body);
    }
    // The command after 16,384 fence lines (an even number: all closed) is seen.
    expect(parseComment(`${fences}${REQUEST}`, 1).map((command) => command.kind)).toEqual(["request"]);
    // After an unclosed HTML comment, nothing is.
    expect(parseComment(`${openComment}\n${REQUEST}`, 1)).toEqual([]);
    console.log(`comment parser: ${parseComment(commands, 1).length} commands in one ${commands.length}-character comment`);
  });
});
