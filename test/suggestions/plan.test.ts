import { describe, expect, it } from "@jest/globals";
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { loadManifestFile } from "../../src/manifests/load.js";
import { evaluate } from "../../src/policy/engine.js";
import type { Finding } from "../../src/policy/types.js";
import { loadPolicies } from "../../src/config/policy-files.js";
import { defaultPolicySources } from "../../src/policy/shipped.js";
import { memoryFileSystem } from "../../src/render/kustomize/index.js";
import { renderKustomizeRoots } from "../../src/render/kustomize-roots.js";
import {
  planSuggestions,
  reviewToPost,
  type ExistingReviewComment,
  type ReviewToPost,
  type SuggestionFile,
} from "../../src/suggestions/plan.js";

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const BREAKOUT = readFileSync(path.join(REPO, "examples/attacks/breakout-pod.yaml"), "utf8");
const FILE = "attacks/breakout-pod.yaml";
/** The patch GitHub lists for a file the pull request adds: every line is an added line. */
const ADDED = (text: string): string => {
  const lines = text.replace(/\n$/, "").split("\n");
  return [`@@ -0,0 +1,${lines.length} @@`, ...lines.map((line) => `+${line}`)].join("\n");
};
const OPTIONS = { headSha: "abc123", maxComments: 10 };
const BOT = "kube-policy-bot[bot]";

/** The review the app would post, given the review comments already there. */
function review(
  files: SuggestionFile[],
  findings: Finding[],
  existing: ExistingReviewComment[] = [],
  maxComments = 10,
): ReviewToPost | undefined {
  const plan = planSuggestions(files, findings, { ...OPTIONS, maxComments });
  return plan && reviewToPost(plan, existing, BOT);
}

async function findingsOf(text: string) {
  const { policies } = loadPolicies(await defaultPolicySources());
  return evaluate([loadManifestFile(FILE, text)], policies).findings;
}

/** Applies planned suggestions as GitHub's "Commit suggestions" does: each replaces its lines. */
function commitSuggestions(text: string, comments: { line: number; start_line?: number; body: string }[]): string {
  const lines = text.replace(/\n$/, "").split("\n");
  const byLine = [...comments].sort((a, b) => b.line - a.line);
  for (const comment of byLine) {
    const block = /```suggestion\n([\s\S]*?)\n?```/.exec(comment.body);
    const replacement = block && block[1] !== undefined ? (block[1] === "" ? [] : block[1].split("\n")) : [];
    const first = comment.start_line ?? comment.line;
    lines.splice(first - 1, comment.line - first + 1, ...replacement);
  }
  return `${lines.join("\n")}\n`;
}

describe("suggested changes in a review", () => {
  it("one comment per group of adjacent lines; committed, they fix every finding they name", async () => {
    const findings = await findingsOf(BREAKOUT);
    const plan = review([{ path: FILE, text: BREAKOUT, patch: ADDED(BREAKOUT) }], findings);
    expect(plan).toMatchObject({ commit_id: "abc123", event: "COMMENT" });
    // hostPID (line 6), the container's securityContext (line 15 and the lines added after it), and
    // the pod-level seccomp profile added after the last line of the pod spec.
    expect(plan?.comments.map((c) => [c.start_line, c.line])).toEqual([
      [undefined, 6],
      [undefined, 15],
    ]);
    const [hostPid, container] = plan?.comments ?? [];
    expect(hostPid?.body).toContain("`pod-security-baseline/hostNamespaces`: Set hostPID to false.");
    expect(hostPid?.body).toContain("```suggestion\n  hostPID: false\n```");
    expect(container?.body).toContain('`pod-security-baseline/privileged` (container "1"): Set privileged to false.');
    expect(container?.body).toContain(
      '```suggestion\n      privileged: false\n      allowPrivilegeEscalation: false\n      capabilities:\n        drop: ["ALL"]\n      runAsNonRoot: true\n  securityContext:\n    seccompProfile:\n      type: RuntimeDefault\n```',
    );
    const after = commitSuggestions(BREAKOUT, plan?.comments ?? []);
    expect(await findingsOf(after)).toEqual([]);
  });

  it("suggests only on lines the pull request changed, and never the same suggestion twice", async () => {
    const findings = await findingsOf(BREAKOUT);
    // Only line 6 changed: the privileged container was already there.
    const patch =
      '@@ -3,7 +3,7 @@\n metadata:\n   name: r00t\n spec:\n-  hostPID: false\n+  hostPID: true\n   containers:\n   - name: "1"\n     image: alpine';
    const plan = review([{ path: FILE, text: BREAKOUT, patch }], findings);
    expect(plan?.comments.map((c) => c.line)).toEqual([6]);

    const posted: ExistingReviewComment[] = (plan?.comments ?? []).map((c) => ({ path: c.path, line: c.line, body: c.body, author: BOT }));
    expect(review([{ path: FILE, text: BREAKOUT, patch }], findings, posted)).toBeUndefined();
    // Someone else quoting the marker, or an outdated comment of ours, does not count.
    const quoted = posted.map((c) => ({ ...c, author: "mallory" }));
    expect(review([{ path: FILE, text: BREAKOUT, patch }], findings, quoted)?.comments).toHaveLength(1);
    const outdated = posted.map((c) => ({ ...c, line: null }));
    expect(review([{ path: FILE, text: BREAKOUT, patch }], findings, outdated)?.comments).toHaveLength(1);
  });

  it("no review when nothing is fixable; at most maxComments comments, what blocks first", async () => {
    const latest =
      "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: a\n    image: nginx:latest\n    volumeMounts: []\n  volumes:\n  - name: h\n    hostPath: {path: /}\n";
    const hostPathOnly = (await findingsOf(latest)).filter((f) => f.rule === "hostPathVolumes");
    expect(planSuggestions([{ path: FILE, text: latest, patch: ADDED(latest) }], hostPathOnly, OPTIONS)).toBeUndefined();

    const findings = await findingsOf(BREAKOUT);
    const plan = review([{ path: FILE, text: BREAKOUT, patch: ADDED(BREAKOUT) }], findings, [], 1);
    expect(plan?.comments.map((c) => c.line)).toEqual([6]);
    expect(plan?.body).toMatch(/1 more suggestion\(s\) will follow/);
  });
});

describe("suggestions for objects rendered by Kustomize", () => {
  const files: Record<string, string> = {
    "base/kustomization.yaml": "resources:\n- deployment.yaml\n",
    "base/deployment.yaml":
      "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n      - name: web\n        image: nginx:1.27\n",
    "overlays/prod/kustomization.yaml": "resources:\n- ../../base\npatches:\n- path: debug.yaml\n",
    "overlays/prod/debug.yaml":
      "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      hostPID: true\n      containers:\n      - name: web\n        securityContext: {privileged: true}\n",
  };
  const judge = async (repository: Record<string, string>) => {
    const { policies } = loadPolicies(await defaultPolicySources());
    const rendered = renderKustomizeRoots(memoryFileSystem(repository), Object.keys(repository), { fixes: true });
    return evaluate(rendered.files, policies).findings.filter((finding) => finding.action === "deny");
  };

  it("are made on the lines of the patch the pull request added, and fix the rendered object", async () => {
    const patchFile = "overlays/prod/debug.yaml";
    const findings = await judge(files);
    expect(findings.map((finding) => [finding.rule, finding.file, finding.fix?.file])).toEqual([
      ["hostNamespaces", patchFile, patchFile],
      ["privileged", patchFile, patchFile],
    ]);
    const text = files[patchFile] as string;
    const plan = review([{ path: patchFile, text, patch: ADDED(text) }], findings);
    expect(plan?.comments.map((c) => [c.path, c.line])).toEqual([
      [patchFile, 8],
      [patchFile, 11],
    ]);
    const after = { ...files, [patchFile]: commitSuggestions(text, plan?.comments ?? []) };
    expect(after[patchFile]).toContain("      hostPID: false\n");
    expect(await judge(after)).toEqual([]);
  });

  it("are not made on a patch the pull request did not change", async () => {
    const findings = await judge(files);
    const text = files["overlays/prod/debug.yaml"] as string;
    expect(review([{ path: "overlays/prod/debug.yaml", text, patch: undefined }], findings)).toBeUndefined();
  });
});
