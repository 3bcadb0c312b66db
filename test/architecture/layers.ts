/**
 * Which code may depend on which: the one-way flow the README's "How it is built" describes,
 * enforced by `dependencies.test.ts` over the import graph (type-only imports included: a type
 * dependency couples two folders as much as a value one).
 *
 * UNITS names every part of the tree by path prefix (the longest prefix wins, so a file can be a
 * unit of its own inside a folder). LAYERS orders the units, highest first: a module may import from
 * its own unit and from units in LOWER layers, never from a higher layer, never from another unit of
 * its own layer. RESTRICTED further limits who may import a unit at all.
 *
 * To add a folder: give it a unit (e.g. `kustomize: ["src/render/kustomize/"]`) and put the unit in
 * the layer it belongs to, or in a new layer between two existing ones. A subfolder of a unit (e.g.
 * `src/policy/kyverno/`) already belongs to it and needs no entry. A file under src/, emulator/ or
 * scripts/ that no unit covers fails the test, so nothing escapes the table.
 */
export const UNITS: Readonly<Record<string, readonly string[]>> = {
  // Entry points: the Probot server, the CLI, the scripts (bench, demo).
  server: ["src/server.ts", "src/server/"],
  cli: ["src/cli.ts", "src/cli/"],
  scripts: ["scripts/"],
  // The GitHub emulator and the harness that runs the real app against it: the demo (and the e2e tests).
  emulator: ["emulator/"],
  // The GitHub App: event routing and the process-wide machinery (job runner, head tracker).
  app: ["src/app.ts", "src/app/"],
  // The shared work queue and cross-replica lock on Redis (REDIS_URL): wired by the server.
  queue: ["src/queue/"],
  // One check of a pull request or merge group: read (GitHub -> snapshot), decide (pure), write.
  pipeline: ["src/pipeline/"],
  // The GitHub port and its Octokit implementation: only the read and write steps use it (RESTRICTED).
  github: ["src/github/"],
  // Output formats of a verdict: check run, text, JSON, SARIF.
  report: ["src/report/"],
  // The one pure verdict function shared by the CLI and the app.
  verdict: ["src/verdict/"],
  // Our own documents: org/repo config, policy files, and resolving them into the rules in force.
  config: ["src/config/"],
  exceptions: ["src/exceptions/"],
  policy: ["src/policy/"],
  // The reader of our own YAML documents (fields, types, choices; one error type with codes).
  documents: ["src/documents/"],
  // Rendering what GitOps deploys (Kustomize) into manifests whose fields know their source line.
  render: ["src/render/"],
  // Fixes: the edit model rules produce, and the engine that writes edits into a file's text.
  fix: ["src/fix/"],
  // The pull request review of suggested changes (planned in decide, posted in write).
  suggestions: ["src/suggestions/"],
  manifests: ["src/manifests/"],
  // Plain data shapes of GitHub (no calls): usable anywhere above.
  "github-model": ["src/github/model.ts"],
  // Text helpers every layer may use (Markdown escaping, did-you-mean).
  text: ["src/text/"],
};

export const LAYERS: readonly (readonly string[])[] = [
  ["server", "cli", "scripts"],
  ["emulator"],
  ["app", "queue"],
  ["pipeline"],
  ["github"],
  ["report", "suggestions"],
  ["verdict"],
  ["config"],
  ["exceptions"],
  ["policy", "render"],
  ["documents", "fix"],
  ["manifests"],
  ["github-model", "text"],
];

/**
 * Units only some paths may import (path prefixes), whatever the layers allow: the GitHub port is
 * used by the pipeline's read and write steps, handed to them by the orchestrators (run.ts,
 * void-notice.ts) and wired up by the app. Never by decide/, the verdict, or anything pure.
 */
export const RESTRICTED: Readonly<Record<string, readonly string[]>> = {
  github: [
    "src/pipeline/read/",
    "src/pipeline/write/",
    "src/pipeline/run.ts",
    "src/pipeline/void-notice.ts",
    "src/app.ts",
    "src/app/",
    "src/server.ts",
    "scripts/",
  ],
};

/** Where the GitHub port's methods may be called: the read and write steps only. */
export const GITHUB_CALLERS: readonly string[] = ["src/pipeline/read/", "src/pipeline/write/", "src/github/"];
