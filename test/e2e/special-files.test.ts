/**
 * Pull requests with files that are not plain text manifests: huge, binary, not UTF-8, symbolic
 * links and submodules. Each gets a clear annotation (or, for a link to a file of the repository, is
 * judged through its target), never a crash, and nothing unreadable passes (see
 * src/pipeline/read/special-files.ts for the table of decisions).
 */
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import type { FileSpec } from "../../emulator/client.js";
import { hardenedDeployment } from "../fixtures/manifests.js";
import { startE2E, type CheckRunView, type E2E } from "../../emulator/harness.js";

const BREAKOUT =
  "apiVersion: v1\nkind: Pod\nmetadata:\n  name: r00t\nspec:\n  hostPID: true\n  containers:\n    - name: shell\n      image: alpine\n      securityContext:\n        privileged: true\n";
const COMPLIANT = hardenedDeployment({ namespace: null });

/** A ConfigMap of about `bytes` bytes: a valid manifest, just too big. */
function bigConfigMap(bytes: number, tag: string): string {
  const head = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: big-${tag}\ndata:\n  blob: |\n`;
  const line = `    ${"x".repeat(95)}\n`;
  return head + line.repeat(Math.ceil((bytes - head.length) / line.length));
}

let e2e: E2E;
let counter = 0;

beforeAll(async () => {
  e2e = await startE2E();
  e2e.github.createOrg("acme");
  e2e.github.install("acme");
});

afterAll(async () => {
  await e2e?.stop();
});

function newRepo(files: Record<string, FileSpec> = {}): string {
  const repo = `acme/special-${++counter}`;
  e2e.github.createRepo(repo, { files: { "README.md": "# special\n", ...files } });
  return repo;
}

async function check(repo: string, files: Record<string, FileSpec | null>): Promise<CheckRunView> {
  const pr = await e2e.github.openPullRequest({ repo, files });
  expect(pr.delivery?.status).toBe(200);
  return e2e.waitForCheckRun(repo, pr.headSha, { timeoutMs: 60_000 });
}

function failuresOn(run: CheckRunView, path: string): Array<{ line: number; message: string }> {
  return run.annotations
    .filter((annotation) => annotation.path === path && annotation.annotation_level === "failure")
    .map((annotation) => ({ line: annotation.start_line, message: annotation.message }));
}

describe("huge files", () => {
  test.concurrent(
    "20 MB: refused unread (the blob response stops at its byte limit), an error on line 1 blocks",
    async () => {
      const repo = newRepo();
      const run = await check(repo, { "deploy/huge.yaml": bigConfigMap(20 * 1024 * 1024, repo) });
      expect(run.conclusion).toBe("failure");
      expect(failuresOn(run, "deploy/huge.yaml")).toEqual([
        { line: 1, message: expect.stringMatching(/too large to check.*not read, so the change is not passed/s) },
      ]);
    },
    90_000,
  );

  test.concurrent(
    "just over the 5 MiB manifest limit: read, then refused by the loader, an error on line 1 blocks",
    async () => {
      const repo = newRepo();
      const run = await check(repo, { "deploy/big.yaml": bigConfigMap(5 * 1024 * 1024 + 4096, repo) });
      expect(run.conclusion).toBe("failure");
      expect(failuresOn(run, "deploy/big.yaml")).toEqual([
        { line: 1, message: expect.stringMatching(/too large to check \(\d+ bytes; the limit is 5242880\)/) },
      ]);
    },
    90_000,
  );
});

describe("binary and non-UTF-8 files", () => {
  test.concurrent(
    "binary, UTF-16 and Latin-1 files at manifest paths: each blocks with its own error",
    async () => {
      const repo = newRepo();
      const run = await check(repo, {
        "deploy/image.yaml": Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d]),
        "deploy/utf16.yaml": Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from("apiVersion: v1\nkind: Pod\n", "utf16le")]),
        "deploy/latin1.yaml": Buffer.from("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: caf\xe9\n", "latin1"),
      });
      expect(run.conclusion).toBe("failure");
      // At the first NUL byte (line 3: the PNG signature holds two line feeds).
      expect(failuresOn(run, "deploy/image.yaml")).toEqual([{ line: 3, message: expect.stringMatching(/binary/) }]);
      expect(failuresOn(run, "deploy/utf16.yaml")).toEqual([{ line: 1, message: expect.stringMatching(/UTF-16/) }]);
      expect(failuresOn(run, "deploy/latin1.yaml")).toEqual([{ line: 4, message: expect.stringMatching(/not valid UTF-8/) }]);
    },
    90_000,
  );
});

describe("symbolic links", () => {
  test.concurrent(
    "a link to a file of the repository is judged through its target, on the target's lines",
    async () => {
      const repo = newRepo({ "base/pod.yaml": BREAKOUT });
      const run = await check(repo, { "deploy/pod.yaml": { content: "../base/pod.yaml", mode: "120000" } });
      expect(run.conclusion).toBe("failure");
      expect(run.annotations.map((annotation) => [annotation.path, annotation.start_line, annotation.title])).toEqual(
        expect.arrayContaining([
          ["base/pod.yaml", 6, "pod-security-baseline/hostNamespaces"],
          ["base/pod.yaml", 11, "pod-security-baseline/privileged"],
        ]),
      );
      expect(run.output.summary).toMatch(/`deploy\/pod\.yaml` is a symbolic link to `base\/pod\.yaml`/);
    },
    90_000,
  );

  test.concurrent(
    "a link to a compliant file passes, saying it was followed",
    async () => {
      const repo = newRepo({ "base/web.yaml": COMPLIANT });
      const run = await check(repo, { "deploy/web.yaml": { content: "../base/web.yaml", mode: "120000" } });
      expect(run.conclusion).toBe("success");
      expect(run.output.summary).toMatch(/is a symbolic link to `base\/web\.yaml`/);
    },
    90_000,
  );

  test.concurrent(
    "a link out of the repository (or to a directory) blocks, with an error on the link",
    async () => {
      const repo = newRepo({ "base/web.yaml": COMPLIANT });
      const run = await check(repo, {
        "deploy/away.yaml": { content: "/etc/kubernetes/admin.yaml", mode: "120000" },
        "deploy/dir.yaml": { content: "../base", mode: "120000" },
      });
      expect(run.conclusion).toBe("failure");
      expect(failuresOn(run, "deploy/away.yaml")).toEqual([
        { line: 1, message: expect.stringMatching(/symbolic link to "\/etc\/kubernetes\/admin\.yaml".*not passed/) },
      ]);
      expect(failuresOn(run, "deploy/dir.yaml")).toEqual([{ line: 1, message: expect.stringMatching(/symbolic link to "\.\.\/base"/) }]);
    },
    90_000,
  );
});

describe("submodules", () => {
  test.concurrent(
    "a submodule at a manifest path blocks: its manifests live in another repository",
    async () => {
      const repo = newRepo({
        ".github/kube-policy.yml": "manifests:\n  include: ['deploy/**']\n",
        ".gitmodules": '[submodule "deploy/vendor"]\n\tpath = deploy/vendor\n\turl = https://github.example/other/manifests.git\n',
        "deploy/vendor": { submodule: "1".repeat(40) },
      });
      const run = await check(repo, { "deploy/vendor": { submodule: "2".repeat(40) }, "deploy/web.yaml": COMPLIANT });
      expect(run.conclusion).toBe("failure");
      expect(failuresOn(run, "deploy/vendor")).toEqual([
        {
          line: 1,
          message: expect.stringMatching(
            /git submodule \(commit 222222222222 of https:\/\/github\.example\/other\/manifests\.git\).*not passed/,
          ),
        },
      ]);
      expect(failuresOn(run, "deploy/web.yaml")).toEqual([]);
    },
    90_000,
  );
});

describe("the app process", () => {
  test("logged no unhandled rejection or uncaught exception", () => {
    expect(e2e.app.logLines().filter((line) => /unhandled promise rejection|uncaught exception/i.test(String(line["msg"])))).toEqual([]);
    expect(e2e.emulator.internalErrors).toEqual([]);
  });
});
