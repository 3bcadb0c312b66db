/**
 * `kube-policy-bot check`: the imperative shell around the verdict. It reads the files and the
 * policies, hands plain data to `decideVerdict` (the same function the app uses), and turns the
 * verdict into output and an exit status. Every failure mode ends in a message and a non-zero status, never in a pass.
 */
import { readFile, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { unifiedDiff } from "../fix/diff.js";
import { fixedFile, fixFiles } from "../fix/files.js";
import { loadManifestFile } from "../manifests/load.js";
import { diskFileSystem, type RenderFileSystem } from "../render/kustomize/index.js";
import { isKustomizationFile, renderKustomizeRoots } from "../render/kustomize-roots.js";
import type { LoadedFile } from "../manifests/types.js";
import { unknownPolicyErrors } from "../exceptions/document.js";
import type { PolicyException } from "../exceptions/model.js";
import { loadPolicies, type PolicySource } from "../config/policy-files.js";
import { defaultPolicySources, readPolicySources } from "../policy/shipped.js";
import type { Policy } from "../policy/types.js";
import { formatJson } from "../report/json.js";
import { formatSarif } from "../report/sarif.js";
import { formatText } from "../report/text.js";
import { classify, decideVerdict, type Verdict, type VerdictInput } from "../verdict/verdict.js";
import type { CheckRequest } from "./args.js";
import { discoverManifestFiles, MANIFEST_EXTENSIONS } from "./discover.js";
import { BaselineError, readGitBaseline, type GitBaseline } from "./git-baseline.js";
import { describeFsError } from "./fs-error.js";
import type { CliIo } from "./io.js";
import { packageInfo } from "./package-info.js";

export const EXIT_OK = 0;
/** A deny finding or broken input: the change must not merge. */
export const EXIT_BLOCKED = 1;
/** The tool was used wrongly or its policies are broken: nothing trustworthy was checked. */
export const EXIT_USAGE = 2;

export class UsageError extends Error {}

async function readManifest(file: string, cwd: string): Promise<{ loaded: LoadedFile; content?: Buffer }> {
  let content: Buffer;
  try {
    content = await readFile(path.resolve(cwd, file));
  } catch (error) {
    // One unreadable file must not hide the findings in the others; it still blocks the run.
    return {
      loaded: { file, manifests: [], errors: [{ file, line: 1, column: 1, message: `cannot read file: ${describeFsError(error)}` }] },
    };
  }
  return { loaded: loadManifestFile(file, content), content };
}

/**
 * Kustomization directories among the files are rendered and their roots judged as what they
 * deploy; every other file that no kustomization reads is judged as a manifest of its own. Kustomize
 * inputs (patches, components, generator sources) are never judged standalone. `contents` receives
 * the bytes of the files judged on their own (the only ones `--fix` edits).
 */
async function readAndRender(
  fs: RenderFileSystem,
  discovered: readonly string[],
  cwd: string,
  read: (file: string) => Promise<{ loaded: LoadedFile; content?: Buffer | Uint8Array }>,
  options: { contents?: Map<string, Buffer>; rootGlobs?: readonly string[] | undefined; fixes?: boolean } = {},
): Promise<LoadedFile[]> {
  const top = fileSystemRoot(cwd);
  const toRenderPath = (file: string): string => renderPathOf(cwd, file);
  const show = (renderPath: string): string => path.relative(cwd, path.join(top, renderPath)) || ".";
  const renderPaths = discovered.map(toRenderPath);
  const { contents, rootGlobs, fixes = false } = options;
  const kustomize = renderKustomizeRoots(fs, renderPaths, { show, fixes, ...(rootGlobs ? { rootGlobs } : {}) });
  const files: LoadedFile[] = [];
  for (const [index, file] of discovered.entries()) {
    const renderPath = renderPaths[index] as string;
    if (kustomize.inputs.has(renderPath) || isKustomizationFile(renderPath)) continue;
    const { loaded, content } = await read(file);
    files.push(loaded);
    if (contents && content) contents.set(file, Buffer.from(content));
  }
  return [...files, ...kustomize.files];
}

/**
 * Repository paths for the renderer are relative to the file system's root, so a base beside the
 * given directory (`../base`) is reachable; findings show paths relative to the working directory.
 */
function renderPathOf(cwd: string, file: string): string {
  return path.relative(fileSystemRoot(cwd), path.resolve(cwd, file)).split(path.sep).join("/");
}

function fileSystemRoot(cwd: string): string {
  return path.parse(path.resolve(cwd)).root;
}

/** `--policies` paths as the user wrote them when they can be (for readable messages), else resolved. */
function policyPathForFs(given: string, cwd: string): string {
  return path.resolve(cwd) === process.cwd() ? given : path.resolve(cwd, given);
}

async function readPolicySet(request: CheckRequest, cwd: string): Promise<PolicySource[]> {
  if (request.policies.length === 0) return defaultPolicySources();
  const paths = request.policies.map((given) => policyPathForFs(given, cwd));
  for (const [index, given] of request.policies.entries()) {
    try {
      await stat(paths[index] as string);
    } catch {
      throw new UsageError(`--policies ${JSON.stringify(given)}: no such file or directory`);
    }
  }
  return readPolicySources(paths);
}

function render(result: Verdict, request: CheckRequest, io: CliIo): string {
  switch (request.format) {
    case "json":
      return formatJson(result);
    case "sarif": {
      const info = packageInfo();
      return formatSarif(result, {
        tool: { name: info.name, version: info.version, informationUri: info.informationUri },
        baseDir: io.cwd,
      });
    }
    case "text":
      return formatText(result, { color: wantsColor(io) });
  }
}

/** https://no-color.org: colour only for a terminal, and never when NO_COLOR is set to a non-empty value. */
export function wantsColor(io: CliIo): boolean {
  const noColor = io.env?.["NO_COLOR"];
  return io.stdout.isTTY === true && (noColor === undefined || noColor === "");
}

export async function checkCommand(request: CheckRequest, io: CliIo): Promise<number> {
  const discovery = await discoverManifestFiles(request.paths, io.cwd);
  if (discovery.missing.length > 0) {
    throw new UsageError(discovery.missing.map((given) => `${JSON.stringify(given)}: no such file or directory`).join("\n"));
  }

  let sources: PolicySource[];
  try {
    sources = await readPolicySet(request, io.cwd);
  } catch (error) {
    if (error instanceof UsageError) throw error;
    io.stderr.write(`kube-policy-bot: error: cannot read policies: ${describeFsError(error)}\n`);
    return EXIT_USAGE;
  }
  const loaded = loadPolicies(sources);
  // Valid documents that do nothing here (a ValidatingAdmissionPolicy no binding binds, AdmissionConfiguration
  // usernames): said, never silently dropped.
  for (const notice of loaded.notices) io.stderr.write(`${notice.file}:${notice.line}:${notice.column}: notice: ${notice.message}\n`);
  // An exception naming a policy that is not loaded would silently do nothing: a policy error.
  const policyErrors = [
    ...loaded.errors,
    ...unknownPolicyErrors(
      loaded.exceptions,
      loaded.policies.map((policy) => policy.name),
    ),
  ];
  if (policyErrors.length > 0) {
    for (const error of policyErrors)
      io.stderr.write(
        `${error.file}:${error.line}:${error.column}: error: ${error.message}${error.code !== undefined ? ` [${error.code}]` : ""}\n`,
      );
    io.stderr.write(`kube-policy-bot: ${policyErrors.length} policy error(s); no manifests were checked\n`);
    return EXIT_USAGE;
  }
  const policies: Policy[] = loaded.policies;
  if (policies.length === 0) {
    // Checking against nothing would pass everything: treat an empty policy set as a broken one.
    io.stderr.write(`kube-policy-bot: error: no policies found in ${request.policies.map((p) => JSON.stringify(p)).join(", ")}\n`);
    return EXIT_USAGE;
  }

  if (discovery.files.length === 0 && discovery.errors.length === 0) {
    io.stderr.write(
      `kube-policy-bot: warning: no ${MANIFEST_EXTENSIONS.join(", ")} files found in ${request.paths.map((p) => JSON.stringify(p)).join(", ")}\n`,
    );
  }

  // The text of every file read as a manifest of its own: what `--fix` edits.
  const contents = new Map<string, Buffer>();
  const files = await readAndRender(diskFileSystem(fileSystemRoot(io.cwd)), discovery.files, io.cwd, (file) => readManifest(file, io.cwd), {
    contents,
    rootGlobs: request.kustomizeRoots,
    // Rendered objects get fix hooks only when something uses them: `--fix`, or the JSON output's fix fields.
    fixes: request.fix !== "none" || request.format === "json",
  });
  let baseline: LoadedFile[] | undefined;
  if (request.base !== undefined) {
    let base: GitBaseline;
    try {
      base = await readGitBaseline(request.base, request.paths, io.cwd);
    } catch (error) {
      if (error instanceof BaselineError) throw new UsageError(error.message);
      throw error;
    }
    // The base is read and rendered exactly like the work tree, from its files at REF.
    const read = async (file: string) => ({ loaded: loadManifestFile(file, base.contentOf(file) ?? new Uint8Array()) });
    // Nothing at the base is fixed: its rendered objects need no fix hooks.
    baseline = await readAndRender(base.fileSystem, base.files, io.cwd, read, { rootGlobs: request.kustomizeRoots });
  }
  // Directories that could not be listed are not files the engine saw, but they block all the same.
  const input: VerdictInput = {
    files,
    ...(baseline ? { baseline } : {}),
    policies,
    exceptionDocuments: loaded.exceptions,
    inputErrors: discovery.errors,
    ...(request.notEvaluated ? { notEvaluated: { action: request.notEvaluated, source: "--not-evaluated" } } : {}),
    now: io.now?.() ?? new Date(),
  };
  let verdict = decideVerdict(input);
  reportExpired(verdict.exceptions.expiredDocuments, io);

  if (request.fix !== "none") {
    const fixed = await applyFixes(verdict, contents, request, io);
    if (fixed.size > 0) {
      // Judged again as the files now read (with --dry-run, as they would): a fixed patch or base is rendered again.
      const disk = diskFileSystem(fileSystemRoot(io.cwd));
      const byRenderPath = new Map([...fixed].map(([file, text]) => [renderPathOf(io.cwd, file), text]));
      const fixedFs: RenderFileSystem = {
        contentOf: (p) => byRenderPath.get(p) ?? disk.contentOf(p),
        isDirectory: (p) => disk.isDirectory(p),
      };
      const readFixed = async (file: string) => {
        const text = fixed.get(file);
        return text === undefined ? readManifest(file, io.cwd) : { loaded: loadManifestFile(file, text) };
      };
      verdict = decideVerdict({
        ...input,
        files: await readAndRender(fixedFs, discovery.files, io.cwd, readFixed, { rootGlobs: request.kustomizeRoots }),
      });
    }
  }

  io.stdout.write(render(verdict, request, io));
  return verdict.conclusion === "block" ? EXIT_BLOCKED : EXIT_OK;
}

/**
 * `--fix`: the rules' fixes of the selected findings (what blocks; with `--fix-warnings`, warnings
 * too) applied to the files' text and written in place, or with `--dry-run` printed as a unified diff.
 * What was fixed and what could not be goes to stderr. Returns the new text of every changed file,
 * for the check that follows.
 */
async function applyFixes(
  verdict: Verdict,
  contents: ReadonlyMap<string, Buffer>,
  request: CheckRequest,
  io: CliIo,
): Promise<Map<string, string>> {
  const selected = verdict.findings.filter((finding) => {
    const kind = classify(finding);
    return kind === "blocking" || (request.fix === "warnings" && kind === "warning");
  });
  const texts = new Map<string, string>();
  for (const finding of selected) {
    if (!finding.fix) continue;
    const file = fixedFile(finding);
    if (texts.has(file)) continue;
    // A manifest judged on its own was read already; a Kustomize patch or base a fix goes into is read now.
    const content =
      contents.get(file) ??
      (finding.fix.file !== undefined ? await readFile(path.resolve(io.cwd, file)).catch(() => undefined) : undefined);
    // A file that is not UTF-8 never gets this far: it does not parse, so it has no findings.
    if (content) texts.set(file, content.toString("utf8"));
  }
  const outcome = fixFiles(texts, selected);
  for (const [file, text] of outcome.texts) {
    if (request.dryRun) io.stdout.write(unifiedDiff(file, texts.get(file) as string, text));
    else await writeFile(path.resolve(io.cwd, file), text);
  }
  const flaggedOnly = selected.filter((finding) => !finding.fix);
  const verb = request.dryRun ? "would fix" : "fixed";
  io.stderr.write(
    `kube-policy-bot: ${verb} ${outcome.applied.length + outcome.unchanged.length} finding(s) in ${outcome.texts.size} file(s); ` +
      `${flaggedOnly.length} finding(s) have no automatic fix, ${outcome.refused.length} fix(es) could not be applied safely\n`,
  );
  for (const { item, reason } of outcome.refused) {
    io.stderr.write(`${item.file}:${item.line}:${item.column}: fix not applied: ${item.policy}/${item.rule}: ${reason}\n`);
  }
  // A rule with a fix whose value comes from a place no fix may edit (Kustomize): say where and why.
  for (const item of flaggedOnly) {
    if (item.fixUnavailable)
      io.stderr.write(`${item.file}:${item.line}:${item.column}: no automatic fix: ${item.policy}/${item.rule}: ${item.fixUnavailable}\n`);
  }
  return outcome.texts;
}

/** An expired exception is not applied; say so, or its findings blocking again would be a surprise. */
function reportExpired(expired: readonly PolicyException[], io: CliIo): void {
  for (const exception of expired) {
    if (exception.source.kind !== "document") continue;
    io.stderr.write(
      `${exception.source.file}:${exception.source.line}:1: warning: PolicyException "${exception.id}" expired at ${exception.expires.toISOString()} and is not applied\n`,
    );
  }
}
