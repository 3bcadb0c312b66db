import { describe, expect, it } from "@jest/globals";
import { MAX_COMMANDS_PER_COMMENT, parseComment, type ParseError } from "../../src/exceptions/command.js";

const parse = (body: string) => parseComment(body, 4242);
const errorOf = (body: string): ParseError => {
  const commands = parse(body);
  expect(commands).toHaveLength(1);
  expect(commands[0]?.kind).toBe("error");
  return commands[0] as ParseError;
};

describe("parsing a /policy-exception request", () => {
  it("reads the issue's example: policy, rule, resource, expiry and reason", () => {
    const commands = parse(
      "/policy-exception pod-security-baseline/hostPathVolumes Deployment/logging/fluent-bit --expires 14d\nReason: node log shipping needs hostPath /var/log; tracked in SEC-123",
    );
    expect(commands).toEqual([
      {
        kind: "request",
        id: "E4242",
        policy: "pod-security-baseline",
        rule: "hostPathVolumes",
        resources: [{ kind: "Deployment", namespace: "logging", name: "fluent-bit" }],
        expires: { kind: "duration", ms: 14 * 24 * 3600 * 1000, text: "14d" },
        reason: "node log shipping needs hostPath /var/log; tracked in SEC-123",
        line: 1,
      },
    ]);
  });

  it("takes several resources, cluster-scoped ones, a container and a date, in any option order", () => {
    const [command] = parse(
      "Context first.\r\n\r\n/policy-exception pod-security-restricted --container app --expires=2026-04-01 Deployment/web/api ClusterRole/aggregate-view Deployment/web/api\r\n\r\nreason:   needed for the migration  \r\nthanks",
    );
    expect(command).toMatchObject({
      kind: "request",
      policy: "pod-security-restricted",
      resources: [
        { kind: "Deployment", namespace: "web", name: "api" },
        { kind: "ClusterRole", name: "aggregate-view" },
      ],
      container: "app",
      expires: { kind: "date", text: "2026-04-01" },
      reason: "needed for the migration",
      line: 3,
    });
    expect(command).not.toHaveProperty("rule");
    expect((command as { expires: { date: Date } }).expires.date.toISOString()).toBe("2026-04-01T00:00:00.000Z");
  });

  it("gives each request of a comment its own id", () => {
    const commands = parse("/policy-exception a Pod/ns/x\nReason: one\n\n/policy-exception b Pod/ns/y\nReason: two");
    expect(commands.map((command) => (command.kind === "request" ? command.id : command.kind))).toEqual(["E4242", "E4242-2"]);
  });

  it("ignores quoted commands (GitHub's quote reply), including lazy continuation lines", () => {
    expect(parse("> /policy-exception p Pod/ns/x\n> Reason: r")).toEqual([]);
    expect(parse("> earlier text\n/policy-exception p Pod/ns/x\nReason: r")).toEqual([]);
    expect(parse("> earlier text\n\n/policy-exception p Pod/ns/x\nReason: r")).toHaveLength(1);
  });

  it("ignores commands in fenced code blocks, indented code and HTML comments", () => {
    expect(parse("```\n/policy-exception p Pod/ns/x\nReason: r\n```")).toEqual([]);
    expect(parse("~~~~md\n/policy-exception p Pod/ns/x\n~~~\nReason: r\n~~~~")).toEqual([]);
    expect(parse("    /policy-exception p Pod/ns/x\n    Reason: r")).toEqual([]);
    expect(parse("<!--\n/policy-exception p Pod/ns/x\nReason: r\n-->")).toEqual([]);
    expect(parse("Thanks! <!--\n/policy-exception p Pod/ns/x\nReason: r\n-->")).toEqual([]);
    expect(parse("Thanks! <!-- x --> <!-- y -->\n/policy-exception p Pod/ns/x\nReason: r")).toHaveLength(1);
    expect(errorOf("/policy-exception p Pod/ns/x\n<!-- Reason: hidden -->").message).toMatch(/a reason is required/);
    expect(errorOf("/policy-exception p Pod/ns/x\n```\nReason: in code\n```").message).toMatch(/a reason is required/);
    expect(parse("```\nunclosed fence\n/policy-exception p Pod/ns/x\nReason: r")).toEqual([]);
    expect(parse("```\ncode\n```\n/policy-exception p Pod/ns/x\nReason: r")).toHaveLength(1);
  });

  it("only counts the command at the start of a line, and only the exact word", () => {
    expect(parse("please run /policy-exception p Pod/ns/x\nReason: r")).toEqual([]);
    expect(parse("`/policy-exception p Pod/ns/x`\nReason: r")).toEqual([]);
    expect(parse("/policy-exceptions p Pod/ns/x\nReason: r")).toEqual([]);
    expect(parse("   /Policy-Exception p Pod/ns/x\nReason: r")).toHaveLength(1);
  });
});

describe("malformed requests say exactly what is wrong and show a command that works", () => {
  it("a missing reason", () => {
    const error = errorOf("/policy-exception pod-security-baseline/hostPathVolumes Deployment/logging/fluent-bit");
    expect(error.message).toMatch(/a reason is required: put it on the line after the command, starting with `Reason:`/);
    expect(error.example).toBe(
      "/policy-exception pod-security-baseline/hostPathVolumes Deployment/logging/fluent-bit --expires 14d\nReason: <why this exception is needed, e.g. a ticket>",
    );
    expect(error).toMatchObject({ line: 1, text: "/policy-exception pod-security-baseline/hostPathVolumes Deployment/logging/fluent-bit" });
  });

  it("an empty or placeholder reason, or a reason on the command line", () => {
    expect(errorOf("/policy-exception p Pod/ns/x\nReason:   ").message).toMatch(/`Reason:` line is empty/);
    expect(errorOf("/policy-exception p Pod/ns/x\nReason: <why this exception is needed, e.g. a ticket>").message).toMatch(/empty/);
    expect(errorOf("/policy-exception p Pod/ns/x Reason: because").message).toMatch(/the reason goes on its own line/);
  });

  it("no policy, or a resource where the policy goes", () => {
    expect(errorOf("/policy-exception").message).toMatch(/names no policy/);
    expect(errorOf("/policy-exception Deployment/logging/fluent-bit\nReason: r").message).toMatch(
      /is not a policy: the command names the policy first/,
    );
    expect(errorOf("/policy-exception --expires 3d\nReason: r").message).toMatch(/the policy comes first/);
  });

  it("no resource: an exception covers only what it names", () => {
    const error = errorOf("/policy-exception pod-security-baseline --expires 2w\nReason: r");
    expect(error.message).toMatch(/names no resource/);
    expect(error.example).toBe("/policy-exception pod-security-baseline Deployment/logging/fluent-bit --expires 2w\nReason: r");
  });

  it("resources in the wrong shape", () => {
    expect(errorOf("/policy-exception p fluent-bit\nReason: r").message).toMatch(
      /`fluent-bit` is not a resource: resources are written Kind\/namespace\/name/,
    );
    expect(errorOf("/policy-exception p deployment/logging/fluent-bit\nReason: r").message).toMatch(
      /`deployment` .* is not a kind: .*\(did you mean Deployment\?\)/,
    );
    expect(errorOf("/policy-exception p statefulset/db/pg\nReason: r").message).toMatch(/did you mean StatefulSet\?/);
    expect(errorOf("/policy-exception p Deployment/Logging/x\nReason: r").message).toMatch(/`Logging` .* is not a namespace name/);
    expect(errorOf("/policy-exception p Deployment/logging/fluent-*\nReason: r").message).toMatch(/names are exact \(no wildcards\)/);
    expect(errorOf("/policy-exception p Deployment/a/b/c\nReason: r").message).toMatch(/is not a resource/);
  });

  it("options: unknown, repeated, missing values, bad durations and dates", () => {
    expect(errorOf("/policy-exception p Pod/ns/x --expire 3d\nReason: r").message).toMatch(
      /unknown option `--expire` \(did you mean --expires\?\)/,
    );
    expect(errorOf("/policy-exception p Pod/ns/x --expires 3d --expires 4d\nReason: r").message).toMatch(/--expires is given twice/);
    expect(errorOf("/policy-exception p Pod/ns/x --container\nReason: r").message).toMatch(/--container needs the container's name/);
    expect(errorOf("/policy-exception p Pod/ns/x --expires\nReason: r").message).toMatch(/--expires needs a value/);
    expect(errorOf("/policy-exception p Pod/ns/x --expires 3 months\nReason: r").message).toMatch(
      /`--expires 3` is not a duration like 14d, 36h or 2w, or a date/,
    );
    expect(errorOf("/policy-exception p Pod/ns/x --expires 0d\nReason: r").message).toMatch(/is zero/);
    expect(errorOf("/policy-exception p Pod/ns/x --expires 2026-02-30\nReason: r").message).toMatch(/not a calendar date/);
    expect(errorOf("/policy-exception p Pod/ns/x --container App\nReason: r").message).toMatch(/is not a container name/);
  });

  it("bounds what one command may carry, so every reply fits in a comment", () => {
    const resources = Array.from({ length: 51 }, (_, index) => `Pod/ns/p${index}`).join(" ");
    expect(errorOf(`/policy-exception p ${resources}\nReason: r`).message).toMatch(/names 51 resources; name at most 50/);
    expect(errorOf(`/policy-exception p Pod/ns/x\nReason: ${"x".repeat(1001)}`).message).toMatch(
      /the reason is 1001 characters long; keep it under 1000/,
    );
  });

  it("keeps what the author got right in the example", () => {
    const error = errorOf(
      "/policy-exception pod-security-baseline/privileged Pod/ci/runner --container dind --expires 36h --why\nReason: docker in docker",
    );
    expect(error.message).toMatch(/unknown option `--why`/);
    expect(error.example).toBe(
      "/policy-exception pod-security-baseline/privileged Pod/ci/runner --container dind --expires 36h\nReason: docker in docker",
    );
  });

  it("echoes at most a bounded piece of what was typed, without backticks that would break the reply", () => {
    const error = errorOf(`/policy-exception p ${"`x".repeat(200)}\nReason: r`);
    expect(error.message.length).toBeLessThan(400);
    expect(error.message).not.toMatch(/`x/);
  });
});

describe("approve, revoke and help", () => {
  it("reads ids and normalises their case", () => {
    expect(parse("/policy-exception approve E123\n/policy-exception revoke e123-2\n/policy-exception help me")).toEqual([
      { kind: "approve", id: "E123", line: 1 },
      { kind: "revoke", id: "E123-2", line: 2 },
      { kind: "help", line: 3 },
    ]);
  });

  it("explains a missing or malformed id", () => {
    expect(errorOf("/policy-exception approve").message).toMatch(/`approve` needs the id of an exception request/);
    expect(errorOf("/policy-exception revoke 123").message).toMatch(/`123` is not an exception id: ids look like E1234567890/);
    expect(errorOf("/policy-exception approve E1 E2").message).toMatch(/takes exactly one id/);
    expect(errorOf("/policy-exception approve").example).toMatch(/^\/policy-exception approve E1234567890/);
  });

  it("answers nothing for empty or absent bodies", () => {
    expect(parseComment(null, 1)).toEqual([]);
    expect(parseComment(undefined, 1)).toEqual([]);
    expect(parseComment("", 1)).toEqual([]);
  });
});

describe("bounds", () => {
  it("reads at most MAX_COMMANDS_PER_COMMENT commands per comment, then says why it stopped", () => {
    const body = Array.from({ length: MAX_COMMANDS_PER_COMMENT + 5 }, () => "/policy-exception help").join("\n");
    const parsed = parseComment(body, 1);
    expect(parsed).toHaveLength(MAX_COMMANDS_PER_COMMENT + 1);
    expect(parsed.slice(0, MAX_COMMANDS_PER_COMMENT).every((command) => command.kind === "help")).toBe(true);
    expect(parsed[MAX_COMMANDS_PER_COMMENT]).toMatchObject({ kind: "error", line: MAX_COMMANDS_PER_COMMENT + 1 });
    expect((parsed[MAX_COMMANDS_PER_COMMENT] as { message: string }).message).toMatch(/at most 10 commands/);
  });
});
