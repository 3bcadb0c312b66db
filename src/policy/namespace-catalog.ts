/**
 * The Namespace objects a check knows about, by name: those among the files being judged (a
 * Kustomize render usually includes its namespace; in a pull request, the changed files at its head),
 * then Namespace manifests found elsewhere in the repository. What the pull request itself says wins:
 * it is what the cluster will have once the change is applied.
 *
 * Two definitions of one namespace that disagree on its labels are a problem the cluster would
 * resolve by whichever is applied last; the first one is used (judged files first, then by path) and
 * the disagreement is reported, blocking, when the namespace matters to the check.
 */
import type { InputError, JsonObject, Manifest } from "../manifests/types.js";
import { isObject } from "../manifests/json.js";
import { labelsOf } from "./object-labels.js";

export interface NamespaceRecord {
  name: string;
  object: JsonObject;
  labels: Readonly<Record<string, string>>;
  /** The manifest it was read from: its file and positions (for findings on its labels). */
  manifest: Manifest;
  /** Among the files being judged (the pull request), rather than found elsewhere in the repository. */
  judged: boolean;
}

export interface NamespaceCatalog {
  byName: ReadonlyMap<string, NamespaceRecord>;
  /** Disagreeing duplicate definitions, by namespace name, each at the later definition's line. */
  conflicts: ReadonlyMap<string, InputError[]>;
}

/** A core `v1` Namespace with a string name. */
export function namespaceName(object: JsonObject): string | undefined {
  if (object["kind"] !== "Namespace" || object["apiVersion"] !== "v1") return undefined;
  const metadata = object["metadata"];
  const name = isObject(metadata) ? metadata["name"] : undefined;
  return typeof name === "string" && name !== "" ? name : undefined;
}

export function buildNamespaceCatalog(judged: readonly Manifest[], repository: readonly Manifest[] = []): NamespaceCatalog {
  const byName = new Map<string, NamespaceRecord>();
  const conflicts = new Map<string, InputError[]>();
  const judgedFiles = new Set(judged.map((manifest) => manifest.file));
  const sortedRepository = [...repository]
    .filter((manifest) => !judgedFiles.has(manifest.file))
    .sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  const add = (manifest: Manifest, isJudged: boolean): void => {
    const name = namespaceName(manifest.object);
    if (name === undefined) return;
    const metadata = manifest.object["metadata"] as JsonObject;
    const record: NamespaceRecord = { name, object: manifest.object, labels: labelsOf(metadata), manifest, judged: isJudged };
    const previous = byName.get(name);
    if (!previous) {
      byName.set(name, record);
      return;
    }
    // A repository copy of a namespace the pull request defines is the old state: the PR's wins.
    if (previous.judged && !isJudged) return;
    if (sameLabels(previous.labels, record.labels)) return;
    const at = manifest.locate(["metadata", "labels"]);
    const first = previous.manifest.locate(["metadata", "labels"]);
    const list = conflicts.get(name) ?? [];
    list.push({
      file: manifest.file,
      line: at.line,
      column: at.column,
      message: `Namespace ${name} is also defined at ${previous.manifest.file}:${first.line} with different labels; the cluster keeps whichever is applied last, so its Pod Security level is ambiguous. Define it once.`,
    });
    conflicts.set(name, list);
  };
  for (const manifest of judged) add(manifest, true);
  for (const manifest of sortedRepository) add(manifest, false);
  return { byName, conflicts };
}

function sameLabels(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => a[key] === b[key]);
}
