/**
 * GitHub App authentication as GitHub checks it: an RS256 JWT signed with the app's private key for the
 * /app endpoints, and short-lived installation tokens for everything else, scoped to the installation's
 * repositories and permissions. The emulator only holds the public key, like GitHub.
 */
import { createPublicKey, randomBytes, verify } from "node:crypto";
import type { KeyObject } from "node:crypto";
import type { InstallationPermissions, InstallationRecord, PermissionLevel } from "./state.js";

export interface IssuedToken {
  token: string;
  installationId: number;
  expiresAt: Date;
  /** Lower-cased full names when the token was narrowed to some repositories at creation. */
  repositories: Set<string> | undefined;
  permissions: InstallationPermissions;
}

export type Credentials =
  { kind: "none" } | { kind: "app" } | { kind: "installation"; token: IssuedToken } | { kind: "invalid"; message: string };

const LEVELS: PermissionLevel[] = ["read", "write", "admin"];
/** GitHub allows a minute of clock drift on `iat`, and at most ten minutes between now and `exp`. */
const CLOCK_SKEW_SECONDS = 60;
const MAX_JWT_LIFETIME_SECONDS = 600;
const TOKEN_LIFETIME_MS = 60 * 60 * 1000;

function base64UrlJson(part: string): unknown {
  return JSON.parse(Buffer.from(part, "base64url").toString("utf8"));
}

/** Returns undefined when the JWT is valid for this app, else GitHub's 401 message. */
export function verifyAppJwt(jwt: string, publicKey: KeyObject, appId: number, nowSeconds: number): string | undefined {
  const parts = jwt.split(".");
  if (parts.length !== 3) return "A JSON web token could not be decoded";
  const [headerPart, payloadPart, signaturePart] = parts as [string, string, string];
  let header: unknown;
  let payload: unknown;
  try {
    header = base64UrlJson(headerPart);
    payload = base64UrlJson(payloadPart);
  } catch {
    return "A JSON web token could not be decoded";
  }
  if (typeof header !== "object" || header === null || (header as { alg?: unknown }).alg !== "RS256") {
    return "A JSON web token could not be decoded";
  }
  const signatureOk = verify("RSA-SHA256", Buffer.from(`${headerPart}.${payloadPart}`), publicKey, Buffer.from(signaturePart, "base64url"));
  if (!signatureOk) return "A JSON web token could not be decoded";
  const claims = (typeof payload === "object" && payload !== null ? payload : {}) as { iss?: unknown; iat?: unknown; exp?: unknown };
  if (claims.iss === undefined || String(claims.iss) !== String(appId)) return "Integration not found";
  if (typeof claims.iat !== "number" || !Number.isInteger(claims.iat) || claims.iat > nowSeconds + CLOCK_SKEW_SECONDS) {
    return "'Issued at' claim ('iat') must be an Integer representing the time that the assertion was issued";
  }
  if (typeof claims.exp !== "number" || claims.exp <= nowSeconds) {
    return "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires";
  }
  if (claims.exp > nowSeconds + MAX_JWT_LIFETIME_SECONDS + CLOCK_SKEW_SECONDS)
    return "'Expiration time' claim ('exp') is too far in the future";
  return undefined;
}

export function hasPermission(permissions: InstallationPermissions, name: string, level: PermissionLevel): boolean {
  const granted = permissions[name];
  return granted !== undefined && LEVELS.indexOf(granted) >= LEVELS.indexOf(level);
}

export class AppAuth {
  private readonly tokens = new Map<string, IssuedToken>();
  readonly publicKey: KeyObject;

  constructor(
    publicKey: KeyObject | string,
    private readonly appId: number,
  ) {
    this.publicKey = typeof publicKey === "string" ? createPublicKey(publicKey) : publicKey;
  }

  /** Reads the Authorization header: "Bearer <jwt>" for the app, "token|Bearer <token>" for installations. */
  identify(header: string | undefined, nowMs = Date.now()): Credentials {
    if (!header) return { kind: "none" };
    const match = /^(bearer|token)\s+(\S+)\s*$/i.exec(header);
    if (!match) return { kind: "invalid", message: "Bad credentials" };
    const secret = match[2] as string;
    const issued = this.tokens.get(secret);
    if (issued)
      return issued.expiresAt.getTime() > nowMs ? { kind: "installation", token: issued } : { kind: "invalid", message: "Bad credentials" };
    if (secret.split(".").length === 3) {
      const problem = verifyAppJwt(secret, this.publicKey, this.appId, Math.floor(nowMs / 1000));
      return problem === undefined ? { kind: "app" } : { kind: "invalid", message: problem };
    }
    return { kind: "invalid", message: "Bad credentials" };
  }

  issue(
    installation: InstallationRecord,
    narrowTo: { repositories?: Set<string>; permissions?: InstallationPermissions } = {},
  ): IssuedToken {
    const token: IssuedToken = {
      // Real tokens are "ghs_" + 36 characters; apps must not rely on the length, so this one differs.
      token: `ghs_${randomBytes(24).toString("base64url")}`,
      installationId: installation.id,
      expiresAt: new Date(Date.now() + TOKEN_LIFETIME_MS),
      repositories: narrowTo.repositories,
      permissions: narrowTo.permissions ?? { ...installation.permissions },
    };
    this.tokens.set(token.token, token);
    return token;
  }

  revoke(token: string): void {
    this.tokens.delete(token);
  }

  /** Lets a test make every token stale, so the app has to mint new ones. */
  expireAll(): void {
    for (const t of this.tokens.values()) t.expiresAt = new Date(0);
  }

  issuedCount(): number {
    return this.tokens.size;
  }
}
