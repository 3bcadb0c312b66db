/**
 * The GitHub emulator's HTTP server: GitHub Enterprise-style REST under /api/v3 (what Probot calls
 * with GHE_HOST + GHE_PROTOCOL=http), app/installation authentication, the fault plan, the request
 * log, and webhook delivery to the app. Start it with `startEmulator()`; set it up through `.client`.
 */
import { randomBytes } from "node:crypto";
import type { KeyObject } from "node:crypto";
import { createServer } from "node:http";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { AppAuth } from "./auth.js";
import type { Credentials } from "./auth.js";
import { EmulatorClient } from "./client.js";
import type { FaultAction } from "./faults.js";
import { FaultPlan } from "./faults.js";
import { RequestLog } from "./request-log.js";
import type { RequestLogEntry } from "./request-log.js";
import type { Reply, RequestContext, Route } from "./router.js";
import { DOCS, HttpError, compilePattern, errorBody } from "./router.js";
import { appRoutes } from "./routes-app.js";
import { checkRoutes } from "./routes-checks.js";
import { compareRoutes } from "./routes-compare.js";
import { issueRoutes } from "./routes-issues.js";
import { orgRoutes } from "./routes-orgs.js";
import { repoRoutes } from "./routes-repos.js";
import { reviewRoutes } from "./routes-reviews.js";
import type { CheckRunRecord, CommentRecord } from "./state.js";
import { EmulatorState } from "./state.js";
import { checkRunPayload, issueCommentPayload } from "./webhook-payloads.js";
import { WebhookSender } from "./webhooks.js";

export interface EmulatorOptions {
  /** The app's public key (PEM or KeyObject); JWTs must verify against it. */
  publicKey: string | KeyObject;
  webhookSecret: string;
  appId?: number;
  appSlug?: string;
  /** Where webhooks go; can be set later with `emulator.webhooks.url = ...`. */
  webhookUrl?: string;
  host?: string;
  /** 0 (default) picks a free port. */
  port?: number;
  /**
   * GitHub also sends an app the events its own writes cause (issue_comment.created for its comment,
   * check_run.created/completed for its runs). Off by default to keep request counts predictable.
   */
  selfEvents?: boolean;
  /** Called for each request that matched no route (it was answered 404). */
  onUnknownRoute?: (entry: RequestLogEntry) => void;
}

interface CompiledRoute extends Route {
  match: (path: string) => Record<string, string> | undefined;
}

const API_PREFIX = "/api/v3";
const RATE_LIMIT = 5000;

function compile(routes: Route[]): CompiledRoute[] {
  return routes.map((r) => ({ ...r, match: compilePattern(r.pattern) }));
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export class GitHubEmulator {
  readonly state: EmulatorState;
  readonly auth: AppAuth;
  readonly faults = new FaultPlan();
  readonly requests = new RequestLog();
  readonly webhooks: WebhookSender;
  readonly client: EmulatorClient;
  /** Exceptions inside the emulator itself (answered 500); a test should expect this to stay empty. */
  readonly internalErrors: Error[] = [];
  private readonly routes: CompiledRoute[];
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly background = new Set<Promise<unknown>>();
  private readonly rateUsed = new Map<number, number>();
  private readonly startedAt = Math.floor(Date.now() / 1000);
  private address: AddressInfo | undefined;

  private constructor(private readonly options: EmulatorOptions) {
    const appId = options.appId ?? 4242;
    this.state = new EmulatorState({ id: appId, slug: options.appSlug ?? "kube-policy-bot" });
    this.auth = new AppAuth(options.publicKey, appId);
    this.webhooks = new WebhookSender({ secret: options.webhookSecret, appId, ...(options.webhookUrl ? { url: options.webhookUrl } : {}) });
    this.client = new EmulatorClient(this);
    // Order matters only where patterns overlap: /commits/:ref/check-runs before /commits/*ref.
    this.routes = compile([
      ...appRoutes(this.auth),
      ...checkRoutes(),
      ...issueRoutes(),
      ...orgRoutes(),
      ...repoRoutes(),
      ...compareRoutes(),
      ...reviewRoutes(),
    ]);
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => this.fail(res, error));
    });
    this.server.on("connection", (socket) => {
      this.sockets.add(socket);
      socket.on("close", () => this.sockets.delete(socket));
    });
    this.state.events.on(
      "comment",
      (comment: CommentRecord, action: "created" | "edited" | "deleted", info: { byApp?: boolean; from?: string }) => {
        if (this.options.selfEvents && info.byApp) {
          this.inBackground(
            this.webhooks.send(
              "issue_comment",
              issueCommentPayload(this.state, comment, action, {
                sender: this.state.botLogin(),
                ...(info.from !== undefined ? { from: info.from } : {}),
              }),
            ),
          );
        }
      },
    );
    this.state.events.on("check_run", (run: CheckRunRecord, kind: string) => {
      if (this.options.selfEvents && (kind === "created" || kind === "completed")) {
        this.inBackground(this.webhooks.send("check_run", checkRunPayload(this.state, run, kind, { sender: this.state.botLogin() })));
      }
    });
  }

  static async start(options: EmulatorOptions): Promise<GitHubEmulator> {
    const emulator = new GitHubEmulator(options);
    await new Promise<void>((resolve, reject) => {
      emulator.server.once("error", reject);
      emulator.server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => resolve());
    });
    emulator.address = emulator.server.address() as AddressInfo;
    emulator.state.baseUrl = emulator.url;
    return emulator;
  }

  /** "127.0.0.1:PORT": the value for the app's GHE_HOST. */
  get host(): string {
    if (!this.address) throw new Error("emulator not started");
    return `${this.address.address}:${this.address.port}`;
  }

  /** "http://127.0.0.1:PORT"; the REST API is under `${url}/api/v3`. */
  get url(): string {
    return `http://${this.host}`;
  }

  get apiUrl(): string {
    return `${this.url}${API_PREFIX}`;
  }

  /** Waits for webhooks the emulator sent on its own (self events). */
  async settle(): Promise<void> {
    while (this.background.size > 0) await Promise.allSettled([...this.background]);
  }

  async stop(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const s of this.sockets) s.destroy();
    this.server.closeAllConnections();
    await closed;
    await Promise.allSettled([...this.background]);
  }

  private inBackground(p: Promise<unknown>): void {
    const tracked = p.catch(() => undefined).finally(() => this.background.delete(tracked));
    this.background.add(tracked);
  }

  private fail(res: ServerResponse, error: unknown): void {
    this.internalErrors.push(error instanceof Error ? error : new Error(String(error)));
    if (!res.headersSent && !res.destroyed) {
      res.writeHead(500, { "content-type": "application/json; charset=utf-8" });
      res.end(JSON.stringify(errorBody(500, `emulator error: ${String(error)}`)));
    }
  }

  private installationIdOf(credentials: Credentials): number | undefined {
    return credentials.kind === "installation" ? credentials.token.installationId : undefined;
  }

  private commonHeaders(credentials: Credentials): Record<string, string> {
    const headers: Record<string, string> = {
      "x-github-request-id": randomBytes(8).toString("hex").toUpperCase(),
      "x-github-api-version-selected": "2022-11-28",
    };
    const installationId = this.installationIdOf(credentials);
    if (installationId !== undefined) {
      const used = (this.rateUsed.get(installationId) ?? 0) + 1;
      this.rateUsed.set(installationId, used);
      headers["x-ratelimit-limit"] = String(RATE_LIMIT);
      headers["x-ratelimit-remaining"] = String(Math.max(0, RATE_LIMIT - used));
      headers["x-ratelimit-used"] = String(used);
      headers["x-ratelimit-reset"] = String(this.startedAt + 3600);
      headers["x-ratelimit-resource"] = "core";
    }
    return headers;
  }

  private send(res: ServerResponse, reply: Reply, base: Record<string, string>): void {
    res.on("error", () => undefined);
    if (res.destroyed) return;
    const headers: Record<string, string> = { ...base, ...(reply.headers ?? {}) };
    if (reply.raw) {
      headers["content-type"] = reply.raw.contentType;
      headers["x-github-media-type"] = "github.v3; param=raw";
      headers["content-length"] = String(reply.raw.body.length);
      res.writeHead(reply.status, headers);
      res.end(reply.raw.body);
      return;
    }
    if (reply.json === undefined) {
      res.writeHead(reply.status, headers);
      res.end();
      return;
    }
    const body = Buffer.from(JSON.stringify(reply.json));
    headers["content-type"] = "application/json; charset=utf-8";
    headers["x-github-media-type"] = "github.v3; format=json";
    headers["content-length"] = String(body.length);
    res.writeHead(reply.status, headers);
    res.end(body);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = (req.method ?? "GET").toUpperCase();
    const url = new URL(req.url ?? "/", "http://emulator");
    const rawBody = await readBody(req);
    const credentials = this.auth.identify(req.headers.authorization);
    const query = Object.fromEntries(url.searchParams.entries());
    let path = url.pathname;
    const log = (status: number, route: string | undefined, fault?: string): RequestLogEntry =>
      this.requests.record({ method, path, route, query, status, fault, installationId: this.installationIdOf(credentials) });

    if (path !== API_PREFIX && !path.startsWith(`${API_PREFIX}/`)) {
      this.send(res, { status: 404, json: errorBody(404, "Not Found") }, {});
      this.options.onUnknownRoute?.(log(404, undefined));
      return;
    }
    path = path.slice(API_PREFIX.length) || "/";
    // Link headers use /repositories/{id}/...; they address the same resources as /repos/{owner}/{repo}/...
    const byId = /^\/repositories\/(\d+)(\/.*)?$/.exec(path);
    if (byId) {
      const repo = this.state.repoById(Number(byId[1]));
      if (repo) path = `/repos/${repo.owner}/${repo.name}${byId[2] ?? ""}`;
    }

    const fault = this.faults.match(method, path);
    const base = this.commonHeaders(credentials);
    if (fault) {
      const proceed = await this.applyFault(fault, req, res, base);
      if (!proceed) {
        log(this.faultStatus(fault, res), this.findRoute(method, path)?.route.pattern, fault.kind);
        return;
      }
    }

    const found = this.findRoute(method, path);
    if (!found) {
      this.send(res, { status: 404, json: errorBody(404, "Not Found") }, base);
      this.options.onUnknownRoute?.(log(404, undefined, fault?.kind));
      return;
    }
    const { route, params } = found;
    let reply: Reply;
    try {
      const authProblem = this.authProblem(route, credentials);
      if (authProblem) throw authProblem;
      let body: unknown;
      if (rawBody.length > 0) {
        try {
          body = JSON.parse(rawBody.toString("utf8"));
        } catch {
          throw new HttpError(400, "Problems parsing JSON");
        }
      }
      const ctx: RequestContext = {
        method,
        path,
        params,
        query: url.searchParams,
        headers: req.headers,
        body,
        credentials,
        state: this.state,
      };
      reply = await route.handler(ctx);
    } catch (error) {
      if (!(error instanceof HttpError)) throw error;
      reply = { status: error.status, json: errorBody(error.status, error.message, error.extra) };
    }
    this.send(res, reply, base);
    log(reply.status, route.pattern, fault?.kind);
  }

  private findRoute(method: string, path: string): { route: CompiledRoute; params: Record<string, string> } | undefined {
    for (const route of this.routes) {
      if (route.method !== method) continue;
      const params = route.match(path);
      if (params) return { route, params };
    }
    return undefined;
  }

  private authProblem(route: Route, credentials: Credentials): HttpError | undefined {
    if (credentials.kind === "none")
      return new HttpError(401, route.auth === "app" ? "A JSON web token could not be decoded" : "Requires authentication");
    if (credentials.kind === "invalid") return new HttpError(401, credentials.message);
    if (route.auth === "app" && credentials.kind !== "app") return new HttpError(401, "A JSON web token could not be decoded");
    if (route.auth === "installation" && credentials.kind !== "installation") return new HttpError(401, "Bad credentials");
    return undefined;
  }

  private faultStatus(fault: FaultAction, res: ServerResponse): number {
    if (fault.kind === "reset" || fault.kind === "hang") return res.headersSent ? res.statusCode : 0;
    return res.statusCode;
  }

  /** Answers (or refuses to answer) per the fault; returns true when the request should go on normally. */
  private async applyFault(fault: FaultAction, req: IncomingMessage, res: ServerResponse, base: Record<string, string>): Promise<boolean> {
    const nowSeconds = Math.floor(Date.now() / 1000);
    switch (fault.kind) {
      case "status":
        this.send(res, { status: fault.status, json: errorBody(fault.status, fault.message ?? defaultMessage(fault.status)) }, base);
        return false;
      case "rate-limit": {
        const status = fault.status ?? 403;
        const headers: Record<string, string> = {
          ...base,
          "x-ratelimit-limit": String(RATE_LIMIT),
          "x-ratelimit-remaining": "0",
          "x-ratelimit-used": String(RATE_LIMIT),
          "x-ratelimit-reset": String(nowSeconds + (fault.resetAfterSeconds ?? 60)),
          "x-ratelimit-resource": "core",
        };
        if (fault.retryAfterSeconds !== undefined) headers["retry-after"] = String(fault.retryAfterSeconds);
        this.send(
          res,
          {
            status,
            json: errorBody(status, "API rate limit exceeded for installation.", {
              documentation_url: `${DOCS}/overview/rate-limits-for-the-rest-api`,
            }),
          },
          headers,
        );
        return false;
      }
      case "secondary-rate-limit": {
        const status = fault.status ?? 403;
        const headers = { ...base, "retry-after": String(fault.retryAfterSeconds ?? 60) };
        const message = "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.";
        this.send(
          res,
          {
            status,
            json: errorBody(status, message, {
              documentation_url: `${DOCS}/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits`,
            }),
          },
          headers,
        );
        return false;
      }
      case "malformed-json": {
        const body = Buffer.from(fault.body ?? '{"message": "truncated');
        res.writeHead(200, { ...base, "content-type": "application/json; charset=utf-8", "content-length": String(body.length) });
        res.end(body);
        return false;
      }
      case "reset":
        req.socket.destroy();
        return false;
      case "hang":
        await new Promise<void>((resolve) => {
          const timer = setTimeout(() => {
            this.timers.delete(timer);
            resolve();
          }, fault.ms);
          this.timers.add(timer);
          res.once("close", () => {
            clearTimeout(timer);
            this.timers.delete(timer);
            resolve();
          });
        });
        if (res.destroyed || req.socket.destroyed) return false;
        if (fault.then === "respond") return true;
        req.socket.destroy();
        return false;
    }
  }
}

function defaultMessage(status: number): string {
  const messages: Record<number, string> = {
    400: "Bad Request",
    401: "Bad credentials",
    403: "Resource not accessible by integration",
    404: "Not Found",
    422: "Validation Failed",
    500: "Internal Server Error",
    502: "Server Error",
    503: "Service Unavailable",
  };
  return messages[status] ?? "Error";
}

export async function startEmulator(options: EmulatorOptions): Promise<GitHubEmulator> {
  return GitHubEmulator.start(options);
}
