/**
 * The process shell: settings from the environment (refusing to start without a webhook secret), the
 * HTTP front (health, webhook path, signature, body limit), the request timeout, and Probot routing
 * events to the handlers.
 */
import { createHmac, generateKeyPairSync } from "node:crypto";
import { createServer, request, type Server } from "node:http";
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { Probot, ProbotOctokit } from "probot";
import { createKubePolicyApp } from "../../src/app.js";
import { readSettings, SettingsError } from "../../src/server/env.js";
import { fetchWithTimeout } from "../../src/server/fetch-timeout.js";
import { startServer, type RunningServer } from "../../src/server.js";
import { FakeGitHub } from "./fake-github.js";
import { BREAKOUT_POD, silentLog } from "./fixtures.js";

const privateKey = generateKeyPairSync("rsa", {
  modulusLength: 2048,
  privateKeyEncoding: { type: "pkcs1", format: "pem" },
  publicKeyEncoding: { type: "spki", format: "pem" },
}).privateKey;
const baseEnv = { APP_ID: "123", PRIVATE_KEY: privateKey, WEBHOOK_SECRET: "s3cret" };

describe("settings", () => {
  test("defaults: github.com, loopback, port 3000, info logs, Probot's webhook path", () => {
    expect(readSettings(baseEnv)).toEqual(
      expect.objectContaining({
        appId: 123,
        baseUrl: "https://api.github.com",
        host: "127.0.0.1",
        port: 3000,
        logLevel: "info",
        webhookPath: "/api/github/webhooks",
      }),
    );
  });

  test("refuses to start without WEBHOOK_SECRET, saying why", () => {
    expect(() => readSettings({ ...baseEnv, WEBHOOK_SECRET: "" })).toThrow(SettingsError);
    expect(() => readSettings({ ...baseEnv, WEBHOOK_SECRET: undefined })).toThrow(/WEBHOOK_SECRET is not set.*"development"/);
  });

  test("lists every problem at once", () => {
    try {
      const env: Record<string, string> = {
        APP_ID: "my-app",
        PRIVATE_KEY: "not a key",
        WEBHOOK_SECRET: "x",
        PORT: "99999",
        LOG_LEVEL: "loud",
        GHE_PROTOCOL: "ftp",
      };
      readSettings(env);
      throw new Error("expected a SettingsError");
    } catch (error) {
      expect(error).toBeInstanceOf(SettingsError);
      expect((error as SettingsError).problems).toEqual([
        expect.stringMatching(/^APP_ID must be the numeric App ID/),
        expect.stringMatching(/private key in PRIVATE_KEY could not be read/),
        expect.stringMatching(/^GHE_PROTOCOL must be https or http/),
        expect.stringMatching(/^PORT must be a whole number/),
        expect.stringMatching(/^LOG_LEVEL must be one of/),
      ]);
    }
  });

  test("accepts the private key with literal \\n, or from a path, and GHE_HOST for GitHub Enterprise Server", () => {
    const escaped = readSettings({ ...baseEnv, PRIVATE_KEY: privateKey.replace(/\n/g, "\\n") });
    expect(escaped.privateKey).toBe(privateKey);
    expect(readSettings({ ...baseEnv, GHE_HOST: "github.example.com:8443", GHE_PROTOCOL: "http" }).baseUrl).toBe(
      "http://github.example.com:8443/api/v3",
    );
    expect(() => readSettings({ APP_ID: "1", WEBHOOK_SECRET: "x" })).toThrow(/neither PRIVATE_KEY nor PRIVATE_KEY_PATH is set/);
    expect(() => readSettings({ APP_ID: "1", WEBHOOK_SECRET: "x", PRIVATE_KEY_PATH: "/nonexistent/key.pem" })).toThrow(/PRIVATE_KEY_PATH/);
  });
});

describe("request timeout", () => {
  let hanging: Server;
  let url: string;
  beforeAll(async () => {
    hanging = createServer(() => undefined); // accepts, never answers
    await new Promise<void>((resolve) => hanging.listen(0, "127.0.0.1", resolve));
    const address = hanging.address();
    url = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}/`;
  });
  afterAll(async () => {
    hanging.closeAllConnections();
    await new Promise((resolve) => hanging.close(resolve));
  });

  test("a GitHub that never answers is abandoned after the deadline", async () => {
    await expect(fetchWithTimeout(200)(url)).rejects.toThrow(/timeout|aborted/i);
  });
});

describe("HTTP front", () => {
  let server: RunningServer;
  let port: number;
  beforeAll(async () => {
    const settings = {
      ...readSettings({ ...baseEnv, PORT: "0", GHE_HOST: "127.0.0.1:9", GHE_PROTOCOL: "http", WEBHOOK_MAX_BODY_BYTES: "2048" }),
    };
    server = await startServer(settings, silentLog);
    port = server.address.port;
  });
  afterAll(async () => server.close());

  function send(
    method: string,
    path: string,
    body?: string,
    headers: Record<string, string> = {},
  ): Promise<{ status: number; body: string }> {
    return new Promise((resolve, reject) => {
      const req = request({ host: "127.0.0.1", port, method, path, headers }, (res) => {
        let text = "";
        res.on("data", (chunk: Buffer) => (text += chunk.toString()));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text }));
      });
      req.on("error", reject);
      if (body !== undefined) req.write(body);
      req.end();
    });
  }

  function webhook(event: string, payload: object, secret = "s3cret") {
    const body = JSON.stringify(payload);
    const signature = `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
    return send("POST", "/api/github/webhooks", body, {
      "content-type": "application/json",
      "x-github-event": event,
      "x-github-delivery": "d-1",
      "x-hub-signature-256": signature,
    });
  }

  test("GET /healthz answers 200 with JSON", async () => {
    const response = await send("GET", "/healthz");
    expect(response.status).toBe(200);
    expect(JSON.parse(response.body)).toEqual(expect.objectContaining({ status: "ok", checksRunning: 0 }));
  });

  test("unknown paths are 404", async () => {
    expect((await send("GET", "/")).status).toBe(404);
  });

  test("a correctly signed webhook is accepted", async () => {
    expect((await webhook("ping", { zen: "Keep it logically awesome.", hook_id: 1 })).status).toBe(200);
  });

  test("a webhook signed with another secret is refused", async () => {
    const response = await webhook("ping", { zen: "x" }, "development");
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
  });

  test("a webhook without signature is refused", async () => {
    const response = await send("POST", "/api/github/webhooks", "{}", {
      "content-type": "application/json",
      "x-github-event": "ping",
      "x-github-delivery": "d-2",
    });
    expect(response.status).toBe(400);
  });

  test("a body over the limit is refused with 413 before it is verified", async () => {
    const response = await webhook("ping", { zen: "x".repeat(5000) });
    expect(response.status).toBe(413);
  });
});

describe("Probot routing", () => {
  test("a pull_request.opened delivery becomes a completed check through the app function", async () => {
    const github = new FakeGitHub().addRepo({ owner: "acme", repo: "shop" });
    const pull = github.openPullRequest({ owner: "acme", repo: "shop" }, 5, { files: { "pod.yaml": BREAKOUT_POD } });
    const probot = new Probot({
      githubToken: "test",
      log: silentLog,
      Octokit: ProbotOctokit.defaults({ retry: { enabled: false }, throttle: { enabled: false } }),
    });
    const kubePolicy = createKubePolicyApp({ gatewayFor: () => github, pipelineOptions: { completionRetryDelaysMs: [0] } });
    await probot.load(kubePolicy.app);
    await probot.receive({
      id: "delivery-42",
      name: "pull_request",
      payload: {
        action: "opened",
        number: 5,
        repository: { id: 1, name: "shop", full_name: "acme/shop", owner: { login: "acme" } },
        pull_request: {
          number: 5,
          head: { sha: pull.headSha },
          base: { ref: "main" },
          changed_files: 1,
          updated_at: "2025-06-01T00:00:00Z",
        },
        installation: { id: 1 },
      },
    } as unknown as Parameters<Probot["receive"]>[0]);
    await kubePolicy.runner()?.drain();
    expect(github.checkRuns).toEqual([expect.objectContaining({ headSha: pull.headSha, status: "completed", conclusion: "failure" })]);
  });
});
