/**
 * Property-based tests of the command parser: whatever a comment says, parsing never throws and
 * never grants more than the text names.
 */
import { describe, expect, it } from "@jest/globals";
import fc from "fast-check";
import { parseComment, type ExceptionRequest } from "../../src/exceptions/command.js";
import { formatNamedResource } from "../../src/exceptions/model.js";

/** Fragments that make parsing interesting: command words, Markdown that hides lines, near-misses. */
const fragment = fc.oneof(
  fc.constantFrom(
    "/policy-exception",
    "/policy-exception ",
    "/Policy-Exception",
    "/policy-exceptions",
    " /policy-exception",
    "    /policy-exception",
    "approve",
    "revoke",
    "help",
    " E123",
    " e99-2",
    " E",
    "Reason:",
    "reason :",
    "Reason: ok",
    "\n",
    "\r\n",
    "\r",
    "\n\n",
    " ",
    "\t",
    "\u00a0",
    "\u2028",
    "> ",
    ">",
    "```",
    "~~~",
    "````",
    "<!--",
    "-->",
    "--expires",
    "--expires=",
    " 14d",
    " 0d",
    " 2026-02-29",
    " 2028-02-29",
    "--container",
    " app",
    "pod-security-baseline",
    "/hostPathVolumes",
    " Deployment/logging/fluent-bit",
    " ClusterRole/admin",
    " Pod/ns/x/y",
    " deployment/a/b",
    "/",
    "//",
    "*",
    "`",
    "@team",
  ),
  fc.string({ maxLength: 12 }),
  fc.string({ unit: "binary", maxLength: 6 }),
);
const commentText = fc.array(fragment, { maxLength: 40 }).map((parts) => parts.join(""));

/** Whole lines: command lines made of valid and invalid tokens, reasons, Markdown that hides lines, noise. */
const validToken = fc.constantFrom(
  "Deployment/logging/fluent-bit",
  "ClusterRole/admin",
  "Pod/ns/x",
  "--expires 14d",
  "--expires=2w",
  "--expires 2026-12-31",
  "--container app",
  "--container=app",
);
const invalidToken = fc.oneof(
  fc.constantFrom(
    "Pod/ns/x/y",
    "deployment/a/b",
    "Deployment/Bad/x",
    "Pod//x",
    "--expires",
    "36h",
    "0d",
    "--expires 2026-02-30",
    "--container",
    "App",
    "--bogus",
    "Reason:",
    "*",
    "E12",
    "approve",
    "revoke",
    "help",
  ),
  fc.string({ maxLength: 10 }),
);
const token = fc.oneof({ arbitrary: validToken, weight: 4 }, { arbitrary: invalidToken, weight: 1 });
const head = fc.constantFrom(
  "/policy-exception",
  "/policy-exception",
  "/POLICY-EXCEPTION",
  "  /policy-exception",
  "    /policy-exception",
  "> /policy-exception",
);
const requestLine = fc
  .tuple(
    head,
    fc.constantFrom("pod-security-baseline", "pod-security-baseline/hostPathVolumes", "p/r", "a.b_c", "Pod/ns/x", "--expires"),
    fc.array(token, { maxLength: 5 }),
    fc.constantFrom(" ", "  ", "\t"),
  )
  .map(([command, policy, tokens, gap]) => [command, policy, ...tokens].join(gap));
const reasonLine = fc
  .tuple(fc.constantFrom("Reason:", "reason :", "Reason:", "> Reason:", "Reason"), fc.string({ maxLength: 30 }))
  .map(([label, text]) => `${label} ${text}`);
const line = fc.oneof(
  fc
    .tuple(requestLine, fc.constantFrom("\n", "\n\n", "\r\n"), reasonLine)
    .map(([command, newline, reason]) => `${command}${newline}${reason}`),
  requestLine,
  reasonLine,
  fc
    .tuple(head, fc.constantFrom("approve E12", "revoke e7-2", "approve", "revoke E1 E2", "help", "approve 12"))
    .map(([command, rest]) => `${command} ${rest}`),
  fc.constantFrom("", " ", "```", "~~~", "````yaml", "<!--", "-->", "<!-- x -->", "> quoted", "text"),
  fc.string({ maxLength: 30 }),
);
const structuredText = fc
  .tuple(fc.array(line, { maxLength: 12 }), fc.constantFrom("\n", "\r\n", "\r"))
  .map(([lines, newline]) => lines.join(newline));

const anyText = fc.oneof(
  { arbitrary: structuredText, weight: 4 },
  commentText,
  fc.string({ unit: "binary", maxLength: 400 }),
  fc.string({ unit: "grapheme", maxLength: 400 }),
);

function tokensOf(text: string): Set<string> {
  return new Set(text.split(/\s+/).filter((token) => token !== ""));
}

/** What a request grants must all be written in the text: nothing is inferred or widened. */
function assertNamedInText(request: ExceptionRequest, text: string): void {
  const tokens = tokensOf(text);
  const policyToken = request.rule === undefined ? request.policy : `${request.policy}/${request.rule}`;
  expect(tokens.has(policyToken)).toBe(true);
  for (const resource of request.resources) expect(tokens.has(formatNamedResource(resource))).toBe(true);
  if (request.container !== undefined) {
    expect(
      tokens.has(request.container) ||
        tokens.has(`--container=${request.container}`) ||
        [...tokens].some((token) => token.toLowerCase() === `--container=${request.container}`),
    ).toBe(true);
  }
  expect(request.resources.length).toBeGreaterThan(0);
  expect(request.reason.trim()).not.toBe("");
  expect(text).toContain(request.reason);
  const lines = text.split(/\r\n|\r|\n/);
  expect(lines[request.line - 1]).toMatch(/^ {0,3}\/policy-exception\s/i);
}

describe("the command parser, on arbitrary comment text", () => {
  it("the generated comments exercise every kind of outcome (so the properties below are not vacuous)", () => {
    const kinds = new Set(
      fc.sample(anyText, { numRuns: 3000, seed: 42 }).flatMap((text) => parseComment(text, 1).map((command) => command.kind)),
    );
    expect([...kinds].sort()).toEqual(["approve", "error", "help", "request", "revoke"]);
  });

  it("never throws, and every request names in the text everything it covers", () => {
    fc.assert(
      fc.property(anyText, fc.integer({ min: 1, max: 2 ** 40 }), (text, commentId) => {
        const commands = parseComment(text, commentId);
        for (const command of commands) {
          if (command.kind === "request") assertNamedInText(command, text);
          if (command.kind === "approve" || command.kind === "revoke") expect(text.toUpperCase()).toContain(command.id.toUpperCase());
          if (command.kind === "error") {
            expect(command.message).not.toBe("");
            expect(command.example).toMatch(/^\/policy-exception /);
          }
        }
        // One command per command line at most.
        const commandLines = text.split(/\r\n|\r|\n/).filter((line) => /^ {0,3}\/policy-exception(\s|$)/i.test(line)).length;
        expect(commands.length).toBeLessThanOrEqual(commandLines);
      }),
      { numRuns: 3000 },
    );
  });

  it("every example it offers for a malformed request parses as a valid request once a reason is filled in", () => {
    fc.assert(
      fc.property(commentText, (text) => {
        for (const command of parseComment(text, 7)) {
          if (
            command.kind !== "error" ||
            command.example.startsWith("/policy-exception approve") ||
            command.example.startsWith("/policy-exception revoke")
          )
            continue;
          const fixed = command.example.replace(/\nReason: .*$/s, "\nReason: a real reason");
          const reparsed = parseComment(fixed, 7);
          expect(reparsed.map((parsed) => parsed.kind)).toEqual(["request"]);
        }
      }),
      { numRuns: 2000 },
    );
  });
});

const dnsLabel = fc.stringMatching(/^[a-z0-9]([-a-z0-9]{0,10}[a-z0-9])?$/);
const kind = fc.constantFrom("Pod", "Deployment", "StatefulSet", "DaemonSet", "CronJob", "ClusterRole", "MyCustomThing");
const resource = fc.record({ kind, namespace: fc.option(dnsLabel, { nil: undefined }), name: dnsLabel });
const validRequest = fc.record({
  policy: dnsLabel,
  rule: fc.option(fc.stringMatching(/^[A-Za-z](?:[A-Za-z0-9_]{0,14}[A-Za-z0-9])?$/), { nil: undefined }),
  resources: fc.uniqueArray(resource, { minLength: 1, maxLength: 4, selector: (item) => formatNamedResource(item) }),
  container: fc.option(dnsLabel, { nil: undefined }),
  expires: fc.option(fc.constantFrom("14d", "36h", "2w", "2026-12-31"), { nil: undefined }),
  reason: fc
    .stringMatching(/^[A-Za-z0-9][^\r\n\u2028\u2029]{0,60}$/)
    .map((text) => text.trim())
    .filter((text) => text !== "" && !/^<.*>$/.test(text)),
});

/** Surrounding prose: no Markdown constructs that would hide the command that follows (those are tested above). */
const prose = fc.array(
  fc.stringMatching(/^[^\r\n`~<>\u2028\u2029]{0,40}$/).filter((line) => !/^\s*\/policy-exception/i.test(line)),
  { maxLength: 5 },
);

describe("a valid command among arbitrary prose", () => {
  it("is read exactly as written, and nothing else is granted", () => {
    fc.assert(
      fc.property(validRequest, prose, prose, fc.constantFrom("\n", "\r\n"), (request, before, after, newline) => {
        const words = [
          "/policy-exception",
          request.rule === undefined ? request.policy : `${request.policy}/${request.rule}`,
          ...request.resources.map((item) => formatNamedResource(item)),
          ...(request.container === undefined ? [] : ["--container", request.container]),
          ...(request.expires === undefined ? [] : ["--expires", request.expires]),
        ];
        const body = [...before, "", words.join(" "), `Reason: ${request.reason}`, "", ...after].join(newline);
        const requests = parseComment(body, 99).filter((command) => command.kind === "request");
        expect(requests).toHaveLength(1);
        const parsed = requests[0] as ExceptionRequest;
        expect(parsed.id).toBe("E99");
        expect(parsed.policy).toBe(request.policy);
        expect(parsed.rule).toBe(request.rule);
        expect(parsed.resources.map((item) => formatNamedResource(item))).toEqual(
          request.resources.map((item) => formatNamedResource(item)),
        );
        expect(parsed.container).toBe(request.container);
        expect(parsed.expires?.text).toBe(request.expires);
        expect(parsed.reason).toBe(request.reason);
        expect(parsed.line).toBe(before.length + 2);
      }),
      { numRuns: 1000 },
    );
  });

  it("is not issued again when the comment quotes it", () => {
    fc.assert(
      fc.property(validRequest, prose, (request, after) => {
        const command = `/policy-exception ${request.policy} ${request.resources.map((item) => formatNamedResource(item)).join(" ")}\nReason: ${request.reason}`;
        const quoted = command
          .split("\n")
          .map((line) => `> ${line}`)
          .join("\n");
        const fencedCopy = "```\n" + command + "\n```";
        expect(parseComment(`${quoted}\n\n${after.join("\n")}`, 1).filter((parsed) => parsed.kind === "request")).toEqual([]);
        expect(parseComment(fencedCopy, 1)).toEqual([]);
      }),
      { numRuns: 500 },
    );
  });
});
