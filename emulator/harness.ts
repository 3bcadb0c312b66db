/**
 * End-to-end harness: the GitHub emulator in this process, and the REAL app as a child process
 * (`node dist/src/server.js`, built by `npm test`'s build step) configured as a GitHub Enterprise
 * client of the emulator. Tests act through `e2e.github` (open PRs, push, comment) and read back what
 * the app did (check runs, comments, request counts); the app's stdout/stderr are captured for failures.
 */
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { createServer } from "node:net";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { CheckRunView, EmulatorClient, WaitOptions } from "../emulator/client.js";
import { generateAppKeyPair } from "../emulator/fixture.js";
import type { GitHubEmulator } from "../emulator/server.js";
import { startEmulator } from "../emulator/server.js";
import type { DeliveryResult } from "../emulator/webhooks.js";

export { generateAppKeyPair } from "../emulator/fixture.js";
export type { CheckRunView, EmulatorClient, WaitOptions } from "../emulator/client.js";
export type { GitHubEmulator } from "../emulator/server.js";

export const DEFAULT_WEBHOOK_PATH = "/api/github/webhooks";

/** The checkout's root: the nearest package.json named kube-policy-bot, from src (Jest) or dist (compiled). */
export function findRepoRoot(from: string = path.dirname(fileURLToPath(import.meta.url))): string {
  let dir = from;
  for (;;) {
    const pkg = path.join(dir, "package.json");
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, "utf8")) as { name?: string }).name === "kube-policy-bot") return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`no kube-policy-bot package.json above ${from}`);
    dir = parent;
  }
}

export async function freePort(host = "127.0.0.1"): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, host, () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export interface AppProcessOptions {
  emulator: GitHubEmulator;
  appId: number;
  privateKey: string;
  webhookSecret: string;
  /** Extra environment for the app, e.g. { GITHUB_REQUEST_TIMEOUT_MS: "2000" }. */
  env?: Record<string, string>;
  /** Default "info", so failures come with context. */
  logLevel?: string;
  /** Passed as WEBHOOK_PATH when set; the emulator delivers to it. */
  webhookPath?: string;
  /** Default <repo>/dist/src/server.js. */
  entry?: string;
  /** Deadline for the app to answer its health check. Default 20 s. */
  startTimeoutMs?: number;
}

export interface AppProcess {
  readonly url: string;
  readonly port: number;
  readonly pid: number;
  readonly webhookUrl: string;
  stdout(): string;
  stderr(): string;
  /** pino JSON lines from stdout and stderr, non-JSON lines skipped. */
  logLines(): Array<Record<string, unknown>>;
  /** Resolves when the process exits (also if it crashes on its own). */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGTERM (graceful shutdown), then SIGKILL after `killAfterMs` (default 30 s). */
  stop(options?: { signal?: NodeJS.Signals; killAfterMs?: number }): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

async function waitUntilServing(
  url: string,
  child: ChildProcess,
  exited: Promise<unknown>,
  deadlineMs: number,
  logs: () => string,
): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  let done = false;
  void exited.then(() => (done = true));
  while (Date.now() < deadline) {
    if (done) throw new Error(`the app exited before serving (exit ${child.exitCode ?? child.signalCode}):\n${logs()}`);
    try {
      // /healthz when the app has it; any HTTP answer means the port is serving.
      const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(1000) });
      await res.arrayBuffer();
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  throw new Error(`the app did not answer ${url}/healthz within ${deadlineMs} ms:\n${logs()}`);
}

/** Starts the real app as a child process pointed at the emulator, and points the emulator's webhooks at it. */
export async function startApp(options: AppProcessOptions): Promise<AppProcess> {
  const entry = options.entry ?? path.join(findRepoRoot(), "dist/src/server.js");
  if (!existsSync(entry)) throw new Error(`${entry} does not exist: build first (npm run build; npm test does it)`);
  const port = await freePort();
  // A plain record: Probot's typings narrow NodeJS.ProcessEnv's LOG_LEVEL to its own level names.
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? "",
    NODE_ENV: "test",
    APP_ID: String(options.appId),
    PRIVATE_KEY: options.privateKey,
    WEBHOOK_SECRET: options.webhookSecret,
    GHE_HOST: options.emulator.host,
    GHE_PROTOCOL: "http",
    HOST: "127.0.0.1",
    PORT: String(port),
    LOG_LEVEL: options.logLevel ?? "info",
    ...(options.webhookPath ? { WEBHOOK_PATH: options.webhookPath } : {}),
    ...(options.env ?? {}),
  };
  const child = spawn(process.execPath, [entry], { env, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  let combined = "";
  child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
    stdout += chunk;
    combined += chunk;
  });
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
    stderr += chunk;
    combined += chunk;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once("exit", (code, signal) => resolve({ code, signal }));
  });
  const url = `http://127.0.0.1:${port}`;
  const webhookUrl = `${url}${options.webhookPath ?? DEFAULT_WEBHOOK_PATH}`;
  try {
    await waitUntilServing(url, child, exited, options.startTimeoutMs ?? 20_000, () => combined);
  } catch (error) {
    child.kill("SIGKILL");
    throw error;
  }
  options.emulator.webhooks.url = webhookUrl;
  return {
    url,
    port,
    pid: child.pid as number,
    webhookUrl,
    stdout: () => stdout,
    stderr: () => stderr,
    logLines: () =>
      combined
        .split("\n")
        .filter((l) => l.startsWith("{"))
        .flatMap((l) => {
          try {
            return [JSON.parse(l) as Record<string, unknown>];
          } catch {
            return [];
          }
        }),
    exited,
    stop: async ({ signal = "SIGTERM", killAfterMs = 30_000 } = {}) => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill(signal);
        const timer = setTimeout(() => child.kill("SIGKILL"), killAfterMs);
        const result = await exited;
        clearTimeout(timer);
        return result;
      }
      return exited;
    },
  };
}

export interface E2EOptions {
  appId?: number;
  webhookSecret?: string;
  /** Extra environment for the app process. */
  env?: Record<string, string>;
  logLevel?: string;
  webhookPath?: string;
  entry?: string;
  startTimeoutMs?: number;
  /** Deliver the events the app's own writes cause (see EmulatorOptions.selfEvents). */
  selfEvents?: boolean;
}

export interface E2E {
  emulator: GitHubEmulator;
  /** Shorthand for emulator.client: set up repos, act as users, read results. */
  github: EmulatorClient;
  app: AppProcess;
  appId: number;
  privateKey: string;
  webhookSecret: string;
  /** Sends any event with a hand-made payload to the app, signed. */
  deliver(event: string, payload: object, options?: { deliveryId?: string }): Promise<DeliveryResult>;
  /** Waits for a completed run on `sha` (or `until`); on timeout the error carries the app's log tail. */
  waitForCheckRun(repo: string, sha: string, options?: WaitOptions): Promise<CheckRunView>;
  /** Stops the app process (or a replacement started with `restartApp`) and restarts it against the same emulator. */
  restartApp(options?: Partial<Omit<AppProcessOptions, "emulator" | "appId" | "privateKey" | "webhookSecret">>): Promise<AppProcess>;
  /** Stops the app (gracefully) and the emulator. */
  stop(): Promise<void>;
}

export async function startE2E(options: E2EOptions = {}): Promise<E2E> {
  const appId = options.appId ?? 4242;
  const webhookSecret = options.webhookSecret ?? "e2e-webhook-secret";
  const { privateKey, publicKey } = generateAppKeyPair();
  const unknownRoutes: string[] = [];
  const emulator = await startEmulator({
    publicKey,
    webhookSecret,
    appId,
    ...(options.selfEvents !== undefined ? { selfEvents: options.selfEvents } : {}),
    onUnknownRoute: (e) => unknownRoutes.push(`${e.method} ${e.path}`),
  });
  const appOptions = (): AppProcessOptions => ({
    emulator,
    appId,
    privateKey,
    webhookSecret,
    ...(options.env ? { env: options.env } : {}),
    ...(options.logLevel ? { logLevel: options.logLevel } : {}),
    ...(options.webhookPath ? { webhookPath: options.webhookPath } : {}),
    ...(options.entry ? { entry: options.entry } : {}),
    ...(options.startTimeoutMs ? { startTimeoutMs: options.startTimeoutMs } : {}),
  });
  let app: AppProcess;
  try {
    app = await startApp(appOptions());
  } catch (error) {
    await emulator.stop();
    throw error;
  }
  const logTail = (): string => {
    const lines = `${app.stdout()}${app.stderr()}`.trim().split("\n");
    const unknown =
      unknownRoutes.length > 0 ? `\nrequests to routes the emulator does not know: ${[...new Set(unknownRoutes)].join(", ")}` : "";
    return `app log (last 40 lines):\n${lines.slice(-40).join("\n")}${unknown}`;
  };
  const e2e: E2E = {
    emulator,
    github: emulator.client,
    get app() {
      return app;
    },
    appId,
    privateKey,
    webhookSecret,
    deliver: (event, payload, deliveryOptions) => emulator.client.send(event, payload, deliveryOptions),
    waitForCheckRun: async (repo, sha, waitOptions) => {
      try {
        return await emulator.client.waitForCheckRun(repo, sha, waitOptions);
      } catch (error) {
        throw new Error(`${(error as Error).message}\n${logTail()}`);
      }
    },
    restartApp: async (overrides = {}) => {
      await app.stop();
      app = await startApp({ ...appOptions(), ...overrides });
      return app;
    },
    stop: async () => {
      await app.stop();
      await emulator.stop();
    },
  };
  return e2e;
}
