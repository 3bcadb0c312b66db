/**
 * Command-line grammar of `kube-policy-bot`. Pure: turns argv into a request or a usage error, so the
 * shell (cli.ts) only has to act on the outcome and every mistake gets the same helpful message.
 */
import type { EnforcementAction } from "../policy/types.js";

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
  /** `--not-evaluated ACTION`: the action of findings about rules not judged, as the org config's `policies.notEvaluated`. */
  notEvaluated?: EnforcementAction;
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
  CheckRequest | RulesRequest | RenderRequest | { command: "help" } | { command: "version" } | { command: "usage-error"; message: string };

export const NOT_EVALUATED_ACTIONS: readonly EnforcementAction[] = ["deny", "warn", "dryrun"];

export const USAGE = `Usage: kube-policy-bot check [--policies PATH]... [--format text|json|sarif] [--base REF] [--kustomize-root GLOB]...
                             [--not-evaluated deny|warn|dryrun] [--fix [--fix-warnings] [--dry-run]] PATH...
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
  --not-evaluated ACTION
                        check: deny, warn or dryrun for every finding about a rule that could not be
                        judged offline (needs a cluster, mutate/generate, an evaluation error), as the
                        org config's policies.notEvaluated; default: each takes its rule's action
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

/** What a command line holds after its command: operands, options with their values, flags. */
interface ReadArgs {
  operands: string[];
  /** Each value-taking option with its values in order; `undefined` when the flag ends the command line. */
  values: Map<string, (string | undefined)[]>;
  flags: Set<string>;
}

/**
 * The one reading of options every command shares: `--name value` and `--name=value`, boolean flags,
 * `--` ending the options, `-` as an operand. An option the command does not take is a usage error.
 */
function readArgs(
  argv: readonly string[],
  valueOptions: readonly string[],
  flagOptions: readonly string[] = [],
): ReadArgs | { unknown: string } {
  const read: ReadArgs = { operands: [], values: new Map(), flags: new Set() };
  let optionsEnded = false;
  for (let i = 0; i < argv.length;) {
    const arg = argv[i] as string;
    if (optionsEnded || !arg.startsWith("-") || arg === "-") {
      read.operands.push(arg);
      i += 1;
    } else if (arg === "--") {
      optionsEnded = true;
      i += 1;
    } else if (flagOptions.includes(arg)) {
      read.flags.add(arg);
      i += 1;
    } else {
      const eq = arg.indexOf("=");
      const name = eq === -1 ? arg : arg.slice(0, eq);
      if (!valueOptions.includes(name)) return { unknown: name };
      // `--name=value` carries its value; `--name value` takes the next argument.
      const value = eq === -1 ? argv[i + 1] : arg.slice(eq + 1);
      read.values.set(name, [...(read.values.get(name) ?? []), value]);
      i += eq === -1 ? 2 : 1;
    }
  }
  return read;
}

/** The value of an option that may be given once (or repeated with the same value); each value must pass `valid`. */
function single<T extends string>(
  read: ReadArgs,
  name: string,
  valid: (value: string | undefined) => value is T,
  invalid: (value: string | undefined) => string,
): { value?: T } | { error: string } {
  const given = read.values.get(name) ?? [];
  const bad = given.findIndex((value) => !valid(value));
  if (bad !== -1) return { error: invalid(given[bad]) };
  if (new Set(given).size > 1) return { error: `${name} given twice with different values` };
  return given.length > 0 ? { value: given[0] as T } : {};
}

const oneOf =
  <T extends string>(allowed: readonly T[]) =>
  (value: string | undefined): value is T =>
    value !== undefined && (allowed as readonly string[]).includes(value);
const nonEmpty = (value: string | undefined): value is string => value !== undefined && value !== "";

export function parseArgs(argv: readonly string[]): CliRequest {
  // Help and version win wherever they appear, like most CLIs: `check --help` should not complain about PATH.
  const beforeDoubleDash = argv.indexOf("--") === -1 ? argv : argv.slice(0, argv.indexOf("--"));
  if (beforeDoubleDash.includes("--help") || beforeDoubleDash.includes("-h")) return { command: "help" };
  if (beforeDoubleDash.includes("--version")) return { command: "version" };

  const [command, ...rest] = argv;
  if (command === undefined) return usageError("missing command: expected `check`, `render` or `rules`");
  if (command === "rules") return parseRules(rest);
  if (command === "render") return parseRender(rest);
  if (command !== "check") {
    return usageError(`unknown command ${JSON.stringify(command)}: expected \`check\`, \`render\` or \`rules\``);
  }
  return parseCheck(rest);
}

function parseCheck(rest: readonly string[]): CliRequest {
  const read = readArgs(
    rest,
    ["--policies", "--format", "--base", "--kustomize-root", "--not-evaluated"],
    ["--fix", "--fix-warnings", "--dry-run"],
  );
  if ("unknown" in read) return usageError(`unknown option ${JSON.stringify(read.unknown)}`);
  const policies = read.values.get("--policies") ?? [];
  if (!policies.every(nonEmpty)) return usageError("--policies needs a file or directory");
  const format = single(read, "--format", oneOf(OUTPUT_FORMATS), (value) =>
    value === undefined
      ? `--format needs a value: ${OUTPUT_FORMATS.join(", ")}`
      : `unknown --format ${JSON.stringify(value)}: expected one of ${OUTPUT_FORMATS.join(", ")}`,
  );
  if ("error" in format) return usageError(format.error);
  const base = single(read, "--base", nonEmpty, () => "--base needs a git revision, e.g. --base origin/main");
  if ("error" in base) return usageError(base.error);
  const kustomizeRoots = read.values.get("--kustomize-root");
  const notEvaluated = single(read, "--not-evaluated", oneOf(NOT_EVALUATED_ACTIONS), (value) =>
    value === undefined
      ? `--not-evaluated needs a value: ${NOT_EVALUATED_ACTIONS.join(", ")}`
      : `unknown --not-evaluated ${JSON.stringify(value)}: expected one of ${NOT_EVALUATED_ACTIONS.join(", ")}`,
  );
  if ("error" in notEvaluated) return usageError(notEvaluated.error);
  if (kustomizeRoots && !kustomizeRoots.every(nonEmpty))
    return usageError("--kustomize-root needs a directory glob, e.g. --kustomize-root 'overlays/*'");

  if (read.operands.length === 0) return usageError("missing PATH: give at least one manifest file or directory");
  const fix = read.flags.has("--fix");
  const fixWarnings = read.flags.has("--fix-warnings");
  const dryRun = read.flags.has("--dry-run");
  if (!fix && (fixWarnings || dryRun)) return usageError(`${fixWarnings ? "--fix-warnings" : "--dry-run"} needs --fix`);
  const fixMode = !fix ? "none" : fixWarnings ? "warnings" : "blocking";
  return {
    command: "check",
    policies,
    format: format.value ?? "text",
    paths: read.operands,
    fix: fixMode,
    dryRun,
    ...(base.value !== undefined ? { base: base.value } : {}),
    ...(kustomizeRoots !== undefined ? { kustomizeRoots: kustomizeRoots as string[] } : {}),
    ...(notEvaluated.value !== undefined ? { notEvaluated: notEvaluated.value } : {}),
  };
}

function parseRules(rest: readonly string[]): CliRequest {
  const read = readArgs(rest, ["--format"]);
  if ("unknown" in read) return usageError(`unknown option ${JSON.stringify(read.unknown)}`);
  if (read.operands.length > 0) return usageError(`rules takes no PATH (got ${JSON.stringify(read.operands[0])})`);
  const format = single(
    read,
    "--format",
    oneOf(RULES_FORMATS),
    (value) =>
      `--format for rules must be one of ${RULES_FORMATS.join(", ")}${value === undefined ? "" : ` (got ${JSON.stringify(value)})`}`,
  );
  if ("error" in format) return usageError(format.error);
  return { command: "rules", format: format.value ?? "text" };
}

function parseRender(rest: readonly string[]): CliRequest {
  const read = readArgs(rest, ["--format"]);
  if ("unknown" in read) return usageError(`unknown option ${JSON.stringify(read.unknown)}`);
  const format = single(read, "--format", oneOf(RENDER_FORMATS), () => `render --format needs one of ${RENDER_FORMATS.join(", ")}`);
  if ("error" in format) return usageError(format.error);
  if (read.operands.length !== 1) return usageError("render needs exactly one DIR (a kustomization directory)");
  return { command: "render", format: format.value ?? "yaml", directory: read.operands[0] as string };
}
