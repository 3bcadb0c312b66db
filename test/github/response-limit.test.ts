/**
 * The response size limit: a declared Content-Length over it is refused unread, a streamed body is
 * cut as soon as it passes it, and a refusal becomes a 413 Octokit reports as an ordinary error.
 */
import { describe, expect, test } from "@jest/globals";
import { DEFAULT_LIMITS } from "../../src/manifests/limits.js";
import {
  DEFAULT_RESPONSE_LIMITS,
  REFUSED_HEADER,
  blobResponseBytes,
  fetchWithResponseLimit,
  limitFor,
} from "../../src/github/response-limit.js";

const LIMITS = { blobBytes: 1000, otherBytes: 5000 };

/** A fake fetch answering `total` bytes in chunks, counting how many it was asked to produce. */
function streaming(total: number, options: { declare?: boolean } = {}) {
  const produced = { bytes: 0 };
  const fake: typeof fetch = async () => {
    let left = total;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (left <= 0) return controller.close();
        const size = Math.min(100, left);
        left -= size;
        produced.bytes += size;
        controller.enqueue(new Uint8Array(size).fill(0x61));
      },
    });
    const headers: Record<string, string> = { "content-type": "application/json", "x-github-request-id": "ABC" };
    if (options.declare) headers["content-length"] = String(total);
    return new Response(body, { status: 200, headers });
  };
  return { fake, produced };
}

describe("fetchWithResponseLimit", () => {
  test("blob responses get the blob limit, others the general one", () => {
    expect(limitFor("https://api.github.com/repos/o/r/git/blobs/abc", LIMITS)).toBe(1000);
    expect(limitFor("https://api.github.com/repos/o/r/pulls/1/files?page=2", LIMITS)).toBe(5000);
    // Enough for a blob of the largest manifest the loader reads (base64, wrapped, JSON-escaped).
    const largest = Buffer.alloc(DEFAULT_LIMITS.maxBytes, 7)
      .toString("base64")
      .replace(/(.{60})/g, "$1\n");
    expect(
      JSON.stringify({ sha: "0".repeat(40), size: DEFAULT_LIMITS.maxBytes, content: largest, encoding: "base64" }).length,
    ).toBeLessThan(DEFAULT_RESPONSE_LIMITS.blobBytes);
    expect(blobResponseBytes(3)).toBe(Math.ceil((4 * 62) / 60) + 65536);
  });

  test("under the limit: the same body, status and headers", async () => {
    const { fake } = streaming(800);
    const response = await fetchWithResponseLimit(fake, LIMITS)("https://h/repos/o/r/git/blobs/x");
    expect(response.status).toBe(200);
    expect((await response.arrayBuffer()).byteLength).toBe(800);
    expect(response.headers.get("x-github-request-id")).toBe("ABC");
  });

  test("a streamed body is cut just past the limit: a 413 marked as refused, the rest never read", async () => {
    const { fake, produced } = streaming(1_000_000);
    const response = await fetchWithResponseLimit(fake, LIMITS)("https://h/repos/o/r/git/blobs/x");
    expect(response.status).toBe(413);
    expect(response.headers.get(REFUSED_HEADER)).toBe("1000");
    expect(response.headers.get("x-github-request-id")).toBe("ABC");
    expect(produced.bytes).toBeLessThan(2000);
  });

  test("a declared Content-Length over the limit is refused without reading", async () => {
    const { fake, produced } = streaming(10_000, { declare: true });
    const response = await fetchWithResponseLimit(fake, LIMITS)("https://h/repos/o/r/pulls/1/files");
    expect(response.status).toBe(413);
    expect(produced.bytes).toBeLessThanOrEqual(100);
  });
});
