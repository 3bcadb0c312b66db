/**
 * The webhook endpoint of the real app process, attacked and fed real GitHub payloads:
 *
 * - unsigned, wrongly signed and SHA-1-only deliveries are refused (400/401) before the body is
 *   parsed (a broken JSON body with a bad signature gets the signature error, not a parse error);
 * - the published HMAC test vectors (../shared/corpora/webhooks/signature-vectors.json) verify
 *   against an app configured with each vector's secret, and fail once tampered with;
 * - a body over WEBHOOK_MAX_BODY_BYTES is refused with 413 while it is still being sent;
 * - no secret and no token-looking text from a payload reaches the logs (even at debug level);
 * - every payload example of ../shared/corpora/webhooks goes through with a valid signature: events
 *   the app handles are taken, the others acknowledged and ignored, and the process stays healthy.
 */
import { createHmac } from "node:crypto";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { get as httpGet } from "node:http";
import { connect } from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { findRepoRoot, startApp, startE2E, type AppProcess, type E2E } from "../../emulator/harness.js";
import { waitIdle } from "./idle.js";

const SHARED = path.resolve(findRepoRoot(), "../shared");
const WEBHOOKS = path.join(SHARED, "corpora/webhooks");
const haveCorpus = existsSync(WEBHOOKS);
if (!haveCorpus) console.log(`SKIPPED webhook corpus tests: ${WEBHOOKS} is absent (the shared corpora live beside the checkout).`);

const MAX_BODY = 64 * 1024;
const SECRET = "e2e-webhook-secret";

/** Token-shaped strings (GitHub's documented prefixes) and a private key header, planted in payloads. */
const PLANTED = [
  `ghp_${"A1b2C3d4E5".repeat(3)}xyzXYZ`,
  `ghs_${"Z9y8X7w6V5".repeat(3)}abcABC`,
  `github_pat_11ABCDEFG0${"q".repeat(60)}`,
  "-----BEGIN RSA PRIVATE KEY-----MIIEplanted",
];

let e2e: E2E;

beforeAll(async () => {
  // Debug logs: the strictest setting for "nothing from a payload is logged".
  e2e = await startE2E({ webhookSecret: SECRET, logLevel: "debug", env: { WEBHOOK_MAX_BODY_BYTES: String(MAX_BODY) } });
  e2e.github.createOrg("acme");
  e2e.github.install("acme");
});

afterAll(async () => {
  await e2e?.stop();
});

interface Answer {
  status: number;
  body: string;
}

function sign(secret: string, body: string | Buffer, algorithm: "sha256" | "sha1" = "sha256"): string {
  return `${algorithm}=${createHmac(algorithm, secret).update(body).digest("hex")}`;
}

async function post(app: AppProcess, body: string | Buffer, headers: Record<string, string>): Promise<Answer> {
  const response = await fetch(app.webhookUrl, {
    method: "POST",
    headers: { "content-type": "application/json", "x-github-event": "ping", "x-github-delivery": crypto.randomUUID(), ...headers },
    body,
  });
  return { status: response.status, body: await response.text() };
}

async function healthy(app: AppProcess): Promise<boolean> {
  // A fresh connection: fetch may otherwise reuse an idle keep-alive socket that the server is closing
  // at that very moment (its keep-alive timeout), a client-side race that says nothing about the app.
  const { status, body } = await new Promise<{ status: number; body: string }>((resolve, reject) => {
    const request = httpGet(`${app.url}/healthz`, { agent: false }, (response) => {
      let text = "";
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => (text += chunk));
      response.on("end", () => resolve({ status: response.statusCode ?? 0, body: text }));
    });
    request.on("error", reject);
  });
  return status === 200 && (JSON.parse(body) as { status?: string }).status === "ok";
}

describe("signatures", () => {
  const payload = JSON.stringify({ zen: "Design for failure.", hook_id: 1 });

  test("missing: 400, saying the SHA-256 signature is required", async () => {
    const answer = await post(e2e.app, payload, {});
    expect(answer.status).toBe(400);
    expect(answer.body).toMatch(/X-Hub-Signature-256 is missing/);
  });

  test("stale format (X-Hub-Signature, SHA-1 only, even a correct one): 400", async () => {
    const answer = await post(e2e.app, payload, { "x-hub-signature": sign(SECRET, payload, "sha1") });
    expect(answer.status).toBe(400);
    expect(answer.body).toMatch(/only X-Hub-Signature \(SHA-1\)/);
  });

  test("malformed (not sha256=<64 hex>): 400", async () => {
    for (const header of [
      "sha256=",
      "sha256=zz",
      `sha1=${"0".repeat(64)}`,
      sign(SECRET, payload).slice(0, -2),
      `${sign(SECRET, payload)}00`,
    ]) {
      expect((await post(e2e.app, payload, { "x-hub-signature-256": header })).status).toBe(400);
    }
  });

  test("wrong (another secret, or the body altered after signing): 401", async () => {
    expect((await post(e2e.app, payload, { "x-hub-signature-256": sign("development", payload) })).status).toBe(401);
    expect((await post(e2e.app, `${payload} `, { "x-hub-signature-256": sign(SECRET, payload) })).status).toBe(401);
  });

  test("checked before any parsing: broken JSON with a bad signature gets the signature error, with a good one the parse error", async () => {
    const broken = '{"action": "opened", "pull_request": {';
    const forged = await post(e2e.app, broken, { "x-hub-signature-256": sign("wrong", broken), "x-github-event": "pull_request" });
    expect(forged.status).toBe(401);
    expect(forged.body).toMatch(/signature does not match/);
    expect(forged.body).not.toMatch(/JSON/i);
    const signed = await post(e2e.app, broken, { "x-hub-signature-256": sign(SECRET, broken), "x-github-event": "pull_request" });
    expect(signed.status).toBe(400);
    expect(signed.body).toMatch(/Invalid JSON/);
    expect(await healthy(e2e.app)).toBe(true);
  });

  test("a correct signature is accepted", async () => {
    expect((await post(e2e.app, payload, { "x-hub-signature-256": sign(SECRET, payload) })).status).toBe(200);
  });
});

(haveCorpus ? describe : describe.skip)("the published signature test vectors", () => {
  interface Vector {
    source: string;
    secret: string;
    payload: string;
    x_hub_signature_256: string;
  }
  const vectors: Vector[] = haveCorpus
    ? (JSON.parse(readFileSync(path.join(WEBHOOKS, "signature-vectors.json"), "utf8")) as { vectors: Vector[] }).vectors
    : [];

  test(`each of the ${vectors.length} vectors verifies against an app whose WEBHOOK_SECRET is the vector's secret; tampered, it is refused`, async () => {
    expect(vectors.length).toBeGreaterThan(0);
    // One app process per secret, side by side.
    const apps = await Promise.all(
      vectors.map((vector) =>
        startApp({ emulator: e2e.emulator, appId: e2e.appId, privateKey: e2e.privateKey, webhookSecret: vector.secret, logLevel: "warn" }),
      ),
    );
    try {
      for (const [index, vector] of vectors.entries()) {
        const app = apps[index] as AppProcess;
        const accepted = await post(app, vector.payload, { "x-hub-signature-256": vector.x_hub_signature_256 });
        // Past the signature: a JSON payload is taken (200); a non-JSON one fails only at parsing (400 Invalid JSON).
        expect([vector.source, accepted.status, accepted.body]).toEqual([
          vector.source,
          expect.any(Number),
          expect.not.stringMatching(/signature|X-Hub-Signature/i),
        ]);
        expect([200, 400]).toContain(accepted.status);
        if (accepted.status === 400) expect(accepted.body).toMatch(/Invalid JSON/);
        const last = vector.x_hub_signature_256.at(-1) === "0" ? "1" : "0";
        const tampered = await post(app, vector.payload, { "x-hub-signature-256": `${vector.x_hub_signature_256.slice(0, -1)}${last}` });
        expect(tampered.status).toBe(401);
        const otherBody = await post(app, `${vector.payload}.`, { "x-hub-signature-256": vector.x_hub_signature_256 });
        expect(otherBody.status).toBe(401);
      }
    } finally {
      await Promise.all(apps.map((app) => app.stop()));
      // startApp pointed the emulator's deliveries at the last app: point them back.
      e2e.emulator.webhooks.url = e2e.app.webhookUrl;
    }
  }, 60_000);
});

describe("oversized bodies", () => {
  test("a declared Content-Length over the limit is refused with 413 before any of the body is read", async () => {
    const body = Buffer.alloc(MAX_BODY + 1, 0x20);
    const answer = await post(e2e.app, body, { "x-hub-signature-256": sign(SECRET, body) });
    expect(answer.status).toBe(413);
  });

  test("a chunked body (no Content-Length) is refused with 413 while the client is still sending", async () => {
    const url = new URL(e2e.app.webhookUrl);
    const limitToSend = 64 * 1024 * 1024;
    const chunk = Buffer.concat([Buffer.from(`${(16 * 1024).toString(16)}\r\n`), Buffer.alloc(16 * 1024, 0x20), Buffer.from("\r\n")]);
    // A raw socket: the server answers and closes while we are still writing, which an HTTP client reports as EPIPE.
    const result = await new Promise<{ status: number; sentBeforeAnswer: number }>((resolve) => {
      const socket = connect(Number(url.port), url.hostname);
      let received = "";
      let sent = 0;
      let done = false;
      const finish = (): void => {
        if (done) return;
        done = true;
        socket.destroy();
        const statusLine = /^HTTP\/1\.1 (\d{3})/.exec(received);
        resolve({ status: statusLine ? Number(statusLine[1]) : 0, sentBeforeAnswer: sent });
      };
      socket.on("data", (data: Buffer) => {
        received += data.toString("latin1");
        if (/\r\n\r\n/.test(received)) finish();
      });
      socket.on("error", () => undefined);
      socket.on("close", finish);
      socket.write(
        `POST ${url.pathname} HTTP/1.1\r\nHost: ${url.host}\r\nContent-Type: application/json\r\nX-GitHub-Event: ping\r\n` +
          `X-GitHub-Delivery: big-1\r\nX-Hub-Signature-256: sha256=${"0".repeat(64)}\r\nTransfer-Encoding: chunked\r\n\r\n`,
      );
      const pump = (): void => {
        while (!done && sent < limitToSend) {
          sent += chunk.length;
          if (!socket.write(chunk)) {
            socket.once("drain", pump);
            return;
          }
        }
      };
      pump();
    });
    expect(result.status).toBe(413);
    // Answered long before the 64 MiB were sent: the server stopped reading at its limit.
    expect(result.sentBeforeAnswer).toBeLessThan(limitToSend);
    expect(await healthy(e2e.app)).toBe(true);
  }, 60_000);
});

describe("secrets stay out of the logs", () => {
  test("planted tokens in a payload (title, body, branch, comment) and the webhook secret appear in no log line", async () => {
    const repo = "acme/secrets";
    e2e.github.createRepo(repo);
    const pr = await e2e.github.openPullRequest({
      repo,
      head: `leak-${PLANTED[0]}`.slice(0, 60),
      title: `deploy with ${PLANTED[0]}`,
      body: `token ${PLANTED[1]}\n${PLANTED[3]}`,
      message: `commit ${PLANTED[2]}`,
      files: {
        "deploy/pod.yaml": "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    - name: c\n      image: alpine\n",
      },
    });
    await e2e.waitForCheckRun(repo, pr.headSha);
    await e2e.github.comment({
      repo,
      number: pr.number,
      author: "acme-dev",
      body: `/policy-exception pod-security-baseline Pod/default/p\nReason: ${PLANTED[2]}`,
    });
    // The same payloads, forged: refused, and not logged either.
    const forged = JSON.stringify({ action: "opened", token: PLANTED[1], pull_request: { title: PLANTED[0] } });
    expect((await post(e2e.app, forged, { "x-hub-signature-256": sign("nope", forged), "x-github-event": "pull_request" })).status).toBe(
      401,
    );
    const signedBroken = `{"action":"opened","token":"${PLANTED[3]}",`;
    expect(
      (await post(e2e.app, signedBroken, { "x-hub-signature-256": sign(SECRET, signedBroken), "x-github-event": "pull_request" })).status,
    ).toBe(400);
    await waitIdle(e2e.app);

    const logs = `${e2e.app.stdout()}\n${e2e.app.stderr()}`;
    expect(logs.length).toBeGreaterThan(0);
    for (const secret of [...PLANTED, SECRET]) expect(logs.includes(secret)).toBe(false);
    // Nothing shaped like a GitHub token at all (the app's own installation tokens included).
    expect(logs.match(/\b(gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,})/g)).toBeNull();
    expect(logs).not.toMatch(/BEGIN [A-Z ]*PRIVATE KEY/);
  }, 60_000);
});

(haveCorpus ? describe : describe.skip)("every payload example of the corpus", () => {
  /** What the app subscribes to and acts on (src/app.ts); every other event or action is acknowledged and ignored. */
  const HANDLED: Record<string, RegExp> = {
    pull_request: /^(opened|synchronize|reopened|ready_for_review|edited)$/,
    check_run: /^(rerequested|requested_action)$/,
    check_suite: /^rerequested$/,
    merge_group: /^checks_requested$/,
    issue_comment: /^(created|edited|deleted)$/,
    installation: /./,
    installation_repositories: /./,
  };
  const examples = haveCorpus
    ? readdirSync(WEBHOOKS, { withFileTypes: true })
        .filter((entry) => entry.isDirectory())
        .flatMap((dir) =>
          readdirSync(path.join(WEBHOOKS, dir.name))
            .filter((file) => file.endsWith(".json"))
            .sort()
            .map((file) => ({ event: dir.name, file: `${dir.name}/${file}`, body: readFileSync(path.join(WEBHOOKS, dir.name, file)) })),
        )
    : [];
  const handled = (example: (typeof examples)[number]): boolean => {
    const action = (JSON.parse(example.body.toString("utf8")) as { action?: unknown }).action;
    const pattern = HANDLED[example.event];
    return pattern !== undefined && pattern.test(typeof action === "string" ? action : "");
  };

  test("events the app does not handle are acknowledged (200) and ignored: no GitHub request, no check", async () => {
    const ignored = examples.filter((example) => !handled(example));
    expect(ignored.length).toBeGreaterThan(10);
    e2e.github.resetRequests();
    for (const example of ignored) {
      const answer = await post(e2e.app, example.body, {
        "x-github-event": example.event,
        "x-hub-signature-256": sign(SECRET, example.body),
      });
      expect([example.file, answer.status]).toEqual([example.file, 200]);
    }
    await waitIdle(e2e.app);
    // Requests about this file's own repositories (left over from earlier tests) are not the corpus's.
    expect(e2e.github.requests().filter((request) => !request.path.startsWith("/repos/acme/"))).toEqual([]);
    console.log(`webhook corpus: ${ignored.length} payloads of events/actions the app does not handle, all acknowledged and ignored`);
  }, 60_000);

  test("events the app handles are taken (200) without crashing it, though their repositories and installations are unknown here", async () => {
    const taken = examples.filter(handled);
    expect(taken.length).toBeGreaterThan(10);
    for (const example of taken) {
      const answer = await post(e2e.app, example.body, {
        "x-github-event": example.event,
        "x-hub-signature-256": sign(SECRET, example.body),
      });
      expect([example.file, answer.status]).toEqual([example.file, 200]);
    }
    await waitIdle(e2e.app);
    expect(await healthy(e2e.app)).toBe(true);
    expect(e2e.app.logLines().filter((line) => /unhandled promise rejection|uncaught exception/i.test(String(line["msg"])))).toEqual([]);
    console.log(`webhook corpus: ${taken.length} payloads of handled events, all taken; ${examples.length} in all`);
  }, 120_000);
});

describe("the app process", () => {
  test("is still up after all of the above, with no unhandled rejection or uncaught exception", async () => {
    expect(await healthy(e2e.app)).toBe(true);
    const bad = e2e.app.logLines().filter((line) => /unhandled promise rejection|uncaught exception/i.test(String(line["msg"])));
    expect(bad).toEqual([]);
  });
});
