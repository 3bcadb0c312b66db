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
  /** `--base REF`: only findings not already at REF block (read with git, the work tree untouched). */
  base?: string;
  /** `--kustomize-root GLOB`: the Kustomize roots, as the org config's `kustomize.roots`; absent: automatic. */
  kustomizeRoots?: string[];
  /** `--fix`: apply the rules' fixes to the findings that block; `--fix-warnings`: to warnings too. */
  fix: "none" | "blocking" | "warnings";
  /** `--dry-run`: print the fixes as a unified diff instead of writing them. */
  dryRun: boolean;
}

export const RULES_FORMATS = ["text", "json", "markdown"] as const;
export type RulesFormat = (typeof RULES_FORMATS)[number];

export interface RulesRequest {
  command: "rules";
  format: RulesFormat;
}

export const RENDER_FORMATS = ["yaml", "json"] as const;
export type RenderFormat = (typeof RENDER_FORMATS)[number];

export interface RenderRequest {
  command: "render";
  format: RenderFormat;
  /** The kustomization directory. */
  directory: string;
}

export type CliRequest =
  | CheckRequest
  | RulesRequest
  | RenderRequest
  | { command: "help" }
  | { command: "version" }
  | { command: "usage-error"; message: string };

export const USAGE = `Usage: kube-policy-bot check [--policies PATH]... [--format text|json|sarif] [--base REF] [--kustomize-root GLOB]...
                             [--fix [--fix-warnings] [--dry-run]] PATH...
       kube-policy-bot render [--format yaml|json] DIR
       kube-policy-bot rules [--format text|json|markdown]

check: checks Kubernetes manifests against Pod Security Standards, Gatekeeper constraints and the
policies given, offline. Kustomize directories are rendered first and the objects they produce are
judged, each finding placed on the line (base, patch or kustomization entry) its value came from.
render: prints what \`kustomize build DIR\` prints; json: each object with the file:line of every field.
rules: lists every rule with what it checks and how to fix a violation.

Arguments:
  PATH                  manifest file or directory; directories are searched recursively for
                        .yaml, .yml and .json files, as kubectl apply -R -f does
  DIR                   a directory holding kustomization.yaml, kustomization.yml or Kustomization

Options:
  --policies PATH       policy file or directory (repeatable); default: the shipped policy set
  --format FORMAT       check: text (default), json or sarif; render: yaml (default) or json;
                        rules: text (default), json or markdown
  --base REF            check: compare with the same PATHs at git commit REF (e.g. origin/main):
                        findings already there are reported as pre-existing and do not block
  --kustomize-root GLOB check: render and judge only the kustomization directories matching GLOB
                        (repeatable; relative to the working directory, \`.\` for itself), as the
                        org config's kustomize.roots; default: every kustomization no other one uses
  --fix                 check: apply the rules' fixes to the findings that block, in place, then check
                        again and report what remains (findings without a safe fix are left as they are)
  --fix-warnings        with --fix: fix warnings too
  --dry-run             with --fix: print the fixes as a unified diff, change no file
  -h, --help            show this help
  --version             show the version

Exit status:
  0  nothing blocks
  1  a deny finding (with --base: a new one), or a manifest that cannot be read or parsed
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
  if (command === undefined) return usageError("missing command: expected `check`, `render` or `rules`");
  if (command === "rules") return parseRulesArgs(rest);
  if (command === "render") return parseRender(rest);
  if (command !== "check") {
    return usageError(`unknown command ${JSON.stringify(command)}: expected \`check\`, \`render\` or \`rules\``);
  }

  const policies: string[] = [];
  const paths: string[] = [];
  let format: OutputFormat | undefined;
  let base: string | undefined;
  let kustomizeRoots: string[] | undefined;
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
    } else if (name === "--base") {
      const { value, next } = takeValue(rest, i, inline);
      if (value === undefined || value === "") return usageError("--base needs a git revision, e.g. --base origin/main");
      if (base !== undefined && base !== value) return usageError("--base given twice with different values");
      base = value;
      i = next;
    } else if (name === "--kustomize-root") {
      const { value, next } = takeValue(rest, i, inline);
      if (value === undefined || value === "") return usageError("--kustomize-root needs a directory glob, e.g. --kustomize-root 'overlays/*'");
      (kustomizeRoots ??= []).push(value);
      i = next;
    } else {
      return usageError(`unknown option ${JSON.stringify(name)}`);
    }
  }

  if (paths.length === 0) return usageError("missing PATH: give at least one manifest file or directory");
  if (!fix && (fixWarnings || dryRun)) return usageError(`${fixWarnings ? "--fix-warnings" : "--dry-run"} needs --fix`);
  const fixMode = !fix ? "none" : fixWarnings ? "warnings" : "blocking";
  return {
    command: "check",
    policies,
    format: format ?? "text",
    paths,
    fix: fixMode,
    dryRun,
    ...(base !== undefined ? { base } : {}),
    ...(kustomizeRoots !== undefined ? { kustomizeRoots } : {}),
  };
}

function parseRulesArgs(rest: readonly string[]): CliRequest {
  let format: RulesFormat | undefined;
  for (let i = 0; i < rest.length; ) {
    const arg = rest[i] as string;
    const eq = arg.indexOf("=");
    const name = eq === -1 ? arg : arg.slice(0, eq);
    if (name !== "--format") return usageError(arg.startsWith("-") ? `unknown option ${JSON.stringify(name)}` : `rules takes no PATH (got ${JSON.stringify(arg)})`);
    const { value, next } = takeValue(rest, i, eq === -1 ? undefined : arg.slice(eq + 1));
    if (value === undefined || !(RULES_FORMATS as readonly string[]).includes(value)) {
      return usageError(`--format for rules must be one of ${RULES_FORMATS.join(", ")}${value === undefined ? "" : ` (got ${JSON.stringify(value)})`}`);
    }
    if (format !== undefined && format !== value) return usageError("--format given twice with different values");
    format = value as RulesFormat;
    i = next;
  }
  return { command: "rules", format: format ?? "text" };
}

function parseRender(rest: readonly string[]): CliRequest {
  const paths: string[] = [];
  let format: RenderFormat | undefined;
  let optionsEnded = false;
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
    const eq = arg.indexOf("=");
    const name = eq === -1 ? arg : arg.slice(0, eq);
    if (name !== "--format") return usageError(`unknown option ${JSON.stringify(name)}`);
    const { value, next } = takeValue(rest, i, eq === -1 ? undefined : arg.slice(eq + 1));
    if (value === undefined || !(RENDER_FORMATS as readonly string[]).includes(value)) {
      return usageError(`render --format needs one of ${RENDER_FORMATS.join(", ")}`);
    }
    format = value as RenderFormat;
    i = next;
  }
  if (paths.length !== 1) return usageError("render needs exactly one DIR (a kustomization directory)");
  return { command: "render", format: format ?? "yaml", directory: paths[0] as string };
}
