/**
 * Signed webhook delivery, as GitHub's Hookshot does it: POST of the JSON body to the app's URL with
 * X-GitHub-Event, X-GitHub-Delivery (a UUID), X-Hub-Signature-256 = "sha256=" + HMAC-SHA256(secret,
 * exact body bytes), and a 10 s timeout after which GitHub records a failed delivery. Every delivery is
 * kept so a test can redeliver it: same body, same delivery id, as GitHub's "Redeliver" button does.
 */
import { createHmac, randomUUID } from "node:crypto";

export interface DeliveryResult {
  id: string;
  event: string;
  action: string | undefined;
  /** HTTP status of the app's answer; 0 when it did not answer (connection error or timeout). */
  status: number;
  /** The app's response body (Probot answers "ok\n" or a JSON error). */
  body: string;
  error: string | undefined;
  redelivery: boolean;
}

export interface DeliveryRecord {
  id: string;
  event: string;
  /** The exact bytes that were signed and sent. */
  body: string;
  results: DeliveryResult[];
}

export interface WebhookSenderOptions {
  secret: string;
  /** Full URL of the app's webhook endpoint, e.g. http://127.0.0.1:3000/api/github/webhooks. */
  url?: string;
  /** GitHub gives up after 10 seconds. */
  timeoutMs?: number;
  hookId?: number;
  appId?: number;
}

export function signBody(secret: string, body: string | Buffer): string {
  return `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
}

export class WebhookSender {
  private readonly records = new Map<string, DeliveryRecord>();
  private readonly order: string[] = [];
  url: string | undefined;
  secret: string;
  timeoutMs: number;

  constructor(private readonly options: WebhookSenderOptions) {
    this.url = options.url;
    this.secret = options.secret;
    this.timeoutMs = options.timeoutMs ?? 10_000;
  }

  async send(event: string, payload: object, options: { deliveryId?: string } = {}): Promise<DeliveryResult> {
    const id = options.deliveryId ?? randomUUID();
    const body = JSON.stringify(payload);
    const record: DeliveryRecord = { id, event, body, results: [] };
    if (!this.records.has(id)) this.order.push(id);
    this.records.set(id, record);
    return this.post(record, false);
  }

  /** Sends a recorded delivery again, byte for byte and with the same X-GitHub-Delivery. */
  async redeliver(id: string): Promise<DeliveryResult> {
    const record = this.records.get(id);
    if (!record) throw new Error(`no delivery ${id} to redeliver`);
    return this.post(record, true);
  }

  deliveries(): DeliveryRecord[] {
    return this.order.map((id) => this.records.get(id) as DeliveryRecord);
  }

  private async post(record: DeliveryRecord, redelivery: boolean): Promise<DeliveryResult> {
    const action = (JSON.parse(record.body) as { action?: unknown }).action;
    const base = { id: record.id, event: record.event, action: typeof action === "string" ? action : undefined, redelivery };
    if (!this.url) throw new Error("no webhook URL configured: set the app's URL before sending events");
    let result: DeliveryResult;
    try {
      const response = await fetch(this.url, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "user-agent": "GitHub-Hookshot/emulator",
          "x-github-event": record.event,
          "x-github-delivery": record.id,
          "x-github-hook-id": String(this.options.hookId ?? 1),
          "x-github-hook-installation-target-type": "integration",
          "x-github-hook-installation-target-id": String(this.options.appId ?? 0),
          "x-hub-signature": `sha1=${createHmac("sha1", this.secret).update(record.body).digest("hex")}`,
          "x-hub-signature-256": signBody(this.secret, record.body),
        },
        body: record.body,
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      result = { ...base, status: response.status, body: await response.text(), error: undefined };
    } catch (error) {
      // Checked by name: errors from fetch may come from another realm (e.g. under Jest's VM modules).
      const name = (error as { name?: unknown } | null)?.name;
      const timedOut = name === "TimeoutError" || name === "AbortError";
      result = {
        ...base,
        status: 0,
        body: "",
        error: timedOut ? `timed out after ${this.timeoutMs} ms` : String((error as { cause?: unknown }).cause ?? error),
      };
    }
    record.results.push(result);
    return result;
  }
}
