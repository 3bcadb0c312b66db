/**
 * Routing vocabulary shared by the server, the route tables and the fault plan: path patterns, the
 * request context a handler sees, replies, GitHub-style errors, and GitHub's page/per_page pagination
 * with its Link header.
 */
import type { IncomingHttpHeaders } from "node:http";
import type { Credentials, IssuedToken } from "./auth.js";
import { hasPermission } from "./auth.js";
import type { EmulatorState, InstallationRecord, PermissionLevel, RepoRecord } from "./state.js";

export type Params = Record<string, string>;

/**
 * Compiles "/repos/:owner/:repo/contents/*path": ":x" takes one segment, "*x" the (possibly empty)
 * rest. Values are percent-decoded after matching, so an encoded "/" (%2F, as Octokit sends for
 * contents paths and branch names) stays inside its parameter.
 */
export function compilePattern(pattern: string): (path: string) => Params | undefined {
  const parts = pattern.split("/").filter((p) => p !== "");
  return (path: string) => {
    const segments = path.split("/").filter((s) => s !== "");
    const params: Params = {};
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i] as string;
      if (part.startsWith("*")) {
        params[part.slice(1)] = safeDecode(segments.slice(i).join("/"));
        return params;
      }
      const segment = segments[i];
      if (segment === undefined) return undefined;
      if (part.startsWith(":")) params[part.slice(1)] = safeDecode(segment);
      else if (part !== segment) return undefined;
    }
    return segments.length === parts.length ? params : undefined;
  };
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

export interface RequestContext {
  method: string;
  /** Path after the /api/v3 prefix, still percent-encoded. */
  path: string;
  params: Params;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  /** Parsed JSON body, or undefined when there was none. */
  body: unknown;
  credentials: Credentials;
  state: EmulatorState;
}

export interface Reply {
  status: number;
  json?: unknown;
  raw?: { body: Buffer; contentType: string };
  headers?: Record<string, string>;
}

export interface Route {
  method: string;
  pattern: string;
  /** "app": a JWT is required; "installation": an installation token is required. */
  auth: "app" | "installation";
  handler: (ctx: RequestContext) => Reply | Promise<Reply>;
}

export const DOCS = "https://docs.github.com/rest";

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

export function errorBody(status: number, message: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { message, ...extra, documentation_url: (extra.documentation_url as string | undefined) ?? DOCS, status: String(status) };
}

export const notFound = (): HttpError => new HttpError(404, "Not Found");

/** GitHub's 422 body: "Validation Failed" with one entry per problem. */
export function validationFailed(errors: Array<{ field?: string; code?: string; message?: string; resource?: string }>): HttpError {
  return new HttpError(422, "Validation Failed", {
    errors: errors.map((e) => ({ resource: e.resource ?? "Request", code: e.code ?? "invalid", ...e })),
  });
}

export const ok = (json: unknown, status = 200, headers?: Record<string, string>): Reply => ({
  status,
  json,
  ...(headers ? { headers } : {}),
});

export function installationToken(ctx: RequestContext): IssuedToken {
  if (ctx.credentials.kind !== "installation") throw new HttpError(401, "Bad credentials");
  return ctx.credentials.token;
}

export function installationOf(ctx: RequestContext): InstallationRecord {
  const installation = ctx.state.installations.get(installationToken(ctx).installationId);
  if (!installation) throw new HttpError(401, "Bad credentials");
  return installation;
}

/**
 * The repository named in the path, if this token may see it. GitHub answers 404, not 403, for a
 * repository outside the installation, so its existence does not leak.
 */
export function accessibleRepo(ctx: RequestContext): RepoRecord {
  const repo = ctx.state.repo(`${ctx.params.owner}/${ctx.params.repo}`);
  const token = installationToken(ctx);
  const installation = installationOf(ctx);
  if (!repo || !ctx.state.installationCovers(installation, repo)) throw notFound();
  if (token.repositories && !token.repositories.has(repo.fullName.toLowerCase())) throw notFound();
  return repo;
}

/** Throws GitHub's 403 unless the token holds one of the permissions at the level asked for. */
export function requirePermission(ctx: RequestContext, anyOf: Array<[string, PermissionLevel]>): void {
  const token = installationToken(ctx);
  if (!anyOf.some(([name, level]) => hasPermission(token.permissions, name, level))) {
    throw new HttpError(403, "Resource not accessible by integration", { documentation_url: DOCS });
  }
}

export function intParam(value: string | undefined): number {
  if (value === undefined || !/^\d+$/.test(value)) throw notFound();
  return Number(value);
}

export interface Page<T> {
  items: T[];
  headers: Record<string, string>;
}

/**
 * GitHub's pagination: per_page defaults to 30 and is capped at 100; `cap` bounds the listable total
 * (3000 for pull request files). The Link header repeats the request's query with the page changed, in
 * GitHub's order: prev, next, last, first.
 */
export function paginate<T>(items: readonly T[], query: URLSearchParams, linkBase: string, cap = Number.POSITIVE_INFINITY): Page<T> {
  const requestedPerPage = Number.parseInt(query.get("per_page") ?? "", 10);
  const perPage = Number.isFinite(requestedPerPage) && requestedPerPage > 0 ? Math.min(requestedPerPage, 100) : 30;
  const requestedPage = Number.parseInt(query.get("page") ?? "", 10);
  const page = Number.isFinite(requestedPage) && requestedPage > 0 ? requestedPage : 1;
  const listable = items.slice(0, Math.min(items.length, cap));
  const lastPage = Math.max(1, Math.ceil(listable.length / perPage));
  const slice = listable.slice((page - 1) * perPage, page * perPage);
  const link = (p: number): string => {
    const q = new URLSearchParams(query);
    q.delete("page");
    q.set("page", String(p));
    return `<${linkBase}?${q.toString()}>`;
  };
  const rels: string[] = [];
  if (page > 1) rels.push(`${link(Math.min(page - 1, lastPage))}; rel="prev"`);
  if (page < lastPage) rels.push(`${link(page + 1)}; rel="next"`, `${link(lastPage)}; rel="last"`);
  if (page > 1) rels.push(`${link(1)}; rel="first"`);
  return { items: slice, headers: rels.length > 0 ? { link: rels.join(", ") } : {} };
}
