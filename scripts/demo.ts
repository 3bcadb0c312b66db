/**
 * `npm run demo`: the whole app against a local GitHub emulator, no GitHub account needed. Creates org
 * `acme` with repo `gitops`, opens a pull request adding the files of examples/, waits for the app's
 * check run and prints its conclusion and annotations (`file:line: level title: message`).
 *
 * Exits non-zero only when the demo itself fails (the app does not start, no check run completes); a
 * failing check is the expected outcome for examples/attacks and is just reported.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import type { CheckRunView, E2E } from "../emulator/harness.js";
import { findRepoRoot, startE2E } from "../emulator/harness.js";

const REPO = "acme/gitops";

function filesUnder(dir: string, prefix = ""): Record<string, Buffer> {
  const out: Record<string, Buffer> = {};
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const relative = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) Object.assign(out, filesUnder(path.join(dir, entry.name), relative));
    else if (entry.isFile()) out[relative] = readFileSync(path.join(dir, entry.name));
  }
  return out;
}

function annotationLine(a: CheckRunView["annotations"][number]): string {
  const title = a.title ? ` ${a.title}` : "";
  return `${a.path}:${a.start_line}: ${a.annotation_level}${title}: ${a.message}`;
}

async function demo(e2e: E2E): Promise<void> {
  const { github } = e2e;
  github.createOrg("acme", { members: { "alice-admin": "admin", "bob-dev": "member" } });
  github.createRepo(REPO, { files: { "README.md": "# acme/gitops\n\nKubernetes manifests, deployed by GitOps.\n" } });
  // The org-wide policy lives in the org's .github repository: the shipped Pod Security policies plus
  // the example allowed-registries constraint, copied there unchanged.
  github.createRepo("acme/.github", {
    files: {
      ".github/kube-policy.yml": 'policies:\n  shipped: true\n  paths: ["policies/*.yaml"]\n',
      "policies/allowed-registries.yaml": readFileSync(path.join(findRepoRoot(), "policies/gatekeeper/allowed-registries.yaml"), "utf8"),
    },
  });
  github.install("acme");

  const examplesDir = path.join(findRepoRoot(), "examples");
  const files = filesUnder(examplesDir);
  console.log(`GitHub emulator: ${e2e.emulator.apiUrl} | app: ${e2e.app.url} (pid ${e2e.app.pid})`);
  const pr = await github.openPullRequest({
    repo: REPO,
    head: "add-examples",
    files,
    author: "bob-dev",
    title: "Add the example manifests",
    body: "Adds everything under examples/.",
  });
  console.log(
    `Opened ${REPO}#${pr.number} from ${pr.headRef} (head ${pr.headSha.slice(0, 7)}), adding ${Object.keys(files).length} files from examples/`,
  );
  if (!pr.delivery || pr.delivery.status < 200 || pr.delivery.status >= 300) {
    throw new Error(`the app did not accept the pull_request webhook: ${JSON.stringify(pr.delivery)}`);
  }

  const run = await e2e.waitForCheckRun(REPO, pr.headSha, { timeoutMs: 60_000 });
  console.log(`\nCheck run "${run.name}": ${run.status}, conclusion ${run.conclusion}`);
  if (run.output.title) console.log(`  ${run.output.title}`);
  console.log(`\n${run.annotations.length} annotation(s):`);
  for (const a of run.annotations) console.log(annotationLine(a));

  // The review of suggested changes follows the completed check run.
  const deadline = Date.now() + 10_000;
  while (github.reviews(REPO, pr.number).length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  const suggestions = github.reviewComments(REPO, pr.number);
  console.log(`
Review of suggested changes: ${suggestions.length} comment(s)`);
  for (const comment of suggestions) {
    const lines = typeof comment["start_line"] === "number" ? `${comment["start_line"]}-${comment.line}` : `${comment.line}`;
    const block = /```suggestion\n([\s\S]*?)\n?```/.exec(comment.body)?.[1] ?? "";
    console.log(`${comment.path}:${lines}: suggests\n${block.replace(/^/gm, "  | ")}`);
  }

  const others = github.checkRuns(REPO, pr.headSha).filter((r) => r.id !== run.id);
  for (const other of others) console.log(`\nAlso on this commit: check run "${other.name}" ${other.status}/${other.conclusion}`);
  const calls = github.requests().filter((r) => r.installationId !== undefined || r.route?.startsWith("/app")).length;
  console.log(`\nGitHub API calls made by the app: ${calls}`);
}

async function main(): Promise<number> {
  let e2e: E2E | undefined;
  try {
    e2e = await startE2E({ logLevel: process.env.LOG_LEVEL ?? "warn" });
    await demo(e2e);
    return 0;
  } catch (error) {
    console.error(`demo failed: ${error instanceof Error ? error.message : String(error)}`);
    if (e2e) console.error(`\napp output:\n${e2e.app.stdout()}${e2e.app.stderr()}`);
    return 1;
  } finally {
    await e2e?.stop();
  }
}

process.exitCode = await main();
