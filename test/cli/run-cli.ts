/** Runs the CLI in-process, as a user would from the repository root, and captures what it prints. */
import { afterAll, beforeAll } from "@jest/globals";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { main } from "../../src/cli.js";

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runCli(
  argv: string[],
  options: { cwd?: string; isTTY?: boolean; env?: Record<string, string>; now?: Date } = {},
): Promise<CliRun> {
  let stdout = "";
  let stderr = "";
  const code = await main(argv, {
    stdout: { write: (text: string) => (stdout += text), isTTY: options.isTTY ?? false },
    stderr: { write: (text: string) => (stderr += text) },
    cwd: options.cwd ?? REPO_ROOT,
    env: options.env ?? {},
    ...(options.now ? { now: () => options.now as Date } : {}),
  });
  return { code, stdout, stderr };
}

/**
 * A temporary folder for the files a test suite writes, created before and removed after the suite.
 * Call at the top level of a test file.
 */
export function scratchDirectory(prefix: string): { file(name: string, content: string): Promise<string>; path(): string } {
  let dir = "";
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), prefix));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  return {
    async file(name, content) {
      const file = path.join(dir, name);
      await mkdir(path.dirname(file), { recursive: true });
      await writeFile(file, content);
      return file;
    },
    path: () => dir,
  };
}
