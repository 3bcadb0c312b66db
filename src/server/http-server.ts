/**
 * The HTTP front: a health endpoint, the webhook endpoint with a body size limit, 404 for the rest.
 * Our own `node:http` server rather than Probot's, for control over limits, timeouts and routes.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Logger } from "pino";
import { checkSignature } from "./webhook-signature.js";

export type WebhookMiddleware = (req: IncomingMessage, res: ServerResponse, next?: () => void) => unknown;

export interface HttpServerOptions {
  webhookPath: string;
  maxBodyBytes: number;
  /** Deliveries are verified against it before anything else reads them. */
  webhookSecret: string;
  middleware: WebhookMiddleware;
  log: Logger;
  /** Extra fields for the health response (e.g. running checks). */
  health: () => Record<string, unknown> | Promise<Record<string, unknown>>;
  /** False when an accepted webhook could not be kept (queue mode, Redis unreachable): answered 503. */
  acceptingWebhooks?: () => Promise<boolean>;
}

export function createHttpServer(options: HttpServerOptions): Server {
  const server = createServer((req, res) => {
    handle(req, res, options).catch((error: unknown) => {
      options.log.error({ err: error }, "request handling failed");
      if (!res.headersSent) json(res, 500, { error: "internal error" });
      else res.destroy();
    });
  });
  // Slow or stalled clients must not hold connections forever.
  server.requestTimeout = 30_000;
  server.headersTimeout = 15_000;
  return server;
}

async function handle(req: IncomingMessage, res: ServerResponse, options: HttpServerOptions): Promise<void> {
  const path = pathOf(req.url);
  if (path === "/healthz") {
    if (req.method !== "GET" && req.method !== "HEAD") return json(res, 405, { error: "use GET" });
    return json(res, 200, { status: "ok", ...(await options.health()) });
  }
  if (path !== options.webhookPath) return json(res, 404, { error: "not found" });

  // Unverified headers at this point: logged, but never at any length.
  const deliveryId = header(req, "x-github-delivery")?.slice(0, 100);
  const event = header(req, "x-github-event")?.slice(0, 100);
  const log = options.log.child({ deliveryId, event });
  const started = Date.now();
  res.on("finish", () => log.info({ status: res.statusCode, ms: Date.now() - started }, "webhook answered"));

  if (req.method === "POST") {
    const declared = Number(req.headers["content-length"]);
    if (Number.isFinite(declared) && declared > options.maxBodyBytes) {
      return refuseTooLarge(req, res, options.maxBodyBytes);
    }
    const body = await readBody(req, options.maxBodyBytes);
    if (body === undefined) return refuseTooLarge(req, res, options.maxBodyBytes);
    const signature = checkSignature(options.webhookSecret, body, header(req, "x-hub-signature-256"), header(req, "x-hub-signature"));
    if (!signature.ok) {
      // The reason only: nothing of the body, which nobody vouched for.
      log.warn({ reason: signature.error }, "webhook refused: bad signature");
      return json(res, signature.status, { error: signature.error });
    }
    if (options.acceptingWebhooks && !(await options.acceptingWebhooks())) {
      log.warn("webhook refused: the queue (Redis) is unreachable; GitHub can redeliver it");
      res.setHeader("retry-after", "60");
      return json(res, 503, { error: "queue unavailable, redeliver later" });
    }
    // @octokit/webhooks takes a pre-read body as a string; it verifies the signature on exactly these bytes.
    (req as IncomingMessage & { body?: string }).body = body.toString("utf8");
  }
  await options.middleware(req, res, () => json(res, 404, { error: "not found" }));
}

/** Reads at most `limit` bytes; `undefined` when the body is larger. */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    req.on("data", (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      if (size > limit) {
        done = true;
        resolve(undefined);
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => {
      if (!done) resolve(Buffer.concat(chunks));
    });
    req.on("error", (error) => {
      if (!done) reject(error);
    });
  });
}

/** How long, and how much, of a refused body is still read (and dropped) before the connection is cut. */
const LINGER_MS = 2000;
const LINGER_BYTES = 64 * 1024 * 1024;

/**
 * Answers 413, then reads and drops what the client is still sending for a short while before
 * closing. Closing at once, with the client's data unread, makes the OS reset the connection, and a
 * reset can destroy the 413 before the client reads it (it would see a dropped connection instead).
 * Nothing is kept: memory stays bounded, and the linger is bounded in time and bytes.
 */
function refuseTooLarge(req: IncomingMessage, res: ServerResponse, limit: number): void {
  json(res, 413, { error: `payload larger than ${limit} bytes` });
  const socket = req.socket;
  const close = (): void => {
    clearTimeout(timer);
    socket.destroy();
  };
  const timer = setTimeout(close, LINGER_MS);
  timer.unref();
  let dropped = 0;
  req.on("data", (chunk: Buffer) => {
    dropped += chunk.length;
    if (dropped > LINGER_BYTES) close();
  });
  req.on("end", () => {
    clearTimeout(timer);
    // The whole (refused) request has arrived: the connection is not reused.
    socket.end();
  });
  socket.once("close", () => clearTimeout(timer));
  req.resume();
}

function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return typeof value === "string" ? value : undefined;
}

function pathOf(url: string | undefined): string {
  try {
    const path = new URL(url ?? "/", "http://localhost").pathname;
    return path.length > 1 ? path.replace(/\/+$/, "") : path;
  } catch {
    return "";
  }
}
