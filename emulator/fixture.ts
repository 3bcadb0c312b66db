/**
 * Test fixture for the emulator's own tests: a fresh emulator with a generated app key pair, a JWT
 * signer (also for deliberately bad JWTs), and Octokit clients pointed at it over real HTTP.
 */
import { createSign, generateKeyPairSync } from "node:crypto";
import { Octokit } from "@octokit/rest";
import type { EmulatorOptions, GitHubEmulator } from "./server.js";
import { startEmulator } from "./server.js";

export const APP_ID = 4242;
export const WEBHOOK_SECRET = "emulator-test-secret";

export interface TestEmulator {
  emulator: GitHubEmulator;
  privateKey: string;
  publicKey: string;
  /** An RS256 app JWT; claims and key can be overridden to make it invalid. */
  jwt(overrides?: { iss?: unknown; iat?: number; exp?: number; key?: string; alg?: string }): string;
  /** Octokit authenticated as the app (JWT). */
  appOctokit(): Octokit;
  /** Mints an installation token through the REST API and returns an Octokit using it. */
  installationOctokit(installationId: number): Promise<Octokit>;
  stop(): Promise<void>;
}

/** GitHub hands out PKCS#1 keys ("BEGIN RSA PRIVATE KEY"); use the same format. */
export function generateAppKeyPair(): { privateKey: string; publicKey: string } {
  return generateKeyPairSync("rsa", {
    modulusLength: 2048,
    publicKeyEncoding: { type: "spki", format: "pem" },
    privateKeyEncoding: { type: "pkcs1", format: "pem" },
  });
}

let generated: { privateKey: string; publicKey: string } | undefined;
/** One key pair per test file: RSA generation is the slowest part of starting an emulator. */
function appKeys(): { privateKey: string; publicKey: string } {
  generated ??= generateAppKeyPair();
  return generated;
}

export function signJwt(privateKey: string, claims: Record<string, unknown>, alg = "RS256"): string {
  const enc = (o: unknown): string => Buffer.from(JSON.stringify(o)).toString("base64url");
  const unsigned = `${enc({ alg, typ: "JWT" })}.${enc(claims)}`;
  const signature = createSign("RSA-SHA256").update(unsigned).sign(privateKey).toString("base64url");
  return `${unsigned}.${signature}`;
}

export async function startTestEmulator(options: Partial<EmulatorOptions> = {}): Promise<TestEmulator> {
  const keys = appKeys();
  const emulator = await startEmulator({ publicKey: keys.publicKey, webhookSecret: WEBHOOK_SECRET, appId: APP_ID, ...options });
  const jwt: TestEmulator["jwt"] = (overrides = {}) => {
    const now = Math.floor(Date.now() / 1000);
    return signJwt(
      overrides.key ?? keys.privateKey,
      { iat: overrides.iat ?? now - 30, exp: overrides.exp ?? now + 540, iss: "iss" in overrides ? overrides.iss : APP_ID },
      overrides.alg,
    );
  };
  const quiet = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
  const octokitFor = (auth: string): Octokit => new Octokit({ baseUrl: emulator.apiUrl, auth, log: quiet });
  return {
    emulator,
    privateKey: keys.privateKey,
    publicKey: keys.publicKey,
    jwt,
    appOctokit: () => octokitFor(jwt()),
    installationOctokit: async (installationId) => {
      const { data } = await octokitFor(jwt()).rest.apps.createInstallationAccessToken({ installation_id: installationId });
      return octokitFor(data.token);
    },
    stop: () => emulator.stop(),
  };
}

/** Sets up org "acme" (owner "alice") with repo "acme/gitops" and the app installed; returns the installation id. */
export function seedAcme(emulator: GitHubEmulator, files?: Record<string, string>): number {
  const c = emulator.client;
  c.createOrg("acme", { members: { alice: "admin", bob: "member" } });
  c.createRepo("acme/gitops", files ? { files } : {});
  return c.install("acme");
}
