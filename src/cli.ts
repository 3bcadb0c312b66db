#!/usr/bin/env node
/**
 * `kube-policy-bot` command line. `main` is exported so tests drive it in-process; the process is
 * only touched (argv, streams, exit code) when this file is the program being run.
 */
import { realpathSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { parseArgs, USAGE } from "./cli/args.js";
import { checkCommand, EXIT_OK, EXIT_USAGE, UsageError } from "./cli/check-command.js";
import type { CliIo } from "./cli/io.js";
import { packageInfo } from "./cli/package-info.js";
import { allRules } from "./report/rule-docs.js";
import { formatRules } from "./report/rules.js";
import { runRender } from "./cli/render.js";

export type { CliIo } from "./cli/io.js";

function usageFailure(io: CliIo, message: string): number {
  io.stderr.write(`kube-policy-bot: error: ${message}\nRun \`kube-policy-bot --help\` for usage.\n`);
  return EXIT_USAGE;
}

export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  const request = parseArgs(argv);
  switch (request.command) {
    case "help":
      io.stdout.write(USAGE);
      return EXIT_OK;
    case "version":
      io.stdout.write(`${packageInfo().version}\n`);
      return EXIT_OK;
    case "usage-error":
      return usageFailure(io, request.message);
    case "rules":
      io.stdout.write(formatRules(allRules(), request.format));
      return EXIT_OK;
    case "check":
      try {
        return await checkCommand(request, io);
      } catch (error) {
        if (error instanceof UsageError) return usageFailure(io, error.message);
        throw error;
      }
    case "render":
      try {
        return runRender(request, io);
      } catch (error) {
        if (error instanceof UsageError) return usageFailure(io, error.message);
        throw error;
      }
  }
}

function isEntryModule(): boolean {
  const entry = process.argv[1];
  if (entry === undefined) return false;
  try {
    // npm installs the bin as a symlink; compare real paths so the linked command runs too.
    return pathToFileURL(realpathSync(entry)).href === import.meta.url;
  } catch {
    return false;
  }
}

if (isEntryModule()) {
  // `kube-policy-bot check . | head` closes the pipe early: that is the reader's choice, not a crash.
  process.stdout.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code !== "EPIPE") throw error;
    process.exit(process.exitCode ?? EXIT_OK);
  });
  main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, cwd: process.cwd(), env: process.env }).then(
    (code) => {
      // exitCode rather than exit(): lets a large report finish flushing into a pipe.
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`kube-policy-bot: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exitCode = EXIT_USAGE;
    },
  );
}
