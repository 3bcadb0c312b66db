/**
 * `fetch` that never holds more of a GitHub response in memory than a set number of bytes.
 *
 * Octokit reads every response body whole. A blob can be 100 MB (GitHub's limit), and a pull
 * request is written by anyone: without a bound, one push of a huge file would make the app buffer
 * it (base64-inflated) before any size check could run. So the body is read here, chunk by chunk,
 * and the read stops as soon as it passes the limit for its URL (a declared Content-Length over the
 * limit is refused before reading at all).
 *
 * A refused response comes back as a synthetic `413` carrying `REFUSED_HEADER`, so that Octokit turns
 * it into an ordinary request error (with a response, hence no network-error retry: 413 is in the
 * app's do-not-retry list) and the gateway can say precisely what happened ("larger than N bytes").
 * The limit for blobs follows the manifest size limit; other responses get a generous backstop.
 */
import { DEFAULT_LIMITS } from "../manifests/limits.js";

/** Marks a response this module refused; its value is the limit in bytes. */
export const REFUSED_HEADER = "x-kube-policy-bot-refused-over-bytes";

export interface ResponseLimits {
  /** Git blob reads (`/git/blobs/`): the JSON of a blob holding `maxManifestBytes`, base64-encoded. */
  blobBytes: number;
  /** Every other response. */
  otherBytes: number;
}

/**
 * GitHub's blob JSON: base64 (4 bytes per 3), wrapped at 60 characters per line with a newline that
 * JSON escapes as two characters (62 bytes per 60), plus the JSON envelope (sha, url, node_id, ...),
 * for which 64 KiB is far more than enough.
 */
export function blobResponseBytes(maxManifestBytes: number): number {
  return Math.ceil((Math.ceil(maxManifestBytes / 3) * 4 * 62) / 60) + 64 * 1024;
}

export const DEFAULT_RESPONSE_LIMITS: Readonly<ResponseLimits> = Object.freeze({
  blobBytes: blobResponseBytes(DEFAULT_LIMITS.maxBytes),
  // Trees stop at 7 MB and file lists at 100 entries a page: 64 MiB is a backstop, not a budget.
  otherBytes: 64 * 1024 * 1024,
});

export function limitFor(url: string, limits: ResponseLimits): number {
  let path: string;
  try {
    path = new URL(url).pathname;
  } catch {
    path = url;
  }
  return /\/git\/blobs\/[^/]+$/.test(path) ? limits.blobBytes : limits.otherBytes;
}

export function fetchWithResponseLimit(base: typeof fetch, limits: ResponseLimits = DEFAULT_RESPONSE_LIMITS): typeof fetch {
  return async (input, init) => {
    const response = await base(input, init);
    const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
    const limit = limitFor(url, limits);
    const declared = Number(response.headers.get("content-length"));
    if (Number.isFinite(declared) && declared > limit) {
      await response.body?.cancel().catch(() => undefined);
      return refused(response, limit);
    }
    if (!response.body) return response;

    const reader = response.body.getReader();
    const chunks: Uint8Array[] = [];
    let size = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > limit) {
        await reader.cancel().catch(() => undefined);
        return refused(response, limit);
      }
      chunks.push(value);
    }
    // The body is now decoded (fetch undid any gzip): drop the headers that described the wire form.
    const headers = new Headers(response.headers);
    headers.delete("content-encoding");
    headers.set("content-length", String(size));
    const status = response.status;
    // A Response cannot carry a body with these statuses.
    const body = status === 204 || status === 205 || status === 304 ? null : Buffer.concat(chunks);
    return new Response(body, { status, statusText: response.statusText, headers });
  };
}

function refused(response: Response, limit: number): Response {
  const body = JSON.stringify({ message: `response larger than ${limit} bytes: not read (the app's limit for this kind of response)` });
  const headers = new Headers({ "content-type": "application/json; charset=utf-8", [REFUSED_HEADER]: String(limit) });
  // Keep GitHub's request id so logs can still be matched with GitHub support.
  const requestId = response.headers.get("x-github-request-id");
  if (requestId) headers.set("x-github-request-id", requestId);
  return new Response(body, { status: 413, statusText: "Response Too Large", headers });
}
