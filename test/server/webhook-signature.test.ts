/** The webhook signature check, on the published test vectors and the ways a signature can be wrong. */
import { describe, expect, test } from "@jest/globals";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { checkSignature, signatureOf } from "../../src/server/webhook-signature.js";

const VECTORS = path.join(
  path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../shared"),
  "corpora/webhooks/signature-vectors.json",
);
const haveVectors = existsSync(VECTORS);
if (!haveVectors) console.log(`SKIPPED signature vectors: ${VECTORS} is absent (the shared corpora live beside the checkout).`);

describe("checkSignature", () => {
  (haveVectors ? test : test.skip)("every published vector verifies, and fails with a flipped digit or another secret", () => {
    const { vectors } = JSON.parse(readFileSync(VECTORS, "utf8")) as {
      vectors: Array<{ secret: string; payload: string; x_hub_signature_256: string }>;
    };
    expect(vectors.length).toBeGreaterThan(0);
    for (const vector of vectors) {
      const body = Buffer.from(vector.payload, "utf8");
      expect(signatureOf(vector.secret, body)).toBe(vector.x_hub_signature_256);
      expect(checkSignature(vector.secret, body, vector.x_hub_signature_256, undefined)).toEqual({ ok: true });
      expect(
        checkSignature(vector.secret, body, vector.x_hub_signature_256.toUpperCase().replace("SHA256=", "sha256="), undefined),
      ).toEqual({ ok: true });
      const flipped = `${vector.x_hub_signature_256.slice(0, -1)}${vector.x_hub_signature_256.endsWith("0") ? "1" : "0"}`;
      expect(checkSignature(vector.secret, body, flipped, undefined)).toMatchObject({ ok: false, status: 401 });
      expect(checkSignature(`${vector.secret}x`, body, vector.x_hub_signature_256, undefined)).toMatchObject({ ok: false, status: 401 });
    }
  });

  test("missing, SHA-1 only, and malformed signatures are 400s", () => {
    const body = Buffer.from("{}");
    expect(checkSignature("s", body, undefined, undefined)).toMatchObject({
      ok: false,
      status: 400,
      error: expect.stringMatching(/missing/),
    });
    expect(checkSignature("s", body, undefined, "sha1=abc")).toMatchObject({
      ok: false,
      status: 400,
      error: expect.stringMatching(/SHA-1/),
    });
    for (const header of ["", "sha256", "sha256=", `sha256=${"g".repeat(64)}`, `sha512=${"0".repeat(64)}`, `sha256=${"0".repeat(63)}`]) {
      expect(checkSignature("s", body, header, undefined)).toMatchObject({ ok: false, status: 400 });
    }
  });

  test("the exact bytes are signed: a body that differs only after UTF-8 decoding does not verify", () => {
    const bytes = Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d]); // {"a":"\xff"}
    const decodedAgain = Buffer.from(bytes.toString("utf8"), "utf8");
    expect(checkSignature("s", bytes, signatureOf("s", bytes), undefined)).toEqual({ ok: true });
    expect(checkSignature("s", decodedAgain, signatureOf("s", bytes), undefined)).toMatchObject({ ok: false, status: 401 });
  });
});
