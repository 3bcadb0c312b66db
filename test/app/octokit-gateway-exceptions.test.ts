/**
 * The gateway methods the exception feature uses, over a scripted Octokit: which requests they make
 * (pagination, 404 as "not there"), how answers are read, and the app identity's cache.
 */
import { describe, expect, test } from "@jest/globals";
import { AppIdentity } from "../../src/github/app-identity.js";
import { GitHubApiError } from "../../src/github/gateway.js";
import { OctokitGateway, type OctokitRequester } from "../../src/github/octokit-gateway.js";

type Answer = { status: number; data: unknown; headers?: Record<string, unknown> } | { error: { status: number; message: string } };

/** Answers requests in order and records them. */
function scripted(
  ...answers: Answer[]
): OctokitRequester & { requests: { route: string; parameters: Record<string, unknown> | undefined }[] } {
  const requests: { route: string; parameters: Record<string, unknown> | undefined }[] = [];
  return {
    requests,
    async request(route, parameters) {
      requests.push({ route, parameters });
      const answer = answers.shift();
      if (!answer) throw new Error(`unexpected request ${route}`);
      if ("error" in answer)
        throw Object.assign(new Error(answer.error.message), { status: answer.error.status, response: { status: answer.error.status } });
      return { status: answer.status, data: answer.data, headers: answer.headers ?? {} };
    },
  };
}

const repo = { owner: "acme", repo: "shop" };
const comment = (id: number) => ({
  id,
  body: `comment ${id}`,
  user: { login: "alice", type: "User" },
  created_at: "2025-06-01T10:00:00Z",
  updated_at: "2025-06-01T10:00:00Z",
  html_url: `https://github.example/acme/shop/pull/1#issuecomment-${id}`,
});

describe("listIssueComments", () => {
  test("reads 100 per page and follows the Link header to the last page", async () => {
    const octokit = scripted(
      {
        status: 200,
        data: Array.from({ length: 100 }, (_, index) => comment(index + 1)),
        headers: { link: '<https://api/x?page=2>; rel="next"' },
      },
      { status: 200, data: [comment(101), { ...comment(102), user: null }] },
    );
    const comments = await new OctokitGateway(octokit).listIssueComments(repo, 1);
    expect(comments).toHaveLength(102);
    expect(comments[101]?.user).toBeNull();
    expect(octokit.requests.map((request) => [request.route, request.parameters?.["page"], request.parameters?.["per_page"]])).toEqual([
      ["GET /repos/{owner}/{repo}/issues/{issue_number}/comments", 1, 100],
      ["GET /repos/{owner}/{repo}/issues/{issue_number}/comments", 2, 100],
    ]);
  });

  test("a conversation too long to read in full is an error, not a partial answer", async () => {
    const page = { status: 200, data: Array.from({ length: 100 }, (_, index) => comment(index + 1)), headers: { link: 'rel="next"' } };
    const octokit = scripted(...Array.from({ length: 50 }, () => page));
    await expect(new OctokitGateway(octokit).listIssueComments(repo, 1)).rejects.toThrow(/more than 5000 comments/);
  });
});

describe("who may approve", () => {
  test("team membership: the state when a member, undefined on 404, an error otherwise", async () => {
    const octokit = scripted(
      { status: 200, data: { role: "member", state: "pending" } },
      { error: { status: 404, message: "Not Found" } },
      { error: { status: 403, message: "Resource not accessible by integration" } },
    );
    const gateway = new OctokitGateway(octokit);
    expect(await gateway.getTeamMembership("acme", "platform-security", "alice")).toBe("pending");
    expect(await gateway.getTeamMembership("acme", "platform-security", "mallory")).toBeUndefined();
    await expect(gateway.getTeamMembership("acme", "platform-security", "bob")).rejects.toMatchObject({ status: 403 });
    expect(octokit.requests[0]).toEqual({
      route: "GET /orgs/{org}/teams/{team_slug}/memberships/{username}",
      parameters: { org: "acme", team_slug: "platform-security", username: "alice" },
    });
  });

  test("collaborator permission: permission and role name; undefined for an unknown user", async () => {
    const octokit = scripted(
      { status: 200, data: { permission: "write", role_name: "maintain", user: {} } },
      { error: { status: 404, message: "Not Found" } },
    );
    const gateway = new OctokitGateway(octokit);
    expect(await gateway.getCollaboratorPermission(repo, "alice")).toEqual({ permission: "write", roleName: "maintain" });
    expect(await gateway.getCollaboratorPermission(repo, "ghost")).toBeUndefined();
  });
});

describe("the app's identity", () => {
  test("GET /app once per process, as <slug>[bot]; a failed lookup is asked again", async () => {
    const octokit = scripted({ error: { status: 502, message: "Bad Gateway" } }, { status: 200, data: { id: 1, slug: "kube-policy-bot" } });
    const identity = new AppIdentity(async () => octokit);
    const gateway = new OctokitGateway(scripted(), identity);
    await expect(gateway.getBotLogin()).rejects.toBeInstanceOf(GitHubApiError);
    expect(await gateway.getBotLogin()).toBe("kube-policy-bot[bot]");
    expect(await new OctokitGateway(scripted(), identity).getBotLogin()).toBe("kube-policy-bot[bot]");
    expect(octokit.requests.map((request) => request.route)).toEqual(["GET /app", "GET /app"]);
  });
});

describe("writes", () => {
  test("a reply is posted to the pull request's conversation and reactions to the comment", async () => {
    const octokit = scripted({ status: 201, data: { id: 99 } }, { status: 201, data: { id: 7, content: "+1" } });
    const gateway = new OctokitGateway(octokit);
    expect(await gateway.createIssueComment(repo, 1, "hello")).toEqual({ id: 99 });
    await gateway.createCommentReaction(repo, 42, "+1");
    expect(octokit.requests).toEqual([
      { route: "POST /repos/{owner}/{repo}/issues/{issue_number}/comments", parameters: { ...repo, issue_number: 1, body: "hello" } },
      {
        route: "POST /repos/{owner}/{repo}/issues/comments/{comment_id}/reactions",
        parameters: { ...repo, comment_id: 42, content: "+1" },
      },
    ]);
  });
});
