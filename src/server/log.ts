/**
 * The process logger: pino JSON lines, with errors reduced to fields that cannot carry a secret.
 *
 * pino's standard error serializer copies every enumerable property of an error. Errors here carry
 * a lot: @octokit/webhooks attaches the whole webhook (`error.event`, payload included) to a
 * handler's error, and an Octokit `RequestError` carries the request (headers, body) and GitHub's
 * response (a blob's content, say). Logged as is, any of them could put a payload's text, a token or
 * file contents into the logs. So errors are logged from an allow-list: what happened, where, and
 * GitHub's status, never the data around it.
 */
import { pino, type Logger } from "pino";
import type { LogLevel } from "./env.js";

/** Fields of an error that say what went wrong without carrying request or payload data. */
const ERROR_FIELDS = ["type", "message", "stack", "status", "code", "kind", "operation", "retryAt"] as const;
const MAX_DEPTH = 3;

export function safeError(error: unknown, depth = 0): Record<string, unknown> | unknown {
  if (typeof error !== "object" || error === null) return error;
  const source = error as Record<string, unknown>;
  const safe: Record<string, unknown> = { type: error instanceof Error ? error.constructor.name : typeof error };
  for (const field of ERROR_FIELDS) {
    const value = field === "type" ? undefined : source[field];
    if (value === undefined) continue;
    safe[field] = value instanceof Date ? value.toISOString() : typeof value === "object" ? String(value) : value;
  }
  // Which GitHub request failed is useful; its headers and body are not logged.
  const request = source["request"] as Record<string, unknown> | undefined;
  if (request && typeof request === "object") {
    if (typeof request["method"] === "string") safe["method"] = request["method"];
    if (typeof request["url"] === "string") safe["url"] = (request["url"] as string).split("?")[0];
  }
  if (depth < MAX_DEPTH) {
    if (source["cause"] !== undefined) safe["cause"] = safeError(source["cause"], depth + 1);
    if (Array.isArray(source["errors"]))
      safe["errors"] = (source["errors"] as unknown[]).slice(0, 5).map((inner) => safeError(inner, depth + 1));
  }
  return safe;
}

export function createLogger(level: LogLevel, destination?: pino.DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    level,
    base: { app: "kube-policy-bot" },
    serializers: { err: safeError, error: safeError },
    // Nothing secret should ever be logged; these paths cover the ways it could slip in.
    redact: {
      paths: [
        "privateKey",
        "webhookSecret",
        "headers.authorization",
        "*.headers.authorization",
        "token",
        "*.token",
        "payload",
        "*.payload",
      ],
      censor: "[redacted]",
    },
  };
  return destination ? pino(options, destination) : pino(options);
}
