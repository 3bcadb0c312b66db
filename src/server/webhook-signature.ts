/**
 * GitHub's webhook signature, checked on the exact bytes received, before anything reads them.
 *
 * GitHub signs each delivery with HMAC-SHA256 of the raw body under the webhook secret and sends it as
 * `X-Hub-Signature-256: sha256=<64 hex digits>` (GitHub docs, "Validating webhook deliveries").
 * The older `X-Hub-Signature` (HMAC-SHA1) is still sent for compatibility but is not accepted alone:
 * SHA-1 is deprecated and GitHub recommends the SHA-256 header.
 *
 * Probot verifies too, but only after our server has decoded the body to text, and its failure path
 * logs the whole delivery. Checking here first means an unsigned or forged request is refused before
 * any decoding or JSON parsing, without a byte of it in the logs, whatever the library does.
 *
 * - 400: no signature header, only the SHA-1 one, or not the `sha256=<hex>` form (not a GitHub delivery);
 * - 401: a well-formed signature that does not match (wrong secret, or altered body).
 */
import { createHmac, timingSafeEqual } from "node:crypto";

export type SignatureCheck = { ok: true } | { ok: false; status: 400 | 401; error: string };

const SIGNATURE_FORM = /^sha256=([0-9a-f]{64})$/i;

export function signatureOf(secret: string, body: Uint8Array): string {
  return `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
}

export function checkSignature(
  secret: string,
  body: Uint8Array,
  sha256Header: string | undefined,
  sha1Header: string | undefined,
): SignatureCheck {
  if (sha256Header === undefined) {
    return sha1Header !== undefined
      ? { ok: false, status: 400, error: "only X-Hub-Signature (SHA-1) was sent: X-Hub-Signature-256 is required" }
      : { ok: false, status: 400, error: "X-Hub-Signature-256 is missing: this endpoint accepts signed GitHub webhooks only" };
  }
  const form = SIGNATURE_FORM.exec(sha256Header.trim());
  if (!form) return { ok: false, status: 400, error: 'X-Hub-Signature-256 is not of the form "sha256=<64 hex digits>"' };
  const expected = createHmac("sha256", secret).update(body).digest();
  const received = Buffer.from((form[1] as string).toLowerCase(), "hex");
  // Constant time: how much of a guess matched must not show in the response time.
  if (received.length !== expected.length || !timingSafeEqual(received, expected)) {
    return {
      ok: false,
      status: 401,
      error: "signature does not match: check that the app's WEBHOOK_SECRET is the GitHub App's webhook secret",
    };
  }
  return { ok: true };
}
