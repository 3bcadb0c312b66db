/** One end-to-end run of the built command, as npm installs it: a node process, real streams, a real exit code. */
import { describe, expect, it } from "@jest/globals";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { REPO_ROOT } from "./run-cli.js";

const BIN = path.join(REPO_ROOT, "dist/src/cli.js");
const built = existsSync(BIN);
if (!built) console.log(`skipping the built-CLI smoke test: ${BIN} does not exist (run \`npm run build\` first; \`npm test\` does)`);

describe("built kube-policy-bot command", () => {
  (built ? it : it.skip)("starts with a node shebang, checks examples/ and exits 1 on the breakout pod", () => {
    expect(readFileSync(BIN, "utf8").startsWith("#!/usr/bin/env node\n")).toBe(true);
    const run = spawnSync(process.execPath, [BIN, "check", "examples/"], {
      cwd: REPO_ROOT,
      encoding: "utf8",
      env: { ...process.env, NO_COLOR: "1" },
    });
    expect(run.stderr).toBe("");
    expect(run.status).toBe(1);
    expect(run.stdout).toMatch(/^examples\/attacks\/breakout-pod\.yaml:15:\d+: deny pod-security-baseline\/privileged: /m);
  });

  (built ? it : it.skip)("exits 2 with usage help on a bad flag", () => {
    const run = spawnSync(process.execPath, [BIN, "check", "--nope"], { cwd: REPO_ROOT, encoding: "utf8" });
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/unknown option "--nope"/);
  });

  (built ? it : it.skip)("runs through a symbolic link, as npm links it into node_modules/.bin", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "kpb-bin-"));
    try {
      const link = path.join(dir, "kube-policy-bot");
      symlinkSync(BIN, link);
      const run = spawnSync(process.execPath, [link, "--version"], { encoding: "utf8" });
      expect(run.status).toBe(0);
      expect(run.stdout.trim()).toBe(JSON.parse(readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")).version);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
