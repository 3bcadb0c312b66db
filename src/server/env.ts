/**
 * The server's settings, from environment variables, all validated before anything starts. A bad
 * setting stops the process with a message naming the variable and what to put in it: a gate that
 * half-starts (or, like Probot without WEBHOOK_SECRET, silently accepts webhooks signed with the
 * public default "development") is worse than one that refuses to start.
 */
import { createPrivateKey } from "node:crypto";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { QUEUE_DEFAULTS, type QueueSettings } from "../queue/webhook-queue.js";

export type LogLevel = "trace" | "debug" | "info" | "warn" | "error" | "fatal" | "silent";

export interface ServerSettings {
  appId: number;
  privateKey: string;
  webhookSecret: string;
  /** REST base URL: api.github.com, or `<protocol>://<GHE_HOST>/api/v3` for GitHub Enterprise Server. */
  baseUrl: string;
  host: string;
  port: number;
  logLevel: LogLevel;
  webhookPath: string;
  /** Each GitHub request is aborted after this long (Octokit has no timeout of its own). */
  requestTimeoutMs: number;
  /** Longest wait for a GitHub rate limit to lift; a longer one fails the check, naming the limit and its reset. */
  rateLimitMaxWaitSeconds: number;
  /** Checks run at once; more wait in order (each holds GitHub requests open while it runs). */
  maxConcurrentChecks: number;
  /** Webhook bodies larger than this are refused before they are read in full. */
  maxBodyBytes: number;
  /** How long shutdown waits for running checks to complete their check runs. */
  shutdownTimeoutMs: number;
  /** REDIS_URL: set, webhooks go through the shared queue (several replicas); unset, everything stays in this process. */
  queue?: QueueSettings;
}

export class SettingsError extends Error {
  override readonly name = "SettingsError";
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join("\n")}`);
  }
}

const LEVELS: readonly LogLevel[] = ["trace", "debug", "info", "warn", "error", "fatal", "silent"];

/** Probot's documented default path, which GitHub App settings usually point at. */
export const DEFAULT_WEBHOOK_PATH = "/api/github/webhooks";

export function readSettings(env: NodeJS.ProcessEnv, cwd: string = process.cwd()): ServerSettings {
  const problems: string[] = [];
  const value = (name: string): string | undefined => {
    const raw = env[name];
    return raw === undefined || raw.trim() === "" ? undefined : raw.trim();
  };

  const appIdText = value("APP_ID");
  const appId = Number(appIdText);
  if (appIdText === undefined) problems.push("APP_ID is not set: use the App ID shown on your GitHub App's settings page");
  else if (!/^\d+$/.test(appIdText) || appId <= 0)
    problems.push(`APP_ID must be the numeric App ID of your GitHub App, not "${appIdText}"`);

  let privateKey = "";
  const keyText = env["PRIVATE_KEY"]?.trim();
  const keyPath = value("PRIVATE_KEY_PATH");
  if (!keyText && keyPath === undefined) {
    problems.push(
      "neither PRIVATE_KEY nor PRIVATE_KEY_PATH is set: provide the GitHub App's private key (the .pem file), either its contents or its path",
    );
  } else {
    try {
      privateKey = keyText ? normalisePem(keyText) : readFileSync(resolve(cwd, keyPath as string), "utf8");
      createPrivateKey(privateKey); // fails now, with a clear message, rather than on the first webhook
    } catch (error) {
      const where = keyText ? "PRIVATE_KEY" : `PRIVATE_KEY_PATH (${keyPath})`;
      problems.push(
        `the private key in ${where} could not be read (${error instanceof Error ? error.message : String(error)}); use the .pem file downloaded from the GitHub App's settings page`,
      );
    }
  }

  const webhookSecret = env["WEBHOOK_SECRET"] ?? "";
  if (webhookSecret === "") {
    problems.push(
      'WEBHOOK_SECRET is not set: set it to the webhook secret of your GitHub App. Refusing to start, because Probot would otherwise accept webhooks signed with the publicly known default "development"',
    );
  }

  let baseUrl = "https://api.github.com";
  const gheHost = value("GHE_HOST");
  const protocol = value("GHE_PROTOCOL") ?? "https";
  if (protocol !== "https" && protocol !== "http") problems.push(`GHE_PROTOCOL must be https or http, not "${protocol}"`);
  if (gheHost !== undefined) {
    if (/[/\s]/.test(gheHost) || gheHost.includes("://"))
      problems.push(`GHE_HOST must be a host name with an optional port (e.g. github.example.com), not "${gheHost}"`);
    else baseUrl = `${protocol}://${gheHost}/api/v3`;
  }

  const host = value("HOST") ?? "127.0.0.1";
  const port = integer("PORT", value("PORT"), 3000, 0, 65535, problems);
  const levelText = (value("LOG_LEVEL") ?? "info").toLowerCase();
  const logLevel = LEVELS.includes(levelText as LogLevel) ? (levelText as LogLevel) : "info";
  if (!LEVELS.includes(levelText as LogLevel)) problems.push(`LOG_LEVEL must be one of ${LEVELS.join(", ")}, not "${levelText}"`);

  const webhookPath = value("WEBHOOK_PATH") ?? DEFAULT_WEBHOOK_PATH;
  if (!webhookPath.startsWith("/")) problems.push(`WEBHOOK_PATH must start with "/", not "${webhookPath}"`);

  const settings: ServerSettings = {
    appId,
    privateKey,
    webhookSecret,
    baseUrl,
    host,
    port,
    logLevel,
    webhookPath,
    requestTimeoutMs: integer("GITHUB_REQUEST_TIMEOUT_MS", value("GITHUB_REQUEST_TIMEOUT_MS"), 20_000, 1000, 600_000, problems),
    rateLimitMaxWaitSeconds: integer(
      "GITHUB_RATE_LIMIT_MAX_WAIT_SECONDS",
      value("GITHUB_RATE_LIMIT_MAX_WAIT_SECONDS"),
      60,
      0,
      3600,
      problems,
    ),
    maxConcurrentChecks: integer("MAX_CONCURRENT_CHECKS", value("MAX_CONCURRENT_CHECKS"), 8, 1, 100, problems),
    // GitHub caps webhook payloads at 25 MB; the events this app subscribes to are far smaller.
    maxBodyBytes: integer("WEBHOOK_MAX_BODY_BYTES", value("WEBHOOK_MAX_BODY_BYTES"), 10 * 1024 * 1024, 1024, 25 * 1024 * 1024, problems),
    shutdownTimeoutMs: integer("SHUTDOWN_TIMEOUT_MS", value("SHUTDOWN_TIMEOUT_MS"), 25_000, 0, 600_000, problems),
  };
  const redisUrl = value("REDIS_URL");
  if (redisUrl !== undefined) {
    if (!/^rediss?:\/\//.test(redisUrl))
      problems.push(`REDIS_URL must be a redis:// or rediss:// URL, not "${redisUrl.replace(/\/\/[^@]*@/, "//***@")}"`);
    settings.queue = {
      redisUrl,
      concurrency: settings.maxConcurrentChecks,
      lockDurationMs: integer(
        "QUEUE_LOCK_DURATION_MS",
        value("QUEUE_LOCK_DURATION_MS"),
        QUEUE_DEFAULTS.lockDurationMs,
        1000,
        600_000,
        problems,
      ),
      stalledIntervalMs: integer(
        "QUEUE_STALLED_INTERVAL_MS",
        value("QUEUE_STALLED_INTERVAL_MS"),
        QUEUE_DEFAULTS.stalledIntervalMs,
        500,
        600_000,
        problems,
      ),
      attempts: integer("QUEUE_ATTEMPTS", value("QUEUE_ATTEMPTS"), QUEUE_DEFAULTS.attempts, 1, 50, problems),
      backoffMs: integer("QUEUE_BACKOFF_MS", value("QUEUE_BACKOFF_MS"), QUEUE_DEFAULTS.backoffMs, 100, 600_000, problems),
    };
    const name = value("QUEUE_NAME");
    if (name !== undefined) settings.queue.name = name;
  }
  if (problems.length > 0) throw new SettingsError(problems);
  return settings;
}

function integer(name: string, text: string | undefined, fallback: number, min: number, max: number, problems: string[]): number {
  if (text === undefined) return fallback;
  const number = Number(text);
  if (!/^\d+$/.test(text) || number < min || number > max) {
    problems.push(`${name} must be a whole number from ${min} to ${max}, not "${text}"`);
    return fallback;
  }
  return number;
}

/**
 * PEM text as people paste it into environment variables: with real newlines, with literal `\n`,
 * or base64-encoded as a whole (the forms Probot accepts).
 */
function normalisePem(text: string): string {
  let pem = text;
  if (!pem.includes("-----BEGIN") && /^[A-Za-z0-9+/=\s]+$/.test(pem)) pem = Buffer.from(pem, "base64").toString("utf8");
  return pem.replace(/\\n/g, "\n");
}
