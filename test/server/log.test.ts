/** Errors are logged from an allow-list: what happened and where, never the payload or the request around it. */
import { describe, expect, test } from "@jest/globals";
import { Writable } from "node:stream";
import { createLogger, safeError } from "../../src/server/log.js";

describe("safeError", () => {
  test("keeps type, message, status and the failing request's method and URL; drops the event, headers, bodies and query", () => {
    const error = Object.assign(new Error("signature does not match"), {
      status: 400,
      event: { id: "d-1", payload: '{"token":"ghs_secret"}' },
      request: {
        method: "GET",
        url: "https://api.github.com/repos/o/r?access_token=ghs_secret",
        headers: { authorization: "token ghs_secret" },
        body: "ghs_secret",
      },
      response: { data: { content: "c2VjcmV0" }, headers: { "x-github-request-id": "1" } },
    });
    const safe = safeError(error) as Record<string, unknown>;
    expect(safe).toEqual({
      type: "Error",
      message: "signature does not match",
      stack: expect.any(String),
      status: 400,
      method: "GET",
      url: "https://api.github.com/repos/o/r",
    });
    expect(JSON.stringify(safe)).not.toMatch(/ghs_secret|c2VjcmV0/);
  });

  test("AggregateError (how @octokit/webhooks reports a handler's failure) and causes are reduced the same way", () => {
    const inner = Object.assign(new Error("boom"), { event: { payload: "ghs_leak" } });
    const safe = safeError(new AggregateError([inner], "handler failed", { cause: inner }));
    expect(JSON.stringify(safe)).not.toMatch(/ghs_leak/);
    expect(JSON.stringify(safe)).toMatch(/boom/);
  });

  test("through the logger: an error logged with pino's `err` key is serialized safely", () => {
    let out = "";
    const sink = new Writable({ write: (chunk: Buffer, _encoding, done) => ((out += chunk.toString()), done()) });
    const log = createLogger("info", sink);
    log.error(Object.assign(new Error("x"), { event: { payload: "ghp_planted" } }));
    log.error({ err: Object.assign(new Error("y"), { request: { headers: { authorization: "token ghs_planted" } } }) }, "failed");
    log.info({ payload: "ghs_payload_field" }, "a payload field is redacted");
    expect(out).toMatch(/"message":"x"/);
    expect(out).not.toMatch(/planted|ghs_payload_field/);
  });
});
