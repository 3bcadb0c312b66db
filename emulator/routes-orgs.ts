/**
 * Organisation endpoints an app uses to authorise people: team membership (child teams included,
 * owners reported as maintainers) and organisation membership; plus public account lookups.
 */
import { orgJson, userJson } from "./representations.js";
import type { RequestContext, Route } from "./router.js";
import { installationOf, notFound, ok, requirePermission } from "./router.js";
import type { OrgRecord } from "./state.js";

/** Member data is only visible to an installation on that organisation. */
function installedOrg(ctx: RequestContext): OrgRecord {
  const org = ctx.state.org(ctx.params.org as string);
  if (!org || installationOf(ctx).account.toLowerCase() !== org.login.toLowerCase()) throw notFound();
  requirePermission(ctx, [["members", "read"]]);
  return org;
}

export function orgRoutes(): Route[] {
  return [
    {
      method: "GET",
      pattern: "/orgs/:org/teams/:team_slug/memberships/:username",
      auth: "installation",
      handler: (ctx) => {
        const org = installedOrg(ctx);
        const team = org.teams.get((ctx.params.team_slug as string).toLowerCase());
        const membership = team && ctx.state.teamMembership(org.login, team.slug, ctx.params.username as string);
        if (!team || !membership) throw notFound();
        return ok({
          url: `${ctx.state.apiBase}/organizations/${org.id}/team/${team.id}/memberships/${encodeURIComponent(ctx.params.username as string)}`,
          role: membership.role,
          state: membership.state,
        });
      },
    },
    {
      method: "GET",
      pattern: "/orgs/:org/members/:username",
      auth: "installation",
      handler: (ctx) => {
        const org = installedOrg(ctx);
        if (!org.members.has((ctx.params.username as string).toLowerCase())) throw notFound();
        return { status: 204 };
      },
    },
    {
      method: "GET",
      pattern: "/orgs/:org",
      auth: "installation",
      handler: (ctx) => {
        const org = ctx.state.org(ctx.params.org as string);
        if (!org) throw notFound();
        return ok({ ...orgJson(ctx.state, org), type: "Organization", html_url: `${ctx.state.baseUrl}/${org.login}` });
      },
    },
    {
      method: "GET",
      pattern: "/users/:username",
      auth: "installation",
      handler: (ctx) => {
        const user = ctx.state.user(ctx.params.username as string);
        if (!user) throw notFound();
        return ok(userJson(ctx.state, user.login));
      },
    },
  ];
}
