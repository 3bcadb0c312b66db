/** Runs the CLI in-process, as a user would from the repository root, and captures what it prints. */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { main } from "../../src/cli.js";

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runCli(argv: string[], options: { cwd?: string; isTTY?: boolean; env?: Record<string, string>; now?: Date } = {}): Promise<CliRun> {
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
