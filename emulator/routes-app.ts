/**
 * App-level endpoints (JWT): the app itself, its installations, installation lookup by repository /
 * organisation / user, and minting installation access tokens. Plus the installation-token endpoints
 * that describe the token itself.
 */
import type { AppAuth } from "./auth.js";
import { hasPermission } from "./auth.js";
import { appJson, installationJson, repoJson } from "./representations.js";
import type { Reply, RequestContext, Route } from "./router.js";
import { HttpError, installationOf, installationToken, intParam, notFound, ok, paginate } from "./router.js";
import type { InstallationPermissions, InstallationRecord, PermissionLevel } from "./state.js";

function installationOr404(ctx: RequestContext, found: InstallationRecord | undefined): Reply {
  if (!found) throw notFound();
  return ok(installationJson(ctx.state, found));
}

function createAccessToken(ctx: RequestContext, auth: AppAuth): Reply {
  const installation = ctx.state.installations.get(intParam(ctx.params.installation_id));
  if (!installation) throw notFound();
  const body = (ctx.body ?? {}) as { repositories?: unknown; repository_ids?: unknown; permissions?: unknown };
  const covered = ctx.state.reposOfInstallation(installation);
  let narrowed: Set<string> | undefined;
  const names = Array.isArray(body.repositories) ? body.repositories : undefined;
  const ids = Array.isArray(body.repository_ids) ? body.repository_ids : undefined;
  if (names || ids) {
    narrowed = new Set();
    for (const name of names ?? []) {
      const repo = covered.find((r) => r.name.toLowerCase() === String(name).toLowerCase());
      if (!repo)
        throw new HttpError(422, "There is at least one repository that does not exist or is not accessible to the parent installation.");
      narrowed.add(repo.fullName.toLowerCase());
    }
    for (const id of ids ?? []) {
      const repo = covered.find((r) => r.id === Number(id));
      if (!repo)
        throw new HttpError(422, "There is at least one repository that does not exist or is not accessible to the parent installation.");
      narrowed.add(repo.fullName.toLowerCase());
    }
  }
  let permissions: InstallationPermissions | undefined;
  if (body.permissions !== undefined) {
    if (typeof body.permissions !== "object" || body.permissions === null) throw new HttpError(422, "Invalid request.");
    permissions = {};
    for (const [name, level] of Object.entries(body.permissions as Record<string, unknown>)) {
      if (!hasPermission(installation.permissions, name, level as PermissionLevel)) {
        throw new HttpError(422, "The permissions requested are not granted to this installation.");
      }
      permissions[name] = level as PermissionLevel;
    }
  }
  const issued = auth.issue(installation, { ...(narrowed ? { repositories: narrowed } : {}), ...(permissions ? { permissions } : {}) });
  const json: Record<string, unknown> = {
    token: issued.token,
    expires_at: issued.expiresAt.toISOString().replace(/\.\d{3}Z$/, "Z"),
    permissions: issued.permissions,
    repository_selection: narrowed ? "selected" : installation.repositorySelection,
  };
  if (narrowed) json.repositories = covered.filter((r) => narrowed.has(r.fullName.toLowerCase())).map((r) => repoJson(ctx.state, r));
  return ok(json, 201);
}

export function appRoutes(auth: AppAuth): Route[] {
  return [
    { method: "GET", pattern: "/app", auth: "app", handler: (ctx) => ok(appJson(ctx.state)) },
    {
      method: "GET",
      pattern: "/app/installations",
      auth: "app",
      handler: (ctx) => {
        const all = [...ctx.state.installations.values()].sort((a, b) => a.id - b.id);
        const page = paginate(all, ctx.query, `${ctx.state.apiBase}/app/installations`);
        return ok(
          page.items.map((i) => installationJson(ctx.state, i)),
          200,
          page.headers,
        );
      },
    },
    {
      method: "GET",
      pattern: "/app/installations/:installation_id",
      auth: "app",
      handler: (ctx) => installationOr404(ctx, ctx.state.installations.get(intParam(ctx.params.installation_id))),
    },
    {
      method: "POST",
      pattern: "/app/installations/:installation_id/access_tokens",
      auth: "app",
      handler: (ctx) => createAccessToken(ctx, auth),
    },
    {
      method: "GET",
      pattern: "/repos/:owner/:repo/installation",
      auth: "app",
      handler: (ctx) => {
        const repo = ctx.state.repo(`${ctx.params.owner}/${ctx.params.repo}`);
        return installationOr404(ctx, repo && ctx.state.installationForRepo(repo));
      },
    },
    {
      method: "GET",
      pattern: "/orgs/:org/installation",
      auth: "app",
      handler: (ctx) =>
        installationOr404(ctx, ctx.state.org(ctx.params.org as string) && ctx.state.installationForAccount(ctx.params.org as string)),
    },
    {
      method: "GET",
      pattern: "/users/:username/installation",
      auth: "app",
      handler: (ctx) => installationOr404(ctx, ctx.state.installationForAccount(ctx.params.username as string)),
    },
    {
      method: "GET",
      pattern: "/installation/repositories",
      auth: "installation",
      handler: (ctx) => {
        const token = installationToken(ctx);
        const repos = ctx.state
          .reposOfInstallation(installationOf(ctx))
          .filter((r) => !token.repositories || token.repositories.has(r.fullName.toLowerCase()))
          .sort((a, b) => a.id - b.id);
        const page = paginate(repos, ctx.query, `${ctx.state.apiBase}/installation/repositories`);
        return ok(
          {
            total_count: repos.length,
            repository_selection: installationOf(ctx).repositorySelection,
            repositories: page.items.map((r) => repoJson(ctx.state, r)),
          },
          200,
          page.headers,
        );
      },
    },
    {
      method: "DELETE",
      pattern: "/installation/token",
      auth: "installation",
      handler: (ctx) => {
        auth.revoke(installationToken(ctx).token);
        return { status: 204 };
      },
    },
  ];
}
