/**
 * Changed files that are not plain text files, and how each is judged. The pull request file list
 * says none of this (no mode, no size), so it is found out from what GitHub does give:
 *
 * | what                          | how it is recognised                                   | verdict |
 * |-------------------------------|--------------------------------------------------------|---------|
 * | larger than the size limit    | the blob response is refused past its byte limit, or   | blocks: error on line 1 |
 * |                               | the loader's `maxBytes` (5 MiB)                        |         |
 * | binary                        | a NUL byte (the loader)                                 | blocks: error at the byte |
 * | symbolic link to a file       | a one-line blob that is no manifest, and the Contents  | the target is checked in its place, noted in the summary |
 * |                               | API follows the path to another file                   |         |
 * | symbolic link elsewhere       | the Contents API answers `type: symlink`               | blocks: error on the link |
 * | git submodule                 | its "blob" SHA is a commit: the blob read gives 404 or | blocks: error on the path |
 * |                               | 422, and the Contents API answers `type: submodule`    |         |
 *
 * Why block rather than skip: what a link or a submodule at a manifest path deploys is exactly what
 * would escape the check if it were skipped. A symbolic link to a file of the repository is followed,
 * as kubectl, kustomize and Argo CD follow it, and the target's findings land on the target's lines.
 */
import type { ChangedFile, GitHubGateway, PathDescription, RepoRef } from "../../github/gateway.js";

/** git stores a symbolic link as a blob holding the target path, without a newline. */
const MAX_LINK_TARGET = 4096;

export function mayBeSymlinkBlob(content: Uint8Array): boolean {
  return content.byteLength > 0 && content.byteLength <= MAX_LINK_TARGET && !content.includes(10) && !content.includes(0);
}

export type LinkResolution =
  /** Not a link after all (or GitHub cannot say): judge the file as it is. */
  | { kind: "regular" }
  /** A link GitHub followed to a file of the repository: judge that file instead. */
  | { kind: "followed"; target: ChangedFile; note: string }
  /** A link that leads nowhere checkable: an error on the link. */
  | { kind: "unfollowable"; message: string };

export async function resolveLink(
  gateway: GitHubGateway,
  repo: RepoRef,
  file: ChangedFile,
  ref: string,
  linkText: string,
): Promise<LinkResolution> {
  if (!gateway.describePath) return { kind: "regular" };
  const described = await gateway.describePath(repo, file.filename, ref);
  if (!described) return { kind: "regular" };
  if (described.type === "file") {
    if (described.path === file.filename) return { kind: "regular" };
    return {
      kind: "followed",
      target: { filename: described.path, status: "modified", sha: described.sha },
      note: `\`${code(file.filename)}\` is a symbolic link to \`${code(described.path)}\`: \`${code(described.path)}\` was checked in its place (its findings are reported on its own lines).`,
    };
  }
  if (described.type === "symlink" || described.type === "dir") {
    const target = described.target ?? linkText;
    return {
      kind: "unfollowable",
      message: `this file is a symbolic link to ${JSON.stringify(target.slice(0, 200))}, which is not a file of this repository (it points outside it, or to a directory): what it deploys cannot be checked, so the change is not passed. Commit the manifest itself instead of a link.`,
    };
  }
  return { kind: "unfollowable", message: submoduleMessage(described) };
}

/**
 * A blob read that GitHub answers 404/422 for: a submodule (its SHA is a commit of another repository),
 * or an object GitHub will not serve. Either way the content cannot be checked.
 */
export async function missingBlobMessage(
  gateway: GitHubGateway,
  repo: RepoRef,
  file: ChangedFile,
  ref: string | undefined,
  status: number,
): Promise<string> {
  if (ref && gateway.describePath) {
    const described = await gateway.describePath(repo, file.filename, ref).catch(() => undefined);
    if (described?.type === "submodule") return submoduleMessage(described);
  }
  return `GitHub could not provide this file's content (HTTP ${status}); a submodule or a file GitHub cannot serve cannot be checked, so the change is not passed`;
}

export function tooLargeMessage(limitBytes: number, detail: string): string {
  return `the file is too large to check (${detail}; manifests are checked up to ${limitBytes} bytes): it was not read, so the change is not passed. Split it into smaller files.`;
}

function submoduleMessage(described: PathDescription): string {
  const from = described.target ? ` of ${described.target}` : "";
  return `this path is a git submodule (commit ${described.sha.slice(0, 12)}${from}): the manifests it brings in live in another repository and are not checked here, so the change is not passed. Check that repository on its own, or have the organisation's config exclude this path.`;
}

function code(text: string): string {
  return text.replace(/`/g, "");
}
