/**
 * Suggested changes end to end: the real app against the GitHub emulator. A pull request that adds a
 * privileged Deployment gets one review of suggested changes; committing them as GitHub's "Commit
 * suggestions" does makes the next check pass baseline, and the bot does not suggest them again.
 */
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { startE2E, type E2E } from "../../emulator/harness.js";

const PRIVILEGED_DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: node-agent
  namespace: ops
spec:
  selector:
    matchLabels: {app: node-agent}
  template:
    metadata:
      labels: {app: node-agent}
    spec:
      hostNetwork: true   # needs the node's interfaces (it does not)
      containers:
        - name: agent
          image: registry.example.com/agent:2.1.0
          securityContext:
            privileged: true
            capabilities:
              add: ["SYS_ADMIN", "NET_BIND_SERVICE"]
`;

let e2e: E2E;
let repoCounter = 0;

function newRepo(files?: Record<string, string>): string {
  const name = `acme/suggest-${++repoCounter}`;
  e2e.github.createRepo(name, { files: { "README.md": "# gitops\n", ...files } });
  return name;
}

beforeAll(async () => {
  e2e = await startE2E();
  e2e.github.createOrg("acme", { members: { alice: "admin", bob: "member" } });
  e2e.github.install("acme");
});

afterAll(async () => {
  await e2e?.stop();
});

/** Waits until the app's review (or reviews) for the pull request have arrived. */
async function waitForReviews(repo: string, number: number, count: number): Promise<Array<Record<string, unknown>>> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const reviews = e2e.github.reviews(repo, number);
    if (reviews.length >= count) return reviews;
    if (Date.now() > deadline) throw new Error(`expected ${count} review(s) on ${repo}#${number}, got ${reviews.length}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe("suggested changes in the pull request", () => {
  test("a privileged Deployment gets one review whose suggestions, committed, make the next check pass baseline", async () => {
    const repo = newRepo();
    const pr = await e2e.github.openPullRequest({ repo, files: { "apps/agent.yaml": PRIVILEGED_DEPLOYMENT } });
    const run = await e2e.waitForCheckRun(repo, pr.headSha);
    expect(run.conclusion).toBe("failure");

    const [review] = await waitForReviews(repo, pr.number, 1);
    expect(review).toMatchObject({ state: "COMMENTED", user: { login: "kube-policy-bot[bot]" }, commit_id: pr.headSha });
    const comments = e2e.github.reviewComments(repo, pr.number);
    expect(comments.length).toBeGreaterThan(0);
    for (const comment of comments) {
      expect(comment).toMatchObject({ path: "apps/agent.yaml", side: "RIGHT", pull_request_review_id: review?.["id"] });
      expect(comment.body).toMatch(/```suggestion\n/);
    }
    // The hostNetwork line keeps its comment; the privileged container's lines are fixed together.
    expect(comments.map((comment) => comment.body).join("\n")).toContain(
      "      hostNetwork: false   # needs the node's interfaces (it does not)",
    );
    expect(comments.map((comment) => comment.body).join("\n")).toContain(
      '`pod-security-baseline/privileged` (container "agent"): Set privileged to false.',
    );

    const applied = await e2e.github.commitSuggestions({
      repo,
      number: pr.number,
      commentIds: comments.map((comment) => comment.id),
      author: "bob",
    });
    const next = await e2e.waitForCheckRun(repo, applied.headSha);
    expect(next.conclusion).toBe("success");
    expect(next.annotations.filter((annotation) => annotation.title?.startsWith("pod-security-baseline/"))).toEqual([]);
    // Nothing fixable is left on the new head: no second review.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(e2e.github.reviews(repo, pr.number)).toHaveLength(1);
  });

  test("a push that changes nothing fixable does not repeat the suggestions; a pull request with nothing fixable gets none", async () => {
    const repo = newRepo();
    const pr = await e2e.github.openPullRequest({ repo, files: { "apps/agent.yaml": PRIVILEGED_DEPLOYMENT } });
    await e2e.waitForCheckRun(repo, pr.headSha);
    await waitForReviews(repo, pr.number, 1);
    const before = e2e.github.reviewComments(repo, pr.number).length;

    const push = await e2e.github.push({ repo, number: pr.number, files: { "docs/agent.md": "# the agent\n" } });
    await e2e.waitForCheckRun(repo, push.headSha);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(e2e.github.reviews(repo, pr.number)).toHaveLength(1);
    expect(e2e.github.reviewComments(repo, pr.number)).toHaveLength(before);

    const clean = await e2e.github.openPullRequest({
      repo,
      files: {
        "apps/latest.yaml":
          'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  volumes: [{name: h, hostPath: {path: /}}]\n  containers: [{name: a, image: "nginx:latest"}]\n',
      },
    });
    const cleanRun = await e2e.waitForCheckRun(repo, clean.headSha);
    expect(cleanRun.conclusion).toBe("failure");
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(e2e.github.reviews(repo, clean.number)).toEqual([]);
  });

  test("the org config bounds the comments per push, and can turn suggestions off", async () => {
    e2e.github.createRepo("acme/.github", { files: { ".github/kube-policy.yml": "suggestions:\n  maxComments: 1\n" } });
    try {
      const bounded = newRepo();
      const first = await e2e.github.openPullRequest({ repo: bounded, files: { "apps/agent.yaml": PRIVILEGED_DEPLOYMENT } });
      await e2e.waitForCheckRun(bounded, first.headSha);
      const [review] = await waitForReviews(bounded, first.number, 1);
      expect(review?.["body"]).toMatch(/more suggestion\(s\) will follow/);
      expect(e2e.github.reviewComments(bounded, first.number)).toHaveLength(1);

      e2e.github.commit("acme/.github", { files: { ".github/kube-policy.yml": "suggestions:\n  enabled: false\n" } });
      const repo = newRepo();
      const pr = await e2e.github.openPullRequest({ repo, files: { "apps/agent.yaml": PRIVILEGED_DEPLOYMENT } });
      const run = await e2e.waitForCheckRun(repo, pr.headSha);
      expect(run.conclusion).toBe("failure");
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(e2e.github.reviews(repo, pr.number)).toEqual([]);
    } finally {
      e2e.github.commit("acme/.github", { files: { ".github/kube-policy.yml": null } });
    }
  });
});
