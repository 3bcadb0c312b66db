/**
 * Command-line grammar of `kube-policy-bot`. Pure: turns argv into a request or a usage error, so the
 * shell (cli.ts) only has to act on the outcome and every mistake gets the same helpful message.
 */

export const OUTPUT_FORMATS = ["text", "json", "sarif"] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

export interface CheckRequest {
  command: "check";
  /** Files or directories given with `--policies`; empty means "the shipped default set". */
  policies: string[];
  format: OutputFormat;
  /** Manifest files or directories, in the order given. */
  paths: string[];
  /** `--fix`: apply the rules' fixes to the findings that block; `--fix-warnings`: to warnings too. */
  fix: "none" | "blocking" | "warnings";
  /** `--dry-run`: print the fixes as a unified diff instead of writing them. */
  dryRun: boolean;
}

export type CliRequest =
  | CheckRequest
  | { command: "help" }
  | { command: "version" }
  | { command: "usage-error"; message: string };

export const USAGE = `Usage: kube-policy-bot check [--policies PATH]... [--format text|json|sarif] [--fix [--fix-warnings] [--dry-run]] PATH...

Checks Kubernetes manifests against Pod Security Standards and Gatekeeper constraints, offline.

Arguments:
  PATH                  manifest file or directory; directories are searched recursively for
                        .yaml, .yml and .json files (dot-directories and node_modules are skipped)

Options:
  --policies PATH       policy file or directory (repeatable); default: the shipped policy set
  --format FORMAT       output format: text (default), json or sarif
  --fix                 apply the rules' fixes to the findings that block, in place, then check again
                        and report what remains (findings without a safe fix are left as they are)
  --fix-warnings        with --fix: fix warnings too
  --dry-run             with --fix: print the fixes as a unified diff, change no file
  -h, --help            show this help
  --version             show the version

Exit status:
  0  nothing blocks
  1  a deny finding, or a manifest that cannot be read or parsed
  2  a usage error or an invalid policy
`;

function usageError(message: string): CliRequest {
  return { command: "usage-error", message };
}

function isOutputFormat(value: string): value is OutputFormat {
  return (OUTPUT_FORMATS as readonly string[]).includes(value);
}

/** Reads `--name value` or `--name=value`; `undefined` when the flag ends the command line. */
function takeValue(argv: readonly string[], index: number, inlineValue: string | undefined): { value: string | undefined; next: number } {
  if (inlineValue !== undefined) return { value: inlineValue, next: index + 1 };
  return { value: argv[index + 1], next: index + 2 };
}

export function parseArgs(argv: readonly string[]): CliRequest {
  // Help and version win wherever they appear, like most CLIs: `check --help` should not complain about PATH.
  const beforeDoubleDash = argv.indexOf("--") === -1 ? argv : argv.slice(0, argv.indexOf("--"));
  if (beforeDoubleDash.includes("--help") || beforeDoubleDash.includes("-h")) return { command: "help" };
  if (beforeDoubleDash.includes("--version")) return { command: "version" };

  const [command, ...rest] = argv;
  if (command === undefined) return usageError("missing command: expected `check`");
  if (command !== "check") {
    return usageError(`unknown command ${JSON.stringify(command)}: expected \`check\``);
  }

  const policies: string[] = [];
  const paths: string[] = [];
  let format: OutputFormat | undefined;
  let optionsEnded = false;
  let fix = false;
  let fixWarnings = false;
  let dryRun = false;

  for (let i = 0; i < rest.length; ) {
    const arg = rest[i] as string;
    if (optionsEnded || !arg.startsWith("-") || arg === "-") {
      paths.push(arg);
      i += 1;
      continue;
    }
    if (arg === "--") {
      optionsEnded = true;
      i += 1;
      continue;
    }
    if (arg === "--fix" || arg === "--fix-warnings" || arg === "--dry-run") {
      if (arg === "--fix") fix = true;
      else if (arg === "--fix-warnings") fixWarnings = true;
      else dryRun = true;
      i += 1;
      continue;
    }
    const eq = arg.indexOf("=");
    const name = eq === -1 ? arg : arg.slice(0, eq);
    const inline = eq === -1 ? undefined : arg.slice(eq + 1);
    if (name === "--policies") {
      const { value, next } = takeValue(rest, i, inline);
      if (value === undefined || value === "") return usageError("--policies needs a file or directory");
      policies.push(value);
      i = next;
    } else if (name === "--format") {
      const { value, next } = takeValue(rest, i, inline);
      if (value === undefined) return usageError(`--format needs a value: ${OUTPUT_FORMATS.join(", ")}`);
      if (!isOutputFormat(value)) {
        return usageError(`unknown --format ${JSON.stringify(value)}: expected one of ${OUTPUT_FORMATS.join(", ")}`);
      }
      if (format !== undefined && format !== value) return usageError("--format given twice with different values");
      format = value;
      i = next;
    } else {
      return usageError(`unknown option ${JSON.stringify(name)}`);
    }
  }

  if (paths.length === 0) return usageError("missing PATH: give at least one manifest file or directory");
  if (!fix && (fixWarnings || dryRun)) return usageError(`${fixWarnings ? "--fix-warnings" : "--dry-run"} needs --fix`);
  return { command: "check", policies, format: format ?? "text", paths, fix: !fix ? "none" : fixWarnings ? "warnings" : "blocking", dryRun };
}
